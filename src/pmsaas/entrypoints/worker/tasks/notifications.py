"""Outbound messages: one attempt per job; the use cases enqueue the next attempt (backoff) themselves."""

from __future__ import annotations

from typing import Any

import structlog

from pmsaas.container import decode_email
from pmsaas.domain.notifications import delivery

log = structlog.get_logger("pmsaas.messaging")


async def send_email(ctx: dict[str, Any], *, message: dict[str, Any], key: str, attempt: int = 1) -> str:
    c = ctx["container"]
    step = await delivery.send_email(
        sender=c.mail_transport(),
        jobs=c.job_queue(),
        clock=c.clock(),
        message=decode_email(message),
        key=key,
        payload=message,
        attempt=attempt,
    )
    _log(step, job="send_email", key=key)
    return step.status


async def deliver_message(ctx: dict[str, Any], *, attempt: int = 1, **arguments: Any) -> str:
    c = ctx["container"]
    message = delivery.Outbound.from_job(arguments)
    step = await delivery.deliver_message(
        uow=c.system_uow(),
        clock=c.clock(),
        box=c.secret_box(),
        provider=c.message_provider(),
        jobs=c.job_queue(),
        message=message,
        attempt=attempt,
    )
    _log(step, job="deliver_message", key=message.key)
    return step.status


def _log(step: delivery.Step, *, job: str, key: str) -> None:
    if step.status == "sent":
        log.info("delivery.sent", job=job, key=key, attempt=step.attempt)
    else:  # the detail is the provider's words, never the message or a credential
        log.warning(
            f"delivery.{step.status}",
            job=job,
            key=key,
            attempt=step.attempt,
            detail=step.detail,
            next_at=step.next_at.isoformat() if step.next_at else None,
        )

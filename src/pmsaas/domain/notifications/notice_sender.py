"""Sends the event notices' queued deliveries (``notice_delivery.py``): e-mail through the mail
transport, real-time messages through the event publisher (the recipient's open streams).

``deliver`` is the first attempt of a relayed batch's rows, right after its commit; ``deliver_due``
is the ``deliver_notices`` job, which sends what a killed worker left and what is due again. The
use cases that queue their own mail (``NoticeDelivery.mail``) make its first attempt through a
``FirstAttempt`` after their commit: this sender's ``deliver``, or a ``deliver_notices`` job naming
the rows (the container chooses, as it chooses for the mailer)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from uuid import UUID

from pmsaas.domain.notifications.delivery import after_failure
from pmsaas.domain.notifications.notice_delivery import (
    EMAIL,
    FAILED,
    LEASE,
    PENDING,
    REALTIME,
    SENT,
    Attachments,
    NoticeDelivery,
    Outcome,
)
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, EmailSender, EventPublisher, MessageNotSent

BATCH = 100  # rows per sweep
FirstAttempt = Callable[[list[UUID]], Awaitable[None]]  # after a commit that queued these rows


class NoticeSender:
    def __init__(
        self,
        *,
        uow_factory: Callable[[], NotificationsUnitOfWork],
        mailer: EmailSender,
        publisher: EventPublisher,
        clock: Clock,
        attachments: Attachments | None = None,
        concurrency: int = 8,
    ) -> None:
        self._attachments = attachments
        self._uow = uow_factory
        self._mailer = mailer
        self._publisher = publisher
        self._clock = clock
        self._concurrency = concurrency

    async def deliver(self, ids: Sequence[UUID]) -> int:
        """The first attempt of these rows (those still pending and due); how many were attempted."""
        return await self._round(ids=list(ids), limit=len(ids)) if ids else 0

    async def deliver_due(self, *, limit: int = BATCH) -> int:
        """One sweep: every organization's due rows, up to ``limit``; how many were attempted."""
        return await self._round(ids=None, limit=limit)

    async def _round(self, *, ids: list[UUID] | None, limit: int) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            claimed = await uow.notice_deliveries.claim_due(now=now, lease_until=now + LEASE, limit=limit, ids=ids)
            await uow.commit()
        if not claimed:
            return 0
        gate = asyncio.Semaphore(self._concurrency)

        async def one(d: NoticeDelivery) -> Outcome:
            async with gate:
                return await self._attempt(d)

        outcomes = list(await asyncio.gather(*(one(d) for d in claimed)))
        async with self._uow() as uow:
            await uow.notice_deliveries.record(outcomes, at=self._clock.now())
            await uow.commit()
        return len(outcomes)

    async def _attempt(self, d: NoticeDelivery) -> Outcome:
        try:
            await self._send(d)
        except MessageNotSent as refused:
            return self._failed(d, refused.detail, retryable=refused.retryable)
        except Exception as exc:  # a broken transport or publisher: this row retries, the others go on
            return self._failed(d, type(exc).__name__, retryable=True)
        return Outcome(d, SENT)

    def _failed(self, d: NoticeDelivery, detail: str, *, retryable: bool) -> Outcome:
        step = after_failure(self._clock, d.attempts, detail, retryable=retryable)
        return Outcome(d, PENDING if step.status == "retry" else FAILED, step.detail[:300], step.next_at)

    async def _send(self, d: NoticeDelivery) -> None:
        p = d.payload
        if d.channel == EMAIL:
            attached: tuple[EmailAttachment, ...] = ()
            if isinstance(p.get("attachment"), dict):  # rendered now: the row names it, never holds it
                if self._attachments is None:
                    raise MessageNotSent("no attachment renderer", retryable=False)
                attached = (await self._attachments.render(d.organization_id, p["attachment"]),)
            message = EmailMessage(str(p["to"]), str(p["subject"]), str(p["body"]), attachments=attached)
            await self._mailer.send_once(message, str(p.get("key") or f"event:{d.event_id}:{d.user_id}"))
        elif d.channel == REALTIME:
            data = {k: v for k, v in p.items() if k != "occurred_at"}
            occurred = datetime.fromisoformat(str(p["occurred_at"]))
            await self._publisher.publish(
                DomainEvent("notification.created", d.organization_id, occurred, data, id=d.id)
            )
        else:
            raise MessageNotSent(f"unknown channel {d.channel!r}", retryable=False)

"""Webhook delivery: the relay's fan-out, the delivery sweep, and the manual attempts.

* ``WebhookFanOut`` is an outbox subscriber: inside the relay's transaction it creates one message
  per (event, subscribed active webhook), so an event is marked relayed only with its messages.
* ``deliver_due_webhooks`` claims due messages in a short transaction (each counts an attempt and is
  leased for ``LEASE``), sends them with no transaction open (the HTTP call may take the whole
  timeout), then records every attempt in a second short transaction. A worker killed between the
  two leaves the message to come due again when the lease ends: delivered at least once, under the
  same ``webhook-id`` (the event id), by which receivers deduplicate.
* ``ping_webhook`` and ``redeliver`` make one attempt now and answer with it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from uuid import UUID

from pmsaas.domain.notifications import signing
from pmsaas.domain.notifications.messages import (
    AttemptResult,
    SendOutcome,
    WebhookMessage,
    record_attempt,
)
from pmsaas.domain.notifications.model import WEBHOOK_EVENTS, WebhookDelivery
from pmsaas.domain.notifications.ports import DueMessage, NotificationsUnitOfWork, WebhookSender
from pmsaas.domain.notifications.webhooks import new_signing_secret
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import FollowUp, OutboxSubscriber, SecretBox, UnitOfWork

LEASE = timedelta(seconds=60)  # longer than one attempt can take (the timeout), with room to spare
ROTATION_OVERLAP = timedelta(hours=24)  # the replaced secret keeps signing this long


class WebhookFanOut(OutboxSubscriber):
    async def receive(self, events: Sequence[DomainEvent], uow: UnitOfWork, now: datetime) -> Sequence[FollowUp]:
        if not isinstance(uow, NotificationsUnitOfWork):
            raise TypeError("webhook fan-out needs the notifications unit of work")
        wanted = [e for e in events if e.name in WEBHOOK_EVENTS]
        if not wanted:
            return ()
        hooks = await uow.webhook_messages.subscribed({e.organization_id for e in wanted})
        messages = [
            WebhookMessage.for_event(hook, event, now)
            for event in wanted
            for hook in hooks
            if hook.organization_id == event.organization_id and event.name in hook.events
        ]
        if messages:
            await uow.webhook_messages.add_new(messages)
        return ()  # the delivery sweep finds the messages; nothing to do after the commit


def _secrets(due: DueMessage, box: SecretBox, now: datetime) -> list[str]:
    hook = due.webhook
    secrets = [box.open(hook.secret_sealed)]
    expires = hook.previous_secret_expires_at
    if hook.previous_secret_sealed and expires is not None and expires > now:
        secrets.append(box.open(hook.previous_secret_sealed))
    return secrets


async def _send(due: DueMessage, sender: WebhookSender, box: SecretBox, clock: Clock) -> tuple[SendOutcome, datetime]:
    now = clock.now()
    body = json.dumps(due.message.payload, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        secrets = _secrets(due, box, now)
    except ValueError:
        # A secret sealed under another data key (PMSAAS_DATA_KEY changed): this endpoint's attempt
        # fails and is recorded (retried, then the endpoint disabled), the sweep goes on for the others.
        return SendOutcome(None, "the signing secret cannot be opened with this server's data key", 0), now
    headers = signing.headers(secrets, str(due.message.event_id), int(now.timestamp()), body)
    headers["content-type"] = "application/json"
    return await sender.send(due.webhook.url, body, headers), now


async def _attempt_all(
    due: list[DueMessage], sender: WebhookSender, box: SecretBox, clock: Clock, concurrency: int
) -> list[tuple[WebhookMessage, AttemptResult]]:
    gate = asyncio.Semaphore(concurrency)

    async def one(d: DueMessage) -> tuple[WebhookMessage, AttemptResult]:
        async with gate:
            outcome, at = await _send(d, sender, box, clock)
        return d.message, record_attempt(d.message, outcome, at)

    return list(await asyncio.gather(*(one(d) for d in due)))


async def deliver_due_webhooks(
    *,
    uow_factory: Callable[[], NotificationsUnitOfWork],
    sender: WebhookSender,
    box: SecretBox,
    clock: Clock,
    limit: int = 100,
    concurrency: int = 16,
    organization_id: UUID | None = None,
) -> int:
    """One sweep: attempt up to ``limit`` due messages (every organization's, or one's), ``concurrency``
    at a time; how many were attempted."""
    now = clock.now()
    async with uow_factory() as uow:
        due = await uow.webhook_messages.claim_due(
            now=now, lease_until=now + LEASE, limit=limit, organization_id=organization_id
        )
        await uow.commit()
    if not due:
        return 0
    results = await _attempt_all(due, sender, box, clock, concurrency)
    async with uow_factory() as uow:
        await uow.webhook_messages.record(results)
        await uow.commit()
    return len(results)


async def _attempt_now(
    *,
    uow_factory: Callable[[], NotificationsUnitOfWork],
    sender: WebhookSender,
    box: SecretBox,
    clock: Clock,
    organization_id: UUID,
    message_id: UUID,
) -> WebhookDelivery:
    async with uow_factory() as uow:
        due = await uow.webhook_messages.claim(organization_id, message_id, lease_until=clock.now() + LEASE)
        await uow.commit()
    results = await _attempt_all([due], sender, box, clock, 1)
    async with uow_factory() as uow:
        await uow.webhook_messages.record(results)
        await uow.commit()
    return results[0][1].delivery


async def ping_webhook(
    *,
    uow_factory: Callable[[], NotificationsUnitOfWork],
    sender: WebhookSender,
    box: SecretBox,
    clock: Clock,
    actor: Actor,
    webhook_id: UUID,
) -> WebhookDelivery:
    """Send a signed ``webhook.ping`` now (tried once, even to a disabled webhook); the attempt."""
    actor.require("webhook:update")
    async with uow_factory() as uow:
        webhook = await uow.webhooks.get(actor.org, webhook_id)
        message = WebhookMessage.ping(webhook, clock.now())
        await uow.webhook_messages.add_new([message])
        await uow.commit()
    return await _attempt_now(
        uow_factory=uow_factory, sender=sender, box=box, clock=clock, organization_id=actor.org, message_id=message.id
    )


async def redeliver(
    *,
    uow_factory: Callable[[], NotificationsUnitOfWork],
    sender: WebhookSender,
    box: SecretBox,
    clock: Clock,
    actor: Actor,
    webhook_id: UUID,
    delivery_id: UUID,
) -> WebhookDelivery:
    """Attempt the message of a logged attempt again, now (a delivered one too: receivers dedupe)."""
    actor.require("webhook:update")
    async with uow_factory() as uow:
        logged = await uow.webhook_messages.attempt(actor.org, webhook_id, delivery_id)
        await uow.commit()
    if logged.message_id is None:  # an attempt logged before messages existed: nothing to resend
        raise NotFound("webhook delivery", delivery_id)
    return await _attempt_now(
        uow_factory=uow_factory,
        sender=sender,
        box=box,
        clock=clock,
        organization_id=actor.org,
        message_id=logged.message_id,
    )


async def rotate_secret(
    *, uow: NotificationsUnitOfWork, box: SecretBox, clock: Clock, actor: Actor, webhook_id: UUID
) -> str:
    """A new ``whsec_`` secret, returned once; the one it replaces keeps signing for a day, so a
    receiver can switch without missing a delivery (Standard Webhooks, signature rotation)."""
    actor.require("webhook:update")
    now = clock.now()
    secret = new_signing_secret()
    async with uow:
        webhook = await uow.webhooks.get(actor.org, webhook_id)
        webhook.previous_secret_sealed = webhook.secret_sealed
        webhook.previous_secret_expires_at = now + ROTATION_OVERLAP
        webhook.secret_sealed = box.seal(secret)
        webhook.updated_at = now
        await uow.webhooks.update(webhook)
        await uow.commit()
    return secret

"""Webhook messages: one event to deliver to one webhook, and the rules of its retries.

The retry schedule is Standard Webhooks' example (spec, "Deliverability and reliability"): after the
first attempt, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h, ten attempts over about
three days and three hours, each delay stretched by up to 10 % of jitter so that endpoints failing
together are not retried together. The jitter comes from the message id: the same message always
gets the same schedule, which keeps the rules pure (tests drive them with a fixed clock).

A 2xx answer delivers; anything else fails the attempt (redirects are not followed: the spec
advises updating the URL). ``410 Gone`` means the receiver wants no more: the message fails and
the webhook is disabled at once. When the last retry fails the webhook is disabled too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from pmsaas.domain.notifications.model import Webhook, WebhookDelivery
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id

RETRY_DELAYS = tuple(
    timedelta(seconds=s) for s in (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.10
PING_EVENT = "webhook.ping"  # the test ping: tried once, never retried
GONE = 410

MessageStatus = Literal["pending", "delivered", "failed"]


def retry_delay(failed_attempts: int, message_id: UUID) -> timedelta:
    """The wait after the ``failed_attempts``-th failure (1-based), jitter included."""
    base = RETRY_DELAYS[failed_attempts - 1]
    stretch = (message_id.int % 1000) / 1000 * JITTER
    return base + base * stretch


def webhook_timestamp(at: datetime) -> str:
    """The seed's payload time: ISO 8601, whole seconds, ``Z``."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def payload(webhook_id: UUID, event: str, at: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The seed's webhook payload ``{event, timestamp, data, webhook_id}``."""
    return {"event": event, "timestamp": webhook_timestamp(at), "data": data, "webhook_id": str(webhook_id)}


@dataclass(frozen=True)
class SendOutcome:
    """What one HTTP attempt gave: a status code, or an error (timeout, refused address, reset)."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(eq=False)
class WebhookMessage:
    organization_id: UUID
    webhook_id: UUID
    event_id: UUID  # the receiver's idempotency key: the ``webhook-id`` header, the same on every retry
    event: str
    payload: dict[str, Any]
    created_at: datetime
    status: MessageStatus = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    finished_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def for_event(cls, webhook: Webhook, event: DomainEvent, now: datetime) -> WebhookMessage:
        return cls(
            organization_id=webhook.organization_id,
            webhook_id=webhook.id,
            event_id=event.id,
            event=event.name,
            payload=payload(webhook.id, event.name, event.occurred_at, event.data),
            created_at=now,
            next_attempt_at=now,
        )

    @classmethod
    def ping(cls, webhook: Webhook, now: datetime) -> WebhookMessage:
        event_id = new_id()
        return cls(
            organization_id=webhook.organization_id,
            webhook_id=webhook.id,
            event_id=event_id,
            event=PING_EVENT,
            payload=payload(webhook.id, PING_EVENT, now, {"webhook_id": str(webhook.id), "ping_id": str(event_id)}),
            created_at=now,
            next_attempt_at=now,
        )

    @property
    def retries(self) -> bool:
        return self.event != PING_EVENT


@dataclass(frozen=True)
class AttemptResult:
    """An attempt's consequences: the log row, and why the webhook must be disabled (None: keep it)."""

    delivery: WebhookDelivery
    disable_reason: str | None


def record_attempt(message: WebhookMessage, outcome: SendOutcome, at: datetime) -> AttemptResult:
    """Apply an attempt (``message.attempts`` already counts it, the claim did) to the message."""
    disable: str | None = None
    if outcome.succeeded:
        message.status, message.next_attempt_at, message.finished_at = "delivered", None, at
    elif outcome.status_code == GONE:
        message.status, message.next_attempt_at, message.finished_at = "failed", None, at
        disable = "the endpoint answered 410 Gone"
    elif not message.retries or message.attempts >= MAX_ATTEMPTS:
        message.status, message.next_attempt_at, message.finished_at = "failed", None, at
        if message.retries:
            disable = f"{MAX_ATTEMPTS} attempts failed"
    else:
        message.status = "pending"
        message.next_attempt_at = at + retry_delay(message.attempts, message.id)
    delivery = WebhookDelivery(
        organization_id=message.organization_id,
        webhook_id=message.webhook_id,
        event_id=message.event_id,
        event=message.event,
        attempt=message.attempts,
        attempted_at=at,
        status_code=outcome.status_code,
        succeeded=outcome.succeeded,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
        message_id=message.id,
    )
    return AttemptResult(delivery, disable)

"""What the event notices send after the relay commits (the recipient's e-mail, the real-time
``notification`` message), as durable rows: issue 12, "killing the worker at any point loses nothing".

* The relay's subscriber (``event_notices.py``) writes one ``NoticeDelivery`` per (event, recipient,
  channel) in the transaction that marks the event relayed; its id is derived from those three, and
  it is inserted only if absent, so a batch handed over twice queues each message once.
* ``NoticeSender.deliver`` makes the first attempt of a batch's rows right after the commit (the
  real-time message must not wait for a sweep); ``deliver_due`` is the ``deliver_notices`` job (the
  arq cron, or the embedded schedule), which takes what a killed worker left and what is due again.
* Each attempt claims its rows in a short transaction (an attempt counted, the row leased for
  ``LEASE``), sends with no transaction open, then records the outcome: ``sent``, a retry after the
  backoff of ``delivery.py``, or ``failed``. A row recorded as sent is never claimed again; a worker
  killed between sending and recording sends again when the lease ends: at least once, under the
  same id, by which consumers deduplicate (the e-mail's key, the notification's id).
* Mail a use case sends with its own change (the invoice e-mail of ``/send`` and of the billing run,
  the rent reminders and overdue notices) is queued the same way by ``NoticeDelivery.mail``, in the
  use case's transaction: its "event" is a key naming the message (``invoice:<id>:v<version>``, a
  notice's ``<kind>:<invoice>:<days>``), its "user" the recipient (the tenant). An attachment is
  stored as what to render (``{"kind": "invoice_pdf", "invoice_id": ...}``), never as bytes: the
  sender renders it at send time through the ``Attachments`` port.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage

EMAIL, REALTIME = "email", "realtime"
PENDING, SENT, FAILED = "pending", "sent", "failed"
LEASE = timedelta(seconds=120)  # longer than an SMTP attempt can take (its timeout), with room to spare
_DELIVERIES = uuid.UUID("0b7e4c55-8d1f-5a7e-b3c2-6a2f1e9d4c10")  # the uuid5 namespace of their ids
_MAIL_KEYS = uuid.UUID("3c9a1f0e-5d2b-5e47-8f61-2b7d9c4e0a58")  # a queued mail's key as its "event" id


def delivery_id(event_id: UUID, user_id: UUID, channel: str) -> UUID:
    """Once per (event, recipient, channel), whoever writes it and however often."""
    return uuid.uuid5(_DELIVERIES, f"{event_id}:{user_id}:{channel}")


@dataclass(eq=False)
class NoticeDelivery:
    organization_id: UUID
    event_id: UUID
    user_id: UUID
    channel: str  # email | realtime
    payload: dict[str, Any]  # email: to, subject, body; realtime: the notification.created event's data
    created_at: datetime
    status: str = PENDING  # pending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime | None = None  # due then (pending); a claimed row's lease end
    last_error: str | None = None
    sent_at: datetime | None = None

    @property
    def id(self) -> UUID:
        return delivery_id(self.event_id, self.user_id, self.channel)

    @classmethod
    def email(cls, event: DomainEvent, user_id: UUID, message: EmailMessage, now: datetime) -> NoticeDelivery:
        payload = {"to": message.to, "subject": message.subject, "body": message.body}
        return cls(event.organization_id, event.id, user_id, EMAIL, payload, now, next_attempt_at=now)

    @classmethod
    def mail(
        cls,
        organization_id: UUID,
        key: str,
        recipient_id: UUID,
        message: EmailMessage,
        now: datetime,
        attachment: dict[str, Any] | None = None,
    ) -> NoticeDelivery:
        """A use case's own e-mail, once per (``key``, recipient): the transport's dedupe key is ``key``."""
        payload: dict[str, Any] = {"to": message.to, "subject": message.subject, "body": message.body, "key": key}
        if attachment is not None:
            payload["attachment"] = attachment
        event_id = uuid.uuid5(_MAIL_KEYS, key)
        return cls(organization_id, event_id, recipient_id, EMAIL, payload, now, next_attempt_at=now)

    @classmethod
    def realtime(cls, event_id: UUID, announcement: DomainEvent, now: datetime) -> NoticeDelivery:
        payload = {"occurred_at": announcement.occurred_at.isoformat(), **announcement.data}
        user_id = UUID(str(announcement.data["user_id"]))
        return cls(announcement.organization_id, event_id, user_id, REALTIME, payload, now, next_attempt_at=now)


@dataclass(frozen=True)
class Outcome:
    """What one attempt at one delivery came to: sent, pending again (at ``next_attempt_at``) or failed."""

    delivery: NoticeDelivery
    status: str
    detail: str | None = None
    next_attempt_at: datetime | None = None


class Attachments(ABC):
    """Renders a queued e-mail's attachment at send time from what the row names (its ``kind``)."""

    @abstractmethod
    async def render(self, organization_id: UUID, spec: dict[str, Any]) -> EmailAttachment:
        """Raises ``MessageNotSent`` (not retryable) for a kind it does not know."""

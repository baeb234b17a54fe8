"""In-app notices (and the manager's e-mail) made from relayed events: an outbox subscriber.

Who hears of what (inside the event's organization):

* ``ticket.created`` (a maintenance request): owners and managers, and the assignee if there is one;
  by e-mail too (the ``email`` preference), with a link to the request;
* ``ticket.updated`` with an assignee: the assigned staff member, once per (request, assignee);
* ``payment.received``: owners and managers, and the paying tenant's user;
* ``invoice.issued``, or ``invoice.created`` already issued (the billing run): the tenant's user;
* the platform's own billing (``subscription.renewal_failed``, ``subscription.payment_retry_failed``,
  ``subscription.payment_recovered``, ``subscription.downgraded_unpaid``): the organization's owners,
  by e-mail too, with what failed, why and when it is tried again.

Each user's preferences decide, per channel and event. A notice's id is derived from the event and
the recipient (``uuid5``), and inserted only if absent: a batch relayed twice notifies once. The
real-time ``notification`` message and the e-mail are queued deliveries (``notice_delivery.py``),
written in the relay's transaction with the notices: the follow-up after the commit only makes their
first attempt, and the ``deliver_notices`` job sends whatever a killed worker left.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pmsaas.domain.notifications.inbox import notification_created
from pmsaas.domain.notifications.model import ChannelType, Notification
from pmsaas.domain.notifications.notice_delivery import NoticeDelivery
from pmsaas.domain.notifications.notice_sender import NoticeSender
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork, Recipient
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EmailMessage, FollowUp, OutboxSubscriber, UnitOfWork

STAFF = frozenset({"OrganizationOwner", "PropertyManager"})
_NOTICES = uuid.UUID("6f1c2a4e-2f43-5b8e-9a57-0c1d2e3f4a5b")  # the uuid5 namespace of derived ids


@dataclass(frozen=True)
class Notice:
    recipient: Recipient
    key: str  # what makes it once: the event id, or (request, assignee) for an assignment
    type: str
    title: str
    body: str
    data: dict[str, Any]
    email: bool = False  # also e-mailed (if the recipient's preferences allow)


def notice_id(key: str, user_id: UUID) -> UUID:
    return uuid.uuid5(_NOTICES, f"{key}:{user_id}")


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


async def _ticket_notices(event: DomainEvent, uow: NotificationsUnitOfWork, link: str) -> list[Notice]:
    d = event.data
    title = str(d.get("title") or "Maintenance request")
    data = {"ticket_id": d.get("ticket_id"), "event": event.name, "link": link}
    assignee = _uuid(d.get("assignee_id"))
    found = await uow.recipients.find(event.organization_id, [assignee]) if assignee else {}
    notices = []
    if event.name == "ticket.created":
        body = f"A new maintenance request ({d.get('priority', 'normal')} priority): {title}.\n{link}"
        staff = await uow.recipients.with_roles(event.organization_id, STAFF)
        key = str(event.id)
        notices = [Notice(r, key, event.name, f"New maintenance request: {title}", body, data, True) for r in staff]
    if assignee in found:
        # Once per (request, assignee): later updates of the same assignment say nothing new.
        key = f"assigned:{d.get('ticket_id')}"
        notices.append(
            Notice(found[assignee], key, "ticket.assigned", f"Assigned to you: {title}", f"{title}\n{link}", data)
        )
    return notices


async def _tenant(event: DomainEvent, uow: NotificationsUnitOfWork) -> list[Recipient]:
    tenant_id = _uuid(event.data.get("tenant_id"))
    users = await uow.recipients.tenant_users(event.organization_id, [tenant_id]) if tenant_id else {}
    return list(users.values())


def _amount(value: Any) -> str:
    return f"{value.get('currency', '')} {value.get('amount', '')}".strip() if isinstance(value, dict) else ""


async def _payment_notices(event: DomainEvent, uow: NotificationsUnitOfWork) -> list[Notice]:
    d = event.data
    amount = _amount(d.get("amount"))
    data = {"payment_id": d.get("payment_id"), "event": event.name, "receipt_number": d.get("receipt_number")}
    staff = await uow.recipients.with_roles(event.organization_id, STAFF)
    tenants = await _tenant(event, uow)
    key = str(event.id)
    notices = [
        Notice(r, key, event.name, f"Payment received: {amount}", f"A payment of {amount}.", data) for r in staff
    ]
    notices += [Notice(r, key, event.name, "Payment received", f"We received your {amount}.", data) for r in tenants]
    return notices


async def _invoice_notices(event: DomainEvent, uow: NotificationsUnitOfWork) -> list[Notice]:
    d = event.data
    if event.name == "invoice.created" and d.get("status") in (None, "draft"):
        return []  # a draft is not the tenant's business yet
    total = _amount(d.get("total"))
    data = {"invoice_id": d.get("invoice_id"), "event": "invoice.issued", "number": d.get("number")}
    title = f"Invoice {d.get('number') or ''} issued: {total}".replace("  ", " ")
    # One notice per invoice, whichever of its events arrives (a billed invoice is created issued).
    key = f"invoice:{d.get('invoice_id')}"
    return [
        Notice(r, key, "invoice.issued", title, f"Your invoice of {total} is ready.", data)
        for r in await _tenant(event, uow)
    ]


OWNERS = frozenset({"OrganizationOwner"})


def _billing_text(event: DomainEvent) -> tuple[str, str]:
    d = event.data
    invoice, amount, reason = d.get("invoice"), d.get("amount"), d.get("reason")
    retry = (
        f"We will try again at {d.get('next_payment_attempt_at')} (UTC)." if d.get("next_payment_attempt_at") else ""
    )
    if event.name == "subscription.payment_recovered":
        return f"Payment received: invoice {invoice} is paid", f"Your {d.get('plan')} plan is active again."
    if event.name == "subscription.downgraded_unpaid":
        body = (
            f"Invoice {invoice} ({amount}) could not be charged ({reason}) after every retry, so the organization "
            f"moved from {d.get('previous_plan')} to the free {d.get('plan')} plan. Nothing was deleted; "
            "upgrade again to lift the free plan's limits."
        )
        return f"Moved to the free plan: invoice {invoice} unpaid", body
    body = f"Invoice {invoice} ({amount}) for the {d.get('plan')} plan could not be charged ({reason}). {retry}"
    return f"Payment failed for invoice {invoice}", body.strip()


async def _billing_notices(event: DomainEvent, uow: NotificationsUnitOfWork) -> list[Notice]:
    title, body = _billing_text(event)
    data = {"event": event.name, "invoice": event.data.get("invoice"), "plan": event.data.get("plan")}
    owners = await uow.recipients.with_roles(event.organization_id, OWNERS)
    return [Notice(r, str(event.id), event.name, title, body, data, True) for r in owners]


_BILLING_EVENTS = frozenset(
    {
        "subscription.renewal_failed",
        "subscription.payment_retry_failed",
        "subscription.payment_recovered",
        "subscription.downgraded_unpaid",
    }
)


class EventNotices(OutboxSubscriber):
    def __init__(self, *, sender: NoticeSender, public_base_url: str) -> None:
        self._sender = sender
        self._base = public_base_url.rstrip("/")

    async def _notices(self, event: DomainEvent, uow: NotificationsUnitOfWork) -> list[Notice]:
        if event.name.startswith("ticket."):
            link = f"{self._base}/maintenance-requests/{event.data.get('ticket_id')}"
            return await _ticket_notices(event, uow, link)
        if event.name == "payment.received":
            return await _payment_notices(event, uow)
        if event.name in ("invoice.issued", "invoice.created"):
            return await _invoice_notices(event, uow)
        if event.name in _BILLING_EVENTS:
            return await _billing_notices(event, uow)
        return []

    async def receive(self, events: Sequence[DomainEvent], uow: UnitOfWork, now: datetime) -> Sequence[FollowUp]:
        if not isinstance(uow, NotificationsUnitOfWork):
            raise TypeError("event notices need the notifications unit of work")
        inbox: list[Notification] = []
        outgoing: list[NoticeDelivery] = []
        for event in events:
            for notice in await self._notices(event, uow):
                prefs = await uow.preferences.get(event.organization_id, notice.recipient.user_id)
                if prefs.allows(ChannelType.IN_APP, notice.type):
                    inbox.append(_notification(event, notice, now))
                if notice.email and prefs.allows(ChannelType.EMAIL, notice.type):
                    mail = EmailMessage(to=notice.recipient.email, subject=notice.title, body=notice.body)
                    outgoing.append(NoticeDelivery.email(event, notice.recipient.user_id, mail, now))
        fresh = await uow.notifications.add_absent(_unique(inbox))
        # Announced once per fresh notice, keyed by the event it came from (its data says which).
        outgoing += [NoticeDelivery.realtime(UUID(n.data["event_id"]), notification_created(n), now) for n in fresh]
        queued = await uow.notice_deliveries.add_absent(outgoing)
        return [self._first_attempt(queued)] if queued else []

    def _first_attempt(self, ids: list[UUID]) -> FollowUp:
        async def deliver() -> None:  # lost with a killed worker? The deliver_notices job sends them.
            await self._sender.deliver(ids)

        return deliver


def _notification(event: DomainEvent, notice: Notice, now: datetime) -> Notification:
    return Notification(
        id=notice_id(notice.key, notice.recipient.user_id),
        organization_id=event.organization_id,
        user_id=notice.recipient.user_id,
        type=notice.type,
        title=notice.title[:200],
        body=notice.body,
        data={**notice.data, "event_id": str(event.id)},
        created_at=now,
    )


def _unique(notices: list[Notification]) -> list[Notification]:
    """One per id: an owner who is also the assignee, or an invoice's two events in one batch."""
    return list({n.id: n for n in notices}.values())

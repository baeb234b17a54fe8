"""Rent-due reminders and overdue notices: what the scheduler sends each organization's tenants.

Per the organization's settings (``schedule_settings.py``): a reminder ``rent_reminder_days`` before
an open invoice's due date, an overdue notice ``overdue_notice_days`` after it while it is unpaid,
each dated in the organization's time zone. Each (invoice, kind, day) is claimed in the job runs
table before it is sent (job ``rent_reminder`` / ``overdue_notice``, period ``<invoice id>:<days>``),
so it goes out exactly once whatever the number of workers. A day missed (the worker was down) is
caught up: the notice of the nearest setting already reached goes out, once, up to ``CATCH_UP``
late; older ones are not sent any more (no flood of stale notices after an outage or a new setting).

What goes out: the catalogue's message in the organization's locale (``rent.reminder``,
``rent.overdue``), by e-mail to the tenant, and into the inbox of the tenant's user when there is one,
each as that user's preferences allow. The e-mail is a queued delivery (``NoticeDelivery.mail``,
once per notice and tenant) written in the transaction that records the inbox notice, sent right
after the commit; if the process dies first, the ``deliver_notices`` job sends it (issue 12).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from pmsaas.domain.notifications import catalogue
from pmsaas.domain.notifications.event_notices import notice_id
from pmsaas.domain.notifications.inbox import notification_created
from pmsaas.domain.notifications.model import ChannelType, Notification
from pmsaas.domain.notifications.notice_delivery import NoticeDelivery
from pmsaas.domain.notifications.notice_sender import FirstAttempt
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.organizations.schedule_settings import ScheduleSettings
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.document_text import format_money
from pmsaas.domain.shared.jobs import JobRun, JobRuns, OrganizationSchedule, Outcome
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.ports import EmailMessage

REMINDER = "rent_reminder"
OVERDUE = "overdue_notice"
CATCH_UP = 7  # days a missed notice may still go out late
_CATALOGUE = {REMINDER: catalogue.RENT_REMINDER, OVERDUE: catalogue.RENT_OVERDUE}


@dataclass(frozen=True)
class DueInvoice:
    """An open invoice as the notices need it."""

    invoice_id: UUID
    number: str | None
    tenant_id: UUID
    tenant_name: str
    tenant_email: str | None
    tenant_user_id: UUID | None  # the tenant's sign-in, if it has one: its inbox and preferences
    property_name: str
    due_date: date
    balance: Money


class DueInvoices(ABC):
    @abstractmethod
    async def open_due_between(self, organization_id: UUID, first: date, last: date) -> list[DueInvoice]:
        """The organization's issued, unpaid (balance > 0) invoices due from ``first`` to ``last``."""


class RentNoticesUnitOfWork(NotificationsUnitOfWork, ABC):
    due_invoices: DueInvoices


@dataclass(frozen=True)
class Notice:
    kind: str  # REMINDER or OVERDUE
    days: int  # the setting it answers: days before (reminder) or after (overdue) the due date


def notice_due(due_date: date, today: date, schedule: ScheduleSettings) -> Notice | None:
    """The notice an invoice due on ``due_date`` has reached today, if any."""
    before = (due_date - today).days
    if before >= 0:
        reached = [d for d in schedule.rent_reminder_days if d >= before]
        return Notice(REMINDER, min(reached)) if reached and min(reached) - before <= CATCH_UP else None
    late = [d for d in schedule.overdue_notice_days if d <= -before]
    return Notice(OVERDUE, max(late)) if late and -before - max(late) <= CATCH_UP else None


def window(today: date, schedule: ScheduleSettings) -> tuple[date, date]:
    latest_overdue = max(schedule.overdue_notice_days, default=0) + CATCH_UP
    return today - timedelta(days=latest_overdue), today + timedelta(days=max(schedule.rent_reminder_days, default=0))


@dataclass(frozen=True)
class Delivery:
    """How notices leave: their queued e-mail's first attempt after the commit, and the public base
    URL for links."""

    first_attempt: FirstAttempt
    public_base_url: str


async def send_rent_notices(
    *,
    runs: JobRuns,
    uow_factory: Callable[[], RentNoticesUnitOfWork],
    clock: Clock,
    delivery: Delivery,
    schedule: OrganizationSchedule,
    today: date,
) -> dict[str, Any]:
    """Today's reminders and overdue notices of one organization; counts for the run's detail."""
    settings = ScheduleSettings.from_extra(schedule.settings)
    org = schedule.organization_id
    async with uow_factory() as uow:
        invoices = await uow.due_invoices.open_due_between(org, *window(today, settings))
    sent = {REMINDER: 0, OVERDUE: 0}
    for invoice in invoices:
        notice = notice_due(invoice.due_date, today, settings)
        if notice is None:
            continue
        run = JobRun(notice.kind, org, f"{invoice.invoice_id}:{notice.days}", clock.now())
        if not await runs.claim(run):
            continue  # sent already (another day, or another worker)
        try:
            detail = await _send(uow_factory(), clock, delivery, schedule, invoice, notice)
        except Exception as exc:  # recorded on its run (not sent again: at most once), the others still go
            failed = {"invoice_id": str(invoice.invoice_id), "error": type(exc).__name__}
            await runs.finish(replace(run, finished_at=clock.now(), outcome=Outcome.FAILED, detail=failed))
            continue
        await runs.finish(replace(run, finished_at=clock.now(), outcome=Outcome.SUCCEEDED, detail=detail))
        sent[notice.kind] += 1
    return {"reminders": sent[REMINDER], "overdue_notices": sent[OVERDUE]}


async def _send(
    uow: RentNoticesUnitOfWork,
    clock: Clock,
    delivery: Delivery,
    schedule: OrganizationSchedule,
    invoice: DueInvoice,
    notice: Notice,
) -> dict[str, Any]:
    link = f"{delivery.public_base_url.rstrip('/')}/invoices/{invoice.invoice_id}"
    values = {
        "name": invoice.tenant_name,
        "amount": format_money(invoice.balance, symbol=True),
        "property": invoice.property_name,
        "due_date": invoice.due_date.isoformat(),
        "link": link,
    }
    message = catalogue.render(_CATALOGUE[notice.kind], schedule.locale, values)
    event_type = _CATALOGUE[notice.kind]
    channels: list[str] = []
    email_ok = True
    async with uow:
        user = invoice.tenant_user_id
        if user is not None:
            prefs = await uow.preferences.get(schedule.organization_id, user)
            email_ok = prefs.allows(ChannelType.EMAIL, event_type)
            if prefs.allows(ChannelType.IN_APP, event_type):
                n = Notification(
                    id=notice_id(f"{notice.kind}:{invoice.invoice_id}:{notice.days}", user),
                    organization_id=schedule.organization_id,
                    user_id=user,
                    type=event_type,
                    title=message.subject[:200],
                    body=message.body,
                    data={"invoice_id": str(invoice.invoice_id), "number": invoice.number, "link": link},
                    created_at=clock.now(),
                )
                if await uow.notifications.add_absent([n]):
                    uow.record(notification_created(n))  # the tenant's open streams hear of it
                    channels.append("in_app")
        queued: list[UUID] = []
        if email_ok and invoice.tenant_email:
            key = f"{notice.kind}:{invoice.invoice_id}:{notice.days}"
            mail = EmailMessage(invoice.tenant_email, message.subject, message.body)
            row = NoticeDelivery.mail(schedule.organization_id, key, invoice.tenant_id, mail, clock.now())
            queued = await uow.notice_deliveries.add_absent([row])
            channels.append("email")
        await uow.commit()
    if queued:
        await delivery.first_attempt(queued)
    return {"invoice_id": str(invoice.invoice_id), "days": notice.days, "sent": channels}

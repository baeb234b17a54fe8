"""Jobs on a schedule: the billing run of each organization on its billing day (each new invoice
e-mailed to its tenant with its PDF), rent-due reminders and overdue notices each day
(``rent_notices.py``), and hourly housekeeping. The arq worker's cron (or the embedded server's
loop) calls ``run_due_jobs`` every minute; what is due is decided here from the Clock, each run
claimed once per period (JobRuns).

The billing day is the organization's ``billing_day`` setting (1-28, default 1) in its own time
zone; the run bills the month of that day (the rent billing flow: exactly once per lease and
period, late fees of overdue invoices added by the lease's late-fee terms).
"""

from __future__ import annotations

import calendar
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pmsaas.domain.financial.billing import parse_period
from pmsaas.domain.flows.billing_mail import InvoiceMail, InvoiceMailQueue
from pmsaas.domain.flows.rent_billing import RentBillingUnitOfWork, run_billing
from pmsaas.domain.flows.rent_notices import Delivery, RentNoticesUnitOfWork, send_rent_notices
from pmsaas.domain.organizations.schedule_settings import ScheduleSettings
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.jobs import PLATFORM, JobRun, JobRuns, OrganizationSchedule, Outcome

BILLING_RUN = "billing_run"
RENT_NOTICES = "rent_notices"
HOUSEKEEPING = "housekeeping"
EVENT_REMINDERS = "event_reminders"  # community events starting within a day: once per (event, attendee)
PLAN_PERIOD_ENDS = "plan_period_ends"  # scheduled downgrades, then renewals (each once per subscription period)
DEFAULT_BILLING_DAY = 1

Work = Callable[[], Awaitable[dict[str, Any]]]
OrganizationsWork = Callable[[list[UUID]], Awaitable[dict[str, Any]]]


def billing_day(schedule: OrganizationSchedule) -> int:
    return ScheduleSettings.from_extra(schedule.settings).billing_day  # 1-28; anything else is the default, 1


def local_today(schedule: OrganizationSchedule, clock: Clock) -> date:
    return clock.now().astimezone(ZoneInfo(schedule.time_zone)).date()


def is_billing_day(schedule: OrganizationSchedule, today: date) -> bool:
    last = calendar.monthrange(today.year, today.month)[1]
    return today.day == min(billing_day(schedule), last)


async def once(runs: JobRuns, clock: Clock, run: JobRun, work: Work) -> JobRun | None:
    """Run ``work`` if this process claims the run's period; record how it ended. None: claimed elsewhere."""
    if not await runs.claim(run):
        return None
    try:
        detail = await work()
        done = replace(run, finished_at=clock.now(), outcome=Outcome.SUCCEEDED, detail=detail)
    except Exception as exc:  # recorded, and the other jobs still run
        done = replace(run, finished_at=clock.now(), outcome=Outcome.FAILED, detail={"error": type(exc).__name__})
    await runs.finish(done)
    return done


@dataclass(frozen=True)
class Outgoing:
    """What the scheduled jobs send through: invoices with their PDF, and the rent notices."""

    invoices: InvoiceMail
    notices: Delivery
    notices_uow: Callable[[], RentNoticesUnitOfWork]


async def bill_organization(
    *,
    uow_factory: Callable[[], RentBillingUnitOfWork],
    clock: Clock,
    organization_id: UUID,
    period: str,
    mail: InvoiceMail | None = None,
) -> dict[str, Any]:
    """The organization's run; with ``mail``, each new invoice is marked sent and its e-mail queued
    in the run's transaction (``billing_mail.py``), then sent right after the commit."""
    queue = InvoiceMailQueue() if mail is not None else None
    summary = await run_billing(
        uow_factory=uow_factory, clock=clock, period=period, organization_id=organization_id, mailing=queue
    )
    detail: dict[str, Any] = {
        "period": summary.period,
        "created": summary.created,
        "skipped": summary.skipped,
        "failed": len(summary.failed),
        "late_fees": summary.late_fees,
    }
    if mail is not None and queue is not None:
        detail |= {"mailed": summary.mailed, "not_mailed": summary.not_mailed}
        if queue.queued:
            await mail.first_attempt(queue.queued)
    return detail


async def run_due_jobs(
    *,
    runs: JobRuns,
    uow_factory: Callable[[], RentBillingUnitOfWork],
    clock: Clock,
    housekeeping: Work,
    reminders: OrganizationsWork | None = None,
    outgoing: Outgoing | None = None,
    plan_period_ends: Work | None = None,
) -> list[JobRun]:
    """Every job due now that no one has run for its period yet; returns the runs this call made.
    Without ``outgoing`` nothing is mailed and no rent notices go out (billing still runs)."""
    made: list[JobRun] = []
    now = clock.now()
    schedules = await runs.schedules()
    for schedule in schedules:
        today = local_today(schedule, clock)
        org = schedule.organization_id
        if is_billing_day(schedule, today):
            period = f"{today:%Y-%m}"

            async def bill(org: UUID = org, period: str = period) -> dict[str, Any]:
                mail = outgoing.invoices if outgoing else None
                return await bill_organization(
                    uow_factory=uow_factory, clock=clock, organization_id=org, period=period, mail=mail
                )

            if (done := await once(runs, clock, JobRun(BILLING_RUN, org, period, now), bill)) is not None:
                made.append(done)
        if outgoing is not None:
            # After the billing run: an invoice billed today may already be due.
            notices = JobRun(RENT_NOTICES, org, today.isoformat(), now)

            async def notify(schedule: OrganizationSchedule = schedule, today: date = today) -> dict[str, Any]:
                assert outgoing is not None
                return await send_rent_notices(
                    runs=runs,
                    uow_factory=outgoing.notices_uow,
                    clock=clock,
                    delivery=outgoing.notices,
                    schedule=schedule,
                    today=today,
                )

            if (done := await once(runs, clock, notices, notify)) is not None:
                made.append(done)
    hourly = JobRun(HOUSEKEEPING, PLATFORM, now.strftime("%Y-%m-%dT%H"), now)
    if (done := await once(runs, clock, hourly, housekeeping)) is not None:
        made.append(done)
    if reminders is not None:
        organizations = [s.organization_id for s in schedules]

        async def remind() -> dict[str, Any]:
            return await reminders(organizations)

        run = JobRun(EVENT_REMINDERS, PLATFORM, now.strftime("%Y-%m-%dT%H"), now)
        if (done := await once(runs, clock, run, remind)) is not None:
            made.append(done)
    if plan_period_ends is not None:
        # Hourly: a period ends at any hour; each subscription's period is renewed once whatever runs.
        run = JobRun(PLAN_PERIOD_ENDS, PLATFORM, now.strftime("%Y-%m-%dT%H"), now)
        if (done := await once(runs, clock, run, plan_period_ends)) is not None:
            made.append(done)
    return made


async def billing_run_now(
    *,
    runs: JobRuns,
    uow_factory: Callable[[], RentBillingUnitOfWork],
    clock: Clock,
    organization_id: UUID,
    period: str,
    mail: InvoiceMail | None = None,
) -> JobRun:
    """``POST /api/v1/financial/billing-runs``: the organization's billing run for ``period``, now,
    recorded as a manual run (billing stays exactly once per lease and period, so it may repeat).
    With ``mail``, each invoice it created is e-mailed with its PDF, as on the billing day."""
    parse_period(period)  # a malformed period is a 422 before anything is recorded
    now = clock.now()
    run = JobRun(BILLING_RUN, organization_id, f"{period}@{now.isoformat()}", now, trigger="manual")

    async def bill() -> dict[str, Any]:
        return await bill_organization(
            uow_factory=uow_factory, clock=clock, organization_id=organization_id, period=period, mail=mail
        )

    done = await once(runs, clock, run, bill)
    assert done is not None  # a manual run's period is unique to it
    return done

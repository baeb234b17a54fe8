"""Jobs on a schedule: the billing run of each organization on its billing day, and hourly
housekeeping. The arq worker's cron (or the embedded server's loop) calls ``run_due_jobs`` every
minute; what is due is decided here from the Clock, each run claimed once per period (JobRuns).

The billing day is the organization's ``billing_day`` setting (1-28, default 1) in its own time
zone; the run bills the month of that day (the rent billing flow: exactly once per lease and
period, late fees of overdue invoices added by the lease's late-fee terms).
"""

from __future__ import annotations

import calendar
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from pmsaas.domain.financial.billing import parse_period
from pmsaas.domain.flows.rent_billing import RentBillingUnitOfWork, run_billing
from pmsaas.domain.organizations.schedule_settings import ScheduleSettings
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.jobs import PLATFORM, JobRun, JobRuns, OrganizationSchedule, Outcome

BILLING_RUN = "billing_run"
HOUSEKEEPING = "housekeeping"
DEFAULT_BILLING_DAY = 1

Work = Callable[[], Awaitable[dict[str, Any]]]


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


async def bill_organization(
    *, uow_factory: Callable[[], RentBillingUnitOfWork], clock: Clock, organization_id: UUID, period: str
) -> dict[str, Any]:
    summary = await run_billing(uow_factory=uow_factory, clock=clock, period=period, organization_id=organization_id)
    return {
        "period": summary.period,
        "created": summary.created,
        "skipped": summary.skipped,
        "failed": len(summary.failed),
        "late_fees": summary.late_fees,
    }


async def run_due_jobs(
    *,
    runs: JobRuns,
    uow_factory: Callable[[], RentBillingUnitOfWork],
    clock: Clock,
    housekeeping: Work,
) -> list[JobRun]:
    """Every job due now that no one has run for its period yet; returns the runs this call made."""
    made: list[JobRun] = []
    now = clock.now()
    for schedule in await runs.schedules():
        today = local_today(schedule, clock)
        if not is_billing_day(schedule, today):
            continue
        period, org = f"{today:%Y-%m}", schedule.organization_id
        run = JobRun(BILLING_RUN, org, period, now)

        async def bill(org: UUID = org, period: str = period) -> dict[str, Any]:
            return await bill_organization(uow_factory=uow_factory, clock=clock, organization_id=org, period=period)

        if (done := await once(runs, clock, run, bill)) is not None:
            made.append(done)
    hourly = JobRun(HOUSEKEEPING, PLATFORM, now.strftime("%Y-%m-%dT%H"), now)
    if (done := await once(runs, clock, hourly, housekeeping)) is not None:
        made.append(done)
    return made


async def billing_run_now(
    *,
    runs: JobRuns,
    uow_factory: Callable[[], RentBillingUnitOfWork],
    clock: Clock,
    organization_id: UUID,
    period: str,
) -> JobRun:
    """``POST /api/v1/financial/billing-runs``: the organization's billing run for ``period``, now,
    recorded as a manual run (billing stays exactly once per lease and period, so it may repeat)."""
    parse_period(period)  # a malformed period is a 422 before anything is recorded
    now = clock.now()
    run = JobRun(BILLING_RUN, organization_id, f"{period}@{now.isoformat()}", now, trigger="manual")

    async def bill() -> dict[str, Any]:
        return await bill_organization(
            uow_factory=uow_factory, clock=clock, organization_id=organization_id, period=period
        )

    done = await once(runs, clock, run, bill)
    assert done is not None  # a manual run's period is unique to it
    return done

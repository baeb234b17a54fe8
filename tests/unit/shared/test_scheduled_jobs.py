"""When the billing run is due: the organization's billing day in its own time zone, from the Clock;
a failing job is recorded as failed and the others still run; a claimed period is not run again."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pmsaas.domain.flows.scheduled_jobs import billing_day, is_billing_day, local_today, once
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.jobs import JobRun, JobRuns, OrganizationSchedule, Outcome
from pmsaas.domain.shared.paging import Page, PageRequest


def schedule(zone: str = "Asia/Kolkata", **settings: Any) -> OrganizationSchedule:
    return OrganizationSchedule(uuid.uuid4(), zone, settings)


class MemoryRuns(JobRuns):
    def __init__(self) -> None:
        self.rows: dict[tuple[str, uuid.UUID, str], JobRun] = {}

    async def claim(self, run: JobRun) -> bool:
        key = (run.job, run.organization_id, run.period)
        if key in self.rows:
            return False
        self.rows[key] = run
        return True

    async def finish(self, run: JobRun) -> None:
        self.rows[(run.job, run.organization_id, run.period)] = run

    async def runs(self, organization_id: uuid.UUID, page: PageRequest) -> Page[JobRun]:
        raise NotImplementedError

    async def schedules(self) -> list[OrganizationSchedule]:
        return []


def test_the_billing_day_setting_and_its_default():
    assert billing_day(schedule()) == 1
    assert billing_day(schedule(billing_day=15)) == 15
    for bad in (0, 29, "5", True, None, 1.5):
        assert billing_day(schedule(billing_day=bad)) == 1


def test_the_billing_day_is_the_organizations_local_date():
    early = FixedClock(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))  # 08:30 in Kolkata, 22:00 the day before in New York
    assert is_billing_day(schedule("Asia/Kolkata"), local_today(schedule("Asia/Kolkata"), early))
    assert not is_billing_day(schedule("America/New_York"), local_today(schedule("America/New_York"), early))
    late = FixedClock(datetime(2026, 12, 15, 12, 0, tzinfo=UTC))
    assert is_billing_day(schedule(billing_day=15), local_today(schedule(), late))
    assert not is_billing_day(schedule(), local_today(schedule(), late))


async def test_a_period_runs_once_and_a_failure_is_recorded():
    clock = FixedClock(datetime(2026, 12, 1, 12, tzinfo=UTC))
    runs, calls = MemoryRuns(), []
    run = JobRun("billing_run", uuid.uuid4(), "2026-12", clock.now())

    async def work() -> dict[str, Any]:
        calls.append(1)
        return {"created": 1}

    done = await once(runs, clock, run, work)
    assert done is not None and done.outcome is Outcome.SUCCEEDED and done.detail == {"created": 1}
    assert await once(runs, clock, run, work) is None and calls == [1]

    async def broken() -> dict[str, Any]:
        raise ConnectionError("database went away")

    failed = await once(runs, clock, replace(run, period="2027-01", id=uuid.uuid4()), broken)
    assert failed is not None and failed.outcome is Outcome.FAILED and failed.detail == {"error": "ConnectionError"}

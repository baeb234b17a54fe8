"""Job runs and the schedules they read, on the platform tables (SQLAlchemy Core)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.metrics import observe_job
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.platform import job_runs
from pmsaas.domain.shared.jobs import JobRun, JobRuns, OrganizationSchedule, Outcome
from pmsaas.domain.shared.paging import Page, PageRequest


class SqlJobRuns(JobRuns):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, run: JobRun) -> bool:
        try:
            async with self._engine.begin() as conn:
                await conn.execute(job_runs.insert().values(**_row(run)))
        except sa.exc.IntegrityError:
            return False
        return True

    async def finish(self, run: JobRun) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                job_runs.update()
                .where(job_runs.c.id == run.id, job_runs.c.organization_id == run.organization_id)
                .values(finished_at=run.finished_at, outcome=run.outcome.value, detail=run.detail)
            )
        observe_job(run.job, run.outcome.value)

    async def runs(self, organization_id: UUID, page: PageRequest) -> Page[JobRun]:
        mine = job_runs.c.organization_id == organization_id
        async with self._engine.connect() as conn:
            total = (await conn.execute(sa.select(sa.func.count()).select_from(job_runs).where(mine))).scalar_one()
            rows = await conn.execute(
                sa.select(job_runs)
                .where(mine)
                .order_by(job_runs.c.started_at.desc(), job_runs.c.id)
                .limit(page.page_size)
                .offset(page.offset)
            )
            items = [_run(r._mapping) for r in rows]
        return Page(items=items, total=int(total), page=page.page, page_size=page.page_size)

    async def schedules(self) -> list[OrganizationSchedule]:
        query = (
            sa.select(
                organizations.c.id, organizations.c.time_zone, organizations.c.extra_settings, organizations.c.locale
            )
            .where(organizations.c.deleted_at.is_(None), organizations.c.status == "active")
            .order_by(organizations.c.id)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [OrganizationSchedule(r.id, r.time_zone, dict(r.extra_settings or {}), r.locale) for r in rows]


def _row(run: JobRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "job": run.job,
        "organization_id": run.organization_id,
        "period": run.period,
        "trigger": run.trigger,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "outcome": run.outcome.value,
        "detail": run.detail,
    }


def _run(m: Any) -> JobRun:
    return JobRun(
        job=m["job"],
        organization_id=m["organization_id"],
        period=m["period"],
        started_at=m["started_at"],
        trigger=m["trigger"],
        finished_at=m["finished_at"],
        outcome=Outcome(m["outcome"]),
        detail=dict(m["detail"] or {}),
        id=m["id"],
    )

"""Scheduled jobs, as the organization's owners see them: ``GET /api/v1/jobs`` (each run: job,
period, when it started and finished, outcome, detail), and ``POST /api/v1/financial/billing-runs``
to run the billing now (each new invoice e-mailed to its tenant with its PDF, as on the billing day)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.flows.billing_mail import InvoiceMail
from pmsaas.domain.flows.scheduled_jobs import billing_run_now
from pmsaas.domain.shared.jobs import JobRun
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import PAGING
from pmsaas.entrypoints.http.structs import Input

Period = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}$", description="The month billed, YYYY-MM")]


class JobRunOut(msgspec.Struct, kw_only=True):
    id: UUID
    job: str
    organization_id: UUID
    period: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, r: JobRun) -> JobRunOut:
        return cls(
            id=r.id,
            job=r.job,
            organization_id=r.organization_id,
            period=r.period.split("@", 1)[0],  # a manual run's key carries its start time
            trigger=r.trigger,
            started_at=r.started_at,
            finished_at=r.finished_at,
            outcome=r.outcome.value,
            detail=r.detail,
        )


class BillingRunIn(Input):
    period: Period


class JobController(Controller):
    path = "/api/v1/jobs"
    tags = ["Jobs"]

    @get(
        "/",
        guards=[requires("org:update")],
        opt=READS_ONLY,
        dependencies=PAGING,
        summary="The organization's scheduled job runs, newest first (owners)",
    )
    async def list_runs(self, paging: Paged) -> Paginated[JobRunOut]:
        ctx = paging.ctx
        page = await ctx.job_runs.runs(ctx.actor.org, paging.page)
        return paginated(page, [JobRunOut.of(r) for r in page.items])


class BillingRunController(Controller):
    path = "/api/v1/financial/billing-runs"
    tags = ["Jobs"]

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Run the billing now")
    async def run_now(self, ctx: Context, data: JSONBody[BillingRunIn]) -> Ok[JobRunOut]:
        run = await billing_run_now(
            runs=ctx.job_runs,
            uow_factory=ctx.uow,
            clock=ctx.clock,
            organization_id=ctx.actor.org,
            period=data.period,
            mail=InvoiceMail(first_attempt=ctx.first_mail_attempt),  # as the billing day's run
        )
        return ok(JobRunOut.of(run))

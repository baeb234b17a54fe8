"""Scheduled jobs: the billing run on the organization's billing day, exactly once per period (also
with two runners at once), GET /api/v1/jobs for owners, POST /api/v1/financial/billing-runs, and
the arq worker's cron path against Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fin_support import mail_marker, mails_since, make_lease, pdf_text, set_country

from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.entrypoints.worker.settings import WorkerSettings
from pmsaas.entrypoints.worker.tasks import TASKS
from worker_support import run_burst

pytestmark = pytest.mark.today("2026-12-01")
JOBS, RUNS, INVOICES = "/api/v1/jobs", "/api/v1/financial/billing-runs", "/api/v1/financial/invoices"
REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")


async def tick(api) -> list[dict]:
    made: list[dict] = await TASKS["run_scheduled_jobs"]({"container": api.container})
    return made


async def runs_of(api, owner, job: str = "billing_run") -> list[dict]:
    r = await api.get(JOBS, owner.token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    assert {"page", "page_size", "total_count", "total_pages"} <= set(r.json()["meta"]["pagination"])
    return [run for run in r.json()["data"] if run["job"] == job]


async def indian_lease(api, owner):
    await set_country(api, owner, "IN")
    return await make_lease(api, owner, "IN")


async def invoices(api, owner, lease) -> list[dict]:
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id, "page_size": 100})
    return r.json()["data"]


async def test_the_billing_run_happens_by_itself_on_the_billing_day_once(api, owner):
    lease = await indian_lease(api, owner)
    made = await tick(api)
    assert {"job": "billing_run", "organization_id": owner.org_id, "outcome": "succeeded"} in made
    [run] = await runs_of(api, owner)
    assert (run["period"], run["outcome"], run["trigger"]) == ("2026-12", "succeeded", "schedule")
    assert run["detail"]["created"] == 1 and run["finished_at"] is not None, run["detail"]
    assert len(await invoices(api, owner, lease)) == 1
    await tick(api)  # the next minute: the period is claimed, nothing runs again
    assert len(await runs_of(api, owner)) == 1
    assert len(await invoices(api, owner, lease)) == 1


async def test_two_runners_at_once_bill_once(api, owner):
    lease = await indian_lease(api, owner)
    await asyncio.gather(tick(api), tick(api))
    assert len(await runs_of(api, owner)) == 1
    assert len(await invoices(api, owner, lease)) == 1


@pytest.mark.today("2026-12-02")
async def test_on_another_day_no_billing_run(api, owner):
    lease = await indian_lease(api, owner)
    await tick(api)
    assert await runs_of(api, owner) == []
    assert await invoices(api, owner, lease) == []


async def test_jobs_are_the_owners_and_their_organizations_own(api, owner, other_owner):
    await indian_lease(api, owner)
    await tick(api)
    assert len(await runs_of(api, owner)) == 1
    theirs = await runs_of(api, other_owner)
    assert theirs and {r["organization_id"] for r in theirs} == {other_owner.org_id}  # none of ours
    _, manager = await owner.add_user("PropertyManager")
    r = await api.get(JOBS, manager)
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    assert (await api.get(JOBS)).status_code == 401


async def test_a_billing_run_now(api, owner):
    lease = await indian_lease(api, owner)
    r = await api.post(RUNS, owner.token, json={"period": "2026-12"})
    assert r.status_code == 201, r.text
    run = r.json()["data"]
    assert (run["job"], run["trigger"], run["period"], run["outcome"]) == (
        "billing_run",
        "manual",
        "2026-12",
        "succeeded",
    )
    assert run["detail"]["created"] == 1, run
    again = await api.post(RUNS, owner.token, json={"period": "2026-12"})
    assert again.status_code == 201 and again.json()["data"]["detail"]["created"] == 0  # once per lease and period
    assert len(await invoices(api, owner, lease)) == 1
    assert len(await runs_of(api, owner)) == 2


async def tenant_email(api, owner, lease) -> str:
    r = await api.get(f"/api/v1/properties/{lease.property_id}/tenants/{lease.tenant_id}", owner.token)
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["email"])


async def test_a_billing_run_now_mails_each_new_invoice_with_its_pdf_as_the_billing_day_does(api, owner):
    lease = await indian_lease(api, owner)
    to = await tenant_email(api, owner, lease)
    marker = mail_marker(api)
    r = await api.post(RUNS, owner.token, json={"period": "2026-12"})
    assert r.status_code == 201, r.text
    assert (r.json()["data"]["detail"]["created"], r.json()["data"]["detail"]["mailed"]) == (1, 1), r.text
    [invoice] = await invoices(api, owner, lease)
    assert invoice["number"] and invoice["status"] == "sent", invoice
    [mail] = [m for m in mails_since(api, marker) if m.to == to]
    assert mail.subject == f"Invoice {invoice['number']}"
    [pdf] = mail.attachments
    assert pdf.content_type == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert invoice["number"] in pdf_text(pdf.content)
    marker = mail_marker(api)
    again = await api.post(RUNS, owner.token, json={"period": "2026-12"})  # nothing new: nothing mailed
    assert again.status_code == 201 and again.json()["data"]["detail"]["created"] == 0, again.text
    assert [m for m in mails_since(api, marker) if m.to == to] == []


@pytest.mark.parametrize("body", [{"period": "2026-13"}, {"period": "December"}, {}, {"period": "2026-12", "x": 1}])
async def test_a_bad_billing_run_is_422_and_records_nothing(api, owner, body):
    r = await api.post(RUNS, owner.token, json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", r.text
    assert await runs_of(api, owner) == []


async def test_billing_runs_need_the_financial_role(api, owner):
    _, staff = await owner.add_user("MaintenanceStaff")
    r = await api.post(RUNS, staff, json={"period": "2026-12"})
    assert r.status_code == 403
    assert await runs_of(api, owner) == []


def test_the_worker_schedules_the_jobs_every_minute():
    crons = {c.name: c for c in WorkerSettings.cron_jobs}
    assert crons["cron:run_scheduled_jobs"].second == 30 and crons["cron:run_scheduled_jobs"].minute is None


# Like every Redis-backed test: defined when PMSAAS_TEST_REDIS_URL is set, never skipped.
if REDIS_URL:

    @pytest.mark.only_on("postgres")
    async def test_the_arq_cron_runs_the_billing_day(api, owner, database_urls, tmp_path, monkeypatch):
        from arq.cron import cron

        from pmsaas.entrypoints.worker.tasks import run_scheduled_jobs

        lease = await indian_lease(api, owner)
        monkeypatch.setenv("PMSAAS_DATABASE_URL", database_urls["postgres"])
        monkeypatch.setenv("PMSAAS_REDIS_URL", REDIS_URL)
        monkeypatch.setenv("PMSAAS_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("PMSAAS_ENV", "test")
        [scheduled] = [c for c in WorkerSettings.cron_jobs if c.name == "cron:run_scheduled_jobs"]
        assert scheduled.coroutine is run_scheduled_jobs
        # The worker's own cron job, fired at start-up instead of at second 30 (burst mode then stops).
        worker = await run_burst(
            f"pmsaas:test:{uuid.uuid4().hex}",
            cron_jobs=[cron(run_scheduled_jobs, name=scheduled.name, second=30, run_at_startup=True)],
        )
        assert worker.jobs_complete >= 1 and worker.jobs_failed == 0
        [run] = await runs_of(api, owner)
        assert run["outcome"] == "succeeded" and run["period"] == "2026-12"
        assert len(await invoices(api, owner, lease)) == 1


@pytest.mark.today("2030-01-02T05:00:00+00:00")  # an hour no other test runs in; no one's billing day
async def test_housekeeping_purges_events_published_over_a_week_ago_once_an_hour(api):
    now = api.container.clock().now()
    old, recent = uuid.uuid4(), uuid.uuid4()
    rows = [(old, now - timedelta(days=9), now - timedelta(days=8)), (recent, now - timedelta(days=2), now)]
    async with api.container.system_engine().begin() as conn:
        for event_id, occurred, published in rows:
            await conn.execute(
                outbox.insert().values(
                    id=event_id,
                    organization_id=uuid.uuid4(),
                    event="property.created",
                    payload={},
                    occurred_at=occurred,
                    published_at=published,
                )
            )
    [house] = [r for r in await tick(api) if r["job"] == "housekeeping"]
    assert house["outcome"] == "succeeded"
    assert not [r for r in await tick(api) if r["job"] == "housekeeping"]  # once per hour
    async with api.container.system_engine().connect() as conn:
        left = set((await conn.execute(sa.select(outbox.c.id).where(outbox.c.id.in_([old, recent])))).scalars())
    assert left == {recent}

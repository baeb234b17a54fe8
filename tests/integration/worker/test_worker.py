"""The arq worker's settings (``pmsaas worker``) and embedded mode's in-process schedule."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from conftest import make_settings
from pmsaas.adapters.jobs.inprocess import InProcessJobQueue
from pmsaas.adapters.sql.engine import create_engine
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.container import build_container
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.entrypoints.http.app import create_app
from pmsaas.entrypoints.worker.embedded import embedded_schedule
from pmsaas.entrypoints.worker.settings import WorkerSettings, startup, stop
from pmsaas.entrypoints.worker.tasks import TASKS
from worker_support import run_burst

REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")


async def add_outbox_row(url: str) -> uuid.UUID:
    engine = create_engine(url)
    event_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(
            outbox.insert().values(
                id=event_id,
                organization_id=uuid.uuid4(),
                event="property.created",
                payload={"property_id": str(uuid.uuid4())},
                occurred_at=datetime.now(UTC),
            )
        )
    await engine.dispose()
    return event_id


async def published_at(url: str, event_id: uuid.UUID) -> datetime | None:
    engine = create_engine(url)
    async with engine.connect() as conn:
        value = (await conn.execute(sa.select(outbox.c.published_at).where(outbox.c.id == event_id))).scalar_one()
    await engine.dispose()
    return value


def test_worker_settings_register_every_task_and_the_crons():
    assert {f.name for f in WorkerSettings.functions} == set(TASKS)
    assert {"relay_outbox", "purge_expired"} <= set(TASKS)  # contexts add theirs to the registry
    crons = {c.name: c for c in WorkerSettings.cron_jobs}
    assert {"cron:purge_expired", "cron:relay_outbox"} <= set(crons)
    assert crons["cron:purge_expired"].minute == 7 and crons["cron:purge_expired"].hour is None  # hourly
    assert WorkerSettings.keep_result == 0  # ids deduplicated while pending, as the in-process queue does


async def test_worker_start_up_builds_the_container_and_tasks_use_it(database_urls, tmp_path, monkeypatch):
    url = database_urls["sqlite"]
    monkeypatch.setenv("PMSAAS_DATABASE_URL", url)
    monkeypatch.setenv("PMSAAS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PMSAAS_ENV", "test")
    monkeypatch.delenv("PMSAAS_REDIS_URL", raising=False)
    event_id = await add_outbox_row(url)
    ctx: dict = {}
    await startup(ctx)
    try:
        assert ctx["container"].settings().resolved_database_url == url
        while await TASKS["relay_outbox"](ctx):
            pass
        counts = await TASKS["purge_expired"](ctx)
        assert set(counts) == {"refresh_tokens", "revoked_access_tokens", "idempotency_keys", "notice_deliveries"}
    finally:
        await stop(ctx)
    assert "container" not in ctx
    assert await published_at(url, event_id) is not None


# Like every Redis-backed test: defined when PMSAAS_TEST_REDIS_URL is set (CI), never skipped.
if REDIS_URL:

    async def test_a_real_arq_worker_runs_relay_outbox(database_urls, tmp_path, monkeypatch):

        from pmsaas.adapters.jobs.arq import ArqJobQueue

        url = database_urls.get("postgres", database_urls["sqlite"])
        monkeypatch.setenv("PMSAAS_DATABASE_URL", url)
        monkeypatch.setenv("PMSAAS_REDIS_URL", REDIS_URL)
        monkeypatch.setenv("PMSAAS_VAR_DIR", str(tmp_path))
        monkeypatch.setenv("PMSAAS_ENV", "test")
        event_id = await add_outbox_row(url)
        queue_name = f"pmsaas:test:{uuid.uuid4().hex}"
        queue = ArqJobQueue(REDIS_URL, queue_name=queue_name)
        assert await queue.enqueue("relay_outbox", job_id="relay:once")
        assert not await queue.enqueue("relay_outbox", job_id="relay:once")
        await queue.close()
        worker = await run_burst(queue_name)
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        assert await published_at(url, event_id) is not None


async def test_embedded_mode_relays_in_the_background(tmp_path):
    # Its own database: the suite's shared one holds thousands of unrelayed rows of other tests, which
    # the relay would work through first (each batch holding SQLite's write lock) before reaching ours.
    url = f"sqlite+aiosqlite:///{tmp_path / 'embedded.sqlite3'}"
    upgrade(url)
    container = build_container(make_settings(url, tmp_path, outbox_relay_interval_seconds=0.05))
    assert isinstance(container.job_queue(), InProcessJobQueue)
    event_id = await add_outbox_row(url)
    async with AsyncTestClient(app=create_app(container)):
        for _ in range(250):  # up to 5 s on a loaded machine; usually a few polls
            if await published_at(url, event_id) is not None:
                break
            await asyncio.sleep(0.02)
    assert await published_at(url, event_id) is not None


def test_with_redis_the_http_app_leaves_jobs_to_the_worker(tmp_path):
    container = build_container(make_settings("sqlite://", tmp_path, redis_url="redis://127.0.0.1:6379/15"))
    assert embedded_schedule(container) is None  # nothing connects: the arq pool is created lazily

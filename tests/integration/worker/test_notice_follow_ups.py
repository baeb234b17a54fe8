"""Issue 12: the event notices' follow-ups (the manager's e-mail, the real-time ``notification``)
survive a worker killed between the relay's commit and the follow-ups: they are rows written in the
relay's transaction, sent by the ``deliver_notices`` job, once per (event, recipient, channel).

A restart is the worker's crons ticking again (``WorkerSettings.cron_jobs``), on both passes: the
in-process queue with SQLite, arq with PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from conftest import SUITE_CLOCK, make_settings
from ops_support import make_place, make_tenant, ticket_body
from pmsaas.adapters.jobs.inprocess import InProcessJobQueue
from pmsaas.adapters.sql import outbox as sql_outbox
from pmsaas.adapters.sql.engine import create_engine
from pmsaas.adapters.sql.repositories.notifications.notice_deliveries import SqlNoticeDeliveryRepository
from pmsaas.adapters.sql.tables.notifications import notice_deliveries
from pmsaas.container import Container, build_container, shutdown
from pmsaas.domain.notifications.notice_delivery import LEASE, NoticeDelivery
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.outbox import relay_outbox
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, MessageNotSent
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.entrypoints.http.app import create_app
from pmsaas.entrypoints.worker.settings import WorkerSettings
from pmsaas.entrypoints.worker.tasks import TASKS
from worker_support import run_burst

pytestmark = pytest.mark.today("2026-12-01")
REQUESTS = "/api/v1/operations/maintenance-requests"
REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
ONLY_SCHEDULED = {"cron:run_scheduled_jobs", "cron:purge_expired"}  # billing days and housekeeping: not ours


@asynccontextmanager
async def worker(api: Any) -> AsyncIterator[Container]:
    """A worker process: its own container, mailing through the suite's console transport."""
    c = build_container(api.container.settings())
    c.mailer.override(providers.Object(api.container.mailer()))
    c.mail_transport.override(providers.Object(api.container.mail_transport()))
    try:
        yield c
    finally:
        await shutdown(c)


async def relay(c: Container) -> None:
    while await relay_outbox(
        outbox=c.outbox(), publisher=c.event_publisher(), clock=c.clock(), subscribers=c.outbox_subscribers()
    ):
        pass


async def restart(api: Any, told: list[DomainEvent] | None = None) -> None:
    """A new worker process whose crons tick (what every five seconds does); ``told`` collects what
    it hands the real-time channels."""
    async with worker(api) as c:
        if told is not None:
            c.event_publisher().subscribe(_collect(told))
        ctx = {"container": c}
        for job in WorkerSettings.cron_jobs:
            if job.name not in ONLY_SCHEDULED:
                await job.coroutine(ctx)  # type: ignore[call-arg]


def _collect(told: list[DomainEvent]) -> Any:
    async def collect(event: DomainEvent) -> None:
        told.append(event)

    return collect


def mails_about(api: Any, ticket_id: str, to: str) -> list[Any]:
    return [m for m in api.container.mailer().sent if ticket_id in m.body and m.to == to]


async def new_request(api: Any, owner: Any) -> str:
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    r = await api.post(REQUESTS, tenant.token, json=ticket_body(place))
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["id"])


async def killed_after_the_commit(*_: Any, **__: Any) -> None:
    raise asyncio.CancelledError  # the worker stops here: its transaction committed, nothing after ran


async def test_a_worker_killed_after_the_relay_commit_still_mails_once_after_a_restart(api, owner, monkeypatch):
    async with worker(api) as c:
        await relay(c)  # what earlier tests left
    ticket_id = await new_request(api, owner)
    async with worker(api) as c:
        with monkeypatch.context() as m:
            m.setattr(sql_outbox, "_run", killed_after_the_commit)
            with pytest.raises(asyncio.CancelledError):
                await relay(c)
    assert mails_about(api, ticket_id, owner.email) == []  # the kill happened before any follow-up
    told: list[DomainEvent] = []
    await restart(api, told)
    assert len(mails_about(api, ticket_id, owner.email)) == 1
    r = await api.get("/api/v1/notifications", owner.token)
    [notice] = [n for n in r.json()["data"] if n["data"].get("ticket_id") == ticket_id]
    await restart(api, told)  # already recorded as sent: never again
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(hours=2))
    await restart(api, told)
    assert len(mails_about(api, ticket_id, owner.email)) == 1
    # The owner's real-time "notification" (the inbox notice of the request) went out once too.
    announced = [e for e in told if e.name == "notification.created" and e.data["notification_id"] == notice["id"]]
    assert len(announced) == 1 and announced[0].data["user_id"] == owner.user_id


class Refusing(EmailSender):
    """A mail transport that is down for its first ``failures`` messages (a 4xx: try later)."""

    def __init__(self, inner: Any, failures: int) -> None:
        self.inner, self.failures = inner, failures

    async def send(self, message: Any) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise MessageNotSent("421 try again later", retryable=True)
        await self.inner.send(message)


async def test_a_refused_notice_is_retried_with_backoff_and_sent_once(api, owner):
    async with worker(api) as c:
        await relay(c)
    ticket_id = await new_request(api, owner)
    down = Refusing(api.container.mail_transport(), failures=10_000)
    async with worker(api) as c:
        c.mail_transport.override(providers.Object(down))
        await relay(c)  # the first attempt, right after the commit: refused
        down.failures = 0
        ctx = {"container": c}
        await TASKS["deliver_notices"](ctx)  # not due yet: the backoff's 30 seconds have not passed
        assert mails_about(api, ticket_id, owner.email) == []
        SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(seconds=31))
        await TASKS["deliver_notices"](ctx)
        await TASKS["deliver_notices"](ctx)
    assert len(mails_about(api, ticket_id, owner.email)) == 1


async def queue_a_notice(url: str, subject: str) -> uuid.UUID:
    """A notice e-mail as a relay that was killed after its commit leaves it: pending, due now."""
    engine = create_engine(url)
    now = SUITE_CLOCK.now()
    event = DomainEvent("ticket.created", uuid.uuid4(), now, {})
    row = NoticeDelivery.email(event, uuid.uuid4(), EmailMessage("manager@example.com", subject, "A leak."), now)
    async with engine.begin() as conn:
        assert await SqlNoticeDeliveryRepository(conn).add_absent([row, row]) == [row.id]
    await engine.dispose()
    return row.id


async def status_of(url: str, delivery_id: uuid.UUID) -> tuple[str, int]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(notice_deliveries.c.status, notice_deliveries.c.attempts).where(
                    notice_deliveries.c.id == delivery_id
                )
            )
        ).one()
    await engine.dispose()
    return str(row.status), int(row.attempts)


async def test_embedded_mode_sends_what_a_killed_relay_left_by_itself(tmp_path):
    # Its own database (as test_worker.py's embedded test): the schedule runs with no worker process.
    url = f"sqlite+aiosqlite:///{tmp_path / 'embedded.sqlite3'}"
    upgrade(url)
    container = build_container(make_settings(url, tmp_path, outbox_relay_interval_seconds=0.05))
    assert isinstance(container.job_queue(), InProcessJobQueue)
    delivery_id = await queue_a_notice(url, "Left by a killed relay")
    async with AsyncTestClient(app=create_app(container)):
        for _ in range(250):  # up to 5 s on a loaded machine; usually a few polls
            if (await status_of(url, delivery_id))[0] == "sent":
                break
            await asyncio.sleep(0.02)
    assert await status_of(url, delivery_id) == ("sent", 1)
    sent = [m for m in container.mail_transport().sent if m.subject == "Left by a killed relay"]
    assert [m.to for m in sent] == ["manager@example.com"]


async def test_old_sent_notices_are_purged_with_the_housekeeping(api, owner):
    url = api.container.settings().resolved_database_url
    delivery_id = await queue_a_notice(url, "Purged after a week")
    await TASKS["deliver_notices"]({"container": api.container})
    assert (await status_of(url, delivery_id))[0] == "sent"
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(days=8))
    counts = await TASKS["purge_expired"]({"container": api.container})
    assert counts["notice_deliveries"] >= 1
    with pytest.raises(sa.exc.NoResultFound):
        await status_of(url, delivery_id)


# Like every Redis-backed test: defined when PMSAAS_TEST_REDIS_URL is set (CI), never skipped.
if REDIS_URL:

    async def test_a_real_arq_worker_sends_what_a_killed_relay_left(database_urls, tmp_path, monkeypatch):

        from pmsaas.adapters.jobs.arq import ArqJobQueue

        url = database_urls.get("postgres", database_urls["sqlite"])
        for name, value in {
            "DATABASE_URL": url,
            "REDIS_URL": REDIS_URL,
            "VAR_DIR": str(tmp_path),
            "ENV": "test",
            "MAIL_BACKEND": "file",
        }.items():
            monkeypatch.setenv(f"PMSAAS_{name}", value)
        delivery_id = await queue_a_notice(url, "Sent by the arq worker")
        queue_name = f"pmsaas:test:{uuid.uuid4().hex}"
        queue = ArqJobQueue(REDIS_URL, queue_name=queue_name)
        assert await queue.enqueue("deliver_notices", job_id="notices:once")
        await queue.close()
        worker = await run_burst(queue_name)
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0
        assert await status_of(url, delivery_id) == ("sent", 1)
        mails = [p.read_text() for p in (tmp_path / "mail").rglob("*.eml")]
        assert len([m for m in mails if "Sent by the arq worker" in m]) == 1


async def test_a_worker_killed_after_sending_sends_again_once_the_lease_ends(api, owner, monkeypatch):
    """At least once: the outcome was never recorded, so the row goes again (consumers dedupe by key)."""
    url = api.container.settings().resolved_database_url
    delivery_id = await queue_a_notice(url, "Killed before recording")
    ctx = {"container": api.container}

    async def killed(*_: Any, **__: Any) -> None:
        raise asyncio.CancelledError

    with monkeypatch.context() as m:
        m.setattr(SqlNoticeDeliveryRepository, "record", killed)
        with pytest.raises(asyncio.CancelledError):
            await TASKS["deliver_notices"](ctx)
    sent = api.container.mail_transport().sent
    assert len([x for x in sent if x.subject == "Killed before recording"]) == 1
    await TASKS["deliver_notices"](ctx)  # leased: not yet
    assert await status_of(url, delivery_id) == ("pending", 1)
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + LEASE + timedelta(seconds=1))
    await TASKS["deliver_notices"](ctx)
    await TASKS["deliver_notices"](ctx)
    assert await status_of(url, delivery_id) == ("sent", 2)
    assert len([x for x in sent if x.subject == "Killed before recording"]) == 2

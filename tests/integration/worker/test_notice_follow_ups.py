"""Issue 12: the event notices' follow-ups (the manager's e-mail, the real-time ``notification``)
survive a worker killed between the relay's commit and the follow-ups: they are rows written in the
relay's transaction, sent by the ``deliver_notices`` job, once per (event, recipient, channel).

A restart is the worker's crons ticking again (``WorkerSettings.cron_jobs``), on both passes: the
in-process queue with SQLite, arq with PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from dependency_injector import providers

from conftest import SUITE_CLOCK
from ops_support import make_place, make_tenant, ticket_body
from pmsaas.adapters.sql import outbox as sql_outbox
from pmsaas.container import Container, build_container, shutdown
from pmsaas.domain.shared.outbox import relay_outbox
from pmsaas.domain.shared.ports import EmailSender, MessageNotSent
from pmsaas.entrypoints.worker.settings import WorkerSettings
from pmsaas.entrypoints.worker.tasks import TASKS

pytestmark = pytest.mark.today("2026-12-01")
REQUESTS = "/api/v1/operations/maintenance-requests"
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


async def restart(api: Any) -> None:
    """A new worker process whose crons tick (what every five seconds does)."""
    async with worker(api) as c:
        ctx = {"container": c}
        for job in WorkerSettings.cron_jobs:
            if job.name not in ONLY_SCHEDULED:
                await job.coroutine(ctx)  # type: ignore[call-arg]


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
    await restart(api)
    assert len(mails_about(api, ticket_id, owner.email)) == 1
    await restart(api)  # already recorded as sent: never again
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(hours=2))
    await restart(api)
    assert len(mails_about(api, ticket_id, owner.email)) == 1


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

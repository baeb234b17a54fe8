"""The worker path: ``pmsaas worker``'s tasks relay the outbox and deliver a signed webhook, and the
loopback switch is a test setting only."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest

from conftest import make_settings
from fakes.webhook_receiver import Receiver, standard_webhooks_verify
from pmsaas.container import build_container, scratch_database, shutdown, upgrade
from pmsaas.domain.notifications.model import Webhook
from pmsaas.domain.notifications.webhooks import new_signing_secret
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.entrypoints.worker.tasks import TASKS
from worker_support import run_burst

REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")


async def seed(container, url: str) -> tuple[str, uuid.UUID]:
    """A webhook at ``url`` (loopback: stored directly, as registration would refuse it) and one event."""
    secret, org, now = new_signing_secret(), uuid.uuid4(), datetime.now(UTC)
    hook = Webhook(
        organization_id=org,
        url=url,
        events=("ticket.created",),
        secret_sealed=container.secret_box().seal(secret),
        created_at=now,
        updated_at=now,
    )
    event = DomainEvent(name="ticket.created", organization_id=org, occurred_at=now, data={"ticket_id": "t-1"})
    async with container.system_uow() as uow:
        await uow.webhooks.add(hook)
        uow.record(event)
        await uow.commit()
    return secret, event.id


def test_loopback_is_a_test_setting_refused_in_production(tmp_path):
    container = build_container(make_settings("sqlite://", tmp_path, webhook_allow_loopback=True))
    assert container.webhook_sender()._allow_loopback is True
    assert build_container(make_settings("sqlite://", tmp_path)).webhook_sender()._allow_loopback is False
    production = build_container(
        make_settings("sqlite://", tmp_path, env="production", webhook_allow_loopback=True, data_key="x" * 44)
    )
    with pytest.raises(RuntimeError, match="refused in production"):
        production.webhook_sender()


async def test_the_worker_tasks_deliver_and_refuse_loopback_unless_allowed(database_urls, tmp_path):
    receiver = await Receiver().start()
    try:
        for allowed in (False, True):
            with scratch_database(database_urls["sqlite"].replace("+aiosqlite", "")) as url:
                upgrade(url)
                container = build_container(make_settings(url, tmp_path, webhook_allow_loopback=allowed))
                ctx = {"container": container}
                try:
                    secret, event_id = await seed(container, f"http://127.0.0.1:{receiver.port}/hook")
                    assert await TASKS["relay_outbox"](ctx) == 1
                    assert await TASKS["deliver_webhooks"](ctx) == 1
                finally:
                    await shutdown(container)
        [request] = receiver.requests  # the first run refused 127.0.0.1 at connect time
        assert request.headers["webhook-id"] == str(event_id)
        assert standard_webhooks_verify(secret, request.headers, request.body, datetime.now(UTC).timestamp())
    finally:
        await receiver.stop()


async def test_one_delivery_sweep_drains_a_backlog_larger_than_a_batch(database_urls, tmp_path):
    """The soak saw webhooks capped at one batch per five-second tick (20 messages/s whatever the
    receiver's pace): a sweep now takes batch after batch while they come back full."""
    receiver = await Receiver().start()
    try:
        with scratch_database(database_urls["sqlite"].replace("+aiosqlite", "")) as url:
            upgrade(url)
            container = build_container(
                make_settings(url, tmp_path, webhook_allow_loopback=True, webhook_delivery_batch=4)
            )
            ctx = {"container": container}
            try:
                for _ in range(10):
                    await seed(container, f"http://127.0.0.1:{receiver.port}/hook")
                assert await TASKS["relay_outbox"](ctx) == 10
                assert await TASKS["deliver_webhooks"](ctx) == 10  # three batches (4, 4, 2) in one sweep
                assert await TASKS["deliver_webhooks"](ctx) == 0
            finally:
                await shutdown(container)
        assert len(receiver.requests) == 10
    finally:
        await receiver.stop()


# Like every Redis-backed test: defined when PMSAAS_TEST_REDIS_URL is set (CI), never skipped.
if REDIS_URL:

    async def _burst(queue_name: str, job: str) -> None:

        from pmsaas.adapters.jobs.arq import ArqJobQueue

        queue = ArqJobQueue(REDIS_URL, queue_name=queue_name)
        assert await queue.enqueue(job, job_id=f"{job}:{uuid.uuid4().hex}")
        await queue.close()
        worker = await run_burst(queue_name)
        assert worker.jobs_complete == 1 and worker.jobs_failed == 0

    async def test_an_arq_worker_relays_and_delivers_a_signed_webhook(database_urls, tmp_path, monkeypatch):
        pg = database_urls.get("postgres", database_urls["sqlite"]).replace("+aiosqlite", "")
        receiver = await Receiver().start()
        try:
            with scratch_database(pg) as url:
                upgrade(url)
                for name, value in {
                    "PMSAAS_DATABASE_URL": url,
                    "PMSAAS_REDIS_URL": REDIS_URL,
                    "PMSAAS_VAR_DIR": str(tmp_path),
                    "PMSAAS_ENV": "test",
                    "PMSAAS_WEBHOOK_ALLOW_LOOPBACK": "true",
                }.items():
                    monkeypatch.setenv(name, value)
                container = build_container(make_settings(url, tmp_path))  # same var dir: same data key
                try:
                    secret, event_id = await seed(container, f"http://127.0.0.1:{receiver.port}/hook")
                finally:
                    await shutdown(container)
                queue_name = f"pmsaas:test:{uuid.uuid4().hex}"
                await _burst(queue_name, "relay_outbox")
                await _burst(queue_name, "deliver_webhooks")
            [request] = receiver.requests
            assert request.headers["webhook-id"] == str(event_id)
            assert request.json["event"] == "ticket.created" and request.json["data"] == {"ticket_id": "t-1"}
            assert standard_webhooks_verify(secret, request.headers, request.body, datetime.now(UTC).timestamp())
        finally:
            await receiver.stop()


async def test_embedded_mode_relays_and_delivers_in_the_background(tmp_path):
    """No Redis: the HTTP process runs the relay and the delivery sweep itself (the embedded default)."""
    import asyncio

    from litestar.testing import AsyncTestClient

    from pmsaas.entrypoints.http.app import create_app

    receiver = await Receiver().start()
    try:
        with scratch_database("sqlite://") as url:
            upgrade(url)
            settings = make_settings(url, tmp_path, outbox_relay_interval_seconds=0.05, webhook_allow_loopback=True)
            container = build_container(settings)
            secret, event_id = await seed(container, f"http://127.0.0.1:{receiver.port}/hook")
            async with AsyncTestClient(app=create_app(container)):
                for _ in range(250):  # up to 5 s on a loaded machine
                    if receiver.requests:
                        break
                    await asyncio.sleep(0.02)
        [request] = receiver.requests
        assert request.headers["webhook-id"] == str(event_id)
        assert standard_webhooks_verify(secret, request.headers, request.body, datetime.now(UTC).timestamp())
    finally:
        await receiver.stop()

"""Issue 12's done-when story, over HTTP with the worker running (SQLite + memory channels; then
PostgreSQL + Redis): a tenant's maintenance request becomes a signed ``ticket.created`` webhook the
receiver verifies (Standard Webhooks), an e-mail to the manager caught by a real SMTP server on
loopback, an in-app notification (the unread count goes up) and SSE messages on the manager's open
stream; a worker killed mid-relay and mid-delivery loses nothing; on the billing day the December
run happens by itself and the tenant receives the invoice PDF.

The app is served by uvicorn on this loop (SSE needs a real socket) and the worker's tasks run with
the server's container, as ``pmsaas worker`` would with its own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers

from conftest import SUITE_CLOCK
from fakes.webhook_receiver import Receiver, standard_webhooks_verify
from integration.messaging.smtp_server import PASSWORD, USER, smtp_server
from ops_support import make_place, make_tenant, ticket_body
from pmsaas.adapters.jobs.inprocess import InProcessJobQueue
from pmsaas.adapters.sql.repositories.notifications.webhook_messages import SqlWebhookMessageRepository
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.container import in_process_jobs
from pmsaas.domain.shared.outbox import relay_outbox
from pmsaas.domain.shared.ports import OutboxSubscriber
from pmsaas.entrypoints.worker.tasks import TASKS
from realtime_support import live_server, settings_like, sse
from webhook_support import loopback_sender

pytestmark = pytest.mark.today("2026-11-30")
REQUESTS = "/api/v1/operations/maintenance-requests"


class KilledMidBatch(OutboxSubscriber):
    async def receive(self, events, uow, now):
        raise RuntimeError("the worker was killed mid-batch")


async def drain(ctx: dict[str, Any]) -> None:
    while await TASKS["relay_outbox"](ctx):
        pass


async def unread(client: Any, token: str) -> int:
    r = await client.get("/api/v1/notifications/unread-count", token)
    assert r.status_code == 200, r.text
    return int(r.json()["data"]["unread_count"])


async def unpublished(container: Any, org: str) -> list[str]:
    async with container.system_engine().connect() as conn:
        query = sa.select(outbox.c.event).where(
            outbox.c.organization_id == uuid.UUID(org), outbox.c.published_at.is_(None)
        )
        return list((await conn.execute(query)).scalars())


def mail_to(server: Any, address: str) -> list[Any]:
    return [m for _, to, m in server.inbox.messages if to == [address]]


async def test_a_tenants_maintenance_request_goes_out_everywhere_and_december_bills_itself(api, tmp_path, monkeypatch):
    receiver = await Receiver().start()
    try:
        with smtp_server(tmp_path) as smtp:
            settings = settings_like(
                api,
                tmp_path,
                realtime_heartbeat_seconds=0.3,
                public_base_url="https://rent.acme.example",
                mail_backend="smtp",
                smtp_port=smtp.port,
                smtp_username=USER,
                smtp_password=PASSWORD,
                smtp_ca_file=str(smtp.ca_file),
                mail_queue=True,  # requests and the relay only enqueue; the send_email job talks SMTP
            )
            async with live_server(settings, in_process_queue) as (client, container):
                container.webhook_sender.override(providers.Object(loopback_sender()))
                await story(client, container, receiver, smtp, monkeypatch)
    finally:
        await receiver.stop()


def in_process_queue(container: Any) -> None:
    """The jobs (e-mail) run on the in-process queue on both passes, so this loop can wait for them;
    the arq path of the same tasks is tested in test_webhook_worker.py."""
    container.job_queue.override(providers.Object(InProcessJobQueue()))


async def mail_jobs_done(container: Any) -> None:
    queue = in_process_jobs(container)
    assert queue is not None
    await queue.drain()


async def story(client: Any, container: Any, receiver: Receiver, smtp: Any, monkeypatch: Any) -> None:
    ctx = {"container": container}
    owner = await client.new_org()
    manager_id, manager = await owner.add_user("PropertyManager")
    manager_email = (await client.get(f"/api/v1/identity/users/{manager_id}", owner.token)).json()["data"]["email"]
    place = await make_place(client, owner)
    tenant = await make_tenant(client, owner, place)
    r = await client.post("/api/v1/webhooks", owner.token, json={"url": receiver.url(), "events": ["ticket.created"]})
    assert r.status_code == 201, r.text
    hook = r.json()["data"]
    await drain(ctx)  # sign-up, the tenant, the lease: relayed before the story starts
    before = await unread(client, manager)

    async with sse(client, manager) as stream:
        r = await client.post(REQUESTS, tenant.token, json=ticket_body(place))
        assert r.status_code == 201, r.text
        request_id = r.json()["data"]["id"]

        # The worker is killed mid-batch: the batch rolls back, the event waits, nothing half-done.
        c = container
        subscribers = [*c.outbox_subscribers(), KilledMidBatch()]
        with pytest.raises(RuntimeError):
            await relay_outbox(
                outbox=c.outbox(), publisher=c.event_publisher(), clock=c.clock(), subscribers=subscribers
            )
        assert "ticket.created" in await unpublished(container, owner.org_id)
        assert await unread(client, manager) == before

        await drain(ctx)  # the worker again
        update = await stream.message()
        assert update["data"]["type"] == "maintenance_update"
        assert update["data"]["data"]["maintenance_request_id"] == request_id
        note = await stream.message()
        assert note["data"]["type"] == "notification"
        assert note["data"]["data"]["user_id"] == manager_id
    assert await unread(client, manager) == before + 1
    [notice] = [
        n for n in (await client.get("/api/v1/notifications", manager)).json()["data"] if n["type"] == "ticket.created"
    ]
    assert notice["data"]["ticket_id"] == request_id and notice["read_at"] is None

    await mail_jobs_done(container)
    [mail] = [m for m in mail_to(smtp, manager_email) if "maintenance request" in m["Subject"]]
    assert f"https://rent.acme.example/maintenance-requests/{request_id}" in mail.get_body(("plain",)).get_content()

    # Killed mid-delivery: sent, but the attempt never recorded. The lease ends; it goes again, same id.
    async def killed(self, results):
        raise RuntimeError("killed after sending")

    with monkeypatch.context() as m:
        m.setattr(SqlWebhookMessageRepository, "record", killed)
        with pytest.raises(RuntimeError):
            await TASKS["deliver_webhooks"](ctx)
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(seconds=61))
    await TASKS["deliver_webhooks"](ctx)
    mine = [q for q in receiver.requests if q.json["webhook_id"] == hook["id"]]
    assert len(mine) == 2 and len({q.headers["webhook-id"] for q in mine}) == 1  # at least once, one id
    assert mine[0].json["event"] == "ticket.created"
    assert mine[0].json["data"]["maintenance_request_id"] == request_id
    now = SUITE_CLOCK.now().timestamp()
    assert all(standard_webhooks_verify(hook["secret"], q.headers, q.body, now) for q in mine)
    log = (await client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", owner.token)).json()["data"]
    assert [a["succeeded"] for a in log] == [True]

    # December: the worker's cron ticks; on the billing day the run happens by itself.
    await TASKS["run_scheduled_jobs"](ctx)  # 30 November: not the billing day
    assert not [j for j in (await client.get("/api/v1/jobs", owner.token)).json()["data"] if j["job"] == "billing_run"]
    SUITE_CLOCK.pin(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    token = (await client.login(owner.email, owner.password))["access_token"]  # yesterday's has expired
    await TASKS["run_scheduled_jobs"](ctx)
    await TASKS["run_scheduled_jobs"](ctx)  # the next minute: claimed, nothing again
    [run] = [j for j in (await client.get("/api/v1/jobs", token)).json()["data"] if j["job"] == "billing_run"]
    assert (run["period"], run["outcome"], run["trigger"]) == ("2026-12", "succeeded", "schedule")
    assert run["detail"]["created"] == 1 and run["detail"]["mailed"] == 1, run["detail"]
    await mail_jobs_done(container)
    to_tenant = mail_to(smtp, await tenant_address(client, token, tenant))
    [invoice_mail] = [m for m in to_tenant if m["Subject"].startswith("Invoice ")]
    [pdf] = list(invoice_mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF")


async def tenant_address(client: Any, token: str, tenant: Any) -> str:
    r = await client.get("/api/v1/identity/users/" + tenant.user_id, token)
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["email"])

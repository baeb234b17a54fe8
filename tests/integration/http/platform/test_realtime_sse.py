"""GET /api/v1/events: Server-Sent Events over a real server on loopback (SQLite + memory channels;
PostgreSQL + Redis pub/sub on the second pass)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from ops_support import make_place, make_tenant, ticket_body
from pmsaas.container import build_container, shutdown
from pmsaas.domain.notifications.realtime import publish_event
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.entrypoints.worker.tasks import relay_outbox
from realtime_support import live_server, settings_like, sse

pytestmark = pytest.mark.today("2026-12-01")


@pytest.fixture
async def live(api, tmp_path):
    async with live_server(settings_like(api, tmp_path, realtime_heartbeat_seconds=0.3)) as (client, container):
        yield client, container


def ticket_event(org: str, tenant_id: str | None = None, title: str = "Leak") -> DomainEvent:
    data = {"ticket_id": str(uuid.uuid4()), "title": title, "status": "open", "tenant_id": tenant_id}
    return DomainEvent("ticket.updated", uuid.UUID(org), datetime.now(UTC), data)


async def send(container: Any, event: DomainEvent) -> None:
    assert await publish_event(event=event, broadcaster=container.realtime())


async def test_a_tenants_request_reaches_the_managers_open_stream_as_a_maintenance_update(live):
    client, container = live
    owner = await client.new_org()
    _, manager = await owner.add_user("PropertyManager")
    place = await make_place(client, owner)
    tenant = await make_tenant(client, owner, place)
    ctx = {"container": container}
    while await relay_outbox(ctx):  # what earlier tests left in the outbox
        pass
    async with sse(client, manager) as stream:
        r = await client.post("/api/v1/operations/maintenance-requests", tenant.token, json=ticket_body(place))
        assert r.status_code == 201, r.text
        await relay_outbox(ctx)
        frame = await stream.message()
    assert frame["event"] == "maintenance"  # the seed's addEventListener('maintenance', ...)
    assert frame["data"]["type"] == "maintenance_update"
    assert set(frame["data"]) == {"type", "data"}
    data = frame["data"]["data"]
    assert data["maintenance_request_id"] == r.json()["data"]["id"]
    assert data["event"] == "ticket.created" and data["tenant_id"] == tenant.tenant_id
    assert frame["id"]


async def test_another_organizations_events_never_arrive(live):
    client, container = live
    owner, rival = await client.new_org(), await client.new_org("Rival Estates")
    async with sse(client, rival.token) as theirs, sse(client, owner.token) as ours:
        await send(container, ticket_event(owner.org_id, title="ours"))
        await send(container, ticket_event(rival.org_id, title="theirs"))
        assert (await ours.message())["data"]["data"]["title"] == "ours"
        assert (await theirs.message())["data"]["data"]["title"] == "theirs"  # not "ours" first
        with pytest.raises(TimeoutError):
            await ours.message(within=0.8)


async def test_a_tenant_receives_its_own_requests_and_payments_only(live):
    client, container = live
    owner = await client.new_org()
    place = await make_place(client, owner)
    alice = await make_tenant(client, owner, place, "Unit 101")
    bob = await make_tenant(client, owner, place, "Unit 102")
    payment = {"payment_id": str(uuid.uuid4()), "tenant_id": bob.tenant_id, "amount": {"amount": "10.00"}}
    async with sse(client, alice.token) as stream:
        await send(container, ticket_event(owner.org_id, bob.tenant_id, "bob's"))
        await send(container, DomainEvent("payment.received", uuid.UUID(owner.org_id), datetime.now(UTC), payment))
        await send(container, ticket_event(owner.org_id, None, "staff only"))
        await send(container, ticket_event(owner.org_id, alice.tenant_id, "alice's"))
        frame = await stream.message()
        assert frame["data"]["data"]["title"] == "alice's"
        with pytest.raises(TimeoutError):
            await stream.message(within=0.8)


async def test_roles_decide_what_staff_receive(live):
    client, container = live
    owner = await client.new_org()
    _, staff = await owner.add_user("MaintenanceStaff")
    payment = {"payment_id": str(uuid.uuid4()), "tenant_id": None}
    async with sse(client, staff) as stream, sse(client, owner.token) as owners:
        await send(container, DomainEvent("payment.received", uuid.UUID(owner.org_id), datetime.now(UTC), payment))
        await send(container, ticket_event(owner.org_id, title="for staff"))
        assert (await owners.message())["data"]["type"] == "payment_received"
        assert (await owners.message())["data"]["type"] == "maintenance_update"
        frame = await stream.message()  # maintenance staff cannot read payments
        assert frame["data"]["type"] == "maintenance_update" and frame["data"]["data"]["title"] == "for staff"


async def test_a_notification_reaches_its_recipient_alone(live):
    client, container = live
    owner = await client.new_org()
    manager_id, manager = await owner.add_user("PropertyManager")
    _, other = await owner.add_user("PropertyManager")
    body = {"user_id": manager_id, "type": "general", "title": "Hello", "body": "A note for you"}
    async with sse(client, manager) as mine, sse(client, other) as theirs:
        r = await client.post("/api/v1/notifications", owner.token, json=body)
        assert r.status_code == 201, r.text
        await relay_outbox({"container": container})
        frame = await mine.message()
        assert (
            frame["data"]
            == {
                "type": "notification",
                "data": frame["data"]["data"],
            }
            and frame["data"]["data"]["notification_id"] == r.json()["data"]["id"]
        )
        assert "event" not in frame  # the default "message" event (the seed's onmessage)
        with pytest.raises(TimeoutError):
            await theirs.message(within=0.8)


async def test_last_event_id_resumes_after_the_last_message_seen(live):
    client, container = live
    owner = await client.new_org()
    async with sse(client, owner.token) as stream:
        await send(container, ticket_event(owner.org_id, title="one"))
        first = await stream.message()
    for title in ("two", "three"):
        await send(container, ticket_event(owner.org_id, title=title))
    async with sse(client, owner.token, **{"Last-Event-ID": first["id"]}) as resumed:
        titles = [(await resumed.message())["data"]["data"]["title"] for _ in range(2)]
        await send(container, ticket_event(owner.org_id, title="four"))
        titles.append((await resumed.message())["data"]["data"]["title"])
    assert titles == ["two", "three", "four"]
    async with sse(client, owner.token, **{"Last-Event-ID": "not-a-cursor"}) as fresh:
        with pytest.raises(TimeoutError):  # an unknown id replays nothing
            await fresh.message(within=0.5)


async def test_an_idle_stream_gets_heartbeats(live):
    client, _ = live
    owner = await client.new_org()
    async with sse(client, owner.token) as stream:
        frame = await stream.frame(within=2)
    assert frame["comments"] == ["heartbeat"] and "data" not in frame


async def test_without_a_token_or_an_organization_the_contracts_error(live):
    client, _ = live
    r = await client.get("/api/v1/events")
    assert r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    r = await client.get("/api/v1/events", "not-a-token")
    assert r.status_code == 401
    owner = await client.new_org()
    r = await client.get("/api/v1/events", owner.token, headers={"X-Organization-ID": str(uuid.uuid4())})
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"


async def test_another_processes_broadcast_reaches_this_servers_streams_over_redis(live, api, tmp_path):
    """Another container (another process: the worker's relay, another server) broadcasts. Over Redis
    (the PostgreSQL pass) this server's stream receives it; in memory (embedded) a process is alone."""
    client, container = live
    owner = await client.new_org()
    other = build_container(settings_like(api, tmp_path))
    try:
        async with sse(client, owner.token) as stream:
            event = ticket_event(owner.org_id, title="elsewhere")
            await publish_event(event=event, broadcaster=other.realtime())
            if container.redis() is None:
                with pytest.raises(TimeoutError):
                    await stream.message(within=0.8)
            else:
                assert (await stream.message())["data"]["data"]["title"] == "elsewhere"
    finally:
        await shutdown(other)

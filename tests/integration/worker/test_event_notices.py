"""In-app notices (and the manager's e-mail) made from relayed events: once per (event, user), by
each user's preferences, with the real-time ``notification`` sent after the relay commits."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from dependency_injector import providers

from ops_support import make_place, make_tenant, ticket_body
from pmsaas.container import Container, build_container, shutdown
from pmsaas.domain.notifications.realtime import RealtimeMessage, message_for
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.outbox import relay_outbox
from webhook_support import record_event

pytestmark = pytest.mark.today("2026-12-01")
N = "/api/v1/notifications"


@asynccontextmanager
async def worker(api: Any) -> AsyncIterator[Container]:
    """A worker's own container (the test client serves the app on another event loop: its Redis
    clients are not this loop's), mailing through the suite's console mailer so tests read it
    (the notices' e-mail goes straight to the transport: their rows are the retry queue)."""
    c = build_container(api.container.settings())
    c.mailer.override(providers.Object(api.container.mailer()))
    c.mail_transport.override(providers.Object(api.container.mail_transport()))  # the notices' e-mail
    try:
        yield c
    finally:
        await shutdown(c)


async def relay_all(api: Any, c: Container | None = None) -> None:
    if c is None:
        async with worker(api) as c:
            return await relay_all(api, c)
    while await relay_outbox(
        outbox=c.outbox(), publisher=c.event_publisher(), clock=c.clock(), subscribers=c.outbox_subscribers()
    ):
        pass
    return None


async def inbox(api: Any, token: str) -> list[dict[str, Any]]:
    r = await api.get(N, token)
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def unread(api: Any, token: str) -> int:
    return int((await api.get(f"{N}/unread-count", token)).json()["data"]["unread_count"])


async def test_a_new_request_notifies_owners_and_managers_once_by_inbox_and_email(api, owner):
    await relay_all(api)  # what earlier tests left
    manager_id, manager = await owner.add_user("PropertyManager")
    _, worker = await owner.add_user("MaintenanceStaff")
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    api.container.mailer().sent.clear()
    before = await unread(api, manager)
    r = await api.post("/api/v1/operations/maintenance-requests", tenant.token, json=ticket_body(place))
    assert r.status_code == 201, r.text
    ticket_id = r.json()["data"]["id"]
    await relay_all(api)
    await relay_all(api)
    assert await unread(api, manager) == before + 1
    mine = [n for n in await inbox(api, manager) if n["data"].get("ticket_id") == ticket_id]
    assert len(mine) == 1 and mine[0]["type"] == "ticket.created"
    assert [n for n in await inbox(api, owner.token) if n["data"].get("ticket_id") == ticket_id]
    assert not [n for n in await inbox(api, worker) if n["data"].get("ticket_id") == ticket_id]
    assert not [n for n in await inbox(api, tenant.token) if n["data"].get("ticket_id") == ticket_id]
    mails = [m for m in api.container.mailer().sent if ticket_id in m.body]
    assert sorted(m.to for m in mails) == sorted([owner.email, await email_of(api, owner, manager_id)])


async def email_of(api: Any, owner: Any, user_id: str) -> str:
    r = await api.get(f"/api/v1/identity/users/{user_id}", owner.token)
    assert r.status_code == 200, r.text
    return str(r.json()["data"]["email"])


async def test_preferences_turn_the_inbox_and_the_email_off(api, owner):
    await relay_all(api)
    _, manager = await owner.add_user("PropertyManager")
    prefs = {"channels": {"email": False}, "events": {"ticket.created": {"in_app": False}}}
    assert (await api.put(f"{N}/preferences", manager, json=prefs)).status_code == 200
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    api.container.mailer().sent.clear()
    r = await api.post("/api/v1/operations/maintenance-requests", tenant.token, json=ticket_body(place))
    await relay_all(api)
    ticket_id = r.json()["data"]["id"]
    assert not [n for n in await inbox(api, manager) if n["data"].get("ticket_id") == ticket_id]
    assert [m.to for m in api.container.mailer().sent if ticket_id in m.body] == [owner.email]


async def test_payments_and_invoices_reach_staff_and_the_paying_tenant_with_a_realtime_message(api, owner):
    await relay_all(api)
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    captured: list[RealtimeMessage] = []

    async def capture(event: DomainEvent) -> None:  # what the real-time channels would be handed
        if (message := message_for(event)) is not None:
            captured.append(message)

    money = {"amount": "2500.00", "currency": "INR"}
    paid = await record_event(
        api, owner, "payment.received", payment_id=str(uuid.uuid4()), tenant_id=tenant.tenant_id, amount=money
    )
    invoice_id = str(uuid.uuid4())
    await record_event(api, owner, "invoice.created", invoice_id=invoice_id, tenant_id=tenant.tenant_id, status="draft")
    await record_event(api, owner, "invoice.issued", invoice_id=invoice_id, tenant_id=tenant.tenant_id, total=money)
    await record_event(
        api, owner, "invoice.created", invoice_id=invoice_id, tenant_id=tenant.tenant_id, status="issued"
    )
    async with worker(api) as c:
        c.event_publisher().subscribe(capture)
        await relay_all(api, c)
    theirs = await inbox(api, tenant.token)
    assert [n["type"] for n in theirs if n["data"].get("event_id") == str(paid)] == ["payment.received"]
    assert [n["type"] for n in theirs if n["data"].get("invoice_id") == invoice_id] == ["invoice.issued"]
    assert [n for n in await inbox(api, owner.token) if n["data"].get("event_id") == str(paid)]
    told = [m for m in captured if m.type == "notification" and m.audience.user_id == uuid.UUID(tenant.user_id)]
    assert len(told) == 2  # the payment and the invoice, each once


async def test_the_assigned_staff_member_hears_of_it_once(api, owner):
    await relay_all(api)
    staff_id, staff = await owner.add_user("MaintenanceStaff")
    ticket = str(uuid.uuid4())
    for _ in range(2):  # two updates of the same assignment
        await record_event(api, owner, "ticket.updated", ticket_id=ticket, title="Leak", assignee_id=staff_id)
    await relay_all(api)
    assert [n["type"] for n in await inbox(api, staff) if n["data"].get("ticket_id") == ticket] == ["ticket.assigned"]

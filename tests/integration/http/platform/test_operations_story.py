"""The issue's story, end to end through HTTP: a tenant reports a leak, a manager assigns it, a
vendor's work order is started and completed, the request resolves and closes, and the vendor's
performance reflects it."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from ops_support import make_api_key, make_place, make_tenant, patch
from pmsaas.adapters.sql.tables.notifications import outbox

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 512


async def test_leak_to_closed_with_vendor_performance(api, owner):
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place, "Unit 101")
    manager_id, manager = await owner.add_user("PropertyManager")
    plumber_id, plumber = await owner.add_user("MaintenanceStaff")

    # 1. the tenant reports the leak, with a photo
    r = await api.post(
        "/api/v1/operations/maintenance-requests",
        tenant.token,
        json={
            "title": "Water leak in bathroom",
            "description": "There is water leaking from the ceiling in the bathroom",
            "priority": "high",
            "category": "plumbing",
            "property_id": place.property_id,
            "unit_id": tenant.unit_id,
        },
    )
    assert r.status_code == 201, r.text
    request_id = r.json()["data"]["id"]
    r = await api.post(
        f"/api/v1/operations/maintenance-requests/{request_id}/attachments",
        tenant.token,
        files={"file": ("leak.jpg", io.BytesIO(JPEG), "image/jpeg")},
    )
    assert r.status_code == 201, r.text

    # 2. the manager assigns it to the maintenance staff member
    r = await api.post(
        f"/api/v1/operations/maintenance-requests/{request_id}/assign", manager, json={"assignee_id": plumber_id}
    )
    assert r.status_code == 200 and r.json()["data"]["assignee_id"] == plumber_id

    # 3. the manager brings in a vendor and orders the work
    r = await api.post(
        "/api/v1/operations/vendors",
        manager,
        json={"name": "Aqua Plumbers", "trades": ["plumbing"], "service_areas": ["Vancouver"],
              "tax_id": "123456782", "tax_id_type": "bn", "insurance_expires_on": "2030-01-01"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    vendor_id = r.json()["data"]["id"]
    r = await api.post(
        "/api/v1/operations/work-orders",
        manager,
        json={
            "maintenance_request_id": request_id,
            "vendor_id": vendor_id,
            "description": "Replace the cracked supply pipe above the bathroom",
            "scheduled_start": "2026-01-01T09:00:00Z",
            "scheduled_end": "2099-01-01T13:00:00Z",
            "estimated_cost": {"amount": "4500.00", "currency": "INR"},
        },
    )
    assert r.status_code == 201, r.text
    order_id = r.json()["data"]["id"]

    # 4. the work is started and completed; the request resolves by itself
    r = await api.post(f"/api/v1/operations/work-orders/{order_id}/start", plumber)
    assert r.status_code == 200 and r.json()["data"]["status"] == "in_progress"
    ticket = (await api.get(f"/v1/tickets/{request_id}", tenant.token)).json()["data"]
    assert ticket["status"] == "in_progress"
    assert ticket["assigned_to"] == {"id": plumber_id, "name": "MaintenanceStaff person"}
    r = await api.post(
        f"/api/v1/operations/work-orders/{order_id}/complete",
        plumber,
        json={"actual_cost": {"amount": "4200.00", "currency": "INR"}},
    )
    assert r.status_code == 200 and r.json()["data"]["on_time"] is True
    ticket = (await api.get(f"/v1/tickets/{request_id}", tenant.token)).json()["data"]
    assert ticket["status"] == "resolved"

    # 5. the manager rates the vendor and closes the ticket through the ticketing API
    r = await api.post(
        f"/api/v1/operations/vendors/{vendor_id}/rate", manager, json={"work_order_id": order_id, "rating": 5}
    )
    assert r.status_code == 200
    r = await patch(api, f"/v1/tickets/{request_id}", manager, json={"status": "closed"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "closed"

    # 6. the tenant sees it closed with its photo; an integration key sees it too
    ticket = (await api.get(f"/v1/tickets/{request_id}", tenant.token)).json()["data"]
    assert ticket["status"] == "closed" and ticket["requester"] == {"id": tenant.user_id, "name": "John Doe"}
    assert [a["filename"] for a in ticket["attachments"]] == ["leak.jpg"]
    assert ticket["unit"] == {"id": tenant.unit_id, "name": "Unit 101"}
    key = await make_api_key(api, owner, "tickets:read")
    closed = (await api.get("/v1/tickets?status=closed", key)).json()["data"]
    assert [t["id"] for t in closed] == [request_id]

    # 7. the vendor's performance reflects the job
    perf = (await api.get(f"/api/v1/operations/vendors/{vendor_id}/performance", manager)).json()["data"]
    assert perf["work_orders_completed"] == 1 and perf["on_time_rate"] == 1.0
    assert perf["average_rating"] == 5.0 and perf["ratings_count"] == 1
    assert perf["estimated_cost"] == {"amount": "4500.00", "currency": "INR"}
    assert perf["actual_cost"] == {"amount": "4200.00", "currency": "INR"}
    assert perf["cost_variance"] == {"amount": "-300.00", "currency": "INR"} and perf["cost_vs_estimate"] == 0.93

    # the history tells the story, and the events went out through the outbox
    history = (await api.get(f"/api/v1/operations/maintenance-requests/{request_id}/updates", tenant.token)).json()
    kinds = [u["kind"] for u in history["data"]]
    assert kinds[:3] == ["created", "attachment_added", "assigned"]
    assert [u["to_status"] for u in history["data"] if u["kind"] == "status_changed"] == [
        "in_progress",
        "resolved",
        "closed",
    ]
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.event)
            .where(outbox.c.payload["ticket_id"].as_string() == request_id)
            .order_by(outbox.c.occurred_at)
        )
        events = [row.event for row in rows]
    for name in ("maintenance.created", "ticket.created", "ticket.updated", "ticket.resolved", "maintenance.completed"):
        assert name in events, name
    assert manager_id != plumber_id

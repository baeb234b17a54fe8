"""Work orders and vendors: lifecycle, money, resolution of the request, ratings, performance."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fin_support import set_country

from ops_support import make_api_key, make_place, make_ticket
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tables.operations import work_orders as work_orders_table

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

VENDORS = "/api/v1/operations/vendors"
ORDERS = "/api/v1/operations/work-orders"
REQUESTS = "/api/v1/operations/maintenance-requests"
VENDOR = {
    "name": "Aqua Plumbers",
    "trades": ["plumbing", "HVAC"],
    "service_areas": ["Mumbai", "Thane"],
    "email": "desk@aqua.example",
    "insurance_expires_on": "2030-12-31",
    "tax_id": "27AAPFU0939F1ZV",
    "tax_id_type": "gstin",
}


def window(api, hours_from_now: int = 1, length: int = 4) -> tuple[str, str]:
    start = api.container.clock().now() + timedelta(hours=hours_from_now)
    return start.isoformat(), (start + timedelta(hours=length)).isoformat()


async def vendor(api, token, **changes):
    r = await api.post(VENDORS, token, json={**VENDOR, **changes})
    assert r.status_code == 201, r.text
    return r.json()["data"]


@pytest.mark.today("2027-03-31T20:00:00+00:00")  # 1 April 2027, 01:30 in Mumbai
async def test_insurance_that_ended_yesterday_in_the_organizations_day_is_not_valid(api, owner):
    await set_country(api, owner, "IN")  # Asia/Kolkata
    v = await vendor(api, owner.token, insurance_expires_on="2027-03-31")
    assert v["insurance_valid"] is False  # UTC's 31 March said still insured
    r = await api.get(f"{VENDORS}/{v['id']}", owner.token)
    assert r.json()["data"]["insurance_valid"] is False


async def order(api, token, ticket_id, vendor_id, amount="1500.00", **changes):
    start, end = window(api)
    body = {
        "maintenance_request_id": ticket_id,
        "vendor_id": vendor_id,
        "description": "Replace the cracked pipe",
        "scheduled_start": start,
        "scheduled_end": end,
        "estimated_cost": {"amount": amount, "currency": "INR"},
        **changes,
    }
    r = await api.post(ORDERS, token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_vendor_crud_and_tax_ids(api, owner):
    v = await vendor(api, owner.token)
    assert v["trades"] == ["hvac", "plumbing"] and v["insurance_valid"] is True
    assert v["tax_id"] == "27AAPFU0939F1ZV" and v["tax_id_type"] == "gstin"
    ca = await vendor(api, owner.token, name="Maple Electric", tax_id="123456782RT0001", tax_id_type="bn",
                      insurance_expires_on="2020-01-01", trades=["electrical"], service_areas=["Toronto"])  # fmt: skip
    assert ca["insurance_valid"] is False
    r = await api.get(f"{VENDORS}?trade=electrical", owner.token)
    assert [x["id"] for x in r.json()["data"]] == [ca["id"]]
    r = await api.get(f"{VENDORS}?service_area=Thane", owner.token)
    assert [x["id"] for x in r.json()["data"]] == [v["id"]]
    r = await api.get(f"{VENDORS}?search=maple", owner.token)
    assert [x["id"] for x in r.json()["data"]] == [ca["id"]]
    for wildcard in ("%", "_", "plumb%"):  # matched literally, never as a pattern
        assert (await api.get(VENDORS, owner.token, params={"search": wildcard})).json()["data"] == []
        assert (await api.get(VENDORS, owner.token, params={"trade": wildcard})).json()["data"] == []
    r = await api.put(f"{VENDORS}/{v['id']}", owner.token, json={**VENDOR, "name": "Aqua Plumbing Co", "active": False})
    assert r.status_code == 200 and r.json()["data"]["version"] == 2 and r.json()["data"]["active"] is False
    assert (await api.delete(f"{VENDORS}/{ca['id']}", owner.token)).status_code == 204
    assert (await api.get(f"{VENDORS}/{ca['id']}", owner.token)).status_code == 404

    for body, field in [
        ({**VENDOR, "tax_id": "27AAPFU0939F1ZX"}, "tax_id"),
        ({**VENDOR, "tax_id": "123456789", "tax_id_type": "bn"}, "tax_id"),
        ({**VENDOR, "tax_id_type": None}, "tax_id_type"),
        ({**VENDOR, "trades": []}, "trades"),
        ({**VENDOR, "rating": 5}, "rating"),
        ({**VENDOR, "insurance_expires_on": "soon"}, "insurance_expires_on"),
        ({**VENDOR, "email": "not-an-email"}, "email"),
    ]:
        r = await api.post(VENDORS, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in [d["field"] for d in r.json()["error"]["details"]], (field, r.json())


async def test_work_order_lifecycle_resolves_the_request_when_the_last_one_completes(api, owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    v = await vendor(api, owner.token)
    first = await order(api, owner.token, t["id"], v["id"], "1500.00")
    second = await order(api, owner.token, t["id"], v["id"], "500.00")
    assert first["status"] == "scheduled" and first["estimated_cost"] == {"amount": "1500.00", "currency": "INR"}

    r = await api.post(
        f"{ORDERS}/{first['id']}/complete", owner.token, json={"actual_cost": {"amount": "1", "currency": "INR"}}
    )
    assert r.status_code == 409  # not started
    r = await api.post(f"{ORDERS}/{first['id']}/start", owner.token)
    assert r.status_code == 200 and r.json()["data"]["status"] == "in_progress"
    ticket = (await api.get(f"{REQUESTS}/{t['id']}", owner.token)).json()["data"]
    assert ticket["status"] == "in_progress"  # starting work starts the request
    assert (await api.post(f"{ORDERS}/{first['id']}/start", owner.token)).status_code == 409
    r = await api.put(f"{ORDERS}/{first['id']}", owner.token, json={
        "maintenance_request_id": t["id"], "vendor_id": v["id"], "description": "x",
        "scheduled_start": window(api)[0], "scheduled_end": window(api)[1],
        "estimated_cost": {"amount": "1.00", "currency": "INR"},
    })  # fmt: skip
    assert r.status_code == 409  # only scheduled orders are edited

    r = await api.post(
        f"{ORDERS}/{first['id']}/complete", owner.token, json={"actual_cost": {"amount": "1650.50", "currency": "INR"}}
    )
    assert r.status_code == 200, r.text
    done = r.json()["data"]
    assert done["status"] == "completed" and done["actual_cost"] == {"amount": "1650.50", "currency": "INR"}
    assert done["on_time"] is False or done["on_time"] is True
    assert (await api.get(f"{REQUESTS}/{t['id']}", owner.token)).json()["data"]["status"] == "in_progress"

    r = await api.post(f"{ORDERS}/{second['id']}/cancel", owner.token)
    assert r.status_code == 200 and r.json()["data"]["status"] == "cancelled"
    # cancelling does not resolve; the request is still worked by hand
    assert (await api.get(f"{REQUESTS}/{t['id']}", owner.token)).json()["data"]["status"] == "in_progress"
    third = await order(api, owner.token, t["id"], v["id"], "100.00")
    await api.post(f"{ORDERS}/{third['id']}/start", owner.token)
    r = await api.post(
        f"{ORDERS}/{third['id']}/complete", owner.token, json={"actual_cost": {"amount": "90.00", "currency": "INR"}}
    )
    assert r.status_code == 200
    assert (await api.get(f"{REQUESTS}/{t['id']}", owner.token)).json()["data"]["status"] == "resolved"
    async with api.container.system_engine().connect() as conn:
        events = [
            row.event
            for row in await conn.execute(
                sa.select(outbox.c.event).where(outbox.c.payload["ticket_id"].as_string() == t["id"])
            )
        ]
    assert "work_order.completed" in events and "ticket.resolved" in events and "maintenance.completed" in events

    listed = await api.get(f"{ORDERS}?maintenance_request_id={t['id']}&status=completed", owner.token)
    assert {x["id"] for x in listed.json()["data"]} == {first["id"], third["id"]}
    assert (await api.delete(f"{ORDERS}/{first['id']}", owner.token)).status_code == 409
    assert (await api.delete(f"{ORDERS}/{second['id']}", owner.token)).status_code == 204


async def test_deleting_a_request_cancels_its_scheduled_work_and_refuses_while_work_runs(api, owner):
    place = await make_place(api, owner)
    v = await vendor(api, owner.token)
    t = await make_ticket(api, owner.token, place)
    scheduled = await order(api, owner.token, t["id"], v["id"])
    running = await order(api, owner.token, t["id"], v["id"])
    await api.post(f"{ORDERS}/{running['id']}/start", owner.token)
    assert (await api.delete(f"{REQUESTS}/{t['id']}", owner.token)).status_code == 409
    assert (await api.get(f"{ORDERS}/{scheduled['id']}", owner.token)).json()["data"]["status"] == "scheduled"
    await api.post(f"{ORDERS}/{running['id']}/cancel", owner.token)
    assert (await api.delete(f"{REQUESTS}/{t['id']}", owner.token)).status_code == 204
    assert (await api.get(f"{ORDERS}/{scheduled['id']}", owner.token)).json()["data"]["status"] == "cancelled"


async def test_ratings_only_for_completed_work_and_performance_from_real_data(api, owner):
    place = await make_place(api, owner)
    v = await vendor(api, owner.token)
    t1 = await make_ticket(api, owner.token, place)
    t2 = await make_ticket(api, owner.token, place)
    o1 = await order(api, owner.token, t1["id"], v["id"], "1000.00")
    o2 = await order(api, owner.token, t2["id"], v["id"], "1000.00")
    rate = f"{VENDORS}/{v['id']}/rate"
    r = await api.post(rate, owner.token, json={"work_order_id": o1["id"], "rating": 5})
    assert r.status_code == 409  # not completed
    for o, actual in ((o1, "1100.00"), (o2, "1300.00")):
        await api.post(f"{ORDERS}/{o['id']}/start", owner.token)
        r = await api.post(
            f"{ORDERS}/{o['id']}/complete", owner.token, json={"actual_cost": {"amount": actual, "currency": "INR"}}
        )
        assert r.status_code == 200
    # make o2 late: its window ended before it was completed
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            work_orders_table.update()
            .where(work_orders_table.c.id == uuid.UUID(o2["id"]))
            .values(
                scheduled_end=api.container.clock().now() - timedelta(hours=1),
                scheduled_start=api.container.clock().now() - timedelta(hours=5),
            )
        )
    assert (await api.post(rate, owner.token, json={"work_order_id": o1["id"], "rating": 6})).status_code == 422
    assert (await api.post(rate, owner.token, json={"work_order_id": o1["id"], "rating": 0})).status_code == 422
    r = await api.post(rate, owner.token, json={"work_order_id": o1["id"], "rating": 5, "comment": "Fast"})
    assert r.status_code == 200 and r.json()["data"]["rating"] == 5
    assert (await api.post(rate, owner.token, json={"work_order_id": o1["id"], "rating": 4})).status_code == 409
    assert (await api.post(rate, owner.token, json={"work_order_id": o2["id"], "rating": 2})).status_code == 200
    other_vendor = await vendor(api, owner.token, name="Someone Else")
    r = await api.post(
        f"{VENDORS}/{other_vendor['id']}/rate", owner.token, json={"work_order_id": o1["id"], "rating": 1}
    )
    assert r.status_code == 422

    r = await api.get(f"{VENDORS}/{v['id']}/performance", owner.token)
    assert r.status_code == 200, r.text
    p = r.json()["data"]
    assert p["work_orders_completed"] == 2 and p["work_orders_cancelled"] == 0
    assert p["on_time_rate"] == 0.5
    assert p["average_rating"] == 3.5 and p["ratings_count"] == 2
    assert p["estimated_cost"] == {"amount": "2000.00", "currency": "INR"}
    assert p["actual_cost"] == {"amount": "2400.00", "currency": "INR"}
    assert p["cost_variance"] == {"amount": "400.00", "currency": "INR"} and p["cost_vs_estimate"] == 1.2
    assert p["average_hours_to_complete"] is not None and p["average_hours_to_complete"] >= 0
    now = api.container.clock().now()
    past = (now - timedelta(days=400)).isoformat()
    r = await api.get(
        f"{VENDORS}/{v['id']}/performance",
        owner.token,
        params={"from": past, "to": (now - timedelta(days=300)).isoformat()},
    )
    assert r.json()["data"]["work_orders_completed"] == 0 and r.json()["data"]["on_time_rate"] is None
    r = await api.get(
        f"{VENDORS}/{v['id']}/performance",
        owner.token,
        params={"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
    )
    assert r.status_code == 422
    r = await api.get(f"{VENDORS}/{v['id']}/work-orders", owner.token)
    assert r.status_code == 200 and {x["id"] for x in r.json()["data"]} == {o1["id"], o2["id"]}


async def test_bad_input(api, owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    v = await vendor(api, owner.token)
    start, end = window(api)
    base = {
        "maintenance_request_id": t["id"], "vendor_id": v["id"], "description": "Fix",
        "scheduled_start": start, "scheduled_end": end, "estimated_cost": {"amount": "10.00", "currency": "INR"},
    }  # fmt: skip
    for body, field in [
        ({**base, "estimated_cost": {"amount": 10.5, "currency": "INR"}}, "estimated_cost.amount"),
        ({**base, "estimated_cost": {"amount": "10.001", "currency": "INR"}}, "estimated_cost.amount"),
        ({**base, "estimated_cost": {"amount": "-1.00", "currency": "INR"}}, "estimated_cost.amount"),
        ({**base, "scheduled_end": start}, "scheduled_end"),
        ({**base, "scheduled_start": "2026-11-24T09:00:00"}, "scheduled_start"),
        ({**base, "vendor_id": str(uuid.uuid4())}, "vendor_id"),
        ({**base, "maintenance_request_id": str(uuid.uuid4())}, "maintenance_request_id"),
        ({**base, "priority": "high"}, "priority"),
    ]:
        r = await api.post(ORDERS, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in [d["field"] for d in r.json()["error"]["details"]], (field, r.json())
    o = await order(api, owner.token, t["id"], v["id"])
    await api.post(f"{ORDERS}/{o['id']}/start", owner.token)
    for cost in ({"amount": "5.00", "currency": "CAD"}, {"amount": "x", "currency": "INR"}):
        r = await api.post(f"{ORDERS}/{o['id']}/complete", owner.token, json={"actual_cost": cost})
        assert r.status_code == 422
    assert (
        await api.post(ORDERS, owner.token, content=b"{", headers={"Content-Type": "application/json"})
    ).status_code == 400
    assert (await api.get(f"{ORDERS}?status=finished", owner.token)).status_code == 422
    assert (await api.get(f"{VENDORS}?page_size=0", owner.token)).status_code == 422


async def test_other_organization_gets_404(api, owner, other_owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    v = await vendor(api, owner.token)
    o = await order(api, owner.token, t["id"], v["id"])
    for method, path, body in [
        ("GET", f"{VENDORS}/{v['id']}", None),
        ("PUT", f"{VENDORS}/{v['id']}", VENDOR),
        ("DELETE", f"{VENDORS}/{v['id']}", None),
        ("GET", f"{VENDORS}/{v['id']}/performance", None),
        ("GET", f"{VENDORS}/{v['id']}/work-orders", None),
        ("POST", f"{VENDORS}/{v['id']}/rate", {"work_order_id": o["id"], "rating": 5}),
        ("GET", f"{ORDERS}/{o['id']}", None),
        ("DELETE", f"{ORDERS}/{o['id']}", None),
        ("POST", f"{ORDERS}/{o['id']}/start", None),
        ("POST", f"{ORDERS}/{o['id']}/cancel", None),
        ("POST", f"{ORDERS}/{o['id']}/complete", {"actual_cost": {"amount": "1.00", "currency": "INR"}}),
    ]:
        kw = {"json": body} if body is not None else {}
        r = await api.request(method, path, token=other_owner.token, **kw)
        assert r.status_code == 404, (method, path, r.text)
    their_vendor = await vendor(api, other_owner.token)
    start, end = window(api)
    r = await api.post(ORDERS, other_owner.token, json={
        "maintenance_request_id": t["id"], "vendor_id": their_vendor["id"], "description": "x",
        "scheduled_start": start, "scheduled_end": end, "estimated_cost": {"amount": "1.00", "currency": "INR"},
    })  # fmt: skip
    assert r.status_code == 422  # our request is not theirs to order work on
    assert (await api.get(ORDERS, other_owner.token)).json()["data"] == []
    assert (await api.get(f"{ORDERS}/{o['id']}", owner.token)).json()["data"]["status"] == "scheduled"


async def test_roles(api, owner):
    v = await vendor(api, owner.token)
    _, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, tenant = await owner.add_user("Tenant")
    _, security = await owner.add_user("SecurityStaff")
    assert (await api.post(VENDORS, manager, json=VENDOR)).status_code == 201
    assert (await api.get(VENDORS, staff)).status_code == 200
    assert (await api.post(VENDORS, staff, json=VENDOR)).status_code == 403
    assert (await api.get(ORDERS, staff)).status_code == 200
    for token in (tenant, security):
        assert (await api.get(VENDORS, token)).status_code == 403
        assert (await api.get(ORDERS, token)).status_code == 403
        assert (await api.get(f"{VENDORS}/{v['id']}/performance", token)).status_code == 403
    key = await make_api_key(api, owner, "workorders:read")
    assert (await api.get(VENDORS, key)).status_code == 200
    assert (await api.post(VENDORS, key, json=VENDOR)).status_code == 403


async def test_completed_work_books_a_pending_expense_in_the_organizations_currency(api, owner):
    currency = (await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)).json()["data"]["settings"][
        "currency"
    ]
    other = next(c for c in ("INR", "CAD", "USD") if c != currency)
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    v = await vendor(api, owner.token)
    booked = await order(api, owner.token, t["id"], v["id"], estimated_cost={"amount": "300.00", "currency": currency})
    foreign = await order(api, owner.token, t["id"], v["id"], estimated_cost={"amount": "50.00", "currency": other})
    free = await order(api, owner.token, t["id"], v["id"], estimated_cost={"amount": "0.00", "currency": currency})
    costs = [
        (booked, {"amount": "275.50", "currency": currency}),
        (foreign, {"amount": "40.00", "currency": other}),
        (free, {"amount": "0.00", "currency": currency}),
    ]
    for o, cost in costs:
        await api.post(f"{ORDERS}/{o['id']}/start", owner.token)
        r = await api.post(f"{ORDERS}/{o['id']}/complete", owner.token, json={"actual_cost": cost})
        assert r.status_code == 200, r.text
    r = await api.get("/api/v1/financial/expenses", owner.token)
    assert r.status_code == 200, r.text
    found = r.json()["data"]
    assert len(found) == 1
    e = found[0]
    assert e["status"] == "pending" and e["category"] == "maintenance" and e["vendor"] == "Aqua Plumbers"
    assert e["amount"] == {"amount": "275.50", "currency": currency} and e["property_id"] == place.property_id
    assert booked["id"] in e["description"]


@pytest.mark.today("2026-11-30T20:00:00+00:00")  # 1 December, 01:30 in Mumbai
async def test_the_booked_expense_is_dated_the_organizations_day(api, owner):
    await set_country(api, owner, "IN")  # Asia/Kolkata
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    v = await vendor(api, owner.token)
    o = await order(api, owner.token, t["id"], v["id"])
    await api.post(f"{ORDERS}/{o['id']}/start", owner.token)
    cost = {"amount": "1200.00", "currency": "INR"}
    r = await api.post(f"{ORDERS}/{o['id']}/complete", owner.token, json={"actual_cost": cost})
    assert r.status_code == 200, r.text
    [expense] = (await api.get("/api/v1/financial/expenses", owner.token)).json()["data"]
    assert expense["expense_date"] == "2026-12-01", expense  # UTC's 30 November before

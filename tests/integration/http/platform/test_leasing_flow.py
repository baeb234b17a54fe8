"""The whole leasing story through HTTP: property → unit → tenant → lease → activate → schedule →
notice → end, with the unit's status following the lease."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from leasing_support import LEASES, PROPERTIES, lease_body, new_property, new_tenant, new_unit, unit_body
from pmsaas.adapters.sql.tables.notifications import outbox

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for


async def unit_status(api, owner, pid, uid) -> str:
    r = await api.get(f"{PROPERTIES}/{pid}/units/{uid}/status", owner.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]["status"]


async def test_a_manager_lets_a_unit_from_signature_to_move_out(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    pid = await new_property(api, owner)
    r = await api.post(f"{PROPERTIES}/{pid}/units", manager, json=unit_body())
    assert r.status_code == 201, r.text
    unit = r.json()["data"]
    assert unit["market_rent"] == {"amount": "1500.00", "currency": "USD"}
    assert unit["bathrooms"] == "1.5" and unit["area_unit"] == "sqft" and unit["status"] == "vacant"
    uid = unit["id"]

    r = await api.post(f"{PROPERTIES}/{pid}/tenants", manager, json={"name": "Tara", "email": "T@Example.com"})
    assert r.status_code == 201, r.text
    tid = r.json()["data"]["id"]
    assert r.json()["data"]["email"] == "t@example.com"

    r = await api.post(f"{PROPERTIES}/{pid}/tenants/{tid}/lease", manager, json=lease_body(uid))
    assert r.status_code == 201, r.text
    lease = r.json()["data"]
    assert lease["status"] == "draft" and lease["rent"] == {"amount": "1500.00", "currency": "USD"}
    assert lease["late_fee"] == {"kind": "percentage", "value": "5", "cap": {"amount": "100.00", "currency": "USD"}}
    lid = lease["id"]

    r = await api.post(f"{LEASES}/{lid}/activate", manager)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "active"
    assert await unit_status(api, owner, pid, uid) == "occupied"

    r = await api.get(f"{PROPERTIES}/{pid}/tenants/{tid}/lease", manager)
    assert r.status_code == 200 and r.json()["data"]["id"] == lid

    r = await api.get(f"{LEASES}/{lid}/schedule", manager, params={"from": "2027-01-01", "to": "2027-02-28"})
    assert r.status_code == 200, r.text
    charges = r.json()["data"]
    assert [(c["type"], c["due_date"], c["amount"]["amount"]) for c in charges] == [
        ("deposit", "2027-01-01", "3000.00"),
        ("rent", "2027-01-01", "1500.00"),
        ("rent", "2027-02-01", "1500.00"),
    ]
    assert charges[1]["period_start"] == "2027-01-01" and charges[1]["period_end"] == "2027-01-31"
    assert charges[1]["amount"]["currency"] == "USD"

    r = await api.post(f"{LEASES}/{lid}/notice", manager, json={"move_out_date": "2027-06-15"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "notice_given" and r.json()["data"]["move_out_date"] == "2027-06-15"
    assert await unit_status(api, owner, pid, uid) == "notice_given"
    r = await api.get(f"{LEASES}/{lid}/schedule", manager, params={"from": "2027-06-01", "to": "2027-07-31"})
    assert [(c["period_end"], c["amount"]["amount"]) for c in r.json()["data"]] == [("2027-06-15", "750.00")]

    r = await api.post(f"{LEASES}/{lid}/end", manager)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "ended" and r.json()["data"]["ended_on"] == "2027-06-15"
    assert await unit_status(api, owner, pid, uid) == "vacant"

    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.event)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.event.like("lease.%"))
                .order_by(outbox.c.occurred_at)
            )
        ).scalars()
        assert list(rows) == ["lease.created", "lease.activated", "lease.notice_given", "lease.ended"]


async def test_units_and_tenants_are_listed_per_property(api, owner):
    pid = await new_property(api, owner)
    other = await new_property(api, owner, name="Other")
    await new_unit(api, owner, pid, name="B2")
    await new_unit(api, owner, pid, name="A1")
    await new_unit(api, owner, other, name="Z9")
    await new_tenant(api, owner, pid)
    r = await api.get(f"{PROPERTIES}/{pid}/units", owner.token)
    assert r.status_code == 200
    assert [u["name"] for u in r.json()["data"]] == ["A1", "B2"]
    assert r.json()["meta"]["pagination"]["total_count"] == 2
    r = await api.get(f"{PROPERTIES}/{other}/tenants", owner.token)
    assert r.json()["data"] == []

"""Bodies and set-up helpers for the leasing tests (units, tenants, leases)."""

from __future__ import annotations

import copy
from typing import Any

from support import property_body

PROPERTIES = "/api/v1/properties"
LEASES = "/api/v1/leases"

UNIT = {
    "name": "Unit 101",
    "floor": "1",
    "type": "2bhk",
    "bedrooms": 2,
    "bathrooms": 1.5,
    "area": 850,
    "area_unit": "sqft",
    "market_rent": {"amount": "1500.00", "currency": "USD"},
    "amenities": ["balcony", "dishwasher"],
}

TENANT = {
    "name": "Tara Tenant",
    "email": "tara@example.com",
    "phone": "604-555-0134",
    "emergency_contact": {"name": "Ed Tenant", "phone": "+1 604 555 0199", "relationship": "brother"},
}


def unit_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(UNIT)
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None or k in changes}


def tenant_body(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(TENANT)
    body.update(changes)
    return body


def lease_body(unit_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "unit_id": unit_id,
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "rent": {"amount": "1500.00", "currency": "USD"},
        "billing_day": 1,
        "grace_days": 5,
        "security_deposit": {"amount": "3000.00", "currency": "USD"},
        "late_fee": {"kind": "percentage", "value": "5", "cap": {"amount": "100.00", "currency": "USD"}},
        "escalation": {"kind": "percentage", "value": "3"},
    }
    body.update(changes)
    return body


async def new_property(api: Any, owner: Any, **changes: Any) -> str:
    r = await api.post(PROPERTIES, owner.token, json=property_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def new_unit(api: Any, owner: Any, pid: str, **changes: Any) -> str:
    r = await api.post(f"{PROPERTIES}/{pid}/units", owner.token, json=unit_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def new_tenant(api: Any, owner: Any, pid: str, **changes: Any) -> str:
    r = await api.post(f"{PROPERTIES}/{pid}/tenants", owner.token, json=tenant_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def new_lease(api: Any, owner: Any, pid: str, tid: str, uid: str, **changes: Any) -> str:
    r = await api.post(f"{PROPERTIES}/{pid}/tenants/{tid}/lease", owner.token, json=lease_body(uid, **changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def leased_unit(api: Any, owner: Any, *, activate: bool = True, **lease_changes: Any) -> dict[str, str]:
    """A property with one unit, one tenant and a lease (active unless told otherwise)."""
    pid = await new_property(api, owner)
    uid = await new_unit(api, owner, pid)
    tid = await new_tenant(api, owner, pid)
    lid = await new_lease(api, owner, pid, tid, uid, **lease_changes)
    if activate:
        r = await api.post(f"{LEASES}/{lid}/activate", owner.token)
        assert r.status_code == 200, r.text
    return {"pid": pid, "uid": uid, "tid": tid, "lid": lid}

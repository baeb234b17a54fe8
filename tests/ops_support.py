"""Helpers for the operations and ticketing tests: places, tenants, API keys, tickets (all through HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from support import property_body


@dataclass
class Place:
    property_id: str
    property_name: str
    units: dict[str, str] = field(default_factory=dict)  # name -> id


async def make_place(
    api: Any, owner: Any, name: str = "Seaside Apartments", unit_names: tuple[str, ...] = ("Unit 101", "Unit 102")
) -> Place:
    """A property with units, through the properties context's endpoints."""
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name=name))
    assert r.status_code == 201, r.text
    place = Place(property_id=r.json()["data"]["id"], property_name=name)
    for unit_name in unit_names:
        r = await api.post(f"/api/v1/properties/{place.property_id}/units", owner.token, json={"name": unit_name})
        assert r.status_code == 201, r.text
        place.units[unit_name] = r.json()["data"]["id"]
    return place


@dataclass
class TenantUser:
    user_id: str
    token: str
    tenant_id: str
    unit_id: str


async def make_tenant(api: Any, owner: Any, place: Place, unit_name: str = "Unit 101") -> TenantUser:
    """A Tenant user linked to a tenant profile with an active lease on the unit, all through HTTP."""
    email, password = api.email("tenant"), "a long password"
    r = await api.post(
        "/api/v1/identity/users",
        owner.token,
        json={"email": email, "name": "John Doe", "roles": ["Tenant"], "password": password},
    )
    assert r.status_code == 201, r.text
    user_id = r.json()["data"]["id"]
    tenants_url = f"/api/v1/properties/{place.property_id}/tenants"
    r = await api.post(tenants_url, owner.token, json={"name": "John Doe", "email": email, "user_id": user_id})
    assert r.status_code == 201, r.text
    tenant_id = r.json()["data"]["id"]
    org = (await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)).json()["data"]
    currency = org["settings"]["currency"]
    lease = {
        "unit_id": place.units[unit_name],
        "start_date": (api.container.clock().today() - timedelta(days=365)).isoformat(),  # running for a year
        "rent": {"amount": "2500.00", "currency": currency},
    }
    r = await api.post(f"{tenants_url}/{tenant_id}/lease", owner.token, json=lease)
    assert r.status_code == 201, r.text
    r = await api.post(f"/api/v1/leases/{r.json()['data']['id']}/activate", owner.token)
    assert r.status_code == 200, r.text
    tokens = await api.login(email, password)  # the token now names the tenant profile
    return TenantUser(user_id, tokens["access_token"], tenant_id, place.units[unit_name])


async def make_api_key(api: Any, owner: Any, *scopes: str) -> str:
    r = await api.post("/api/v1/identity/api-keys", owner.token, json={"name": "Integration", "scopes": list(scopes)})
    assert r.status_code == 201, r.text
    return r.json()["data"]["key"]


def ticket_body(place: Place, unit: str | None = "Unit 101", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Water leak in bathroom",
        "description": "There is water leaking from the ceiling in the bathroom",
        "priority": "high",
        "category": "plumbing",
        "property_id": place.property_id,
    }
    if unit:
        body["unit_id"] = place.units[unit]
    body.update(changes)
    return body


async def make_ticket(api: Any, token: str, place: Place, **changes: Any) -> dict[str, Any]:
    r = await api.post("/v1/tickets", token, json=ticket_body(place, **changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def patch(api: Any, url: str, token: str | None = None, **kw: Any) -> Any:
    return await api.request("PATCH", url, token=token, **kw)

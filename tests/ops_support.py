"""Helpers for the operations and ticketing tests: places, tenants, API keys, tickets.

Units, tenants and leases are written straight into the properties context's tables (their HTTP
surface is another issue's); everything under test goes through HTTP.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pmsaas.adapters.sql.tables.identity import memberships
from pmsaas.adapters.sql.tables.properties import leases, tenants, units
from support import property_body


@dataclass
class Place:
    property_id: str
    property_name: str
    units: dict[str, str] = field(default_factory=dict)  # name -> id


async def make_place(
    api: Any, owner: Any, name: str = "Seaside Apartments", unit_names=("Unit 101", "Unit 102")
) -> Place:
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name=name))
    assert r.status_code == 201, r.text
    place = Place(property_id=r.json()["data"]["id"], property_name=name)
    now = datetime.now(UTC)
    async with api.container.engine().begin() as conn:
        for unit_name in unit_names:
            unit_id = uuid.uuid4()
            await conn.execute(
                units.insert().values(
                    id=unit_id,
                    organization_id=uuid.UUID(owner.org_id),
                    property_id=uuid.UUID(place.property_id),
                    name=unit_name,
                    amenities=[],
                    status="vacant",
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            place.units[unit_name] = str(unit_id)
    return place


@dataclass
class TenantUser:
    user_id: str
    token: str
    tenant_id: str
    unit_id: str


async def make_tenant(api: Any, owner: Any, place: Place, unit_name: str = "Unit 101") -> TenantUser:
    """A Tenant user of the organization, linked to a tenant profile with an active lease on the unit."""
    email, password = api.email("tenant"), "a long password"
    r = await api.post(
        "/api/v1/identity/users",
        owner.token,
        json={"email": email, "name": "John Doe", "roles": ["Tenant"], "password": password},
    )
    assert r.status_code == 201, r.text
    user_id = r.json()["data"]["id"]
    tenant_id, lease_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
    org = uuid.UUID(owner.org_id)
    async with api.container.engine().begin() as conn:
        await conn.execute(
            tenants.insert().values(
                id=tenant_id,
                organization_id=org,
                property_id=uuid.UUID(place.property_id),
                name="John Doe",
                email=email,
                user_id=uuid.UUID(user_id),
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        await conn.execute(
            leases.insert().values(
                id=lease_id,
                organization_id=org,
                property_id=uuid.UUID(place.property_id),
                unit_id=uuid.UUID(place.units[unit_name]),
                tenant_id=tenant_id,
                status="active",
                start_date=date(2026, 1, 1),
                rent_minor=2_500_000,
                currency="INR",
                billing_day=1,
                grace_days=5,
                tds_applicable=False,
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        await conn.execute(
            memberships.update()
            .where(memberships.c.organization_id == org, memberships.c.user_id == uuid.UUID(user_id))
            .values(tenant_profile_id=tenant_id)
        )
    tokens = await api.login(email, password)
    return TenantUser(user_id, tokens["access_token"], str(tenant_id), place.units[unit_name])


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

"""Properties through the real HTTP entrypoint and database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from pmsaas.adapters.sql.tables.notifications import outbox
from support import property_body

BASE = "/api/v1/properties"


async def test_create_get_update_delete_round_trip(api, owner):
    r = await api.post(BASE, owner.token, json=property_body())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["success"] is True and body["meta"]["version"] == "1.0.0"
    created = body["data"]
    assert created["address"] == {
        "street": "123 Main St",
        "city": "Vancouver",
        "province": "BC",
        "state": "BC",
        "postal_code": "V6B 1A1",
        "country": "CA",
    }
    assert created["organization_id"] == owner.org_id and created["status"] == "active"
    pid = created["id"]

    r = await api.get(f"{BASE}/{pid}", owner.token)
    assert r.status_code == 200 and r.json()["data"]["name"] == "Sunset Apartments"

    r = await api.put(f"{BASE}/{pid}", owner.token, json=property_body(name="Sunset Towers", type="mixed_use"))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == "Sunset Towers" and r.json()["data"]["version"] == 2

    r = await api.delete(f"{BASE}/{pid}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert (await api.get(f"{BASE}/{pid}", owner.token)).status_code == 404


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ({"city": "Mumbai", "province": "MH", "postal_code": "400076"}, "IN"),
        ({"city": "Beverly Hills", "province": "CA", "postal_code": "90210-1234"}, "US"),
        ({"city": "Toronto", "province": "ON", "postal_code": "m5j2y3"}, "CA"),
        ({"city": "Austin", "state": "TX", "province": None, "postal_code": "73301", "country": "US"}, "US"),
    ],
)
async def test_postal_codes_decide_or_confirm_the_country(api, owner, address, country):
    body = property_body(address=address)
    body["address"] = {k: v for k, v in body["address"].items() if v is not None}
    r = await api.post(BASE, owner.token, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["address"]["country"] == country


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({"postal_code": "12345", "country": "CA"}, "address.postal_code"),  # a ZIP is not a Canadian code
        ({"postal_code": "V6B 1A1", "country": "IN"}, "address.postal_code"),
        ({"postal_code": "040001", "province": "MH"}, "address.postal_code"),  # Indian PINs never start with 0
        ({"postal_code": "V6B 1A1", "province": "ZZ"}, "address.province"),
        ({"postal_code": "V6B 1A1", "country": "FR"}, "address.country"),
        ({"street": ""}, "address.street"),
    ],
)
async def test_bad_addresses_are_422_with_a_dotted_field(api, owner, address, field):
    r = await api.post(BASE, owner.token, json=property_body(address=address))
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in [d["field"] for d in error["details"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (property_body(extra_field=1), "extra_field"),
        (property_body(name=5), "name"),
        (property_body(name="x" * 201), "name"),
        (property_body(type="castle"), "type"),
        (property_body(year_built=1200), "year_built"),
        ({"type": "residential", "address": property_body()["address"]}, "name"),
        (property_body(address={"zip": "V6B 1A1"}), "address.zip"),
    ],
)
async def test_invalid_bodies_are_422_and_write_nothing(api, owner, body, field):
    before = (await api.get(BASE, owner.token)).json()["meta"]["pagination"]["total_count"]
    r = await api.post(BASE, owner.token, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["success"] is False
    assert field in [d["field"] for d in r.json()["error"]["details"]]
    assert (await api.get(BASE, owner.token)).json()["meta"]["pagination"]["total_count"] == before


async def test_malformed_json_is_400(api, owner):
    r = await api.post(BASE, owner.token, content=b'{"name": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BAD_REQUEST"


async def test_list_pages_filters_and_sorts(api, owner):
    for name, kind in [("Cedar", "commercial"), ("Aspen", "residential"), ("Birch", "residential")]:
        assert (await api.post(BASE, owner.token, json=property_body(name=name, type=kind))).status_code == 201

    r = await api.get(BASE, owner.token, params={"sort_by": "name", "page_size": 2})
    assert r.status_code == 200
    assert [p["name"] for p in r.json()["data"]] == ["Aspen", "Birch"]
    assert r.json()["meta"]["pagination"] == {
        "page": 1,
        "page_size": 2,
        "total_count": 3,
        "total_pages": 2,
        "has_next": True,
        "has_previous": False,
        "next_cursor": r.json()["meta"]["pagination"]["next_cursor"],
    }
    assert isinstance(r.json()["meta"]["pagination"]["next_cursor"], str)
    r = await api.get(BASE, owner.token, params={"sort_by": "name", "page_size": 2, "page": 2})
    assert [p["name"] for p in r.json()["data"]] == ["Cedar"]
    assert r.json()["meta"]["pagination"]["has_previous"] is True

    r = await api.get(BASE, owner.token, params={"type": "residential", "sort_by": "name", "sort_order": "desc"})
    assert [p["name"] for p in r.json()["data"]] == ["Birch", "Aspen"]
    r = await api.get(BASE, owner.token, params={"status": "inactive"})
    assert r.json()["data"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"sort_by": "password"}, "sort_by"),
        ({"sort_order": "sideways"}, "sort_order"),
        ({"type": "castle"}, "type"),
        ({"created_after": "yesterday"}, "created_after"),
    ],
)
async def test_bad_list_parameters_are_422(api, owner, params, field):
    r = await api.get(BASE, owner.token, params=params)
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]]


async def test_created_range_filters(api, owner):
    r = await api.post(BASE, owner.token, json=property_body())
    created_at = r.json()["data"]["created_at"]
    assert (await api.get(BASE, owner.token, params={"created_after": created_at})).json()["data"]
    before = (await api.get(BASE, owner.token, params={"created_before": "2000-01-01T00:00:00Z"})).json()
    assert before["data"] == []


async def test_another_organizations_property_is_404_everywhere(api, owner, other_owner):
    pid = (await api.post(BASE, owner.token, json=property_body())).json()["data"]["id"]
    for method, kw in [("GET", {}), ("PUT", {"json": property_body(name="Hijacked")}), ("DELETE", {})]:
        r = await api.request(method, f"{BASE}/{pid}", token=other_owner.token, **kw)
        assert r.status_code == 404, (method, r.text)
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert pid not in [p["id"] for p in (await api.get(BASE, other_owner.token)).json()["data"]]
    assert (await api.get(f"{BASE}/{pid}", owner.token)).json()["data"]["name"] == "Sunset Apartments"


async def test_unknown_and_non_uuid_ids_are_404(api, owner):
    assert (await api.get(f"{BASE}/{uuid.uuid4()}", owner.token)).status_code == 404
    r = await api.get(f"{BASE}/not-a-uuid", owner.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"


async def test_roles_follow_the_seed_permissions(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    pid = (await api.post(BASE, owner.token, json=property_body())).json()["data"]["id"]

    # PropertyManager: property:read + property:update (seed 000), not create or delete.
    assert (await api.get(BASE, manager)).status_code == 200
    assert (await api.put(f"{BASE}/{pid}", manager, json=property_body(name="Renamed"))).status_code == 200
    r = await api.post(BASE, manager, json=property_body())
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    assert (await api.delete(f"{BASE}/{pid}", manager)).status_code == 403
    # Tenant: no property permissions at all.
    assert (await api.get(BASE, tenant)).status_code == 403
    assert (await api.post(BASE, tenant, json=property_body())).status_code == 403


async def test_events_reach_the_outbox_with_the_change(api, owner):
    pid = (await api.post(BASE, owner.token, json=property_body())).json()["data"]["id"]
    await api.put(f"{BASE}/{pid}", owner.token, json=property_body(name="New name"))
    await api.delete(f"{BASE}/{pid}", owner.token)
    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.event, outbox.c.payload)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
                .order_by(outbox.c.occurred_at)
            )
        ).all()
    events = [(e, p["property_id"]) for e, p in rows if p.get("property_id") == pid]
    assert [e for e, _ in events] == ["property.created", "property.updated", "property.deleted"]


async def test_a_failed_update_writes_no_event(api, owner):
    pid = (await api.post(BASE, owner.token, json=property_body())).json()["data"]["id"]
    r = await api.put(f"{BASE}/{pid}", owner.token, json=property_body(address={"postal_code": "nope"}))
    assert r.status_code == 422
    async with api.container.system_engine().connect() as conn:
        names = (
            (await conn.execute(sa.select(outbox.c.event).where(outbox.c.payload["property_id"].as_string() == pid)))
            .scalars()
            .all()
        )
    assert names == ["property.created"]

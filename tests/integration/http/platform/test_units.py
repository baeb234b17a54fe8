"""Units and their status through HTTP (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import uuid

import pytest

from leasing_support import LEASES, PROPERTIES, leased_unit, new_property, new_unit, unit_body

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for


def units(pid: str) -> str:
    return f"{PROPERTIES}/{pid}/units"


def codes(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def test_create_get_replace_delete(api, owner):
    pid = await new_property(api, owner)
    r = await api.post(units(pid), owner.token, json=unit_body())
    assert r.status_code == 201, r.text
    unit = r.json()["data"]
    assert unit["property_id"] == pid and unit["amenities"] == ["balcony", "dishwasher"]
    assert unit["area"] == "850" and unit["bedrooms"] == 2
    uid = unit["id"]
    assert (await api.get(f"{units(pid)}/{uid}", owner.token)).json()["data"]["name"] == "Unit 101"
    # The seed's alias GET /api/v1/properties/{id}/units is the same list.
    assert [u["id"] for u in (await api.get(units(pid), owner.token)).json()["data"]] == [uid]

    r = await api.put(f"{units(pid)}/{uid}", owner.token, json=unit_body(name="Unit 102", market_rent=None))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == "Unit 102" and r.json()["data"]["market_rent"] is None
    assert r.json()["data"]["version"] == 2

    r = await api.delete(f"{units(pid)}/{uid}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert (await api.get(f"{units(pid)}/{uid}", owner.token)).status_code == 404
    # The name is free again once the unit is gone.
    assert (await api.post(units(pid), owner.token, json=unit_body(name="Unit 102"))).status_code == 201


async def test_names_are_unique_within_a_property_only(api, owner):
    pid, other = await new_property(api, owner), await new_property(api, owner, name="Other")
    await new_unit(api, owner, pid, name="A1")
    r = await api.post(units(pid), owner.token, json=unit_body(name="A1"))
    assert codes(r) == (409, "RESOURCE_CONFLICT")
    assert (await api.post(units(other), owner.token, json=unit_body(name="A1"))).status_code == 201
    b2 = await new_unit(api, owner, pid, name="B2")
    r = await api.put(f"{units(pid)}/{b2}", owner.token, json=unit_body(name="A1"))
    assert codes(r) == (409, "RESOURCE_CONFLICT")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (unit_body(extra=1), "extra"),
        (unit_body(name=""), "name"),
        (unit_body(name=7), "name"),
        (unit_body(bedrooms=-1), "bedrooms"),
        (unit_body(bathrooms=1.25), "bathrooms"),
        (unit_body(area=0), "area"),
        (unit_body(area_unit="acres"), "area_unit"),
        (unit_body(area_unit=None), "area_unit"),
        (unit_body(market_rent={"amount": "-5.00", "currency": "USD"}), "market_rent.amount"),
        (unit_body(market_rent={"amount": "0", "currency": "USD"}), "market_rent.amount"),
        (unit_body(market_rent={"amount": 1500.5, "currency": "USD"}), "market_rent.amount"),
        (unit_body(market_rent={"amount": "1500.00", "currency": "INR"}), "market_rent.currency"),
        (unit_body(amenities=["ok", ""]), "amenities"),
        ({"floor": "2"}, "name"),
    ],
)
async def test_bad_unit_bodies_are_422_and_write_nothing(api, owner, body, field):
    pid = await new_property(api, owner)
    r = await api.post(units(pid), owner.token, json=body)
    assert codes(r) == (422, "VALIDATION_ERROR"), r.text
    assert any(d["field"].startswith(field) for d in r.json()["error"]["details"]), r.text
    assert (await api.get(units(pid), owner.token)).json()["data"] == []


async def test_malformed_json_is_400(api, owner):
    pid = await new_property(api, owner)
    r = await api.post(units(pid), owner.token, content=b"{", headers={"Content-Type": "application/json"})
    assert codes(r) == (400, "BAD_REQUEST")


async def test_status_moves_by_hand_only_along_legal_transitions(api, owner):
    pid = await new_property(api, owner)
    uid = await new_unit(api, owner, pid)
    status = f"{units(pid)}/{uid}/status"
    r = await api.get(status, owner.token)
    assert r.json()["data"]["status"] == "vacant"
    assert r.json()["data"]["allowed_transitions"] == ["unavailable", "under_maintenance"]
    r = await api.put(status, owner.token, json={"status": "under_maintenance"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "under_maintenance"
    for target in ("occupied", "notice_given"):
        assert codes(await api.put(status, owner.token, json={"status": target})) == (409, "RESOURCE_CONFLICT")
    assert (await api.put(status, owner.token, json={"status": "vacant"})).json()["data"]["status"] == "vacant"
    assert codes(await api.put(status, owner.token, json={"status": "haunted"}))[0] == 422
    assert codes(await api.put(status, owner.token, json={"status": "vacant", "x": 1}))[0] == 422


async def test_an_occupied_unit_cannot_be_changed_by_hand_nor_deleted(api, owner):
    ids = await leased_unit(api, owner)
    base = f"{units(ids['pid'])}/{ids['uid']}"
    assert (await api.get(f"{base}/status", owner.token)).json()["data"]["status"] == "occupied"
    r = await api.put(f"{base}/status", owner.token, json={"status": "under_maintenance"})
    assert codes(r) == (409, "RESOURCE_CONFLICT")
    assert codes(await api.delete(base, owner.token)) == (409, "RESOURCE_CONFLICT")
    # Terminating the lease frees the unit, which may then go.
    assert (await api.post(f"{LEASES}/{ids['lid']}/terminate", owner.token, json={})).status_code == 200
    assert (await api.get(f"{base}/status", owner.token)).json()["data"]["status"] == "vacant"
    assert (await api.delete(base, owner.token)).status_code == 204


async def test_another_organizations_units_are_404_everywhere(api, owner, other_owner):
    pid = await new_property(api, owner)
    uid = await new_unit(api, owner, pid)
    their_pid = await new_property(api, other_owner)
    calls = [
        ("GET", units(pid), {}),
        ("POST", units(pid), {"json": unit_body(name="X")}),
        ("GET", f"{units(pid)}/{uid}", {}),
        ("PUT", f"{units(pid)}/{uid}", {"json": unit_body()}),
        ("DELETE", f"{units(pid)}/{uid}", {}),
        ("GET", f"{units(pid)}/{uid}/status", {}),
        ("PUT", f"{units(pid)}/{uid}/status", {"json": {"status": "unavailable"}}),
        # Their own property, our unit id: still not found.
        ("GET", f"{units(their_pid)}/{uid}", {}),
    ]
    for method, url, kw in calls:
        r = await api.request(method, url, token=other_owner.token, **kw)
        assert codes(r) == (404, "RESOURCE_NOT_FOUND"), (method, url, r.text)
    assert (await api.get(f"{units(pid)}/{uid}", owner.token)).json()["data"]["name"] == "Unit 101"


async def test_a_unit_of_another_property_is_404_under_this_one(api, owner):
    pid, other = await new_property(api, owner), await new_property(api, owner, name="Other")
    uid = await new_unit(api, owner, other)
    assert (await api.get(f"{units(pid)}/{uid}", owner.token)).status_code == 404
    assert (await api.get(f"{units(pid)}/{uuid.uuid4()}", owner.token)).status_code == 404


async def test_roles(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, tenant = await owner.add_user("Tenant")
    pid = await new_property(api, owner)
    r = await api.post(units(pid), manager, json=unit_body())
    assert r.status_code == 201
    uid = r.json()["data"]["id"]
    assert (await api.put(f"{units(pid)}/{uid}/status", manager, json={"status": "unavailable"})).status_code == 200
    for method, url, kw in [
        ("GET", units(pid), {}),
        ("POST", units(pid), {"json": unit_body(name="Z")}),
        ("DELETE", f"{units(pid)}/{uid}", {}),
    ]:
        r = await api.request(method, url, token=staff, **kw)
        assert codes(r) == (403, "INSUFFICIENT_PERMISSIONS"), (method, url)
    # A tenant may read units (unit:read) but sees only the ones it leases: none here.
    assert (await api.get(units(pid), tenant)).json()["data"] == []
    assert (await api.get(f"{units(pid)}/{uid}", tenant)).status_code == 404
    assert codes(await api.post(units(pid), tenant, json=unit_body(name="T")))[0] == 403


async def test_list_filters_sorts_and_rejects_bad_parameters(api, owner):
    pid = await new_property(api, owner)
    await new_unit(api, owner, pid, name="A1", type="studio")
    b = await new_unit(api, owner, pid, name="B1", type="2bhk")
    await api.put(f"{units(pid)}/{b}/status", owner.token, json={"status": "unavailable"})
    r = await api.get(units(pid), owner.token, params={"status": "unavailable"})
    assert [u["name"] for u in r.json()["data"]] == ["B1"]
    r = await api.get(units(pid), owner.token, params={"type": "studio"})
    assert [u["name"] for u in r.json()["data"]] == ["A1"]
    r = await api.get(units(pid), owner.token, params={"sort_by": "name", "sort_order": "desc", "page_size": 1})
    assert [u["name"] for u in r.json()["data"]] == ["B1"] and r.json()["meta"]["pagination"]["has_next"]
    for params in ({"status": "haunted"}, {"sort_by": "rent"}, {"page_size": 101}):
        assert (await api.get(units(pid), owner.token, params=params)).status_code == 422

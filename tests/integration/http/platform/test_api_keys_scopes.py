"""API keys for every resource: permission-string scopes, bounded by the creator's current rights,
rotation with or without a grace period."""

from __future__ import annotations

import pytest

BASE = "/api/v1/identity/api-keys"
INVOICES = "/api/v1/financial/invoices"

pytestmark = pytest.mark.today("2026-12-01")


async def make_key(api, token, scopes, **extra):
    r = await api.post(BASE, token, json={"name": "Integration", "scopes": scopes, **extra})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_a_financial_read_key_reads_invoices_but_cannot_write_them(api, owner):
    key = (await make_key(api, owner.token, ["financial:read"]))["key"]
    r = await api.get(INVOICES, key)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == []
    r = await api.post(INVOICES, key, json={})
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    # nor anything else: leases, properties
    assert (await api.get("/api/v1/properties", key)).status_code == 403
    # the same key through X-API-Key
    assert (await api.get(INVOICES, headers={"X-API-Key": key})).status_code == 200


async def test_wildcard_and_manage_scopes_and_ticketing_names(api, owner):
    data = await make_key(api, owner.token, ["property:*", "tenant:manage", "tickets:read"])
    assert data["scopes"] == ["property:*", "tenant:manage", "tickets:read"]
    key = data["key"]
    assert (await api.get("/api/v1/properties", key)).status_code == 200
    assert (await api.get("/v1/tickets", key)).status_code == 200
    assert (await api.get(INVOICES, key)).status_code == 403


async def test_a_key_never_exceeds_its_creator(api, owner):
    # A custom role that may manage keys but sees no money cannot mint a financial key.
    r = await api.post(
        "/api/v1/identity/roles",
        owner.token,
        json={"name": "Integrator", "description": "keys only", "permissions": ["apikey:read", "apikey:create"]},
    )
    assert r.status_code == 201, r.text
    _, token = await owner.add_user("Integrator")
    r = await api.post(BASE, token, json={"name": "x", "scopes": ["financial:read"]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    r = await api.post(BASE, token, json={"name": "x", "scopes": ["financial:*"]})
    assert r.status_code == 403
    assert (await api.get(BASE, owner.token)).json()["data"] == []  # nothing was granted


async def test_a_demoted_creators_key_loses_the_rights_at_once(api, owner):
    user_id, token = await owner.add_user("OrganizationOwner")
    key = (await make_key(api, token, ["financial:read", "property:read"]))["key"]
    assert (await api.get(INVOICES, key)).status_code == 200
    r = await api.put(f"/api/v1/identity/users/{user_id}/roles", owner.token, json={"roles": ["PropertyManager"]})
    assert r.status_code == 200, r.text
    assert (await api.get(INVOICES, key)).status_code == 200  # managers still read money
    assert (await api.get("/api/v1/properties", key)).status_code == 200
    r = await api.put(f"/api/v1/identity/users/{user_id}/roles", owner.token, json={"roles": ["MaintenanceStaff"]})
    assert r.status_code == 200
    assert (await api.get(INVOICES, key)).status_code == 403
    assert (await api.get("/api/v1/properties", key)).status_code == 403
    assert (await api.delete(f"/api/v1/identity/users/{user_id}", owner.token)).status_code == 204
    assert (await api.get("/v1/tickets", key)).status_code == 403


async def test_unknown_scopes_are_422(api, owner):
    for bad in ("financial:steal", "nothing:read", "financial", "tickets:admin", "*"):
        r = await api.post(BASE, owner.token, json={"name": "x", "scopes": ["property:read", bad]})
        assert r.status_code == 422, (bad, r.text)
        assert [d["field"] for d in r.json()["error"]["details"]] == ["scopes.1"]


async def test_rotation_at_once(api, owner):
    data = await make_key(api, owner.token, ["property:read"])
    r = await api.post(f"{BASE}/{data['id']}/rotate", owner.token, json={})
    assert r.status_code == 200, r.text
    rotated = r.json()["data"]
    assert rotated["id"] == data["id"] and rotated["prefix"] == data["prefix"] and rotated["key"] != data["key"]
    assert rotated["rotated_at"] is not None and rotated["previous_valid_until"] is None
    assert (await api.get("/api/v1/properties", data["key"])).status_code == 401
    assert (await api.get("/api/v1/properties", rotated["key"])).status_code == 200


async def test_rotation_with_a_grace_period(api, owner):
    data = await make_key(api, owner.token, ["property:read"])
    r = await api.post(f"{BASE}/{data['id']}/rotate", owner.token, json={"grace_seconds": 3600})
    assert r.status_code == 200, r.text
    rotated = r.json()["data"]
    assert rotated["previous_valid_until"] is not None
    assert (await api.get("/api/v1/properties", data["key"])).status_code == 200
    assert (await api.get("/api/v1/properties", rotated["key"])).status_code == 200
    # a second rotation without grace ends both earlier secrets
    newest = (await api.post(f"{BASE}/{data['id']}/rotate", owner.token, json={})).json()["data"]
    assert (await api.get("/api/v1/properties", data["key"])).status_code == 401
    assert (await api.get("/api/v1/properties", rotated["key"])).status_code == 401
    assert (await api.get("/api/v1/properties", newest["key"])).status_code == 200


async def test_rotation_bad_input_roles_and_tenancy(api, owner, other_owner):
    data = await make_key(api, owner.token, ["property:read"])
    url = f"{BASE}/{data['id']}/rotate"
    for body in ({"grace_seconds": -1}, {"grace_seconds": 10**7}, {"grace_seconds": "x"}, {"other": 1}):
        r = await api.post(url, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
    assert (await api.get("/api/v1/properties", data["key"])).status_code == 200  # nothing changed
    assert (await api.post(url, other_owner.token, json={})).status_code == 404
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.post(url, manager, json={})).status_code == 403
    assert (await api.post(url, data["key"], json={})).status_code == 403  # a key cannot rotate keys
    await api.delete(f"{BASE}/{data['id']}", owner.token)
    r = await api.post(url, owner.token, json={})
    assert r.status_code == 422


async def test_a_custom_role_holders_key_carries_the_roles_grants(api, owner):
    r = await api.post(
        "/api/v1/identity/roles",
        owner.token,
        json={
            "name": "Accountant",
            "description": "Reads the books; makes keys for the accounting package",
            "permissions": ["financial:read", "apikey:read", "apikey:create"],
        },
    )
    assert r.status_code == 201, r.text
    _, accountant = await owner.add_user("Accountant")
    key = (await make_key(api, accountant, ["financial:read"]))["key"]
    assert (await api.get(INVOICES, key)).status_code == 200
    assert (await api.post(INVOICES, key, json={})).status_code == 403
    # the role loses financial:read: so does the key, at once
    role_id = r.json()["data"]["id"]
    r = await api.put(
        f"/api/v1/identity/roles/{role_id}/permissions", owner.token, json={"permissions": ["apikey:read"]}
    )
    assert r.status_code == 200, r.text
    assert (await api.get(INVOICES, key)).status_code == 403

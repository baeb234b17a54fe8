"""Custom roles of an organization through the HTTP app: the Accountant story, built-in roles that
cannot change, roles in use, escalation, other organizations and bad input."""

from __future__ import annotations

from typing import Any

import pytest

ID = "/api/v1/identity"
ROLES = f"{ID}/roles"
USERS = f"{ID}/users"
ACCOUNTANT = {
    "name": "Accountant",
    "description": "Reads the books and the reports, changes nothing",
    "permissions": ["financial:read"],
}


def error_code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    return r.json()["error"]["code"]


async def make_role(api: Any, owner: Any, **changes: Any) -> dict[str, Any]:
    r = await api.post(ROLES, owner.token, json={**ACCOUNTANT, **changes})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def member_with(api: Any, owner: Any, roles: list[str]) -> tuple[str, str]:
    email = api.email("member")
    r = await api.post(
        USERS, owner.token, json={"email": email, "name": "Avery Books", "roles": roles, "password": "a long password"}
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"], (await api.login(email, "a long password"))["access_token"]


async def test_an_accountant_reads_invoices_but_cannot_write_them(api, owner):
    role = await make_role(api, owner)
    assert role["built_in"] is False and role["name"] == "Accountant"
    assert role["permissions"] == ["financial:read"] and role["expanded_permissions"] == ["financial:read"]

    # Assigned by name at creation, or by id later.
    uid, token = await member_with(api, owner, ["Accountant"])
    r = await api.get(f"{USERS}/{uid}", owner.token)
    assert r.json()["data"]["roles"] == ["Accountant"] and r.json()["data"]["permissions"] == ["financial:read"]
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": [role["id"]]})
    assert r.status_code == 200 and r.json()["data"]["roles"] == ["Accountant"]

    me = (await api.get(f"{ID}/me", token)).json()["data"]
    assert me["permissions"] == ["financial:read"]
    assert (await api.get("/api/v1/financial/invoices", token)).status_code == 200
    assert (await api.get("/api/v1/financial/gst-returns", token)).status_code == 200
    assert error_code(await api.post("/api/v1/financial/invoices", token, json={}), 403) == "INSUFFICIENT_PERMISSIONS"
    assert error_code(await api.get("/api/v1/properties", token), 403) == "INSUFFICIENT_PERMISSIONS"
    assert error_code(await api.post(ROLES, token, json=ACCOUNTANT), 403) == "INSUFFICIENT_PERMISSIONS"


async def test_effective_permissions_are_the_union_of_the_roles(api, owner):
    await make_role(api, owner, name="Gatekeeper", permissions=["visitor:read", "security:*"])
    _, token = await member_with(api, owner, ["Tenant", "Gatekeeper"])
    me = (await api.get(f"{ID}/me", token)).json()["data"]
    assert {"visitor:read", "security:*", "unit:read", "maintenance:create"} <= set(me["permissions"])
    assert me["roles"] == ["Gatekeeper", "Tenant"]
    # Switching organization by header resolves the membership's roles, custom ones included.
    r = await api.get(f"{ID}/me", token, headers={"X-Organization-ID": owner.org_id})
    assert r.status_code == 200 and "security:*" in r.json()["data"]["permissions"]


async def test_list_get_rename_regrant_and_delete_a_role(api, owner):
    role = await make_role(api, owner)
    listed = (await api.get(ROLES, owner.token)).json()["data"]
    assert [r["id"] for r in listed if not r["built_in"]] == [role["id"]]
    assert (await api.get(f"{ROLES}/{role['id']}", owner.token)).json()["data"]["name"] == "Accountant"

    uid, _ = await member_with(api, owner, ["Accountant"])
    body = {"name": "Bookkeeper", "description": "", "permissions": ["financial:read", "payment:read"]}
    r = await api.put(f"{ROLES}/{role['id']}", owner.token, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == "Bookkeeper"
    user = (await api.get(f"{USERS}/{uid}", owner.token)).json()["data"]
    assert user["roles"] == ["Bookkeeper"] and user["permissions"] == ["financial:read", "payment:read"]
    r = await api.get(USERS, owner.token, params={"role": "Bookkeeper"})
    assert [u["id"] for u in r.json()["data"]] == [uid]

    r = await api.put(f"{ROLES}/{role['id']}/permissions", owner.token, json={"permissions": ["financial:*"]})
    assert r.status_code == 200 and r.json()["data"]["permissions"] == ["financial:*"]
    r = await api.get(f"{ROLES}/{role['id']}/permissions", owner.token)
    assert "financial:approve" in r.json()["data"]["expanded_permissions"]

    # In use: 409, until nobody holds it.
    assert error_code(await api.delete(f"{ROLES}/{role['id']}", owner.token), 409) == "RESOURCE_CONFLICT"
    await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["Tenant"]})
    r = await api.delete(f"{ROLES}/{role['id']}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert error_code(await api.get(f"{ROLES}/{role['id']}", owner.token), 404) == "RESOURCE_NOT_FOUND"
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["Bookkeeper"]})
    assert error_code(r, 422) == "VALIDATION_ERROR"


async def test_built_in_roles_cannot_change(api, owner):
    for method, url, body in (
        ("PUT", f"{ROLES}/PropertyManager", {"json": ACCOUNTANT}),
        ("DELETE", f"{ROLES}/Tenant", {}),
        ("PUT", f"{ROLES}/Tenant/permissions", {"json": {"permissions": ["unit:read"]}}),
    ):
        assert error_code(await api.request(method, url, token=owner.token, **body), 409) == "RESOURCE_CONFLICT"
    r = await api.get(f"{ROLES}/Tenant/permissions", owner.token)
    assert r.status_code == 200 and r.json()["data"]["permissions"][0] == "unit:read"
    for name in ("Tenant", "tenant", "SUPERADMIN"):  # nor be shadowed by a custom role
        r = await api.post(ROLES, owner.token, json={**ACCOUNTANT, "name": name})
        assert error_code(r, 409) == "RESOURCE_CONFLICT"
    await make_role(api, owner)
    assert error_code(await api.post(ROLES, owner.token, json={**ACCOUNTANT, "name": "accountant"}), 409)


async def test_a_role_cannot_grant_what_its_creator_lacks(api, owner):
    # A manager given role management cannot put into a role (or hand out) what they do not hold.
    await make_role(api, owner, name="Role admin", permissions=["role:*", "user:update", "user:read"])
    _, manager = await member_with(api, owner, ["PropertyManager", "Role admin"])
    r = await api.post(ROLES, manager, json={**ACCOUNTANT, "permissions": ["financial:read", "org:update"]})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    r = await api.post(ROLES, manager, json={**ACCOUNTANT, "permissions": ["*"]})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    r = await api.post(ROLES, manager, json={**ACCOUNTANT, "permissions": ["financial:*"]})  # holds only some
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    assert [r for r in (await api.get(ROLES, owner.token)).json()["data"] if r["name"] == "Accountant"] == []
    mine = (await api.post(ROLES, manager, json={**ACCOUNTANT, "permissions": ["tenant:*"]})).json()["data"]
    assert mine["permissions"] == ["tenant:*"]
    boss = await make_role(api, owner, name="Treasurer", permissions=["financial:*", "org:*"])
    uid, _ = await member_with(api, owner, ["Tenant"])
    r = await api.put(f"{USERS}/{uid}/roles", manager, json={"roles": [boss["id"]]})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    r = await api.put(f"{ROLES}/{mine['id']}/permissions", manager, json={"permissions": ["org:delete"]})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"


async def test_roles_management_needs_the_role_permissions(api, owner):
    role = await make_role(api, owner)
    _, manager = await member_with(api, owner, ["PropertyManager"])
    for method, url, body in (
        ("POST", ROLES, {"json": ACCOUNTANT}),
        ("PUT", f"{ROLES}/{role['id']}", {"json": ACCOUNTANT}),
        ("PUT", f"{ROLES}/{role['id']}/permissions", {"json": {"permissions": ["financial:read"]}}),
        ("DELETE", f"{ROLES}/{role['id']}", {}),
    ):
        r = await api.request(method, url, token=manager, **body)
        assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    assert (await api.get(f"{ROLES}/{role['id']}", manager)).status_code == 200


async def test_another_organizations_role_is_not_found(api, owner, other_owner):
    role = await make_role(api, owner)
    rid = role["id"]
    for method, url, body in (
        ("GET", f"{ROLES}/{rid}", {}),
        ("GET", f"{ROLES}/{rid}/permissions", {}),
        ("PUT", f"{ROLES}/{rid}", {"json": ACCOUNTANT}),
        ("PUT", f"{ROLES}/{rid}/permissions", {"json": {"permissions": ["financial:read"]}}),
        ("DELETE", f"{ROLES}/{rid}", {}),
    ):
        r = await api.request(method, url, token=other_owner.token, **body)
        assert error_code(r, 404) == "RESOURCE_NOT_FOUND"
    assert all(r["built_in"] for r in (await api.get(ROLES, other_owner.token)).json()["data"])
    # Nor can its name or id be handed out there.
    uid, _ = await member_with(api, other_owner, ["Tenant"])
    for ref in ("Accountant", rid):
        r = await api.put(f"{USERS}/{uid}/roles", other_owner.token, json={"roles": [ref]})
        assert error_code(r, 422) == "VALIDATION_ERROR"
    assert error_code(
        await api.get(f"{ROLES}/{rid}", owner.token, headers={"X-Organization-ID": other_owner.org_id}), 404
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**ACCOUNTANT, "permissions": ["financial:read", "money:print"]}, "permissions.1"),
        ({**ACCOUNTANT, "permissions": ["financial"]}, "permissions.0"),
        ({**ACCOUNTANT, "permissions": ["nope:*"]}, "permissions.0"),
        ({**ACCOUNTANT, "permissions": []}, "permissions"),
        ({**ACCOUNTANT, "permissions": "financial:read"}, "permissions"),
        ({**ACCOUNTANT, "name": ""}, "name"),
        ({**ACCOUNTANT, "name": "   "}, "name"),
        ({**ACCOUNTANT, "name": "x" * 51}, "name"),
        ({**ACCOUNTANT, "name": "Acc\x00untant"}, "name"),
        ({**ACCOUNTANT, "name": "<script>"}, "name"),
        ({**ACCOUNTANT, "name": 7}, "name"),
        ({**ACCOUNTANT, "colour": "red"}, "colour"),
        ({"permissions": ["financial:read"]}, "name"),
    ],
)
async def test_bad_role_input(api, owner, body, field):
    r = await api.post(ROLES, owner.token, json=body)
    assert error_code(r, 422) == "VALIDATION_ERROR"
    assert field in [d["field"] for d in r.json()["error"]["details"]]


async def test_malformed_json_and_unknown_ids(api, owner):
    r = await api.post(ROLES, owner.token, content=b"{not json", headers={"Content-Type": "application/json"})
    assert error_code(r, 400) == "BAD_REQUEST"
    for url in (f"{ROLES}/00000000-0000-0000-0000-000000000000", f"{ROLES}/Wizard"):
        assert error_code(await api.get(url, owner.token), 404) == "RESOURCE_NOT_FOUND"
        assert error_code(await api.delete(url, owner.token), 404) == "RESOURCE_NOT_FOUND"

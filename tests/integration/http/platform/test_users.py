"""Users of an organization, their roles, and the role/permission catalogue, through the HTTP app."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.domain.identity.roles import ALL_PERMISSIONS, ROLES, permissions_for
from pmsaas.domain.shared.actor import Actor

USERS = "/api/v1/identity/users"
ID = "/api/v1/identity"


def error_code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["success"] is False and body["meta"]["request_id"]
    return body["error"]["code"]


def fields(r: Any) -> list[str]:
    return [d["field"] for d in r.json()["error"]["details"]]


async def create(api: Any, owner: Any, **body: Any) -> Any:
    payload = {"email": api.email(), "name": "Pat Person", "roles": ["PropertyManager"], "password": "a long password"}
    payload.update(body)
    return await api.post(USERS, owner.token, json=payload)


async def test_create_get_update_delete_a_user(api, owner):
    email = api.email("pm")
    r = await create(api, owner, email=email.upper(), name="Pam Manager", phone="+1 604 555 0100")
    assert r.status_code == 201, r.text
    user = r.json()["data"]
    assert user["email"] == email and user["name"] == "Pam Manager" and user["phone"] == "+1 604 555 0100"
    assert user["roles"] == ["PropertyManager"] and user["organization_id"] == owner.org_id
    assert user["status"] == "active" and "property:read" in user["permissions"]
    assert "password" not in r.text
    uid = user["id"]

    r = await api.get(f"{USERS}/{uid}", owner.token)
    assert r.status_code == 200 and r.json()["data"]["email"] == email

    r = await api.put(f"{USERS}/{uid}", owner.token, json={"name": "Pam M.", "roles": ["PropertyManager", "Tenant"]})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["name"] == "Pam M." and r.json()["data"]["roles"] == ["PropertyManager", "Tenant"]

    r = await api.delete(f"{USERS}/{uid}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert error_code(await api.get(f"{USERS}/{uid}", owner.token), 404) == "RESOURCE_NOT_FOUND"
    # Removed from the organization: signing in no longer lands in it.
    tokens = await api.login(email, "a long password")
    assert tokens["user"]["organization_id"] is None


async def test_user_events_reach_the_outbox(api, owner):
    uid = (await create(api, owner)).json()["data"]["id"]
    await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["Tenant"]})
    await api.delete(f"{USERS}/{uid}", owner.token)
    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.event, outbox.c.payload)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
                .order_by(outbox.c.occurred_at)
            )
        ).all()
    assert [e for e, p in rows if p.get("user_id") == uid] == ["user.created", "user.updated", "user.deleted"]


async def test_list_users_pages_and_filters(api, owner):
    await owner.add_user("PropertyManager")
    await owner.add_user("Tenant")
    await owner.add_user("Tenant")
    r = await api.post(USERS, owner.token, json={"email": api.email(), "name": "Invited", "roles": ["Tenant"]})
    assert r.status_code == 201

    r = await api.get(USERS, owner.token, params={"page_size": 2})
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]) == 2
    assert r.json()["meta"]["pagination"] == {
        "page": 1,
        "page_size": 2,
        "total_count": 5,
        "total_pages": 3,
        "has_next": True,
        "has_previous": False,
    }
    r = await api.get(USERS, owner.token, params={"role": "Tenant"})
    assert [u["roles"] for u in r.json()["data"]] == [["Tenant"]] * 3
    r = await api.get(USERS, owner.token, params={"role": "Tenant", "status": "invited"})
    assert [u["name"] for u in r.json()["data"]] == ["Invited"]
    r = await api.get(USERS, owner.token, params={"status": "active", "sort_by": "email", "sort_order": "desc"})
    emails = [u["email"] for u in r.json()["data"]]
    assert len(emails) == 4 and emails == sorted(emails, reverse=True)
    r = await api.get(USERS, owner.token, params={"search": "olivia"})
    assert [u["id"] for u in r.json()["data"]] == [owner.user_id]
    for literal in ("%", "_", "\\"):  # searched as text, not as LIKE wildcards
        assert (await api.get(USERS, owner.token, params={"search": literal})).json()["data"] == []
    r = await api.get(USERS, owner.token, params={"role": "OrganizationOwner"})
    assert [u["id"] for u in r.json()["data"]] == [owner.user_id]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"role": "Wizard"}, "role"),
        ({"status": "deleted"}, "status"),
        ({"sort_by": "password_hash"}, "sort_by"),
        ({"page_size": 101}, "page_size"),
        ({"page": 0}, "page"),
        ({"search": "x" * 101}, "search"),
    ],
)
async def test_bad_list_parameters_are_422(api, owner, params, field):
    r = await api.get(USERS, owner.token, params=params)
    assert error_code(r, 422) == "VALIDATION_ERROR"
    assert field in fields(r)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"roles": ["Wizard"]}, "roles.0"),
        ({"roles": ["Tenant", "Admin"]}, "roles.1"),
        ({"roles": []}, "roles"),
        ({"roles": "Tenant"}, "roles"),
        ({"email": "nope"}, "email"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
        ({"phone": "1" * 33}, "phone"),
        ({"is_admin": True}, "is_admin"),
    ],
)
async def test_bad_user_bodies_are_422_and_write_nothing(api, owner, body, field):
    body = dict(body)  # the parameter is shared by every backend's run
    email = body.pop("email", None) or api.email()
    r = await create(api, owner, email=email, **body)
    assert error_code(r, 422) == "VALIDATION_ERROR"
    assert field in fields(r)
    assert (await api.get(USERS, owner.token, params={"search": email})).json()["data"] == []


async def test_malformed_json_is_400(api, owner):
    r = await api.post(USERS, owner.token, content=b"{", headers={"Content-Type": "application/json"})
    assert error_code(r, 400) == "BAD_REQUEST"


async def test_only_a_superadmin_grants_superadmin(api, owner):
    r = await create(api, owner, roles=["SuperAdmin"])
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    uid = (await create(api, owner)).json()["data"]["id"]
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["SuperAdmin"]})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"


async def test_duplicate_member_is_409(api, owner):
    email = api.email()
    assert (await create(api, owner, email=email)).status_code == 201
    assert error_code(await create(api, owner, email=email), 409) == "RESOURCE_CONFLICT"


async def test_roles_endpoints(api, owner):
    uid = (await create(api, owner, roles=["Tenant"])).json()["data"]["id"]
    r = await api.get(f"{USERS}/{uid}/roles", owner.token)
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {
        "user_id": uid,
        "organization_id": owner.org_id,
        "roles": ["Tenant"],
        "permissions": sorted(permissions_for({"Tenant"})),
    }
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["MaintenanceStaff", "Tenant"]})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["roles"] == ["MaintenanceStaff", "Tenant"]
    assert (await api.get(f"{USERS}/{uid}", owner.token)).json()["data"]["roles"] == ["MaintenanceStaff", "Tenant"]
    for body, field in [({"roles": ["Nope"]}, "roles.0"), ({"roles": []}, "roles"), ({"role": ["Tenant"]}, "role")]:
        r = await api.put(f"{USERS}/{uid}/roles", owner.token, json=body)
        assert error_code(r, 422) == "VALIDATION_ERROR" and field in fields(r)


async def test_new_roles_apply_to_the_next_token(api, owner):
    email = api.email()
    uid = (await create(api, owner, email=email, roles=["Tenant"])).json()["data"]["id"]
    tenant = (await api.login(email, "a long password"))["access_token"]
    assert (await api.get("/api/v1/properties", tenant)).status_code == 403
    await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["PropertyManager"]})
    manager = (await api.login(email, "a long password"))["access_token"]
    assert (await api.get("/api/v1/properties", manager)).status_code == 200


async def test_you_cannot_remove_yourself_or_your_owner_role(api, owner):
    assert error_code(await api.delete(f"{USERS}/{owner.user_id}", owner.token), 409) == "RESOURCE_CONFLICT"
    r = await api.put(f"{USERS}/{owner.user_id}/roles", owner.token, json={"roles": ["PropertyManager"]})
    assert error_code(r, 409) == "RESOURCE_CONFLICT"
    r = await api.put(f"{USERS}/{owner.user_id}", owner.token, json={"name": "Me", "roles": ["Tenant"]})
    assert error_code(r, 409) == "RESOURCE_CONFLICT"
    r = await api.put(f"{USERS}/{owner.user_id}", owner.token, json={"name": "Me", "status": "disabled"})
    assert error_code(r, 409) == "RESOURCE_CONFLICT"
    # Nothing changed, and adding a role to yourself is fine.
    r = await api.put(f"{USERS}/{owner.user_id}/roles", owner.token, json={"roles": ["OrganizationOwner", "Tenant"]})
    assert r.status_code == 200, r.text
    assert (await api.get(f"{USERS}/{owner.user_id}", owner.token)).json()["data"]["name"] == "Olivia Owner"


async def test_disabling_a_user_ends_their_sessions(api, owner):
    email = api.email()
    uid = (await create(api, owner, email=email)).json()["data"]["id"]
    session = await api.login(email, "a long password")
    r = await api.put(f"{USERS}/{uid}", owner.token, json={"name": "Pat", "status": "disabled"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "disabled"
    r = await api.post(f"{ID}/refresh", json={"refresh_token": session["refresh_token"]})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"
    assert (await api.get(USERS, owner.token, params={"status": "disabled"})).json()["data"][0]["id"] == uid


async def test_a_property_manager_and_a_tenant_cannot_manage_users(api, owner):
    target = (await create(api, owner, roles=["Tenant"])).json()["data"]["id"]
    for role in ("PropertyManager", "Tenant", "MaintenanceStaff"):
        _, token = await owner.add_user(role)
        writes = [
            ("POST", USERS, {"json": {"email": api.email(), "name": "X", "roles": ["Tenant"]}}),
            ("PUT", f"{USERS}/{target}", {"json": {"name": "X"}}),
            ("DELETE", f"{USERS}/{target}", {}),
            ("PUT", f"{USERS}/{target}/roles", {"json": {"roles": ["OrganizationOwner"]}}),
        ]
        for method, url, kw in writes:
            r = await api.request(method, url, token=token, **kw)
            assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS", (role, method, url)
        # Reading the member list follows the role's user:read grant (managers assign work to users).
        can_read = Actor(None, None, permissions=permissions_for({role})).can("user:read")
        for url in (USERS, f"{USERS}/{target}", f"{USERS}/{target}/roles"):
            r = await api.get(url, token)
            if can_read:
                assert r.status_code == 200, (role, url, r.text)
            else:
                assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS", (role, url)
    assert not Actor(None, None, permissions=permissions_for({"Tenant"})).can("user:read")
    r = await api.get(f"{USERS}/{target}", owner.token)
    assert r.json()["data"]["roles"] == ["Tenant"] and r.json()["data"]["name"] == "Pat Person"


async def test_another_organizations_users_are_404_on_every_route(api, owner, other_owner):
    target = (await create(api, owner)).json()["data"]["id"]
    for uid in (target, owner.user_id, str(uuid.uuid4())):
        calls = [
            ("GET", f"{USERS}/{uid}", {}),
            ("PUT", f"{USERS}/{uid}", {"json": {"name": "Hijacked", "status": "disabled"}}),
            ("DELETE", f"{USERS}/{uid}", {}),
            ("GET", f"{USERS}/{uid}/roles", {}),
            ("PUT", f"{USERS}/{uid}/roles", {"json": {"roles": ["Tenant"]}}),
        ]
        for method, url, kw in calls:
            r = await api.request(method, url, token=other_owner.token, **kw)
            assert error_code(r, 404) == "RESOURCE_NOT_FOUND", (method, url)
    assert target not in [u["id"] for u in (await api.get(USERS, other_owner.token)).json()["data"]]
    r = await api.get(f"{USERS}/{target}", owner.token)
    assert r.json()["data"]["name"] == "Pat Person" and r.json()["data"]["status"] == "active"
    assert (await api.get(f"{USERS}/not-a-uuid", owner.token)).status_code == 404


async def accept_invitation(api: Any, account: Any) -> None:
    """The account accepts the invitation e-mailed to it, signed in as itself."""
    mail = [m for m in api.container.mailer().sent if m.to == account.email][-1]
    secret = next(line for line in mail.body.splitlines() if line and " " not in line and len(line) >= 40)
    r = await api.post(f"{ID}/invitations/{secret}/accept", account.token)
    assert r.status_code == 201, r.text


async def test_an_existing_account_joins_a_second_organization(api, owner, other_owner):
    # other_owner adds owner's account (by e-mail) to Rival Estates as a PropertyManager.
    r = await api.post(
        USERS,
        other_owner.token,
        json={"email": owner.email, "name": "ignored", "roles": ["PropertyManager"], "password": "ignored password"},
    )
    assert r.status_code == 201, r.text
    # Issue 11: the answer reveals nothing of the account (not its id, not its name) and it joins only
    # when it accepts the e-mailed invitation.
    assert r.json()["data"]["id"] != owner.user_id and r.json()["data"]["organization_id"] == other_owner.org_id
    assert r.json()["data"]["name"] == "ignored"
    await accept_invitation(api, owner)
    assert (await api.login(owner.email, owner.password))["user"]["organization_id"] == owner.org_id
    assert (await api.login(owner.email, owner.password))["user"]["name"] == "Olivia Owner"  # its own name

    # Organizations list both; X-Organization-ID switches, with the roles held there.
    orgs = (await api.get("/api/v1/organizations", owner.token)).json()["data"]
    assert {o["id"] for o in orgs} == {owner.org_id, other_owner.org_id}
    rival = {"X-Organization-ID": other_owner.org_id}
    r = await api.get(f"{ID}/me", owner.token, headers=rival)
    assert r.json()["data"]["organization_id"] == other_owner.org_id
    assert r.json()["data"]["roles"] == ["PropertyManager"]
    r = await api.post(USERS, owner.token, headers=rival, json={"email": api.email(), "name": "X", "roles": ["Tenant"]})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    assert (await api.get("/api/v1/properties", owner.token, headers=rival)).status_code == 200
    r = await api.post("/api/v1/properties", owner.token, headers=rival, json={})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"  # managers do not create properties
    # Its own organization, by header or by default, is unchanged.
    assert (await api.get(USERS, owner.token, headers={"X-Organization-ID": owner.org_id})).status_code == 200
    assert (await api.get(USERS, owner.token, headers={"X-Organization-ID": owner.org_id.upper()})).status_code == 200
    assert (await api.get(USERS, owner.token)).status_code == 200

    # Removed from the rival organization, the header no longer works.
    assert (await api.delete(f"{USERS}/{owner.user_id}", other_owner.token)).status_code == 204
    assert error_code(await api.get(f"{ID}/me", owner.token, headers=rival), 404) == "RESOURCE_NOT_FOUND"


async def test_a_rival_cannot_change_a_shared_account(api, owner, other_owner):
    """Adding someone's account to your organization must not let you lock them out of theirs."""
    r = await api.post(USERS, other_owner.token, json={"email": owner.email, "name": "x", "roles": ["Tenant"]})
    assert r.status_code == 201, r.text
    await accept_invitation(api, owner)
    r = await api.put(f"{USERS}/{owner.user_id}", other_owner.token, json={"name": "Renamed", "status": "disabled"})
    assert error_code(r, 409) == "RESOURCE_CONFLICT"
    assert (await api.login(owner.email, owner.password))["user"]["name"] == "Olivia Owner"
    assert (await api.get(USERS, owner.token)).status_code == 200
    # Roles in the rival organization are the rival's to set; removing the member is too.
    r = await api.put(f"{USERS}/{owner.user_id}/roles", other_owner.token, json={"roles": ["PropertyManager"]})
    assert r.status_code == 200, r.text
    assert (await api.delete(f"{USERS}/{owner.user_id}", other_owner.token)).status_code == 204
    assert (await api.get(USERS, owner.token)).status_code == 200


@pytest.mark.parametrize("header", [str(uuid.uuid4()), "not-a-uuid", "", "1234"])
async def test_an_organization_you_do_not_belong_to_is_404(api, owner, other_owner, header):
    headers = {"X-Organization-ID": header}
    r = await api.get(USERS, owner.token, headers=headers)
    if header == "":
        assert r.status_code == 200  # an empty header is no header
    else:
        assert error_code(r, 404) == "RESOURCE_NOT_FOUND"
    r = await api.get(USERS, owner.token, headers={"X-Organization-ID": other_owner.org_id})
    assert error_code(r, 404) == "RESOURCE_NOT_FOUND"


# -- the role and permission catalogue ----------------------------------------------------------


async def test_roles_catalogue(api, owner):
    r = await api.get(f"{ID}/roles", owner.token)
    assert r.status_code == 200, r.text
    roles = {x["id"]: x for x in r.json()["data"]}
    assert set(roles) == set(ROLES)
    assert roles["PropertyManager"]["permissions"][:3] == ["property:read", "property:update", "tenant:*"]
    assert "tenant:delete" in roles["PropertyManager"]["expanded_permissions"]
    assert "property:create" not in roles["PropertyManager"]["expanded_permissions"]
    assert roles["SuperAdmin"]["expanded_permissions"] == list(ALL_PERMISSIONS)

    r = await api.get(f"{ID}/roles/Tenant", owner.token)
    assert r.status_code == 200 and r.json()["data"]["permissions"] == list(ROLES["Tenant"])
    assert r.json()["data"]["permissions"][:3] == ["unit:read", "maintenance:create", "payment:create"]
    assert error_code(await api.get(f"{ID}/roles/Wizard", owner.token), 404) == "RESOURCE_NOT_FOUND"

    r = await api.get(f"{ID}/permissions", owner.token)
    assert r.status_code == 200
    perms = r.json()["data"]
    assert [p["name"] for p in perms] == list(ALL_PERMISSIONS)
    assert {"name": "property:read", "resource": "property", "action": "read"} in perms


async def test_the_catalogue_needs_authentication_only(api, owner):
    _, tenant = await owner.add_user("Tenant")
    for url in (f"{ID}/roles", f"{ID}/roles/Tenant", f"{ID}/permissions"):
        assert (await api.get(url, tenant)).status_code == 200
        assert error_code(await api.get(url), 401) == "AUTHENTICATION_FAILED"

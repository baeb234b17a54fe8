"""Rights end at once (issue 11, OWASP API5/API2): an access token issued before its rights were taken
away is refused at the very next request, not when it expires. Over HTTP, on both databases."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from conftest import Api, Owner
from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app

ID = "/api/v1/identity"
USERS = f"{ID}/users"
PASSWORD = "a long password"


def refused(r: Any) -> bool:
    return r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_FAILED"


async def manager(owner: Owner) -> tuple[str, str, str]:
    """A property manager of ``owner``'s organization: (user id, e-mail, access token)."""
    api = owner.api
    email = api.email("pm")
    body = {"email": email, "name": "Pam Manager", "roles": ["PropertyManager"], "password": PASSWORD}
    r = await api.post(USERS, owner.token, json=body)
    assert r.status_code == 201, r.text
    token = (await api.login(email, PASSWORD))["access_token"]
    assert (await api.get(USERS, token)).status_code == 200  # works before
    return r.json()["data"]["id"], email, token


async def test_a_removed_member_loses_access_at_once(api, owner):
    uid, email, token = await manager(owner)
    assert (await api.delete(f"{USERS}/{uid}", owner.token)).status_code == 204
    assert refused(await api.get(USERS, token))
    assert refused(await api.post("/api/v1/properties", token, json={"name": "Sneaky"}))
    # Signing in again lands in no organization; the owner's own token is untouched.
    assert (await api.login(email, PASSWORD))["user"]["organization_id"] is None
    assert (await api.get(USERS, owner.token)).status_code == 200


async def test_a_disabled_user_loses_access_at_once(api, owner):
    uid, _, token = await manager(owner)
    r = await api.put(f"{USERS}/{uid}", owner.token, json={"name": "Pam Manager", "status": "disabled"})
    assert r.status_code == 200, r.text
    assert refused(await api.get(f"{ID}/me", token))


async def test_a_demoted_manager_loses_the_old_roles_at_once(api, owner):
    uid, email, token = await manager(owner)
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["Tenant"]})
    assert r.status_code == 200, r.text
    assert refused(await api.get(USERS, token))
    # A new sign-in carries the new roles and works.
    fresh = (await api.login(email, PASSWORD))["access_token"]
    assert (await api.get(f"{ID}/me", fresh)).json()["data"]["roles"] == ["Tenant"]
    assert (await api.get(USERS, fresh)).status_code == 403


async def test_a_role_change_through_the_user_update_ends_the_old_token(api, owner):
    uid, _, token = await manager(owner)
    r = await api.put(f"{USERS}/{uid}", owner.token, json={"name": "Pam Manager", "roles": ["MaintenanceStaff"]})
    assert r.status_code == 200, r.text
    assert refused(await api.get(f"{ID}/me", token))


async def test_an_unchanged_role_keeps_the_token(api, owner):
    uid, _, token = await manager(owner)
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["PropertyManager"]})
    assert r.status_code == 200, r.text
    assert (await api.get(USERS, token)).status_code == 200


async def test_a_password_reset_signs_out_every_access_token(api, owner):
    _, email, token = await manager(owner)
    assert (await api.post(f"{ID}/forgot-password", json={"email": email})).status_code == 200
    mail = [m for m in api.container.mailer().sent if m.to == email][-1]
    secret = next(line for line in mail.body.splitlines() if line and " " not in line and len(line) >= 40)
    r = await api.post(f"{ID}/reset-password", json={"token": secret, "password": "a brand new password"})
    assert r.status_code == 200, r.text
    assert refused(await api.get(USERS, token))
    fresh = (await api.login(email, "a brand new password"))["access_token"]
    assert (await api.get(USERS, fresh)).status_code == 200


async def test_refresh_token_reuse_ends_the_access_tokens_of_the_family(api, owner):
    first = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/refresh", json={"refresh_token": first["refresh_token"]})
    second = r.json()["data"]
    assert (await api.get(f"{ID}/me", second["access_token"])).status_code == 200
    r = await api.post(f"{ID}/refresh", json={"refresh_token": first["refresh_token"]})  # stolen copy replayed
    assert refused(r)
    assert refused(await api.get(f"{ID}/me", first["access_token"]))
    assert refused(await api.get(f"{ID}/me", second["access_token"]))


async def test_logout_without_a_body_ends_every_access_token(api, owner):
    a = await api.login(owner.email, owner.password)
    b = await api.login(owner.email, owner.password)
    assert (await api.post(f"{ID}/logout", a["access_token"])).status_code == 200
    assert refused(await api.get(f"{ID}/me", a["access_token"]))
    assert refused(await api.get(f"{ID}/me", b["access_token"]))
    fresh = await api.login(owner.email, owner.password)
    assert (await api.get(f"{ID}/me", fresh["access_token"])).status_code == 200


async def test_log_out_everywhere(api, owner):
    a = await api.login(owner.email, owner.password)
    b = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/logout", a["access_token"], json={"refresh_token": a["refresh_token"], "all": True})
    assert r.status_code == 200, r.text
    assert refused(await api.get(f"{ID}/me", b["access_token"]))
    assert refused(await api.post(f"{ID}/refresh", json={"refresh_token": b["refresh_token"]}))


async def test_logout_of_one_session_keeps_the_others(api, owner):
    a = await api.login(owner.email, owner.password)
    b = await api.login(owner.email, owner.password)
    r = await api.post(f"{ID}/logout", a["access_token"], json={"refresh_token": a["refresh_token"], "all": False})
    assert r.status_code == 200, r.text
    assert refused(await api.get(f"{ID}/me", a["access_token"]))
    assert (await api.get(f"{ID}/me", b["access_token"])).status_code == 200


async def test_a_switched_organization_request_also_checks_the_user_version(api, owner, other_owner):
    """X-Organization-Id: the roles come from the membership row, the user's version still applies."""
    a = await api.login(owner.email, owner.password)
    assert (await api.post(f"{ID}/logout", owner.token, json={"all": True})).status_code == 200
    r = await api.get(f"{ID}/me", a["access_token"], headers={"X-Organization-Id": other_owner.org_id})
    assert refused(r)


async def test_the_end_survives_a_restart(api, owner):
    """Embedded mode keeps the versions in memory, warmed from the table at start-up; Redis keeps its own."""
    uid, _, token = await manager(owner)
    assert (await api.delete(f"{USERS}/{uid}", owner.token)).status_code == 204
    container = build_container(api.container.settings())
    async with AsyncTestClient(app=create_app(container)) as client:
        r = await client.get(USERS, headers={"Authorization": f"Bearer {token}"})
        assert refused(r), r.text
        r = await client.get(USERS, headers={"Authorization": f"Bearer {owner.token}"})
        assert r.status_code == 200, r.text


async def test_other_users_are_untouched(api: Api, owner, other_owner):
    uid, _, _ = await manager(owner)
    other_uid, _, other_token = await manager(other_owner)
    assert (await api.delete(f"{USERS}/{uid}", owner.token)).status_code == 204
    assert (await api.get(USERS, other_token)).status_code == 200
    assert other_uid != uid


async def test_a_role_added_keeps_the_token(api, owner):
    """Only rights taken away end tokens: one with fewer roles than granted harms no one."""
    uid, _, token = await manager(owner)
    r = await api.put(f"{USERS}/{uid}/roles", owner.token, json={"roles": ["PropertyManager", "Tenant"]})
    assert r.status_code == 200, r.text
    assert (await api.get(USERS, token)).status_code == 200

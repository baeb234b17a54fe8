"""Adding an existing account to an organization is an invitation the account accepts (issue 11): the
caller learns nothing of the account, and nothing joins until its owner says so."""

from __future__ import annotations

from typing import Any

ID = "/api/v1/identity"
USERS = f"{ID}/users"
SHAPE = {
    "id", "email", "name", "phone", "status", "email_verified", "organization_id", "roles", "permissions",
    "tenant_profile_id", "created_at", "updated_at",
}  # fmt: skip


def secret_from_mail(api: Any, to: str) -> str:
    mail = [m for m in api.container.mailer().sent if m.to == to][-1]
    return next(line for line in mail.body.splitlines() if line and " " not in line and len(line) >= 40)


async def add(api: Any, owner: Any, email: str, **extra: Any) -> Any:
    body = {"email": email, "name": "Nina Newcomer", "roles": ["PropertyManager"], **extra}
    return await api.post(USERS, owner.token, json=body)


async def test_a_known_email_answers_like_a_new_one_and_joins_nothing(api, owner, other_owner):
    known, unknown = other_owner.email, api.email("new")
    a = await add(api, owner, known, phone="+1 604 555 0100", password="a long password")
    b = await add(api, owner, unknown, phone="+1 604 555 0100", password="a long password")
    assert a.status_code == b.status_code == 201, a.text
    da, db = a.json()["data"], b.json()["data"]
    assert set(da) == set(db) == SHAPE
    # Nothing of the account: not its id, its name, its status or its verification flag.
    assert da["id"] != other_owner.user_id and da["name"] == "Nina Newcomer" and da["phone"] == "+1 604 555 0100"
    assert (da["status"], da["email_verified"], da["roles"]) == (db["status"], db["email_verified"], db["roles"])
    # Not a member: the organization's users do not list it, and its id is unknown here.
    listed = (await api.get(USERS, owner.token, params={"search": known})).json()["data"]
    assert listed == []
    assert (await api.get(f"{USERS}/{other_owner.user_id}", owner.token)).status_code == 404
    # The account's own sign-in is untouched (its password was not changed by the request).
    assert (await api.login(other_owner.email, other_owner.password))["user"]["organization_id"] == other_owner.org_id


async def test_the_invitee_accepts_and_joins_with_the_invited_roles(api, owner, other_owner):
    assert (await add(api, owner, other_owner.email)).status_code == 201
    secret = secret_from_mail(api, other_owner.email)
    me = await api.login(other_owner.email, other_owner.password)
    r = await api.post(f"{ID}/invitations/{secret}/accept", me["access_token"])
    assert r.status_code == 201, r.text
    joined = r.json()["data"]
    assert joined["organization_id"] == owner.org_id and joined["roles"] == ["PropertyManager"]
    assert joined["id"] == other_owner.user_id
    r = await api.get(f"{USERS}/{other_owner.user_id}", owner.token)
    assert r.status_code == 200 and r.json()["data"]["roles"] == ["PropertyManager"]
    # Acting there through the organization header works now; the token is single-use.
    r = await api.get(f"{ID}/me", me["access_token"], headers={"X-Organization-Id": owner.org_id})
    assert r.status_code == 200 and r.json()["data"]["roles"] == ["PropertyManager"]
    assert (await api.post(f"{ID}/invitations/{secret}/accept", me["access_token"])).status_code == 404


async def test_only_the_invited_account_can_accept(api, owner, other_owner):
    assert (await add(api, owner, other_owner.email)).status_code == 201
    secret = secret_from_mail(api, other_owner.email)
    third = await api.new_org("Third Party Homes")
    r = await api.post(f"{ID}/invitations/{secret}/accept", third.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert (await api.get(f"{USERS}/{third.user_id}", owner.token)).status_code == 404
    # Still open for the invitee.
    r = await api.post(f"{ID}/invitations/{secret}/accept", other_owner.token)
    assert r.status_code == 201, r.text


async def test_accepting_needs_a_signed_in_account_and_a_real_token(api, owner):
    r = await api.post(f"{ID}/invitations/{'x' * 43}/accept")
    assert r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    for token in ("nope", "x" * 600, "%00abc"):
        r = await api.post(f"{ID}/invitations/{token}/accept", owner.token)
        assert r.status_code == 404, (token, r.text)
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"


async def test_a_new_email_still_creates_the_user(api, owner):
    email = api.email("fresh")
    r = await add(api, owner, email, password="a long password")
    assert r.status_code == 201
    uid = r.json()["data"]["id"]
    assert (await api.get(f"{USERS}/{uid}", owner.token)).json()["data"]["email"] == email
    assert (await api.login(email, "a long password"))["user"]["organization_id"] == owner.org_id


async def test_a_member_already_there_is_still_a_conflict(api, owner):
    email = api.email("member")
    assert (await add(api, owner, email, password="a long password")).status_code == 201
    r = await add(api, owner, email)
    assert r.status_code == 409 and r.json()["error"]["code"] == "RESOURCE_CONFLICT"


async def test_another_organization_cannot_use_or_see_an_invitation(api, owner, other_owner):
    """The invitation names its organization; another organization's user id stays 404 there."""
    invitee = await api.new_org("Invitee Homes")
    assert (await add(api, owner, invitee.email)).status_code == 201
    secret = secret_from_mail(api, invitee.email)
    assert (await api.post(f"{ID}/invitations/{secret}/accept", other_owner.token)).status_code == 404
    assert (await api.get(f"{USERS}/{invitee.user_id}", other_owner.token)).status_code == 404

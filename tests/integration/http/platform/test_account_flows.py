"""Account flows over HTTP: registration with the organization's country, e-mail verification
(single use, expiry, throttled resend), sign-in lockout with its notice, the organization's MFA
policy (a set-up challenge, never an access token), recovery codes (regenerated, brute force)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest

ID = "/api/v1/identity"
pytestmark = pytest.mark.today("2026-12-14T10:00:05+00:00")


def error_code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    return r.json()["error"]["code"]


def mails_to(api: Any, email: str, subject: str) -> list[Any]:
    return [m for m in api.container.mailer().sent if m.to == email and subject in m.subject]


def token_in(mail: Any, marker: str) -> str:
    return next(w for w in mail.body.split() if marker in w).split("token=", 1)[1]


async def register(api: Any, **extra: Any) -> Any:
    email = api.email("signup")
    body = {"email": email, "password": "a long password", "name": "Sam Signup", "organization_name": "Sam Homes"}
    return email, await api.post(f"{ID}/register", json=body | extra)


async def settings_of(api: Any, email: str, org_id: str) -> dict[str, Any]:
    token = (await api.login(email, "a long password"))["access_token"]
    return (await api.get(f"/api/v1/organizations/{org_id}", token)).json()["data"]["settings"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"country": "CA", "province": "BC"}, ("CA", "BC", "CAD", "America/Toronto", "en-CA")),
        ({"country": "US", "state": "ny"}, ("US", "NY", "USD", "America/New_York", "en-US")),
        ({"country": "IN", "state": "KA"}, ("IN", "KA", "INR", "Asia/Kolkata", "en-IN")),
        ({"country": "CA"}, ("CA", None, "CAD", "America/Toronto", "en-CA")),
        ({}, ("US", None, "USD", "America/New_York", "en-US")),  # as before the field existed
    ],
)
async def test_registration_takes_the_organizations_country(api, extra, expected):
    email, r = await register(api, **extra)
    assert r.status_code == 201, r.text
    s = await settings_of(api, email, r.json()["data"]["organization_id"])
    assert (s["country"], s["province"], s["currency"], s["time_zone"], s["locale"]) == expected


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"country": "FR"}, "country"),
        ({"country": "CA", "province": "NY"}, "province"),
        ({"country": "US", "state": "ON"}, "state"),
        ({"country": "CA", "province": "ON", "state": "BC"}, "state"),
        ({"province": "ON"}, "country"),
        ({"country": "CA", "organization_name": None}, "country"),
        ({"country": "CA", "currency": "USD"}, None),  # the currency follows the country; not a field
    ],
)
async def test_bad_registration_regions_are_422_and_write_nothing(api, extra, field):
    email, r = await register(api, **extra)
    assert error_code(r, 422) == "VALIDATION_ERROR"
    if field is not None:
        assert field in {d["field"] for d in r.json()["error"]["details"]}, r.text
    r = await api.post(f"{ID}/login", json={"email": email, "password": "a long password"})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"  # no account was made
    assert not mails_to(api, email, "Confirm your e-mail")


async def test_verification_is_single_use_expires_and_resends_are_throttled(api, _pinned_clock):
    email, r = await register(api)
    [mail] = mails_to(api, email, "Confirm your e-mail")
    first = token_in(mail, "verify-email?token=")
    token = (await api.login(email, "a long password"))["access_token"]

    # The resend is the signed-in holder's, three an hour; each new mail carries a new token.
    assert error_code(await api.post(f"{ID}/verify-email/resend"), 401) == "AUTHENTICATION_FAILED"
    for _ in range(3):
        assert (await api.post(f"{ID}/verify-email/resend", token)).status_code == 200
    assert error_code(await api.post(f"{ID}/verify-email/resend", token), 429) == "RATE_LIMIT_EXCEEDED"
    tokens = [token_in(m, "verify-email?token=") for m in mails_to(api, email, "Confirm your e-mail")]
    assert len(set(tokens)) == 4

    # A day later the first token has expired; a fresh one works, once.
    _pinned_clock.pin(_pinned_clock.now() + timedelta(hours=25))
    assert error_code(await api.post(f"{ID}/verify-email", json={"token": first}), 422) == "VALIDATION_ERROR"
    me = await api.get(f"{ID}/me", (await api.login(email, "a long password"))["access_token"])
    assert me.json()["data"]["email_verified"] is False
    _pinned_clock.pin(_pinned_clock.now() - timedelta(hours=24))
    r = await api.post(f"{ID}/verify-email", json={"token": tokens[-1]})
    assert r.status_code == 200 and r.json()["data"]["email_verified"] is True
    assert error_code(await api.post(f"{ID}/verify-email", json={"token": tokens[-1]}), 422) == "VALIDATION_ERROR"
    token = (await api.login(email, "a long password"))["access_token"]
    assert error_code(await api.post(f"{ID}/verify-email/resend", token), 409) == "RESOURCE_CONFLICT"


@pytest.mark.parametrize("body", [{}, {"token": ""}, {"token": 5}, {"token": "x", "email": "a@b.co"}])
async def test_bad_verification_input(api, body):
    assert error_code(await api.post(f"{ID}/verify-email", json=body), 422) == "VALIDATION_ERROR"


async def test_a_reset_token_cannot_verify_an_email_nor_the_reverse(api, owner):
    await api.post(f"{ID}/forgot-password", json={"email": owner.email})
    reset = token_in(mails_to(api, owner.email, "Reset your password")[-1], "reset-password?token=")
    assert error_code(await api.post(f"{ID}/verify-email", json={"token": reset}), 422) == "VALIDATION_ERROR"
    verify = token_in(mails_to(api, owner.email, "Confirm your e-mail")[-1], "verify-email?token=")
    r = await api.post(f"{ID}/reset-password", json={"token": verify, "password": "another long one"})
    assert error_code(r, 422) == "VALIDATION_ERROR"


async def test_guessing_a_password_locks_the_account_and_tells_its_holder_once(api, owner):
    statuses = []
    for _ in range(12):
        r = await api.post(f"{ID}/login", json={"email": owner.email, "password": "not the password"})
        statuses.append(r.status_code)
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    # Locked: even the right password is refused until the window ends.
    r = await api.post(f"{ID}/login", json={"email": owner.email, "password": owner.password})
    assert error_code(r, 429) == "RATE_LIMIT_EXCEEDED" and int(r.headers["Retry-After"]) > 0
    assert len(mails_to(api, owner.email, "locked")) == 1
    events = (await api.get(f"{ID}/audit-events", owner.token, params={"page_size": 100})).json()["data"]
    assert [e["action"] for e in events].count("login.locked") == 1
    failed = [e for e in events if e["action"] == "login.failed"]
    assert len(failed) == 10 and {e["details"]["reason"] for e in failed} == {"wrong_password"}
    assert all(e["actor_id"] == owner.user_id for e in failed)


async def turn_on(api: Any, token: str, clock: Any) -> tuple[pyotp.TOTP, list[str]]:
    secret = (await api.post(f"{ID}/mfa/setup", token)).json()["data"]["secret"]
    totp = pyotp.TOTP(secret)
    r = await api.post(f"{ID}/mfa/setup", token, json={"code": totp.at(clock.now())})
    assert r.status_code == 200, r.text
    return totp, r.json()["data"]["recovery_codes"]


async def challenge(api: Any, email: str, password: str) -> dict[str, Any]:
    r = await api.post(f"{ID}/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["mfa_required"] is True and "access_token" not in data
    return data


async def test_guessing_recovery_codes_locks_mfa_and_tells_the_holder(api, owner, _pinned_clock):
    _, recovery = await turn_on(api, owner.token, _pinned_clock)
    token = (await challenge(api, owner.email, owner.password))["challenge_token"]
    statuses = []
    for i in range(6):
        r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "recovery_code": f"aaaaa-0000{i}"})
        statuses.append(r.status_code)
    assert statuses == [401] * 5 + [429]
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "recovery_code": recovery[0]})
    assert error_code(r, 429) == "RATE_LIMIT_EXCEEDED"  # even a right code, while locked
    assert len(mails_to(api, owner.email, "locked")) == 1
    events = (await api.get(f"{ID}/audit-events", owner.token, params={"action": "mfa.locked"})).json()
    assert events["meta"]["pagination"]["total_count"] == 1


async def test_recovery_codes_are_regenerated_with_a_current_code(api, owner, _pinned_clock):
    totp, old = await turn_on(api, owner.token, _pinned_clock)
    url = f"{ID}/mfa/recovery-codes"
    spent = totp.at(_pinned_clock.now())
    assert error_code(await api.post(url, owner.token, json={"code": spent}), 422) == "VALIDATION_ERROR"  # replay
    _pinned_clock.pin(_pinned_clock.now() + timedelta(seconds=30))
    r = await api.post(url, owner.token, json={"code": totp.at(_pinned_clock.now())})
    assert r.status_code == 200, r.text
    new = r.json()["data"]["recovery_codes"]
    assert len(set(new)) == 10 and not set(new) & set(old)
    token = (await challenge(api, owner.email, owner.password))["challenge_token"]
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "recovery_code": old[1]})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "recovery_code": new[1]})
    assert r.status_code == 200, r.text
    actions = [e["action"] for e in (await api.get(f"{ID}/audit-events", owner.token)).json()["data"]]
    assert "mfa.recovery_codes_regenerated" in actions


async def test_regenerating_needs_mfa_on_a_session_and_good_input(api, owner):
    url = f"{ID}/mfa/recovery-codes"
    assert error_code(await api.post(url, json={"code": "123456"}), 401) == "AUTHENTICATION_FAILED"
    assert error_code(await api.post(url, owner.token, json={"code": "123456"}), 409) == "RESOURCE_CONFLICT"
    for body in ({}, {"code": 123456}, {"code": "123456", "extra": 1}):
        assert error_code(await api.post(url, owner.token, json=body), 422) == "VALIDATION_ERROR"


async def set_policy(api: Any, owner: Any, roles: Any) -> Any:
    return await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": "US", "require_mfa_for": roles},
    )


async def test_an_organization_requires_mfa_of_its_managers(api, owner, _pinned_clock):
    email = api.email("manager")
    r = await api.post(
        f"{ID}/users",
        owner.token,
        json={"email": email, "name": "Max Manager", "roles": ["PropertyManager"], "password": "a long password"},
    )
    assert r.status_code == 201, r.text
    r = await set_policy(api, owner, ["PropertyManager", "OrganizationOwner"])
    assert r.status_code == 200, r.text
    r = await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)
    assert r.json()["data"]["settings"]["require_mfa_for"] == ["OrganizationOwner", "PropertyManager"]
    r = await api.get(f"{ID}/audit-events", owner.token, params={"action": "organization.mfa_policy_changed"})
    [changed] = r.json()["data"]
    assert changed["details"] == {"from": "", "to": "OrganizationOwner PropertyManager"}
    assert changed["actor_id"] == owner.user_id and changed["target_id"] == owner.org_id
    assert (await set_policy(api, owner, ["PropertyManager", "OrganizationOwner"])).status_code == 200
    r = await api.get(f"{ID}/audit-events", owner.token, params={"action": "organization.mfa_policy_changed"})
    assert len(r.json()["data"]) == 1  # the same policy again changes nothing, records nothing

    # The manager's password now earns only a set-up challenge: no access token, no MFA step.
    data = await challenge(api, email, "a long password")
    assert data["mfa_setup_required"] is True and 0 < data["expires_in"] <= 600
    setup = data["challenge_token"]
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": setup, "code": "123456"})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"  # a set-up challenge is not a sign-in challenge
    assert error_code(await api.get(f"{ID}/me", setup), 401) == "AUTHENTICATION_FAILED"

    # It sets MFA up, and the confirming code completes the sign-in.
    r = await api.post(f"{ID}/mfa/required-setup", json={"challenge_token": setup})
    assert r.status_code == 200 and "access_token" not in r.text
    totp = pyotp.TOTP(r.json()["data"]["secret"])
    r = await api.post(
        f"{ID}/mfa/required-setup", json={"challenge_token": setup, "code": totp.at(_pinned_clock.now())}
    )
    assert r.status_code == 200, r.text
    done = r.json()["data"]
    assert done["enabled"] is True and len(done["recovery_codes"]) == 10
    me = await api.get(f"{ID}/me", done["tokens"]["access_token"])
    assert me.status_code == 200 and me.json()["data"]["email"] == email
    r = await api.post(f"{ID}/mfa/required-setup", json={"challenge_token": setup, "code": "000000"})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"  # spent

    # From then on: the ordinary two-step sign-in.
    data = await challenge(api, email, "a long password")
    assert data["mfa_setup_required"] is False

    # A role outside the policy still signs in with the password alone.
    _, staff_token = await owner.add_user("MaintenanceStaff")
    assert (await api.get(f"{ID}/me", staff_token)).status_code == 200


@pytest.mark.parametrize("roles", [["Landlord"], "PropertyManager", [1], ["PropertyManager"] * 11])
async def test_a_bad_mfa_policy_is_422_and_changes_nothing(api, owner, roles):
    assert error_code(await set_policy(api, owner, roles), 422) == "VALIDATION_ERROR"
    r = await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)
    assert r.json()["data"]["settings"]["require_mfa_for"] == []


async def test_only_the_owner_sets_the_mfa_policy(api, owner, other_owner):
    _, manager = await owner.add_user("PropertyManager")
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings", manager, json={"country": "US", "require_mfa_for": []}
    )
    assert r.status_code == 403
    assert (await set_policy(api, other_owner, ["PropertyManager"])).status_code == 200
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        other_owner.token,
        json={"country": "US", "require_mfa_for": ["Tenant"]},
    )
    assert r.status_code in (403, 404)
    r = await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)
    assert r.json()["data"]["settings"]["require_mfa_for"] == []


@pytest.mark.parametrize(
    "body", [{}, {"challenge_token": ""}, {"challenge_token": "x", "code": 1}, {"challenge_token": "x", "y": 1}]
)
async def test_bad_required_setup_input(api, body):
    assert error_code(await api.post(f"{ID}/mfa/required-setup", json=body), 422) == "VALIDATION_ERROR"


async def test_an_unknown_setup_challenge_is_refused(api):
    r = await api.post(f"{ID}/mfa/required-setup", json={"challenge_token": "nope"})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"

"""Multi-factor sign-in through the HTTP app: set-up with a first code, two-step sign-in, recovery
codes, replayed codes, throttling and bad input. Codes come from pyotp at the suite clock's time."""

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


async def turn_on(api: Any, owner: Any, clock: Any) -> tuple[pyotp.TOTP, list[str]]:
    r = await api.post(f"{ID}/mfa/setup", owner.token)
    assert r.status_code == 200, r.text
    started = r.json()["data"]
    assert started["enabled"] is False and started["otpauth_uri"].startswith("otpauth://totp/")
    assert started["secret"] in started["otpauth_uri"]
    totp = pyotp.TOTP(started["secret"])
    r = await api.post(f"{ID}/mfa/setup", owner.token, json={"code": totp.at(clock.now())})
    assert r.status_code == 200, r.text
    done = r.json()["data"]
    assert done["enabled"] is True and len(set(done["recovery_codes"])) == 10 and "secret" not in done
    return totp, done["recovery_codes"]


async def challenge(api: Any, owner: Any) -> str:
    r = await api.post(f"{ID}/login", json={"email": owner.email, "password": owner.password})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["mfa_required"] is True and 0 < data["expires_in"] <= 300
    assert "access_token" not in data and "refresh_token" not in data
    return data["challenge_token"]


async def test_sign_in_with_a_code_and_with_a_recovery_code(api, owner, _pinned_clock):
    clock = _pinned_clock
    totp, recovery = await turn_on(api, owner, clock)
    first = totp.at(clock.now())

    token = await challenge(api, owner)
    # The code that confirmed the set-up is spent: never accepted twice.
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "code": first})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"
    clock.pin(clock.now() + timedelta(seconds=90))
    code = totp.at(clock.now())
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "code": code})
    assert r.status_code == 200, r.text
    tokens = r.json()["data"]
    me = await api.get(f"{ID}/me", tokens["access_token"])
    assert me.status_code == 200 and me.json()["data"]["id"] == owner.user_id
    # The challenge is single use, and so is the code.
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "code": code})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": await challenge(api, owner), "code": code})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"

    # A recovery code works once, whatever its spelling.
    r = await api.post(
        f"{ID}/mfa/verify",
        json={"challenge_token": await challenge(api, owner), "recovery_code": recovery[3].upper().replace("-", "")},
    )
    assert r.status_code == 200, r.text
    r = await api.post(
        f"{ID}/mfa/verify", json={"challenge_token": await challenge(api, owner), "recovery_code": recovery[3]}
    )
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"


async def test_a_challenge_expires(api, owner, _pinned_clock):
    totp, _ = await turn_on(api, owner, _pinned_clock)
    token = await challenge(api, owner)
    _pinned_clock.pin(_pinned_clock.now() + timedelta(minutes=6))
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "code": totp.at(_pinned_clock.now())})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"


async def test_guessing_codes_is_throttled(api, owner, _pinned_clock):
    totp, _ = await turn_on(api, owner, _pinned_clock)
    token = await challenge(api, owner)
    statuses = []
    for guess in ("000000", "111111", "222222", "333333", "444444", "555555"):
        if guess == totp.at(_pinned_clock.now()):
            continue
        r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "code": guess})
        statuses.append(r.status_code)
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429] * len(statuses[5:])
    _pinned_clock.pin(_pinned_clock.now() + timedelta(seconds=60))
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": token, "code": totp.at(_pinned_clock.now())})
    assert error_code(r, 429) == "RATE_LIMIT_EXCEEDED"  # even the right code, until the window ends


async def test_set_up_mistakes(api, owner, _pinned_clock):
    assert error_code(await api.post(f"{ID}/mfa/setup"), 401) == "AUTHENTICATION_FAILED"
    r = await api.post(f"{ID}/mfa/setup", owner.token, json={"code": "123456"})
    assert error_code(r, 409) == "RESOURCE_CONFLICT"  # nothing started
    secret = (await api.post(f"{ID}/mfa/setup", owner.token)).json()["data"]["secret"]
    wrong = "000000" if pyotp.TOTP(secret).at(_pinned_clock.now()) != "000000" else "999999"
    r = await api.post(f"{ID}/mfa/setup", owner.token, json={"code": wrong})
    assert error_code(r, 422) == "VALIDATION_ERROR"
    # Not on yet: the password alone still signs in.
    assert "access_token" in await api.login(owner.email, owner.password)
    await turn_on(api, owner, _pinned_clock)
    assert error_code(await api.post(f"{ID}/mfa/setup", owner.token), 409) == "RESOURCE_CONFLICT"


@pytest.mark.parametrize(
    "body",
    [
        {"challenge_token": "x", "code": "123456", "recovery_code": "abcde-fghij"},
        {"challenge_token": "x"},
        {"challenge_token": "x", "code": "123456", "remember": True},
        {"challenge_token": "", "code": "123456"},
        {"challenge_token": "x", "code": 123456},
        {"code": "123456"},
    ],
)
async def test_bad_verify_input(api, body):
    assert error_code(await api.post(f"{ID}/mfa/verify", json=body), 422) == "VALIDATION_ERROR"


async def test_unknown_challenges_and_malformed_json(api, owner):
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": "no-such-challenge", "code": "123456"})
    assert error_code(r, 401) == "AUTHENTICATION_FAILED"
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": "x\x00y", "code": "123456"})
    assert r.status_code in (401, 422)
    r = await api.post(f"{ID}/mfa/verify", content=b"{", headers={"Content-Type": "application/json"})
    assert error_code(r, 400) == "BAD_REQUEST"
    r = await api.post(f"{ID}/mfa/setup", owner.token, json={"code": "12\x003456"})
    assert error_code(r, 422) == "VALIDATION_ERROR"  # control characters never reach a use case


async def test_turning_mfa_off_needs_a_code_and_respects_the_organizations_policy(api, owner, _pinned_clock):
    totp, recovery = await turn_on(api, owner, _pinned_clock)
    assert error_code(await api.post(f"{ID}/mfa/disable", owner.token, json={"code": "000000"}), 422)
    body = {"country": "US", "require_mfa_for": ["OrganizationOwner"]}
    assert (await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)).status_code == 200
    r = await api.post(f"{ID}/mfa/disable", owner.token, json={"code": recovery[0]})
    assert error_code(r, 409) == "RESOURCE_CONFLICT" and "requires" in r.json()["error"]["message"]
    body["require_mfa_for"] = []
    assert (await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)).status_code == 200

    r = await api.post(f"{ID}/mfa/disable", owner.token, json={"code": recovery[0]})
    assert r.status_code == 200 and r.json()["data"] == {"enabled": False}, r.text
    r = await api.post(f"{ID}/login", json={"email": owner.email, "password": owner.password})
    assert r.status_code == 200 and r.json()["data"]["access_token"]  # one step again
    assert error_code(await api.post(f"{ID}/mfa/disable", owner.token, json={"code": totp.now()}), 409)
    audit = (await api.get(f"{ID}/audit-events", owner.token, params={"action": "mfa.disabled"})).json()["data"]
    assert [e["target_id"] for e in audit] == [owner.user_id]


async def test_another_organizations_member_cannot_turn_off_someone_elses_mfa(api, owner, other_owner, _pinned_clock):
    await turn_on(api, owner, _pinned_clock)
    assert error_code(await api.post(f"{ID}/mfa/disable", other_owner.token, json={"code": "123456"}), 409)
    assert await challenge(api, owner)  # the owner's MFA is still on
    assert error_code(await api.post(f"{ID}/mfa/disable", json={"code": "123456"}), 401)

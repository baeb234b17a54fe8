"""Issue 13's account story over HTTP, with the e-mails caught by a real SMTP server on loopback
(aiosmtpd, tests/integration/messaging/smtp_server.py): a Canadian signs up in CAD, verifies the
e-mail, turns on MFA, signs in with a code and with a recovery code, and resets a forgotten
password (which ends every session); the audit log shows each step with its request's facts."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from litestar.testing import AsyncTestClient

from conftest import BACKENDS, Api, make_settings
from pmsaas.container import build_container, shutdown
from pmsaas.entrypoints.http.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "messaging"))
from smtp_server import PASSWORD, USER, smtp_server

ID = "/api/v1/identity"
pytestmark = pytest.mark.today("2026-12-14T10:00:05+00:00")


def _token_in(server: Any, to: str, subject: str, marker: str) -> str:
    mails = [m for _, rcpt, m in server.inbox.messages if rcpt == [to] and subject in m["Subject"]]
    assert mails, f"no {subject!r} mail for {to}"
    body = mails[-1].get_body(("plain",)).get_content()
    link = next(w for w in body.split() if marker in w)
    return link.split("token=", 1)[1]


async def _story(api: Api, server: Any, clock: Any) -> None:
    email, password = api.email("canuck"), "maple syrup and snow"
    r = await api.post(
        f"{ID}/register",
        json={
            "email": email,
            "password": password,
            "name": "Chloé Tremblay",
            "organization_name": "Toronto Lofts",
            "country": "CA",
            "province": "ON",
        },
    )
    assert r.status_code == 201, r.text
    org_id = r.json()["data"]["organization_id"]
    assert r.json()["data"]["email_verified"] is False

    # Signs up in CAD: the organization's currency, time zone and locale follow the country.
    first = await api.login(email, password)
    r = await api.get(f"/api/v1/organizations/{org_id}", first["access_token"])
    settings = r.json()["data"]["settings"]
    assert (settings["country"], settings["province"], settings["currency"]) == ("CA", "ON", "CAD")
    assert (settings["time_zone"], settings["locale"]) == ("America/Toronto", "en-CA")

    # Verifies the e-mail with the token the SMTP server caught; the token works once.
    token = _token_in(server, email, "Confirm your e-mail", "verify-email?token=")
    r = await api.post(f"{ID}/verify-email", json={"token": token}, headers={"X-Request-ID": "req-story-verify"})
    assert r.status_code == 200 and r.json()["data"]["email_verified"] is True, r.text
    r = await api.post(f"{ID}/verify-email", json={"token": token})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    me = await api.get(f"{ID}/me", first["access_token"])
    assert me.json()["data"]["email_verified"] is True

    # Turns on MFA: the first code confirms; ten recovery codes, shown once.
    started = (await api.post(f"{ID}/mfa/setup", first["access_token"])).json()["data"]
    totp = pyotp.TOTP(started["secret"])
    r = await api.post(f"{ID}/mfa/setup", first["access_token"], json={"code": totp.at(clock.now())})
    recovery = r.json()["data"]["recovery_codes"]
    assert r.status_code == 200 and len(set(recovery)) == 10

    # Signs in with it: the password earns a challenge, never a token; the code earns the tokens.
    clock.pin(clock.now() + timedelta(seconds=30))
    r = await api.post(f"{ID}/login", json={"email": email, "password": password})
    step1 = r.json()["data"]
    assert step1["mfa_required"] is True and "access_token" not in step1
    spent = totp.at(clock.now() - timedelta(seconds=30))  # the code that confirmed the set-up
    r = await api.post(f"{ID}/mfa/verify", json={"challenge_token": step1["challenge_token"], "code": spent})
    assert r.status_code == 401  # within ±1 step, but already used: never accepted twice
    code = totp.at(clock.now())
    r = await api.post(f"{ID}/login", json={"email": email, "password": password})
    r = await api.post(
        f"{ID}/mfa/verify",
        json={"challenge_token": r.json()["data"]["challenge_token"], "code": code},
        headers={"User-Agent": "story-agent/1.0"},
    )
    assert r.status_code == 200, r.text
    with_code = r.json()["data"]

    # ...and with a recovery code, which then is spent.
    for expected in (200, 401):
        r = await api.post(f"{ID}/login", json={"email": email, "password": password})
        body = {"challenge_token": r.json()["data"]["challenge_token"], "recovery_code": recovery[0]}
        r = await api.post(f"{ID}/mfa/verify", json=body)
        assert r.status_code == expected, r.text

    # Resets a forgotten password through the e-mail: every session ends.
    r = await api.post(f"{ID}/forgot-password", json={"email": email})
    assert r.status_code == 200
    reset = _token_in(server, email, "Reset your password", "reset-password?token=")
    r = await api.post(f"{ID}/reset-password", json={"token": reset, "password": "a new winter password"})
    assert r.status_code == 200, r.text
    assert (await api.get(f"{ID}/me", with_code["access_token"])).status_code == 401
    r = await api.post(f"{ID}/refresh", json={"refresh_token": with_code["refresh_token"]})
    assert r.status_code == 401
    r = await api.post(f"{ID}/reset-password", json={"token": reset, "password": "yet another password"})
    assert r.status_code == 422  # the reset token is single-use
    r = await api.post(f"{ID}/login", json={"email": email, "password": "a new winter password"})
    assert r.json()["data"]["mfa_required"] is True  # MFA stays on across a reset
    clock.pin(clock.now() + timedelta(seconds=30))
    r = await api.post(
        f"{ID}/mfa/verify", json={"challenge_token": r.json()["data"]["challenge_token"], "code": totp.at(clock.now())}
    )
    assert r.status_code == 200, r.text
    owner_token = r.json()["data"]["access_token"]

    # The owner's audit log tells the story, each entry with its request's facts.
    r = await api.get(f"{ID}/audit-events", owner_token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    events = r.json()["data"]
    actions = [e["action"] for e in events]
    for action in ("email.verified", "mfa.enabled", "login.succeeded", "password.reset_requested", "password.reset"):
        assert action in actions, actions
    methods = {e["details"].get("method") for e in events if e["action"] == "login.succeeded"}
    assert {"password", "totp", "recovery_code"} <= methods
    assert any(e["action"] == "login.failed" and e["details"]["reason"] == "wrong_recovery_code" for e in events)
    verified = next(e for e in events if e["action"] == "email.verified")
    assert verified["request_id"] == "req-story-verify" and verified["ip"]
    assert any(e["user_agent"] == "story-agent/1.0" for e in events if e["action"] == "login.succeeded")
    assert all(e["target_label"] == email for e in events)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_canadian_signs_up_verifies_turns_on_mfa_and_resets_a_password(
    backend, database_urls, tmp_path, _pinned_clock
):
    with smtp_server(tmp_path) as server:
        settings = make_settings(
            database_urls[backend],
            tmp_path,
            public_base_url="https://rent.lofts.example",
            mail_backend="smtp",
            smtp_port=server.port,
            smtp_username=USER,
            smtp_password=PASSWORD,
            smtp_ca_file=str(server.ca_file),
        )
        container = build_container(settings)
        try:
            async with AsyncTestClient(app=create_app(container)) as client:
                await _story(Api(client, container, backend), server, _pinned_clock)
        finally:
            await shutdown(container)

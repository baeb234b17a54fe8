"""Logs never carry request bodies, headers or traceback locals (issue 11): an exception logged in
production mode shows no local variable, and a request's captured log holds none of its secrets."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import structlog

from pmsaas.logging import configure_logging

SECRET = "s3cr3t-local-value-9f1c"


@pytest.fixture
def restore_logging() -> Any:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


def _fail(password: str, headers: dict[str, str], body: bytes) -> None:
    token = headers["authorization"]  # locals a traceback renderer with show_locals would print
    raise RuntimeError(f"boom {len(token) + len(password) + len(body)}")


@pytest.mark.parametrize("json", [True, False], ids=["json", "console"])
def test_an_exception_is_logged_without_the_frames_locals(capsys, restore_logging, json):
    configure_logging(json=json, level="INFO")
    structlog.configure(cache_logger_on_first_use=False)
    capsys.readouterr()
    log = structlog.get_logger("pmsaas.test")
    try:
        _fail(SECRET, {"authorization": f"Bearer {SECRET}-token"}, f'{{"password": "{SECRET}-body"}}'.encode())
    except RuntimeError as exc:
        log.error("unhandled_error", exc_info=exc)
    captured = capsys.readouterr()
    text = captured.err + captured.out
    assert "RuntimeError" in text and "boom" in text  # the traceback is there
    assert SECRET not in text  # but no local variable, header or body


async def test_a_failing_request_logs_none_of_its_secrets(api, owner, capsys, restore_logging):
    """A 500 in production mode: the bearer token, the password in its body, the invitation token in
    its path and the SQL parameters stay out of the log."""
    configure_logging(json=True, level="INFO")
    structlog.configure(cache_logger_on_first_use=False)
    session = await api.login(owner.email, owner.password)
    capsys.readouterr()
    factories = (api.container.uow, api.container.system_uow)  # a request's, and the cross-organization seam's

    def broken_uow() -> Any:
        raise RuntimeError("the database caught fire")

    for uow_factory in factories:
        uow_factory.override(broken_uow)
    try:
        r = await api.post(
            "/api/v1/identity/users",
            session["access_token"],
            json={"email": api.email(), "name": "N", "roles": ["Tenant"], "password": f"{SECRET} password"},
            headers={"X-Request-ID": "secret-trace"},
        )
        invite = await api.post(f"/api/v1/identity/invitations/{SECRET}-invite/accept", session["access_token"])
    finally:
        for uow_factory in factories:
            uow_factory.reset_override()
    assert r.status_code == 500 and invite.status_code == 500
    captured = capsys.readouterr()
    # The server's lines (httpx logs the test client's own requests, on the caller's side).
    text = "\n".join(line for line in (captured.err + captured.out).splitlines() if '"logger": "httpx"' not in line)
    assert "unhandled_error" in text and "secret-trace" in text and "invitations/***/accept" in text
    for secret in (SECRET, session["access_token"], owner.password):
        assert secret not in text


def _server_lines(captured: Any) -> str:
    """The server's log lines (httpx logs the test client's own requests, on the caller's side)."""
    lines = (captured.err + captured.out).splitlines()
    return "\n".join(line for line in lines if '"logger": "httpx"' not in line)


def _reset_token(api: Any, to: str) -> str:
    body = [m for m in api.container.mailer().sent if m.to == to][-1].body
    return next(line for line in body.splitlines() if line and " " not in line and len(line) >= 40)


@pytest.mark.today("2026-12-01")
async def test_a_working_day_logs_none_of_its_secrets(api, capsys, restore_logging):
    """Sign-up, sign-in, refresh, an API key used, a password reset, a webhook with its signing secret,
    a notification channel with provider credentials, MFA set up, and a card payment, with JSON logs
    at DEBUG: no password, token, key, secret or card number used appears in the log."""
    from fin_support import make_lease, money

    configure_logging(json=True, level="DEBUG")
    structlog.configure(cache_logger_on_first_use=False)
    capsys.readouterr()
    owner = await api.new_org("Log Rentals")
    secrets = {owner.password, owner.token, owner.refresh_token}
    again = (await api.post("/api/v1/identity/refresh", json={"refresh_token": owner.refresh_token})).json()["data"]
    secrets |= {again["access_token"], again["refresh_token"]}
    token = again["access_token"]

    r = await api.post("/api/v1/identity/api-keys", token, json={"name": "Books", "scopes": ["properties:read"]})
    api_key = r.json()["data"]["key"]
    secrets.add(api_key)
    assert (await api.get("/api/v1/properties", headers={"X-API-Key": api_key})).status_code == 200

    hook_secret = "whsec-log-test-" + "k" * 24
    hook = {"url": "https://t.example.com/h", "events": ["ticket.created"], "secret": hook_secret}
    assert (await api.post("/v1/webhooks", token, json=hook)).status_code == 201
    signing = (
        await api.post(
            "/api/v1/webhooks", token, json={"url": "https://h.example.com/x", "events": ["property.created"]}
        )
    ).json()
    secrets |= {hook_secret, *(v for k, v in signing["data"].items() if "secret" in k and isinstance(v, str))}
    channel_token = "twilio-auth-" + "z" * 20
    channel = {
        "name": "SMS",
        "type": "sms",
        "provider": "twilio",
        "config": {"from_number": "+15550100", "dlt_entity_id": "1201"},
        "secrets": {"account_sid": "AC-log-test-sid", "auth_token": channel_token},
    }
    assert (await api.post("/api/v1/notifications/channels", token, json=channel)).status_code == 201
    secrets |= {channel_token, "AC-log-test-sid"}
    mfa = (await api.post("/api/v1/identity/mfa/setup", token)).json()["data"]
    secrets.add(mfa["secret"])

    lease = await make_lease(api, owner, "IN")
    card = "4242424242424242"
    pay = {"lease_id": lease.id, "amount": money("1000.00"), "method": "card", "card_number": card}
    r = await api.post("/api/v1/financial/payments", token, json=pay, headers={"Idempotency-Key": "log-card-1"})
    assert r.status_code == 201, r.text
    secrets.add(card)

    assert (await api.post("/api/v1/identity/forgot-password", json={"email": owner.email})).status_code in (200, 202)
    reset = _reset_token(api, owner.email)
    new_password = "a brand new log password"
    r = await api.post("/api/v1/identity/reset-password", json={"token": reset, "password": new_password})
    assert r.status_code == 200, r.text
    secrets |= {reset, new_password}
    wrong = await api.post("/api/v1/identity/login", json={"email": owner.email, "password": "wrong-" + new_password})
    assert wrong.status_code == 401
    secrets.add("wrong-" + new_password)

    text = _server_lines(capsys.readouterr())
    assert text.count('"event": "request"') >= 12  # the workload was logged
    leaked = sorted(secret[:12] + "…" for secret in secrets if secret and secret in text)
    assert leaked == []

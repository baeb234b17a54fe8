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
    uow_factory = api.container.uow

    def broken_uow() -> Any:
        raise RuntimeError("the database caught fire")

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
        uow_factory.reset_override()
    assert r.status_code == 500 and invite.status_code == 500
    captured = capsys.readouterr()
    # The server's lines (httpx logs the test client's own requests, on the caller's side).
    text = "\n".join(line for line in (captured.err + captured.out).splitlines() if '"logger": "httpx"' not in line)
    assert "unhandled_error" in text and "secret-trace" in text and "invitations/***/accept" in text
    for secret in (SECRET, session["access_token"], owner.password):
        assert secret not in text

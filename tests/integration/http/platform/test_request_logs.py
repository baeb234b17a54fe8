"""Structured request logs: every line of a request carries its id; secrets never reach the log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import structlog

from pmsaas.logging import configure_logging


class JsonLogs:
    """The production set-up (JSON lines on stderr), captured by capsys."""

    def __init__(self, capsys: Any) -> None:
        self._capsys = capsys

    def start(self) -> None:
        # Configured inside the test body: capsys swaps sys.stderr between fixture set-up and the call.
        configure_logging(json=True, level="INFO")
        # Module-level loggers must not cache this configuration beyond the test.
        structlog.configure(cache_logger_on_first_use=False)
        self._capsys.readouterr()

    def lines(self) -> tuple[str, list[dict[str, Any]]]:
        captured = self._capsys.readouterr()
        text = captured.err + captured.out
        return text, [json.loads(raw) for raw in text.splitlines() if raw.startswith("{")]


@pytest.fixture
def json_logs(capsys) -> Any:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield JsonLogs(capsys)
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_a_login_is_logged_with_its_request_id_and_without_secrets(api, owner, json_logs):
    json_logs.start()
    r = await api.post(
        "/api/v1/identity/login",
        json={"email": owner.email, "password": owner.password},
        headers={"X-Request-ID": "login-trace-1"},
    )
    assert r.status_code == 200
    tokens = r.json()["data"]
    text, lines = json_logs.lines()
    mine = [line for line in lines if line.get("request_id") == "login-trace-1"]
    assert mine, text
    access = [line for line in mine if line["event"] == "request"]
    assert len(access) == 1
    assert access[0]["status"] == 200 and access[0]["path"] == "/api/v1/identity/login"
    assert access[0]["method"] == "POST" and access[0]["level"] == "info"
    for secret in (owner.password, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in text
    # Every line this request wrote carries its id.
    assert all(
        line.get("request_id") == "login-trace-1" for line in lines if line.get("path") == "/api/v1/identity/login"
    )


@pytest.mark.parametrize(
    ("method", "url", "kw", "status"),
    [
        ("POST", "/api/v1/identity/login", {"json": {"email": "x@example.com", "password": "wrong password"}}, 401),
        ("GET", "/api/v1/properties", {"headers": {"Authorization": "Bearer nonsense"}}, 401),
        ("GET", "/api/v1/properties", {}, 401),
        ("GET", "/no-such-route", {}, 404),
        ("DELETE", "/health", {}, 405),
    ],
)
async def test_failed_requests_are_logged_with_their_status(api, json_logs, method, url, kw, status):
    json_logs.start()
    kw = dict(kw)  # the parameter is shared by every backend's run
    headers = {"X-Request-ID": "failing-trace", **kw.pop("headers", {})}
    r = await api.request(method, url, headers=headers, **kw)
    assert r.status_code == status
    text, lines = json_logs.lines()
    access = [line for line in lines if line.get("event") == "request" and line.get("request_id") == "failing-trace"]
    assert len(access) == 1, text
    assert access[0]["status"] == status and access[0]["path"] == url
    assert "wrong password" not in text and "nonsense" not in text


async def test_a_logout_does_not_log_the_refresh_token(api, owner, json_logs):
    session = await api.login(owner.email, owner.password)
    json_logs.start()
    r = await api.post(
        "/api/v1/identity/logout", session["access_token"], json={"refresh_token": session["refresh_token"]}
    )
    assert r.status_code == 200
    text, lines = json_logs.lines()
    assert lines and session["refresh_token"] not in text and session["access_token"] not in text

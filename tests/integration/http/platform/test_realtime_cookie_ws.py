"""/ws with the real-time cookie (POST /api/v1/events/session, docs/realtime.md): the way a browser's
WebSocket, which cannot send a header, is admitted. The handle is checked as the token it came from;
the Origin must be the application's own (cross-site WebSocket hijacking). SQLite + memory channels,
then PostgreSQL + Redis pub/sub."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from test_realtime_ws import Site, closed_with, next_message

from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app
from realtime_support import settings_like

pytestmark = pytest.mark.today("2026-12-01")
ORIGIN = "https://app.example.com"


@pytest.fixture
def site(api, tmp_path) -> Iterator[Site]:
    settings = settings_like(
        api, tmp_path, realtime_heartbeat_seconds=0.3, realtime_auth_seconds=0.5, public_base_url=ORIGIN
    )
    container = build_container(settings)
    with TestClient(create_app(container), timeout=10) as client:
        yield Site(client, container)


def session(site: Site, token: str, **headers: str) -> Any:
    return site.client.post("/api/v1/events/session", headers={"Authorization": f"Bearer {token}", **headers})


def handle_of(site: Site, token: str) -> str:
    r = session(site, token)
    assert r.status_code == 201, r.text
    value = r.headers["set-cookie"].split(";", 1)[0]
    name, _, handle = value.partition("=")
    assert name == "pmsaas_stream" and handle
    return handle


def socket(site: Site, handle: str, origin: str | None = ORIGIN) -> Any:
    headers = {"cookie": f"pmsaas_stream={handle}"} | ({"origin": origin} if origin else {})
    return site.client.websocket_connect("/ws", headers=headers)


def test_the_session_sets_a_short_lived_httponly_strict_cookie_on_the_two_real_time_paths(site):
    owner = site.owner()
    r = session(site, owner["token"])
    assert r.status_code == 201, r.text
    assert r.json()["data"]["expires_in"] == 300 and r.json()["data"]["paths"] == ["/api/v1/events", "/ws"]
    assert r.headers["cache-control"] == "no-store"
    cookies = r.headers.get_list("set-cookie")
    assert len(cookies) == 2
    for cookie, path in zip(sorted(cookies), ["/api/v1/events", "/ws"], strict=True):
        attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookie.split(";")[1:]}
        assert attributes["path"] == f"Path={path}"
        assert attributes["max-age"] == "Max-Age=300"
        assert "httponly" in attributes and "secure" in attributes  # testserver.local is no loopback
        assert attributes["samesite"].lower() == "samesite=strict"
    handle = cookies[0].split(";", 1)[0].partition("=")[2]
    assert owner["token"] not in handle  # a handle of its own, not the token
    # The handle is no access token: refused as a bearer credential.
    assert site.client.get("/api/v1/properties", headers={"Authorization": f"Bearer {handle}"}).status_code == 401


def test_plain_http_on_loopback_outside_production_drops_the_secure_flag(site):
    owner = site.owner()
    r = session(site, owner["token"], host="127.0.0.1:8000")
    assert r.status_code == 201, r.text
    assert all("secure" not in c.lower() for c in r.headers.get_list("set-cookie"))
    r = session(site, owner["token"], host="localhost")
    assert all("secure" not in c.lower() for c in r.headers.get_list("set-cookie"))


def test_a_socket_with_the_cookie_from_the_applications_origin_is_admitted_without_a_message(site):
    owner, rival = site.owner(), site.owner("Rival Estates")
    with socket(site, handle_of(site, owner["token"])) as ws:
        assert ws.receive_json(timeout=5) == {"type": "connected", "data": {"organization_id": owner["org_id"]}}
        site.broadcast(rival["org_id"], "theirs")
        site.broadcast(owner["org_id"], "ours")
        message = next_message(ws)
        assert message["type"] == "maintenance_update" and message["data"]["title"] == "ours"


@pytest.mark.parametrize("origin", ["https://evil.example.net", "http://app.example.com", None, "null"])
def test_a_cookie_from_another_origin_or_none_is_closed_4403(site, origin):
    owner = site.owner()
    with socket(site, handle_of(site, owner["token"]), origin) as ws:
        closed_with(ws, 4403, "INSUFFICIENT_PERMISSIONS")


def test_a_configured_cors_origin_may_open_a_cookie_socket(api, tmp_path):
    settings = settings_like(api, tmp_path, public_base_url=ORIGIN, cors_origins=("https://admin.example.com:8443",))
    with TestClient(create_app(build_container(settings)), timeout=10) as client:
        site = Site(client, None)
        owner = site.owner()
        with socket(site, handle_of(site, owner["token"]), "https://ADMIN.example.com:8443") as ws:
            assert ws.receive_json(timeout=5)["type"] == "connected"


def test_an_expired_handle_is_closed_4401(site, _pinned_clock):
    owner = site.owner()
    handle = handle_of(site, owner["token"])
    _pinned_clock.pin(datetime(2026, 12, 1, 12, tzinfo=UTC) + timedelta(minutes=6))  # past its 5 minutes
    with socket(site, handle) as ws:
        closed_with(ws, 4401, "TOKEN_EXPIRED")


def test_a_forged_or_foreign_handle_is_closed_4401(site):
    owner = site.owner()
    for handle in ("not-a-handle", owner["token"]):  # an access token is not a handle either
        with socket(site, handle) as ws:
            closed_with(ws, 4401, "AUTHENTICATION_FAILED")


def test_signing_out_or_removal_from_the_organization_stops_the_handle(site):
    owner = site.owner()
    handle = handle_of(site, owner["token"])
    assert site.client.post("/api/v1/identity/logout", headers={"Authorization": f"Bearer {owner['token']}"}).is_success
    with socket(site, handle) as ws:
        closed_with(ws, 4401, "AUTHENTICATION_FAILED")
    other = site.owner()
    manager = site.user(other, "PropertyManager")
    handle = handle_of(site, manager)
    with socket(site, handle) as ws:  # admitted while a member
        assert ws.receive_json(timeout=5)["type"] == "connected"
    me = site.client.get("/api/v1/identity/me", headers={"Authorization": f"Bearer {manager}"}).json()["data"]
    r = site.client.delete(f"/api/v1/identity/users/{me['id']}", headers={"Authorization": f"Bearer {other['token']}"})
    assert r.status_code == 204, r.text
    with socket(site, handle) as ws:
        closed_with(ws, 4401, "AUTHENTICATION_FAILED")


def test_ending_the_session_revokes_the_handle(site):
    owner = site.owner()
    handle = handle_of(site, owner["token"])
    headers = {"Authorization": f"Bearer {owner['token']}", "cookie": f"pmsaas_stream={handle}"}
    r = site.client.delete("/api/v1/events/session", headers=headers)
    assert r.status_code == 200 and r.json()["data"] == {"revoked": True}, r.text
    assert all("max-age=0" in c.lower() for c in r.headers.get_list("set-cookie"))
    with socket(site, handle) as ws:
        closed_with(ws, 4401, "AUTHENTICATION_FAILED")


def test_another_organizations_session_is_refused_404(site):
    owner, rival = site.owner(), site.owner("Rival Estates")
    r = session(site, owner["token"], **{"X-Organization-ID": rival["org_id"]})
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert "set-cookie" not in r.headers


def test_the_first_message_still_admits_a_socket_without_the_cookie(site):
    owner = site.owner()
    with site.client.websocket_connect("/ws", headers={"origin": "https://evil.example.net"}) as ws:
        ws.send_json({"type": "auth", "token": owner["token"]})
        assert ws.receive_json(timeout=5)["type"] == "connected"


def test_an_api_keys_handle_stops_when_the_key_is_revoked(site):
    owner = site.owner()
    auth = {"Authorization": f"Bearer {owner['token']}"}
    made = site.client.post(
        "/api/v1/identity/api-keys",
        json={"name": "Board", "scopes": ["notification:read", "maintenance:read"]},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    key = made.json()["data"]
    r = site.client.post("/api/v1/events/session", headers={"X-API-Key": key["key"]})
    assert r.status_code == 201, r.text
    handle = r.headers["set-cookie"].split(";", 1)[0].partition("=")[2]
    assert key["key"] not in handle
    with socket(site, handle) as ws:
        assert ws.receive_json(timeout=5) == {"type": "connected", "data": {"organization_id": owner["org_id"]}}
    assert site.client.delete(f"/api/v1/identity/api-keys/{key['id']}", headers=auth).status_code == 204
    with socket(site, handle) as ws:
        closed_with(ws, 4401, "AUTHENTICATION_FAILED")


def test_a_cookie_socket_is_still_rate_limited(api, tmp_path):
    settings = settings_like(api, tmp_path, public_base_url=ORIGIN, rate_limit_standard=3)
    with TestClient(create_app(build_container(settings)), timeout=10) as client:
        site = Site(client, None)
        owner = site.owner()
        handle = handle_of(site, owner["token"])  # request 1 of 3
        for _ in range(2):
            with socket(site, handle) as ws:
                assert ws.receive_json(timeout=5)["type"] == "connected"
        with socket(site, handle) as ws:
            closed_with(ws, 4429, "RATE_LIMIT_EXCEEDED")

"""GET /api/v1/events with the real-time cookie (POST /api/v1/events/session, docs/realtime.md): what a
browser's EventSource sends. GET only, and only that path; a foreign Origin is not admitted by it.
A real server on loopback (SQLite + memory channels; PostgreSQL + Redis pub/sub on the second pass)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from test_realtime_sse import send, ticket_event

from realtime_support import Sse, live_server, settings_like

pytestmark = pytest.mark.today("2026-12-01")


@pytest.fixture
async def live(api, tmp_path):
    settings = settings_like(api, tmp_path, realtime_heartbeat_seconds=0.3, public_base_url="https://app.example.com")
    async with live_server(settings) as (client, container):
        yield client, container


async def handle_of(client, token: str) -> str:  # type: ignore[no-untyped-def]
    r = await client.post("/api/v1/events/session", token, headers={"Host": "127.0.0.1"})
    assert r.status_code == 201, r.text
    assert "secure" not in r.headers["set-cookie"].lower()  # plain http on loopback, not production
    client.client.cookies.clear()  # sent explicitly below, so each stream names its own
    return str(r.cookies.get("pmsaas_stream", path="/api/v1/events"))


@asynccontextmanager
async def cookie_sse(client, handle: str, **headers: str) -> AsyncIterator[Sse]:  # type: ignore[no-untyped-def]
    cookie = {"Cookie": f"pmsaas_stream={handle}", **headers}
    async with client.client.stream("GET", "/api/v1/events", headers=cookie) as response:
        assert response.status_code == 200, await response.aread()
        reader = Sse(response)
        try:
            assert (await reader.frame())["comments"] == ["connected"]
            yield reader
        finally:
            await reader.close()


async def test_the_cookie_alone_opens_the_callers_stream(live):
    client, container = live
    owner, rival = await client.new_org(), await client.new_org("Rival Estates")
    async with cookie_sse(client, await handle_of(client, owner.token)) as ours:
        async with cookie_sse(client, await handle_of(client, rival.token)) as theirs:
            await send(container, ticket_event(rival.org_id, title="theirs"))
            await send(container, ticket_event(owner.org_id, title="ours"))
            frame = await ours.message()
            assert frame["event"] == "maintenance" and frame["data"]["data"]["title"] == "ours"
            assert (await theirs.message())["data"]["data"]["title"] == "theirs"


async def test_the_cookie_authenticates_nothing_but_the_stream(live):
    client, _ = live
    owner = await client.new_org()
    cookie = {"Cookie": f"pmsaas_stream={await handle_of(client, owner.token)}"}
    for method, path in (
        ("GET", "/api/v1/properties"),
        ("GET", "/api/v1/notifications"),
        ("POST", "/api/v1/properties"),
    ):
        r = await client.client.request(method, path, headers=cookie, json={} if method == "POST" else None)
        assert r.status_code == 401, (path, r.text)
    r = await client.client.get("/api/v1/events", headers={**cookie, "Origin": "https://evil.example.net"})
    assert r.status_code == 401  # a cross-site page's request is not admitted by the cookie


async def test_a_signed_out_tokens_handle_is_refused(live):
    client, _ = live
    owner = await client.new_org()
    handle = await handle_of(client, owner.token)
    assert (await client.post("/api/v1/identity/logout", owner.token)).status_code == 200
    r = await client.client.get("/api/v1/events", headers={"Cookie": f"pmsaas_stream={handle}"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_FAILED"

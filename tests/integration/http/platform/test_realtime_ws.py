"""/ws: the WebSocket stream, authenticated by its first message (never the URL); the contract's
error codes as close codes (4000 + the HTTP status). SQLite + memory channels, then PostgreSQL +
Redis pub/sub."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from pmsaas.container import build_container
from pmsaas.domain.notifications.realtime import publish_event
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.entrypoints.http.app import create_app
from realtime_support import settings_like

pytestmark = pytest.mark.today("2026-12-01")


class Site:
    def __init__(self, client: TestClient[Any], container: Any) -> None:
        self.client, self.container = client, container

    def owner(self, name: str = "Acme Rentals") -> dict[str, str]:
        email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
        body = {"email": email, "password": "correct horse battery", "name": "O", "organization_name": name}
        r = self.client.post("/api/v1/identity/register", json=body)
        assert r.status_code == 201, r.text
        login = self.client.post("/api/v1/identity/login", json={"email": email, "password": body["password"]})
        return {"token": login.json()["data"]["access_token"], "org_id": r.json()["data"]["organization_id"]}

    def user(self, owner: dict[str, str], role: str) -> str:
        email = f"{role.lower()}-{uuid.uuid4().hex[:10]}@example.com"
        body = {"email": email, "name": role, "roles": [role], "password": "a long password"}
        r = self.client.post("/api/v1/identity/users", json=body, headers={"Authorization": f"Bearer {owner['token']}"})
        assert r.status_code == 201, r.text
        login = self.client.post("/api/v1/identity/login", json={"email": email, "password": "a long password"})
        token: str = login.json()["data"]["access_token"]
        return token

    def broadcast(self, org_id: str, title: str, name: str = "ticket.updated") -> None:
        data = {"ticket_id": str(uuid.uuid4()), "title": title, "tenant_id": None}
        event = DomainEvent(name, uuid.UUID(org_id), datetime.now(UTC), data)
        run = partial(publish_event, event=event, broadcaster=self.container.realtime())
        self.client.blocking_portal.call(run)


@pytest.fixture
def site(api, tmp_path) -> Iterator[Site]:
    settings = settings_like(api, tmp_path, realtime_heartbeat_seconds=0.3, realtime_auth_seconds=0.5)
    container = build_container(settings)
    with TestClient(create_app(container), timeout=10) as client:
        yield Site(client, container)


def next_message(ws: Any) -> dict[str, Any]:
    """The next message that is not a heartbeat ping."""
    while True:
        message: dict[str, Any] = ws.receive_json(timeout=5)
        if message["type"] != "ping":
            return message


def closed_with(ws: Any, code: int, error: str) -> None:
    message = ws.receive_json(timeout=5)
    assert message["type"] == "error" and message["data"]["code"] == error, message
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json(timeout=5)
    assert closed.value.code == code


def test_an_authenticated_socket_receives_its_organizations_messages_only(site):
    owner, rival = site.owner(), site.owner("Rival Estates")
    with site.client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "auth", "token": owner["token"]})
        assert ws.receive_json(timeout=5) == {"type": "connected", "data": {"organization_id": owner["org_id"]}}
        site.broadcast(rival["org_id"], "theirs")
        site.broadcast(owner["org_id"], "ours")
        message = next_message(ws)
        assert message["type"] == "maintenance_update" and message["data"]["title"] == "ours"
        assert message["id"]
        site.broadcast(rival["org_id"], "theirs again")
        site.broadcast(owner["org_id"], "ours again")
        assert next_message(ws)["data"]["title"] == "ours again"
        assert ws.receive_json(timeout=5) == {"type": "ping", "data": {}}  # heartbeats while quiet


def test_roles_filter_what_a_socket_receives(site):
    owner = site.owner()
    staff = site.user(owner, "MaintenanceStaff")
    with site.client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "auth", "token": staff})
        assert ws.receive_json(timeout=5)["type"] == "connected"
        site.broadcast(owner["org_id"], "a payment", name="payment.received")
        site.broadcast(owner["org_id"], "a request")
        message = next_message(ws)
        assert (message["type"], message["data"]["title"]) == ("maintenance_update", "a request")


def test_without_an_auth_message_in_time_the_socket_is_closed_4401(site):
    owner = site.owner()
    # A token in the URL is not read: only the first message authenticates.
    with site.client.websocket_connect(f"/ws?token={owner['token']}") as ws:
        closed_with(ws, 4401, "AUTHENTICATION_FAILED")


@pytest.mark.parametrize(
    "first",
    [
        {"type": "auth"},
        {"type": "auth", "token": ""},
        {"type": "subscribe", "token": "x"},
        {"type": "auth", "token": "not-a-jwt"},
        {"type": "auth", "token": "t", "unexpected": 1},
    ],
)
def test_a_bad_first_message_or_token_is_closed_4401(site, first):
    with site.client.websocket_connect("/ws") as ws:
        ws.send_json(first)
        closed_with(ws, 4401, "AUTHENTICATION_FAILED")


def test_an_expired_token_is_closed_4401_token_expired(site, _pinned_clock):
    owner = site.owner()
    _pinned_clock.pin(datetime(2026, 12, 2, 12, tzinfo=UTC) + timedelta(hours=2))  # past its 15 minutes
    with site.client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "auth", "token": owner["token"]})
        closed_with(ws, 4401, "TOKEN_EXPIRED")


def test_another_organization_is_closed_4404_as_the_contract_says(site):
    owner, rival = site.owner(), site.owner("Rival Estates")
    with site.client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "auth", "token": owner["token"], "organization_id": rival["org_id"]})
        closed_with(ws, 4404, "RESOURCE_NOT_FOUND")

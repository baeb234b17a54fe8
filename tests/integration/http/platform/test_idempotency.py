"""Idempotency-Key (docs/api-contract.md §6) through the real app, on POST /api/v1/properties."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.types import ASGIApp, Receive, Scope, Send

from pmsaas.domain.shared.actor import Actor
from pmsaas.entrypoints.http.errors import handle_exception
from pmsaas.entrypoints.http.idempotency import idempotency_middleware_factory
from support import property_body

BASE = "/api/v1/properties"


def key() -> str:
    return f"idem-{uuid.uuid4()}"


async def names_in_org(api, token: str, name: str) -> list[str]:
    r = await api.get(BASE, token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    return [p["id"] for p in r.json()["data"] if p["name"] == name]


async def test_same_key_and_body_replays_the_first_response(api, owner):
    k, name = key(), f"Replay {uuid.uuid4().hex[:8]}"
    first = await api.post(BASE, owner.token, json=property_body(name=name), headers={"Idempotency-Key": k})
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers

    again = await api.post(BASE, owner.token, json=property_body(name=name), headers={"Idempotency-Key": k})
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content  # byte for byte, the first request's meta included
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-request-id"] != first.headers["x-request-id"]  # each delivery has its own id
    assert "x-ratelimit-remaining" in again.headers
    assert await names_in_org(api, owner.token, name) == [first.json()["data"]["id"]]


async def test_the_body_is_compared_as_json_not_as_bytes(api, owner):
    k, body = key(), property_body(name=f"Canon {uuid.uuid4().hex[:8]}")
    first = await api.post(BASE, owner.token, json=body, headers={"Idempotency-Key": k})
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=2)
    again = await api.post(
        BASE, owner.token, content=reordered, headers={"Idempotency-Key": k, "Content-Type": "application/json"}
    )
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]


async def test_same_key_with_another_body_is_422_and_writes_nothing(api, owner):
    k = key()
    r = await api.post(BASE, owner.token, json=property_body(name="First body"), headers={"Idempotency-Key": k})
    assert r.status_code == 201
    other = f"Second body {uuid.uuid4().hex[:8]}"
    r = await api.post(BASE, owner.token, json=property_body(name=other), headers={"Idempotency-Key": k})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["success"] is False and body["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert [d["field"] for d in body["error"]["details"]] == ["Idempotency-Key"]
    assert await names_in_org(api, owner.token, other) == []


async def test_same_key_on_another_path_is_422(api, owner):
    k = key()
    assert (await api.post(BASE, owner.token, json=property_body(), headers={"Idempotency-Key": k})).status_code == 201
    r = await api.post(
        "/api/v1/identity/users",
        owner.token,
        json={"email": api.email(), "name": "Someone", "roles": ["Tenant"], "password": "a long password"},
        headers={"Idempotency-Key": k},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def in_app_loop(api, make: Callable[[httpx.AsyncClient], Awaitable[Any]], app: Any = None) -> Any:
    """Run requests truly concurrently: inside the test client's own event loop (where the container's
    connections live), through httpx's ASGI transport (the test client itself serves one at a time)."""

    async def run() -> Any:
        transport = httpx.ASGITransport(app=app or api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            return await make(client)

    return api.client.blocking_portal.call(run)


async def test_concurrent_duplicates_run_once(api, owner):
    k, name = key(), f"Race {uuid.uuid4().hex[:8]}"
    headers = {"Idempotency-Key": k, "Authorization": f"Bearer {owner.token}"}

    async def race(client: httpx.AsyncClient) -> list[httpx.Response]:
        attempt = lambda: client.post(BASE, json=property_body(name=name), headers=headers)  # noqa: E731
        return list(await asyncio.gather(*(attempt() for _ in range(4))))

    results = in_app_loop(api, race)
    originals = [r for r in results if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    assert len(originals) == 1, [(r.status_code, r.text) for r in results]
    created = originals[0].json()["data"]["id"]
    for r in results:
        if r is originals[0]:
            continue
        if r.status_code == 409:  # the first one was still running
            assert r.json()["error"]["code"] == "RESOURCE_CONFLICT"
        else:  # the first one had finished (SQLite serializes writers, so this happens there)
            assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"
            assert r.json()["data"]["id"] == created
    assert await names_in_org(api, owner.token, name) == [created]
    # once the first one finished, the key replays
    again = await api.post(BASE, owner.token, json=property_body(name=name), headers={"Idempotency-Key": k})
    assert again.headers["idempotent-replayed"] == "true" and again.json()["data"]["id"] == created


@pytest.mark.parametrize("bad", ["x" * 256, "", "tab\tinside", "café"])
async def test_a_bad_key_is_422_and_writes_nothing(api, owner, bad):
    name = f"Bad key {uuid.uuid4().hex[:8]}"
    r = await api.post(
        BASE, owner.token, json=property_body(name=name), headers={"Idempotency-Key": bad.encode("utf-8")}
    )
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in error["details"]] == ["Idempotency-Key"]
    assert await names_in_org(api, owner.token, name) == []


async def test_a_key_of_255_characters_is_fine(api, owner):
    r = await api.post(BASE, owner.token, json=property_body(), headers={"Idempotency-Key": "k" * 255})
    assert r.status_code == 201, r.text


async def test_without_a_key_nothing_changes(api, owner):
    name = f"No key {uuid.uuid4().hex[:8]}"
    a = await api.post(BASE, owner.token, json=property_body(name=name))
    b = await api.post(BASE, owner.token, json=property_body(name=name))
    assert a.status_code == b.status_code == 201
    assert "idempotent-replayed" not in a.headers and "idempotent-replayed" not in b.headers
    assert len(await names_in_org(api, owner.token, name)) == 2


async def test_another_principal_with_the_same_key_is_independent(api, owner, other_owner):
    k, body = key(), property_body(name="Shared key")
    mine = await api.post(BASE, owner.token, json=body, headers={"Idempotency-Key": k})
    theirs = await api.post(BASE, other_owner.token, json=body, headers={"Idempotency-Key": k})
    assert mine.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert theirs.json()["data"]["id"] != mine.json()["data"]["id"]
    assert theirs.json()["data"]["organization_id"] == other_owner.org_id
    # and the other organization can never replay the first one's response
    again = await api.post(BASE, other_owner.token, json=body, headers={"Idempotency-Key": k})
    assert again.json()["data"]["id"] == theirs.json()["data"]["id"]


async def test_deterministic_4xx_are_replayed(api, owner):
    k, body = key(), property_body(address={"postal_code": "12345", "country": "CA"})
    first = await api.post(BASE, owner.token, json=body, headers={"Idempotency-Key": k})
    assert first.status_code == 422
    again = await api.post(BASE, owner.token, json=body, headers={"Idempotency-Key": k})
    assert again.status_code == 422 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content


async def test_malformed_json_with_a_key_is_still_400(api, owner):
    r = await api.post(
        BASE, owner.token, content=b"{nope", headers={"Idempotency-Key": key(), "Content-Type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"


async def test_permission_errors_are_not_stored(api, owner):
    _, tenant = await owner.add_user("Tenant")
    k = key()
    for _ in range(2):
        r = await api.post(BASE, tenant, json=property_body(), headers={"Idempotency-Key": k})
        assert r.status_code == 403 and "idempotent-replayed" not in r.headers


async def test_public_endpoints_ignore_the_key(api, owner):
    k = key()
    first = await api.post(
        "/api/v1/identity/login",
        json={"email": owner.email, "password": owner.password},
        headers={"Idempotency-Key": k},
    )
    second = await api.post(
        "/api/v1/identity/login",
        json={"email": owner.email, "password": owner.password},
        headers={"Idempotency-Key": k},
    )
    assert first.status_code == second.status_code == 200
    assert "idempotent-replayed" not in second.headers  # tokens are never handed out again from storage
    assert first.json()["data"]["refresh_token"] != second.json()["data"]["refresh_token"]


# -- a route that requires the key (payments and refunds declare it the same way) ---------------------


@post("/api/v1/test-payments", opt={"idempotency": "required"}, status_code=201, sync_to_thread=False)
def make_payment(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    CALLS.append(data)
    return {"payment": len(CALLS)}


@post("/api/v1/test-crash", status_code=201, sync_to_thread=False)
def crash(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    CALLS.append(data)
    if len(CALLS) == 1:
        raise RuntimeError("first attempt fails")
    return {"attempt": len(CALLS)}


@post("/api/v1/test-slow", status_code=201)
async def slow(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    CALLS.append(data)
    GATE[0].set()  # inside the handler: the key is held
    await GATE[1].wait()  # the test opens the gate once the duplicates were answered
    return {"calls": len(CALLS)}


CALLS: list[dict[str, Any]] = []
GATE: list[asyncio.Event] = []


def fake_auth(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        scope["user"] = Actor(user_id=uuid.UUID(int=7), organization_id=uuid.UUID(int=9))
        await app(scope, receive, send)

    return middleware


class SmallApp:
    """A tiny app with the real middleware and the session's store, served inside the api's loop."""

    def __init__(self, api) -> None:
        self.api = api
        self.app = Litestar(
            route_handlers=[make_payment, crash, slow],
            middleware=[fake_auth, idempotency_middleware_factory(api.container)],
            exception_handlers={Exception: handle_exception},
        )

    async def post(self, url: str, **kw: Any) -> httpx.Response:
        return in_app_loop(self.api, lambda client: client.post(url, **kw), app=self.app)


@pytest.fixture
def small_app(api):
    CALLS.clear()
    return SmallApp(api)


async def test_a_route_that_requires_the_key_answers_400_without_it(small_app):
    r = await small_app.post("/api/v1/test-payments", json={"amount": "10.00"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "BAD_REQUEST"
    assert r.json()["error"]["details"][0]["field"] == "Idempotency-Key"
    assert CALLS == []
    k = key()
    for _ in range(2):
        r = await small_app.post("/api/v1/test-payments", json={"amount": "10.00"}, headers={"Idempotency-Key": k})
        assert r.status_code == 201 and r.json() == {"payment": 1}
    assert len(CALLS) == 1


async def test_a_5xx_is_not_stored_so_a_retry_runs_again(small_app):
    k = key()
    r = await small_app.post("/api/v1/test-crash", json={"n": 1}, headers={"Idempotency-Key": k})
    assert r.status_code == 500
    r = await small_app.post("/api/v1/test-crash", json={"n": 1}, headers={"Idempotency-Key": k})
    assert r.status_code == 201 and r.json() == {"attempt": 2} and "idempotent-replayed" not in r.headers
    r = await small_app.post("/api/v1/test-crash", json={"n": 1}, headers={"Idempotency-Key": k})
    assert r.json() == {"attempt": 2} and r.headers["idempotent-replayed"] == "true"
    assert len(CALLS) == 2


async def test_a_duplicate_while_the_first_is_running_is_409(small_app):
    k = key()

    async def race(client: httpx.AsyncClient) -> list[httpx.Response]:
        GATE[:] = [asyncio.Event(), asyncio.Event()]
        first = asyncio.ensure_future(client.post("/api/v1/test-slow", json={"n": 1}, headers={"Idempotency-Key": k}))
        await GATE[0].wait()  # the first request holds the key and is inside the handler
        duplicates = await asyncio.gather(
            *(client.post("/api/v1/test-slow", json={"n": 1}, headers={"Idempotency-Key": k}) for _ in range(2))
        )
        GATE[1].set()
        return [await first, *duplicates]

    first, *duplicates = in_app_loop(small_app.api, race, app=small_app.app)
    assert first.status_code == 201 and first.json() == {"calls": 1}
    for r in duplicates:
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "RESOURCE_CONFLICT"
        assert r.headers["retry-after"] == "1"
    assert len(CALLS) == 1
    r = await small_app.post("/api/v1/test-slow", json={"n": 1}, headers={"Idempotency-Key": k})
    assert r.headers["idempotent-replayed"] == "true" and r.json() == {"calls": 1}


async def test_the_ticketing_surface_replays_too_in_its_own_envelope(api, owner):
    from ops_support import make_place, ticket_body

    place = await make_place(api, owner)
    k = key()
    first = await api.post("/v1/tickets", owner.token, json=ticket_body(place), headers={"Idempotency-Key": k})
    assert first.status_code == 201, first.text
    again = await api.post("/v1/tickets", owner.token, json=ticket_body(place), headers={"Idempotency-Key": k})
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]

    r = await api.post(
        "/v1/tickets", owner.token, json=ticket_body(place, title="Another"), headers={"Idempotency-Key": k}
    )
    assert r.status_code == 422
    assert r.json()["status"] == "error"
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert list(r.json()["error"]["details"]) == ["Idempotency-Key"]
    r = await api.post("/v1/tickets", owner.token, json=ticket_body(place), headers={"Idempotency-Key": "x" * 256})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


async def test_an_oversized_body_with_a_key_is_413_like_without_one(api, owner):
    huge = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    for headers in ({}, {"Idempotency-Key": key()}):
        r = await api.post(BASE, owner.token, content=huge, headers={"Content-Type": "application/json", **headers})
        assert r.status_code == 413, r.text
        assert r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"

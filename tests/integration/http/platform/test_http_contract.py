"""The HTTP contract's plumbing: request ids, health, OpenAPI and explorer, errors, rate limits."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from conftest import BACKENDS, Api, make_settings, rate_limited_api
from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app

REQUEST_ID = re.compile(r"^req_[0-9a-f]{32}$")
RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-window")


def assert_envelope_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"success", "error", "meta"} and body["success"] is False
    assert body["error"]["code"] == code and isinstance(body["error"]["details"], list)
    assert set(body["meta"]) == {"timestamp", "request_id", "correlation_id"}
    assert body["meta"]["request_id"] == body["meta"]["correlation_id"] == r.headers["x-request-id"]
    return body


# -- request ids ---------------------------------------------------------------------------------


async def test_request_id_is_echoed(api, owner):
    r = await api.get("/api/v1/properties", owner.token, headers={"X-Request-ID": "client-abc.123:7"})
    assert r.status_code == 200
    assert r.headers["x-request-id"] == "client-abc.123:7" == r.json()["meta"]["request_id"]


async def test_request_id_is_generated_when_absent(api):
    first, second = await api.get("/health"), await api.get("/health")
    assert REQUEST_ID.match(first.headers["x-request-id"])
    assert first.headers["x-request-id"] == first.json()["meta"]["request_id"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@pytest.mark.parametrize("bad", ["", "x" * 129, "has space", 'quote"', "<script>"])
async def test_unsafe_request_ids_are_replaced(api, bad):
    r = await api.get("/health", headers={"X-Request-ID": bad})
    assert REQUEST_ID.match(r.headers["x-request-id"]) and r.json()["meta"]["request_id"] == r.headers["x-request-id"]


@pytest.mark.parametrize(
    ("method", "url", "authenticated", "status", "code"),
    [
        ("GET", "/nope", False, 404, "RESOURCE_NOT_FOUND"),
        ("GET", "/api/v1/nope", True, 404, "RESOURCE_NOT_FOUND"),
        ("GET", "/api/v1/properties", False, 401, "AUTHENTICATION_FAILED"),
        ("GET", "/api/v1/properties?page_size=0", True, 422, "VALIDATION_ERROR"),
        ("DELETE", "/health", False, 405, "METHOD_NOT_ALLOWED"),
        ("PATCH", "/api/v1/identity/login", False, 405, "METHOD_NOT_ALLOWED"),
    ],
)
async def test_errors_carry_the_request_id(api, owner, method, url, authenticated, status, code):
    token = owner.token if authenticated else None
    r = await api.request(method, url, token=token, headers={"X-Request-ID": "trace-42"})
    body = assert_envelope_error(r, status, code)
    assert body["meta"]["request_id"] == "trace-42"
    r = await api.request(method, url, token=token)
    assert REQUEST_ID.match(assert_envelope_error(r, status, code)["meta"]["request_id"])


async def test_405_lists_the_allowed_methods(api):
    r = await api.delete("/health")
    assert_envelope_error(r, 405, "METHOD_NOT_ALLOWED")
    assert "GET" in r.headers["allow"]


async def test_success_envelope(api, owner):
    r = await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)
    body = r.json()
    assert set(body) == {"success", "data", "meta"} and body["success"] is True
    assert set(body["meta"]) == {"timestamp", "request_id", "version"}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", body["meta"]["timestamp"])


# -- health ----------------------------------------------------------------------------------------


async def test_health_and_readiness(api):
    r = await api.get("/health")
    assert r.status_code == 200 and r.json()["data"]["status"] == "ok" and r.json()["success"] is True
    r = await api.get("/health/ready")
    assert r.status_code == 200, r.text
    checks = r.json()["data"]["checks"]
    assert checks["database"] == "ok"
    assert ("redis" in checks) == (api.container.redis() is not None)
    assert "x-ratelimit-limit" not in r.headers  # public, not rate limited


@pytest.fixture(
    params=[
        ("postgres-down", "postgresql+psycopg://postgres@127.0.0.1:1/pmsaas", None),
        ("sqlite-unopenable", "sqlite+aiosqlite:////proc/pmsaas-nonexistent/db.sqlite3", None),
        ("redis-down", None, "redis://127.0.0.1:1/0"),
    ],
    ids=lambda p: p[0],
)
async def broken(request, database_urls, tmp_path: Path) -> AsyncIterator[tuple[str, Api]]:
    name, url, redis = request.param
    settings = make_settings(url or database_urls["sqlite"], tmp_path, redis_url=redis)
    container = build_container(settings)
    async with AsyncTestClient(app=create_app(container)) as client:
        yield name, Api(client, container, "broken")


async def test_a_dependency_down_is_503(broken):
    name, api = broken
    r = await api.get("/health/ready")
    body = assert_envelope_error(r, 503, "SERVICE_UNAVAILABLE")
    down = "redis" if name == "redis-down" else "database"
    assert down in body["error"]["message"]
    assert body["error"]["details"] == [{"field": down, "message": "unavailable"}]
    assert r.headers["retry-after"] == "5"
    assert "Traceback" not in r.text and "psycopg" not in r.text
    assert (await api.get("/health")).status_code == 200  # liveness does not depend on them
    # Sign-in needs the database and (when configured) the Redis throttle: an outage, not a bug.
    r = await api.post("/api/v1/identity/login", json={"email": "a@example.com", "password": "whatever1"})
    assert_envelope_error(r, 503, "SERVICE_UNAVAILABLE")


# -- OpenAPI and the explorer ----------------------------------------------------------------------


async def test_openapi_document(api):
    r = await api.get("/schema/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    assert spec["openapi"].startswith("3.1")
    for path in ("/api/v1/properties", "/api/v1/identity/login", "/api/v1/organizations/{organization_id}"):
        assert path in spec["paths"], path
    assert "BearerToken" in spec["components"]["securitySchemes"]


async def test_openapi_documents_the_errors_each_surface_really_sends(api, owner):
    spec = (await api.get("/schema/openapi.json")).json()

    def errors(path: str, method: str) -> dict[str, str]:
        responses = spec["paths"][path][method]["responses"]
        return {s: r["content"]["application/json"]["schema"]["$ref"] for s, r in responses.items() if s >= "400"}

    platform, ticketing = "#/components/schemas/PlatformError", "#/components/schemas/TicketingError"
    one = errors("/api/v1/properties/{property_id}", "put")
    assert one == dict.fromkeys(["400", "401", "403", "404", "409", "422", "429", "503"], platform)
    assert set(errors("/api/v1/properties", "get")) == {"400", "401", "403", "422", "429", "503"}
    assert set(errors("/v1/tickets", "post")) == {"400", "401", "403", "409", "422", "429", "503"}
    assert set(errors("/v1/tickets", "post").values()) == {ticketing}
    assert "403" not in errors("/api/v1/identity/login", "post")  # public, but a wrong password is a 401
    assert not [s for s in spec["paths"]["/health"]["get"]["responses"] if s >= "400"]  # not an API operation
    # What the document says is what comes back: a 422 in the platform envelope it names.
    r = await api.post("/api/v1/properties", owner.token, json={"name": ""})
    schema = spec["components"]["schemas"]["PlatformError"]
    assert r.status_code == 422 and set(schema["required"]) <= set(r.json())
    assert set(schema["properties"]["error"]["required"]) <= set(r.json()["error"])
    r = await api.get("/v1/tickets", headers={"Authorization": "Bearer pmk_nope"})
    assert r.status_code == 401 and set(spec["components"]["schemas"]["TicketingError"]["required"]) <= set(r.json())


async def test_the_explorer_works_offline(api):
    r = await api.get("/schema")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    refs = re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]+)['"]""", r.text)
    assert refs, r.text[:500]
    assert all(ref.startswith("/static/swagger/") for ref in refs), refs
    assert not re.search(r"https?://(?!localhost)", r.text.split("spec:")[0])
    for ref in refs:
        asset = await api.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 100


# -- rate limits -------------------------------------------------------------------------------


async def test_rate_limit_headers_on_every_authenticated_response(api, owner):
    responses = [
        await api.get("/api/v1/properties", owner.token),  # 200
        await api.post("/api/v1/properties", owner.token, json={}),  # 422
        await api.get("/api/v1/properties/00000000-0000-0000-0000-000000000000", owner.token),  # 404
        await api.delete(f"/api/v1/identity/users/{owner.user_id}", owner.token),  # 409
        await api.post("/api/v1/properties", owner.token, content=b"{", headers={"Content-Type": "application/json"}),
    ]
    assert [r.status_code for r in responses] == [200, 422, 404, 409, 400]
    remaining = []
    for r in responses:
        assert all(h in r.headers for h in RATE_HEADERS), (r.status_code, dict(r.headers))
        assert int(r.headers["x-ratelimit-limit"]) == api.container.settings().rate_limit_standard
        assert int(r.headers["x-ratelimit-window"]) == api.container.settings().rate_limit_window_seconds
        assert int(r.headers["x-ratelimit-reset"]) > time.time()
        remaining.append(int(r.headers["x-ratelimit-remaining"]))
    assert remaining == sorted(remaining, reverse=True) and len(set(remaining)) == len(remaining)
    # Public endpoints are not counted and carry no rate headers.
    assert "x-ratelimit-limit" not in (await api.get("/.well-known/jwks.json")).headers


@pytest.fixture(scope="module", params=BACKENDS)
async def limited(request, database_urls, tmp_path_factory) -> AsyncIterator[Api]:
    tmp = tmp_path_factory.mktemp(f"limited-{request.param}")
    async with rate_limited_api(request.param, database_urls[request.param], tmp, 3) as api:
        yield api


async def test_429_after_the_limit_per_principal(limited):
    api = limited
    first, second = await api.new_org(), await api.new_org()
    for expected_remaining in (2, 1, 0):
        r = await api.get("/api/v1/properties", first.token)
        assert r.status_code == 200
        assert r.headers["x-ratelimit-remaining"] == str(expected_remaining)
        assert r.headers["x-ratelimit-limit"] == "3"
    r = await api.get("/api/v1/properties", first.token)
    body = assert_envelope_error(r, 429, "RATE_LIMIT_EXCEEDED")
    retry = body["error"]["retry_after"]
    assert isinstance(retry, int) and 1 <= retry <= 3600
    assert r.headers["retry-after"] == str(retry)
    assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["x-ratelimit-limit"] == "3"
    # Another sign-in of the same user is the same principal; another user is not affected.
    again = await api.login(first.email, first.password)
    assert (await api.get("/api/v1/properties", again["access_token"])).status_code == 429
    r = await api.get("/api/v1/properties", second.token)
    assert r.status_code == 200 and r.headers["x-ratelimit-remaining"] == "2"


# -- request bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"email": "a@example.com", "password": "whatever1"}'),
        ("application/x-www-form-urlencoded", b"email=a%40example.com&password=whatever1"),
        ("application/xml", b"<login/>"),
        ("application/json", b""),
        ("application/json", b"   "),
        ("application/json", b'{"email": "a@example.com",'),
        ("application/json", b"\xff\xfe"),
    ],
)
async def test_wrong_content_type_missing_or_malformed_body_is_400(api, content_type, body):
    r = await api.post("/api/v1/identity/login", content=body, headers={"Content-Type": content_type})
    assert_envelope_error(r, 400, "BAD_REQUEST")


async def test_json_variants_are_accepted(api, owner):
    body = b'{"name": "Second"}'
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        r = await api.post("/api/v1/organizations", owner.token, content=body, headers={"Content-Type": content_type})
        assert r.status_code == 201, (content_type, r.text)


@pytest.mark.parametrize("body", [b"null", b'"text"', b"[]", b"42"])
async def test_a_body_that_is_not_an_object_is_422(api, body):
    r = await api.post("/api/v1/identity/login", content=body, headers={"Content-Type": "application/json"})
    assert_envelope_error(r, 422, "VALIDATION_ERROR")


async def test_an_optional_body_may_be_absent(api, owner):
    session = await api.login(owner.email, owner.password)
    assert (await api.post("/api/v1/identity/logout", session["access_token"])).status_code == 200

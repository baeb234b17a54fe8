"""Security headers (issue 11, docs/api-contract.md §Security headers): no-store on authenticated
answers and sign-in endpoints, nosniff, no referrer, a CSP; HSTS in production or over https; CORS off
unless origins are configured, and then only for those origins."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from conftest import make_settings
from pmsaas.container import build_container
from pmsaas.entrypoints.http.app import create_app
from pmsaas.entrypoints.http.security_headers import API_CSP, HSTS


async def test_an_authenticated_answer_is_never_stored(api, owner):
    for r in (
        await api.get("/api/v1/properties", owner.token),
        await api.get(f"/api/v1/properties/{owner.org_id}", owner.token),  # an error answer too
        await api.get("/v1/tickets", owner.token),
    ):
        assert r.headers["cache-control"] == "no-store", r.url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["content-security-policy"] == API_CSP


async def test_sign_in_answers_are_never_stored(api, owner):
    r = await api.post("/api/v1/identity/login", json={"email": owner.email, "password": owner.password})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    bad = await api.post("/api/v1/identity/login", json={"email": owner.email, "password": "wrong password"})
    assert bad.status_code == 401 and bad.headers["cache-control"] == "no-store"


async def test_a_public_answer_keeps_no_store_off_and_hsts_off_in_development(api):
    r = await api.get("/health")
    assert r.status_code == 200
    assert "no-store" not in r.headers.get("cache-control", "")
    assert "strict-transport-security" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_the_explorer_may_run_its_own_scripts_only(api):
    r = await api.get("/schema")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp and "default-src 'self'" in csp and "https:" not in csp


async def test_cors_is_off_by_default(api, owner):
    preflight = await api.request(
        "OPTIONS",
        "/api/v1/properties",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    r = await api.get("/api/v1/properties", owner.token, headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


async def test_cors_allows_only_the_configured_origins_and_hsts_over_https(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cors.sqlite3'}"
    from pmsaas.entrypoints.cli.db import upgrade

    upgrade(url)
    environ = {"PMSAAS_CORS_ORIGINS": "https://app.example.com, https://admin.example.com/"}
    from pmsaas.settings import load_settings

    assert load_settings(environ).cors_origins == ("https://app.example.com", "https://admin.example.com")
    settings = make_settings(url, tmp_path, cors_origins=("https://app.example.com",))
    async with AsyncTestClient(app=create_app(build_container(settings))) as client:
        ok = await client.options(
            "/api/v1/properties",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "Authorization",
            },
        )
        assert ok.status_code in (200, 204) and ok.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "access-control-allow-credentials" not in ok.headers
        other = await client.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        same = await client.get("/health", headers={"Origin": "https://app.example.com"})
        assert same.headers["access-control-allow-origin"] == "https://app.example.com"
        over_https = await client.get("https://testserver.local/health")
        assert over_https.headers["strict-transport-security"] == HSTS


async def test_production_always_sends_hsts():
    """Behind a TLS-terminating proxy the request may look like http; production still says https only."""
    from pmsaas.entrypoints.http.security_headers import security_headers
    from pmsaas.settings import Settings

    stamp = security_headers(Settings(env="production"))
    message = {"type": "http.response.start", "status": 200, "headers": []}
    await stamp(message, {"type": "http", "scheme": "http", "path": "/health", "headers": []})
    headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
    assert headers["strict-transport-security"] == HSTS and "cache-control" not in headers

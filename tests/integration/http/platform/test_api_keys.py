"""API keys: created once, stored hashed, usable as Bearer or X-API-Key, scoped, revocable."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import sqlalchemy as sa

from pmsaas.adapters.sql.tables.api_keys import api_keys as api_keys_table

BASE = "/api/v1/identity/api-keys"


async def make_key(api, owner, scopes=("tickets:read",), **extra) -> dict:
    r = await api.post(BASE, owner.token, json={"name": "Zapier", "scopes": list(scopes), **extra})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_create_shows_the_key_once_and_stores_only_a_hash(api, owner):
    data = await make_key(api, owner, scopes=["tickets:read", "users:read"])
    key = data["key"]
    assert key.startswith("pmk_") and data["prefix"] == key[: len("pmk_") + 8]
    assert data["scopes"] == ["tickets:read", "users:read"] and data["revoked"] is False
    assert data["last_used_at"] is None and data["expires_at"] is None

    async with api.container.system_engine().connect() as conn:
        row = (await conn.execute(sa.select(api_keys_table).where(api_keys_table.c.id == uuid.UUID(data["id"])))).one()
    secret = key.split("_", 2)[2]
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key not in str(row._mapping.values())

    listed = (await api.get(BASE, owner.token)).json()["data"]
    assert [k["id"] for k in listed] == [data["id"]]
    assert "key" not in listed[0] and listed[0]["prefix"] == data["prefix"]
    one = await api.get(f"{BASE}/{data['id']}", owner.token)
    assert one.status_code == 200 and "key" not in one.json()["data"]


async def test_key_authenticates_as_bearer_and_x_api_key_for_its_organization(api, owner):
    key = (await make_key(api, owner, scopes=["users:read"]))["key"]
    r = await api.get("/api/v1/identity/users", key)
    assert r.status_code == 200, r.text
    assert owner.user_id in [u["id"] for u in r.json()["data"]]
    r = await api.get("/api/v1/identity/users", headers={"X-API-Key": key})
    assert r.status_code == 200
    assert r.headers["X-RateLimit-Limit"] == "1000"

    # last_used_at is recorded (once a minute at most)
    listed = (await api.get(BASE, owner.token)).json()["data"]
    assert listed[0]["last_used_at"] is not None


async def test_scopes_limit_what_a_key_may_do(api, owner):
    key = (await make_key(api, owner, scopes=["tickets:read"]))["key"]
    r = await api.get("/api/v1/identity/users", key)
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    # a key cannot mint keys
    r = await api.post(BASE, key, json={"name": "x", "scopes": ["tickets:read"]})
    assert r.status_code == 403


async def test_bad_keys_are_401(api, owner):
    key = (await make_key(api, owner))["key"]
    for bad in (key[:-1] + ("A" if key[-1] != "A" else "B"), "pmk_short", "pmk_abcdefgh_", "pmk_ABCDEFGH_secret"):
        r = await api.get("/api/v1/identity/users", bad)
        assert r.status_code == 401, bad
        assert r.json()["error"]["code"] == "AUTHENTICATION_FAILED"


async def test_revoked_and_expired_keys_stop_working(api, owner):
    data = await make_key(api, owner, scopes=["users:read"])
    assert (await api.get("/api/v1/identity/users", data["key"])).status_code == 200
    r = await api.delete(f"{BASE}/{data['id']}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert (await api.get("/api/v1/identity/users", data["key"])).status_code == 401
    assert (await api.get(f"{BASE}/{data['id']}", owner.token)).json()["data"]["revoked"] is True
    # revoking again is harmless
    assert (await api.delete(f"{BASE}/{data['id']}", owner.token)).status_code == 204

    now = api.container.clock().now()
    soon = (now + timedelta(days=1)).isoformat()
    data = await make_key(api, owner, scopes=["users:read"], expires_at=soon)
    assert data["expires_at"] is not None
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            api_keys_table.update()
            .where(api_keys_table.c.id == uuid.UUID(data["id"]))
            .values(expires_at=now - timedelta(seconds=1))
        )
    assert (await api.get("/api/v1/identity/users", data["key"])).status_code == 401


async def test_other_organizations_keys_are_404(api, owner, other_owner):
    data = await make_key(api, owner)
    assert (await api.get(f"{BASE}/{data['id']}", other_owner.token)).status_code == 404
    assert (await api.delete(f"{BASE}/{data['id']}", other_owner.token)).status_code == 404
    assert (await api.get(BASE, other_owner.token)).json()["data"] == []
    # still alive for its owner
    assert (await api.get(f"{BASE}/{data['id']}", owner.token)).json()["data"]["revoked"] is False


async def test_roles_without_apikey_permissions_are_403(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    for token in (manager, tenant):
        assert (await api.get(BASE, token)).status_code == 403
        assert (await api.post(BASE, token, json={"name": "x", "scopes": ["tickets:read"]})).status_code == 403


async def test_bad_input(api, owner):
    r = await api.post(BASE, owner.token, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    for body, field in [
        ({"name": "x", "scopes": ["tickets:read"], "extra": 1}, "extra"),
        ({"name": "x", "scopes": ["nope:read"]}, "scopes.0"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "", "scopes": ["tickets:read"]}, "name"),
        ({"name": 5, "scopes": ["tickets:read"]}, "name"),
        ({"name": "x", "scopes": ["tickets:read"], "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
    ]:
        r = await api.post(BASE, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"
        assert field in [d["field"] for d in r.json()["error"]["details"]], (body, r.json())
    assert (await api.get(f"{BASE}/not-a-uuid", owner.token)).status_code in (404, 400)
    assert (await api.get(f"{BASE}/{uuid.uuid4()}", owner.token)).status_code == 404

"""/api/v1/identity/oauth-clients: registration per organization, secret hashed, tenancy, roles, bad input."""

from __future__ import annotations

import hashlib
import uuid

import pytest
import sqlalchemy as sa
from oauth_helpers import CLIENTS, REDIRECT, auth_params, code_for, exchange, open_page, pkce, register, token

from pmsaas.adapters.sql.tables.oauth import oauth_clients

pytestmark = pytest.mark.today("2026-12-01")


async def test_register_shows_the_secret_once_and_stores_a_hash(api, owner):
    data = await register(api, owner, scopes=["tickets:read", "financial:read"])
    assert data["client_id"] == data["id"] and data["grant_types"] == ["authorization_code", "refresh_token"]
    async with api.container.system_engine().connect() as conn:
        row = (await conn.execute(sa.select(oauth_clients).where(oauth_clients.c.id == uuid.UUID(data["id"])))).one()
    assert row.secret_hash == hashlib.sha256(data["client_secret"].encode()).hexdigest()
    listed = (await api.get(CLIENTS, owner.token)).json()["data"]
    assert [c["id"] for c in listed] == [data["id"]] and "client_secret" not in listed[0]
    one = (await api.get(f"{CLIENTS}/{data['id']}", owner.token)).json()["data"]
    assert one["redirect_uris"] == [REDIRECT] and "client_secret" not in one


async def test_revoked_clients_stop(api, owner):
    client = await register(api, owner, grant_types=["authorization_code", "refresh_token", "client_credentials"])
    assert (await token(api, client, grant_type="client_credentials")).status_code == 200
    pair = (await exchange(api, client, *await code_for(api, owner, client))).json()
    assert (await api.get("/v1/tickets", pair["access_token"])).status_code == 200
    assert (await api.delete(f"{CLIENTS}/{client['id']}", owner.token)).status_code == 204
    assert (await api.get("/v1/tickets", pair["access_token"])).status_code == 401  # the user's token died
    r = await token(api, client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    assert (await api.get(f"{CLIENTS}/{client['id']}", owner.token)).json()["data"]["revoked"] is True
    r = await token(api, client, grant_type="client_credentials")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    _, challenge = pkce()
    assert (await open_page(api, auth_params(client, challenge))).status_code == 400
    assert (await api.delete(f"{CLIENTS}/{client['id']}", owner.token)).status_code == 204  # idempotent


async def test_other_organizations_client_ids_are_404(api, owner, other_owner):
    data = await register(api, owner)
    assert (await api.get(f"{CLIENTS}/{data['id']}", other_owner.token)).status_code == 404
    assert (await api.delete(f"{CLIENTS}/{data['id']}", other_owner.token)).status_code == 404
    assert (await api.get(CLIENTS, other_owner.token)).json()["data"] == []
    assert (await api.get(f"{CLIENTS}/{data['id']}", owner.token)).json()["data"]["revoked"] is False


async def test_roles_without_oauthclient_permissions_are_403(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    body = {"name": "x", "redirect_uris": [REDIRECT], "scopes": ["tickets:read"]}
    for t in (manager, tenant):
        assert (await api.get(CLIENTS, t)).status_code == 403
        assert (await api.post(CLIENTS, t, json=body)).status_code == 403
    # a custom role that may register clients cannot give them more than it has
    r = await api.post(
        "/api/v1/identity/roles",
        owner.token,
        json={"name": "AppAdmin", "description": "apps", "permissions": ["oauthclient:read", "oauthclient:create"]},
    )
    assert r.status_code == 201, r.text
    _, app_admin = await owner.add_user("AppAdmin")
    r = await api.post(CLIENTS, app_admin, json={**body, "scopes": ["financial:read"]})
    assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
    assert (await api.get(CLIENTS, owner.token)).json()["data"] == []


async def test_bad_input(api, owner):
    good = {"name": "x", "redirect_uris": [REDIRECT], "scopes": ["tickets:read"]}
    for patch, field in [
        ({"extra": 1}, "extra"),
        ({"scopes": ["nope:read"]}, "scopes.0"),
        ({"scopes": []}, "scopes"),
        ({"name": ""}, "name"),
        ({"redirect_uris": ["http://example.com/cb"]}, "redirect_uris.0"),
        ({"redirect_uris": ["https://example.com/cb#frag"]}, "redirect_uris.0"),
        ({"redirect_uris": ["/relative"]}, "redirect_uris.0"),
        ({"redirect_uris": []}, "redirect_uris"),
        ({"grant_types": ["implicit"]}, "grant_types.0"),
        ({"grant_types": ["refresh_token"]}, "grant_types"),
    ]:
        r = await api.post(CLIENTS, owner.token, json={**good, **patch})
        assert r.status_code == 422, (patch, r.text)
        assert field in [d["field"] for d in r.json()["error"]["details"]], (patch, r.json())
    assert (await api.get(CLIENTS, owner.token)).json()["data"] == []
    assert (await api.get(f"{CLIENTS}/{uuid.uuid4()}", owner.token)).status_code == 404
    # loopback http is fine for native apps (RFC 8252)
    r = await api.post(CLIENTS, owner.token, json={**good, "redirect_uris": ["http://127.0.0.1:8765/cb"]})
    assert r.status_code == 201

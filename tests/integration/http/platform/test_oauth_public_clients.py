"""OAuth public clients (RFC 6749 §2.1, RFC 7591 ``token_endpoint_auth_method: none``): no secret, the
authorization-code flow with PKCE S256 and the client_id alone at the token endpoint, never
client_credentials. And a revoked client's access tokens, of every grant, stop at once."""

from __future__ import annotations

import uuid
from pathlib import Path

import jwt
import pytest
import sqlalchemy as sa
from oauth_helpers import CLIENTS, REDIRECT, auth_params, code_for, consent, open_page, pkce, register, token

from conftest import rate_limited_api
from pmsaas.adapters.sql.tables.oauth import oauth_clients

pytestmark = pytest.mark.today("2026-12-01")


async def register_public(api, owner, **extra) -> dict:
    return await register(api, owner, scopes=["tickets:read"], token_endpoint_auth_method="none", **extra)


async def public_token(api, client: dict, **form):
    """The token endpoint with no client authentication: the client_id in the form (RFC 6749 §2.3.1)."""
    return await api.post("/oauth/token", data={**form, "client_id": client["client_id"]})


async def test_a_public_client_is_registered_without_a_secret(api, owner):
    client = await register_public(api, owner)
    assert client["client_secret"] is None and client["client_type"] == "public"
    assert client["token_endpoint_auth_method"] == "none"
    async with api.container.system_engine().connect() as conn:
        row = (await conn.execute(sa.select(oauth_clients).where(oauth_clients.c.id == uuid.UUID(client["id"])))).one()
    assert row.secret_hash == "" and row.token_endpoint_auth_method == "none"
    one = (await api.get(f"{CLIENTS}/{client['id']}", owner.token)).json()["data"]
    assert one["client_type"] == "public"
    confidential = await register(api, owner)
    assert confidential["client_type"] == "confidential" and confidential["client_secret"]
    assert confidential["token_endpoint_auth_method"] == "client_secret_basic"


async def test_a_public_client_completes_the_code_flow_with_pkce_and_its_id_alone(api, owner):
    client = await register_public(api, owner)
    code, verifier = await code_for(api, owner, client)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    r = await public_token(api, client, **form, code_verifier="x" * 43)  # not the verifier: refused
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    code, verifier = await code_for(api, owner, client)
    r = await public_token(api, client, **{**form, "code": code}, code_verifier=verifier)
    assert r.status_code == 200, r.text
    body = r.json()
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["client_id"] == client["client_id"] and claims["sub"] == owner.user_id
    assert (await api.get("/v1/tickets", body["access_token"])).status_code == 200
    # Rotation works the same way, the client_id alone.
    r = await public_token(api, client, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert r.status_code == 200, r.text
    again = await public_token(api, client, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert again.json()["error"] == "invalid_grant"  # the rotated one is dead (and ended its family)
    # Revocation with the client_id alone (RFC 7009 §2.1 for public clients).
    fresh = r.json()
    r = await api.post("/oauth/revoke", data={"token": fresh["access_token"], "client_id": client["client_id"]})
    assert r.status_code == 200
    assert (await api.get("/v1/tickets", fresh["access_token"])).status_code == 401


async def test_a_public_client_needs_pkce_s256(api, owner):
    client = await register_public(api, owner)
    _, challenge = pkce()
    for over in ({"code_challenge": None, "code_challenge_method": None}, {"code_challenge_method": "plain"}):
        r = await open_page(api, auth_params(client, challenge, **over))
        assert r.status_code in (303, 400), r.text
        if r.status_code == 303:
            assert "error=invalid_request" in r.headers["location"]


async def test_a_public_client_has_no_client_credentials_and_takes_no_secret(api, owner):
    r = await api.post(
        CLIENTS,
        owner.token,
        json={
            "name": "SPA",
            "redirect_uris": [REDIRECT],
            "scopes": ["tickets:read"],
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "none",
        },
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "grant_types", r.text
    r = await api.post(
        CLIENTS,
        owner.token,
        json={
            "name": "SPA",
            "redirect_uris": [REDIRECT],
            "scopes": ["tickets:read"],
            "token_endpoint_auth_method": "magic",
        },
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    client = await register_public(api, owner)
    r = await public_token(api, client, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client", r.text
    # A secret sent for a public client fails loudly (it has none), whatever the secret.
    code, verifier = await code_for(api, owner, client)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    r = await api.post("/oauth/token", data=form, auth=(client["client_id"], "anything"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    # A confidential client still needs its secret: its id alone is not enough.
    confidential = await register(api, owner)
    code, verifier = await code_for(api, owner, confidential)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    r = await public_token(api, confidential, **form)
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


async def test_a_revoked_clients_tokens_of_every_grant_stop_at_once(api, owner):
    machine = await register(api, owner, grant_types=["client_credentials"], redirect_uris=[])
    no_refresh = await register(api, owner, grant_types=["authorization_code"])
    public = await register_public(api, owner)
    machine_token = (await token(api, machine, grant_type="client_credentials")).json()["access_token"]
    code, verifier = await code_for(api, owner, no_refresh)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    user_token = (await token(api, no_refresh, **form)).json()["access_token"]
    code, verifier = await code_for(api, owner, public)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    public_access = (await public_token(api, public, **form)).json()["access_token"]
    for access in (machine_token, user_token, public_access):
        assert (await api.get("/v1/tickets", access)).status_code == 200

    for client in (machine, no_refresh, public):
        assert (await api.delete(f"{CLIENTS}/{client['id']}", owner.token)).status_code == 204
    for access in (machine_token, user_token, public_access):
        r = await api.get("/v1/tickets", access)
        assert r.status_code == 401, r.text
        r = await api.get("/api/v1/properties", access)
        assert r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    # The owner's own session is untouched.
    assert (await api.get("/api/v1/properties", owner.token)).status_code == 200


async def test_another_process_refuses_a_revoked_clients_token(api, owner, database_urls):
    """A server process started after the revocation (SQLite: its list is loaded from the tables) or
    running beside it (PostgreSQL: the gate's Redis copy) refuses the client's tokens too."""
    machine = await register(api, owner, grant_types=["client_credentials"], redirect_uris=[])
    machine_token = (await token(api, machine, grant_type="client_credentials")).json()["access_token"]
    assert (await api.delete(f"{CLIENTS}/{machine['id']}", owner.token)).status_code == 204
    var_dir = Path(api.container.settings().var_dir)  # the same signing key: the same deployment
    async with rate_limited_api(api.backend, database_urls[api.backend], var_dir, 1000) as other:
        assert (await other.get("/v1/tickets", machine_token)).status_code == 401
        assert (await other.get("/api/v1/properties", owner.token)).status_code == 200


async def test_a_public_clients_ids_are_its_organizations_only(api, owner, other_owner):
    client = await register_public(api, owner)
    _, challenge = pkce()
    r = await consent(api, auth_params(client, challenge), other_owner.email, other_owner.password)
    assert r.status_code == 401 and "not a member" in r.text  # another organization's member grants nothing
    for method in ("GET", "DELETE"):
        r = await api.request(method, f"{CLIENTS}/{client['id']}", token=other_owner.token)
        assert r.status_code == 404, r.text
    assert (await api.get(f"{CLIENTS}/{client['id']}", owner.token)).json()["data"]["revoked"] is False

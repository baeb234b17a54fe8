"""OAuth 2.0 over HTTP: the authorization-code flow with PKCE, refresh rotation, client
credentials, revocation, metadata; every bad input refused with the RFC's error, nothing granted."""

from __future__ import annotations

import uuid
from datetime import timedelta

import jwt
import pytest
import sqlalchemy as sa
from oauth_helpers import (
    REDIRECT,
    auth_params,
    code_for,
    consent,
    exchange,
    open_page,
    pkce,
    redirected,
    register,
    token,
)

from pmsaas.adapters.sql.tables.oauth import oauth_codes

pytestmark = pytest.mark.today("2026-12-01")


async def test_a_third_party_client_completes_the_code_flow_and_reads_tickets(api, owner):
    client = await register(api, owner, scopes=["tickets:read", "properties:read"])
    code, verifier = await code_for(api, owner, client, scope="tickets:read")
    r = await exchange(api, client, code, verifier)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "tickets:read" and body["refresh_token"]
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "tickets:read" and claims["client_id"] == client["client_id"]
    assert claims["sub"] == owner.user_id and jwt.get_unverified_header(body["access_token"])["alg"] == "RS256"

    access = body["access_token"]
    r = await api.get("/v1/tickets", access)
    assert r.status_code == 200, r.text
    # only what the scope allows, although the owner may do everything
    assert (await api.post("/v1/tickets", access, json={"title": "x"})).status_code == 403
    assert (await api.get("/api/v1/financial/invoices", access)).status_code == 403
    assert (await api.get("/v1/properties", access)).status_code == 403  # properties:read not asked for
    # an OAuth token cannot mint keys or clients
    assert (
        await api.post("/api/v1/identity/api-keys", access, json={"name": "x", "scopes": ["tickets:read"]})
    ).status_code == 403


async def test_refresh_rotates_and_a_replayed_refresh_token_ends_the_family(api, owner):
    client = await register(api, owner)
    first = (await exchange(api, client, *await code_for(api, owner, client))).json()
    r = await token(api, client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await api.get("/v1/tickets", second["access_token"])).status_code == 200
    # the used one again: invalid_grant, and the whole family (and its access tokens) ends
    r = await token(api, client, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    assert (await api.get("/v1/tickets", second["access_token"])).status_code == 401
    r = await token(api, client, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert r.json()["error"] == "invalid_grant"


async def test_refresh_may_narrow_but_never_widen_the_scope(api, owner):
    client = await register(api, owner, scopes=["tickets:read", "properties:read"])
    first = (await exchange(api, client, *await code_for(api, owner, client, scope="tickets:read"))).json()
    r = await token(
        api, client, grant_type="refresh_token", refresh_token=first["refresh_token"], scope="properties:read"
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"


async def test_a_code_is_single_use_and_a_replay_revokes_what_it_issued(api, owner):
    client = await register(api, owner)
    code, verifier = await code_for(api, owner, client)
    first = await exchange(api, client, code, verifier)
    assert first.status_code == 200
    again = await exchange(api, client, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert (await api.get("/v1/tickets", first.json()["access_token"])).status_code == 401
    r = await token(api, client, grant_type="refresh_token", refresh_token=first.json()["refresh_token"])
    assert r.json()["error"] == "invalid_grant"


async def test_an_expired_code_is_refused(api, owner):
    client = await register(api, owner)
    code, verifier = await code_for(api, owner, client)
    now = api.container.clock().now()
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            oauth_codes.update()
            .where(oauth_codes.c.client_id == uuid.UUID(client["id"]))
            .values(expires_at=now - timedelta(seconds=1))
        )
    r = await exchange(api, client, code, verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


async def test_pkce_is_s256_only_and_the_verifier_must_match(api, owner):
    client = await register(api, owner)
    verifier, challenge = pkce()
    # plain: refused at the authorization endpoint, sent back to the client
    r = await open_page(api, auth_params(client, verifier, code_challenge_method="plain"))
    answer = redirected(r)
    assert answer["error"] == "invalid_request" and "code" not in answer
    # no challenge at all
    r = await open_page(api, auth_params(client, None))
    assert redirected(r)["error"] == "invalid_request"
    # a verifier that does not match
    code, _ = await code_for(api, owner, client, verifier_challenge=(verifier, challenge))
    other, _ = pkce()
    r = await exchange(api, client, code, other)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    # the code died with the failed attempt? No: it stays unused, the right verifier still works once
    r = await exchange(api, client, code, verifier)
    assert r.status_code == 200, r.text


async def test_redirect_uri_must_be_registered_exactly(api, owner):
    client = await register(api, owner)
    _, challenge = pkce()
    for uri in (REDIRECT + "/", REDIRECT + "?x=1", REDIRECT.upper(), "https://evil.example.com/callback", None):
        r = await open_page(api, auth_params(client, challenge, redirect_uri=uri))
        assert r.status_code == 400, uri
        assert "location" not in r.headers and "redirect_uri" in r.text
    # at the token endpoint: the code's redirect_uri must be repeated exactly
    code, verifier = await code_for(api, owner, client)
    r = await token(
        api, client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT + "/", code_verifier=verifier
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


async def test_scope_escalation_through_a_client_is_refused(api, owner):
    client = await register(api, owner, scopes=["tickets:read"])
    _, challenge = pkce()
    r = await open_page(api, auth_params(client, challenge, scope="tickets:write"))
    assert redirected(r)["error"] == "invalid_scope"
    r = await open_page(api, auth_params(client, challenge, scope="nonsense:read"))
    assert redirected(r)["error"] == "invalid_scope"
    # a member whose role lacks the scope cannot grant it
    money = await register(api, owner, scopes=["financial:read"])
    email = api.email("staff")
    r = await api.post(
        "/api/v1/identity/users",
        owner.token,
        json={"email": email, "name": "Staff", "roles": ["MaintenanceStaff"], "password": "a long password"},
    )
    assert r.status_code == 201
    answer = redirected(await consent(api, auth_params(money, challenge), email, "a long password"))
    assert answer["error"] == "invalid_scope" and "code" not in answer
    # client_credentials cannot ask beyond the client's scopes
    cc = await register(api, owner, scopes=["tickets:read"], grant_types=["client_credentials"], redirect_uris=[])
    r = await token(api, cc, grant_type="client_credentials", scope="tickets:write")
    assert r.status_code == 400 and r.json()["error"] == "invalid_scope"


async def test_sign_in_failures_csrf_and_denial_grant_nothing(api, owner):
    client = await register(api, owner)
    _, challenge = pkce()
    params = auth_params(client, challenge)
    r = await consent(api, params, owner.email, "wrong password")
    assert r.status_code == 401 and "Invalid e-mail or password" in r.text and "location" not in r.headers
    r = await api.post(
        "/oauth/authorize",
        data={**params, "email": owner.email, "password": owner.password, "decision": "allow", "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "location" not in r.headers
    answer = redirected(await consent(api, params, owner.email, owner.password, decision="deny"))
    assert answer == {"error": "access_denied", "state": params["state"], "iss": answer["iss"]}
    async with api.container.system_engine().connect() as conn:
        count = (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(oauth_codes)
                .where(oauth_codes.c.client_id == uuid.UUID(client["id"]))
            )
        ).scalar_one()
    assert count == 0


async def test_another_organizations_member_cannot_authorize(api, owner, other_owner):
    client = await register(api, owner)
    _, challenge = pkce()
    r = await consent(api, auth_params(client, challenge), other_owner.email, other_owner.password)
    assert r.status_code == 401 and "not a member" in r.text


async def test_client_credentials_act_for_the_organization(api, owner):
    client = await register(
        api, owner, scopes=["tickets:read", "financial:read"], grant_types=["client_credentials"], redirect_uris=[]
    )
    r = await token(api, client, grant_type="client_credentials")
    assert r.status_code == 200, r.text
    body = r.json()
    assert "refresh_token" not in body and body["scope"] == "financial:read tickets:read"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == client["client_id"] and claims["client_id"] == client["client_id"]
    assert (await api.get("/v1/tickets", body["access_token"])).status_code == 200
    assert (await api.get("/api/v1/financial/invoices", body["access_token"])).status_code == 200
    assert (await api.post("/api/v1/financial/invoices", body["access_token"], json={})).status_code == 403
    # this client may not use the code flow
    _, challenge = pkce()
    params = auth_params(client, challenge, redirect_uri=None)
    assert (await open_page(api, params)).status_code == 400


async def test_client_authentication_and_grant_errors(api, owner):
    client = await register(api, owner)
    bad = {**client, "client_secret": "wrong"}
    r = await token(api, bad, grant_type="client_credentials")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client" and "www-authenticate" in r.headers
    r = await token(api, client, grant_type="client_credentials")
    assert r.status_code == 400 and r.json()["error"] == "unauthorized_client"
    r = await token(api, client, grant_type="password", username="a", password="b")
    assert r.json()["error"] == "unsupported_grant_type"
    r = await token(api, client)
    assert r.json()["error"] == "invalid_request"
    r = await api.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    # client_secret_post works as well
    code, verifier = await code_for(api, owner, client)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}
    r = await api.post(
        "/oauth/token", data={**form, "client_id": client["client_id"], "client_secret": client["client_secret"]}
    )
    assert r.status_code == 200, r.text


async def test_revocation(api, owner):
    client = await register(api, owner)
    pair = (await exchange(api, client, *await code_for(api, owner, client))).json()
    auth = (client["client_id"], client["client_secret"])
    r = await api.post("/oauth/revoke", data={"token": pair["access_token"]}, auth=auth)
    assert r.status_code == 200
    assert (await api.get("/v1/tickets", pair["access_token"])).status_code == 401
    r = await api.post(
        "/oauth/revoke", data={"token": pair["refresh_token"], "token_type_hint": "refresh_token"}, auth=auth
    )
    assert r.status_code == 200
    r = await token(api, client, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert r.json()["error"] == "invalid_grant"
    # unknown tokens: success, nothing happens (RFC 7009 §2.2); a bad client: invalid_client
    assert (await api.post("/oauth/revoke", data={"token": "nope"}, auth=auth)).status_code == 200
    r = await api.post("/oauth/revoke", data={"token": "nope"}, auth=(client["client_id"], "wrong"))
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"


async def test_metadata_document(api):
    r = await api.get("/.well-known/oauth-authorization-server")
    assert r.status_code == 200
    meta = r.json()
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["token_endpoint"].endswith("/oauth/token") and meta["authorization_endpoint"].endswith(
        "/oauth/authorize"
    )
    assert meta["revocation_endpoint"].endswith("/oauth/revoke")
    assert {"tickets:read", "tickets:write", "users:read", "properties:read", "financial:read"} <= set(
        meta["scopes_supported"]
    )
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token", "client_credentials"]


async def test_an_account_with_mfa_needs_its_code_on_the_consent_page(api, owner, _pinned_clock):
    from test_mfa import turn_on

    _, recovery = await turn_on(api, owner, _pinned_clock)
    client = await register(api, owner)
    verifier, challenge = pkce()
    params = auth_params(client, challenge)
    r = await consent(api, params, owner.email, owner.password)  # password alone
    assert r.status_code == 401 and "authenticator" in r.text and "location" not in r.headers
    page = await open_page(api, params)
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {**params, "csrf_token": csrf, "email": owner.email, "password": owner.password, "decision": "allow"}
    r = await api.post("/oauth/authorize", data={**form, "otp": "not-a-code"}, follow_redirects=False)
    assert r.status_code == 401 and "Invalid code" in r.text
    r = await api.post("/oauth/authorize", data={**form, "otp": recovery[0]}, follow_redirects=False)
    code = redirected(r)["code"]
    assert (await exchange(api, client, code, verifier)).status_code == 200
    # the recovery code was used up
    r = await api.post("/oauth/authorize", data={**form, "otp": recovery[0]}, follow_redirects=False)
    assert r.status_code == 401

"""Helpers for the OAuth tests: register a client, walk the consent page, exchange a code."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlsplit

CLIENTS = "/api/v1/identity/oauth-clients"
REDIRECT = "https://app.example.com/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


async def register(api, owner, scopes=("tickets:read",), **extra) -> dict:
    body = {"name": "Helpdesk Sync", "redirect_uris": [REDIRECT], "scopes": list(scopes), **extra}
    r = await api.post(CLIENTS, owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def auth_params(client: dict, challenge: str, **over) -> dict:
    params = {
        "response_type": "code",
        "client_id": client["client_id"],
        "redirect_uri": REDIRECT,
        "scope": " ".join(client["scopes"]),
        "state": "st-" + secrets.token_hex(4),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(over)
    return {k: v for k, v in params.items() if v is not None}


async def consent(api, params: dict, email: str, password: str, decision: str = "allow"):
    page = await api.get("/oauth/authorize", params=params, follow_redirects=False)
    assert page.status_code == 200, page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    form = {**params, "csrf_token": csrf, "email": email, "password": password, "decision": decision}
    return await api.post("/oauth/authorize", data=form, follow_redirects=False)


def redirected(r) -> dict[str, str]:
    assert r.status_code == 303, (r.status_code, r.text[:500])
    location = r.headers["location"]
    assert location.startswith(REDIRECT + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def code_for(api, owner, client: dict, verifier_challenge=None, **over) -> tuple[str, str]:
    verifier, challenge = verifier_challenge or pkce()
    params = auth_params(client, challenge, **over)
    answer = redirected(await consent(api, params, owner.email, owner.password))
    assert answer["state"] == params["state"]
    return answer["code"], verifier


async def token(api, client: dict, **form):
    return await api.post("/oauth/token", data=form, auth=(client["client_id"], client["client_secret"]))


async def exchange(api, client: dict, code: str, verifier: str):
    return await token(
        api, client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, code_verifier=verifier
    )


async def open_page(api, params: dict):
    """GET /oauth/authorize without following a redirect to the client."""
    return await api.get("/oauth/authorize", params=params, follow_redirects=False)

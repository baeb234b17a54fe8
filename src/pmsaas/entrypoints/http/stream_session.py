"""The real-time cookie: how a browser's ``EventSource`` and ``WebSocket`` (which cannot send an
Authorization header) authenticate ``GET /api/v1/events`` and ``/ws`` (docs/realtime.md).

``POST /api/v1/events/session``, made with the bearer token or API key, sets a cookie holding a
*stream handle*: a short-lived token signed by the server for the real-time audience only, naming
the token it came from (its ``jti``, access versions, organization) or the API key, never a secret.
The handle is admitted exactly as that token would be (auth.py ``Authenticator.identify_handle``).
The cookie is HttpOnly, SameSite=Strict, Secure (except plain http on loopback outside production),
and sent to the two real-time paths only.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urlsplit

from litestar.datastructures import Cookie
from litestar.types import Scope

from pmsaas.domain.shared.actor import Actor
from pmsaas.settings import Settings

COOKIE = "pmsaas_stream"
EVENTS_PATH = "/api/v1/events"
SOCKET_PATH = "/ws"
COOKIE_PATHS = (EVENTS_PATH, SOCKET_PATH)  # a cookie has one Path: one cookie per endpoint
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# Claims of the access token that are its own, not the handle's (the handle gets its own).
_OWN_CLAIMS = frozenset({"jti", "iat", "nbf", "aud", "iss"})


class StreamHandles(Protocol):
    """The signer of stream handles (adapters/auth/jwt.py ``JwtTokens``)."""

    def issue_stream_handle(self, claims: dict[str, Any], now: Any, ttl_seconds: int) -> tuple[str, str, int]: ...

    def decode_stream_handle(self, handle: str) -> dict[str, Any]: ...


def handle_claims(actor: Actor, claims: dict[str, Any]) -> dict[str, Any]:
    """What a handle made by ``actor`` (authenticated with a token whose ``claims`` these are) carries.

    A token: its claims (roles, permissions, access versions, ``exp`` caps the handle's life) with
    ``pjti``, the token's jti (its revocation revokes the handle), and ``xorg`` when the request chose
    another organization with X-Organization-ID (the membership is checked again on every use).
    An API key (no claims): the key's id and organization; the key is looked up on every use."""
    if not claims.get("jti"):
        if actor.api_key_id is None or actor.organization_id is None:
            raise ValueError("a stream handle needs an access token or an API key")
        return {"sub": f"key:{actor.api_key_id}", "akid": str(actor.api_key_id), "org_id": str(actor.organization_id)}
    body = {k: v for k, v in claims.items() if k not in _OWN_CLAIMS}
    body["pjti"] = claims["jti"]
    token_org = str(claims.get("org_id") or "").lower()
    if actor.organization_id is not None and str(actor.organization_id) != token_org:
        body["xorg"] = str(actor.organization_id)
    return body


def cookie_value(scope: Scope) -> str | None:
    """The stream handle in the request's Cookie header, if any."""
    for name, raw in scope.get("headers", ()):
        if name != b"cookie":
            continue
        for part in raw.decode("latin-1").split(";"):
            key, _, value = part.strip().partition("=")
            if key == COOKIE and value:
                return value
    return None


def cookie_secure(scope: Scope, settings: Settings) -> bool:
    """Secure always, except plain http to loopback outside production (a browser drops a Secure
    cookie set over http, and local development serves http://127.0.0.1)."""
    if settings.is_production or scope.get("scheme") != "http":
        return True
    host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.lower() not in LOOPBACK_HOSTS


def stream_cookies(handle: str, max_age: int, *, secure: bool) -> list[Cookie]:
    return [
        Cookie(key=COOKIE, value=handle, path=path, max_age=max_age, httponly=True, secure=secure, samesite="strict")
        for path in COOKIE_PATHS
    ]


def cleared_cookies(*, secure: bool) -> list[Cookie]:
    return [
        Cookie(key=COOKIE, value="", path=path, max_age=0, httponly=True, secure=secure, samesite="strict")
        for path in COOKIE_PATHS
    ]


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.hostname:
        return None
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme.lower())
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme.lower()}://{host.lower()}{port}"


def origin_allowed(origin: str | None, settings: Settings) -> bool:
    """The browser origins a cookie-authenticated stream may be opened from: the server's own public
    base URL and the configured CORS origins (cross-site WebSocket hijacking, RFC 6455 §10.2)."""
    if not origin:
        return False
    allowed = {_origin(settings.public_base_url), *(_origin(o) for o in settings.cors_origins)}
    return _origin(origin) in allowed - {None}

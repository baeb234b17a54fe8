"""Security headers on every response, and CORS only for the origins the settings name (issue 11).

- ``Cache-Control: no-store`` on every answer to a request that carries credentials (a bearer token
  or an API key) and on the sign-in endpoints: what an authenticated caller reads must not be kept by
  a browser's or a proxy's cache (RFC 9111 §5.2.2.5; OWASP ASVS 8.2.1).
- ``Strict-Transport-Security`` (RFC 6797) when the service runs in production or the request came
  over https: browsers then refuse plain http to the host for two years.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer`` and a Content-Security-Policy:
  an API answer may load nothing; the explorer (/schema) loads its own scripts and styles and runs
  Swagger UI's inline start-up script, so it is allowed 'self' and inline code there only.
- CORS is off unless ``PMSAAS_CORS_ORIGINS`` lists origins (Litestar's ``CORSConfig``): a browser on
  another origin then reads answers only from those, and never with cookies (the API uses bearer
  tokens and API keys; the one cookie, real time's, serves the streams alone: docs/realtime.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from pmsaas.settings import Settings

HSTS = "max-age=63072000; includeSubDomains"
API_CSP = "default-src 'none'; frame-ancestors 'none'"
EXPLORER_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)
# The sign-in endpoints answer tokens before the request carries any credential.
AUTH_PATHS = ("/api/v1/identity/", "/oauth/")
CREDENTIAL_HEADERS = (b"authorization", b"x-api-key")
# The headers a browser client sends and may read back (docs/api-contract.md).
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "X-API-Key", "Idempotency-Key", "X-Request-ID"]
CORS_EXPOSED_HEADERS = ["X-Request-ID", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]


def cors_config(settings: Settings) -> CORSConfig | None:
    """None (no CORS headers at all: the browser's same-origin policy holds) unless origins are configured."""
    origins = [origin for origin in settings.cors_origins if origin]
    if not origins:
        return None
    return CORSConfig(
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=600,
    )


def _carries_credentials(scope: Scope) -> bool:
    return any(key in CREDENTIAL_HEADERS for key, _ in scope.get("headers", ()))


def security_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """A Litestar before_send hook that stamps the headers above on every response."""
    strict_transport = settings.is_production

    async def stamp(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        path: str = scope.get("path") or ""
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        if "content-security-policy" not in headers:
            headers["Content-Security-Policy"] = EXPLORER_CSP if path.startswith("/schema") else API_CSP
        if strict_transport or scope.get("scheme") == "https":
            headers["Strict-Transport-Security"] = HSTS
        if _carries_credentials(scope) or path.startswith(AUTH_PATHS):
            if "no-store" not in (headers.get("cache-control") or ""):
                headers["Cache-Control"] = "no-store"

    return stamp

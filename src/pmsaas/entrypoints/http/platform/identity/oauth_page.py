"""The consent page of /oauth/authorize: server-rendered HTML, no script.

The user signs in on the page itself (e-mail and password, posted to the same URL) and allows or
denies in the same submit, so no token ever travels in a URL or lives in the browser. The form
carries a CSRF token that must equal the value of a SameSite=Strict, HttpOnly cookie set when the page
was served (double submit): another site can neither read the cookie nor make the browser send it.
"""

from __future__ import annotations

import hmac
import secrets
from html import escape
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

from pmsaas.domain.identity.oauth_authorization import AuthorizationRequest, ValidRequest
from pmsaas.domain.identity.scopes import NAMED_SCOPES

CSRF_COOKIE = "pmsaas_oauth_csrf"
CSRF_FIELD = "csrf_token"
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",  # no clickjacking of the Allow button (RFC 6819 §4.4.1.9)
    # No form-action: Chromium applies it to the redirect that follows the submit (the client's URI).
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
_HIDDEN = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method")
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}"
    "label{display:block;margin:.6rem 0 .2rem}input[type=email],input[type=password]{width:100%;padding:.4rem}"
    "button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.error{color:#a00}code{background:#eee;padding:0 .2rem}"
)


def _describe(scope: str) -> str:
    if scope in NAMED_SCOPES:
        return ", ".join(NAMED_SCOPES[scope])
    return scope


def _document(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style>'
        f"</head><body>{body}</body></html>"
    )


def csrf_ok(request: Request[Any, Any, Any], submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted) and hmac.compare_digest(str(cookie), str(submitted))


def consent_page(
    request: Request[Any, Any, Any],
    auth: AuthorizationRequest,
    valid: ValidRequest,
    *,
    error: str | None = None,
    status_code: int = 200,
    secure: bool = False,
) -> Response[str]:
    token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(getattr(auth, name) or "")}">' for name in _HIDDEN
    )
    scopes = "".join(f"<li><code>{escape(s)}</code> ({escape(_describe(s))})</li>" for s in sorted(valid.scopes))
    problem = f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    body = (
        f"<h1>Allow {escape(valid.client.name)}?</h1>"
        f"<p><strong>{escape(valid.client.name)}</strong> asks to act for you with these permissions:</p>"
        f'<ul id="scopes">{scopes}</ul>{problem}'
        f'<form method="post" action="/oauth/authorize" id="consent">{hidden}'
        f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">'
        '<label for="email">E-mail</label><input type="email" id="email" name="email" autocomplete="username">'
        '<label for="password">Password</label>'
        '<input type="password" id="password" name="password" autocomplete="current-password">'
        '<label for="otp">Authenticator or recovery code (only with two-step verification on)</label>'
        '<input type="text" id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric">'
        '<button type="submit" name="decision" value="allow" id="allow">Sign in and allow</button>'
        '<button type="submit" name="decision" value="deny" id="deny" formnovalidate>Deny</button>'
        "</form>"
        f"<p>You will be sent back to <code>{escape(valid.redirect_uri)}</code>.</p>"
    )
    cookie = Cookie(
        key=CSRF_COOKIE,
        value=token,
        path="/oauth/authorize",
        httponly=True,
        samesite="strict",
        secure=secure,
        max_age=1800,
    )
    return Response(
        _document("Authorize application", body),
        media_type="text/html",
        status_code=status_code,
        headers=PAGE_HEADERS,
        cookies=[cookie],
    )


def error_page(message: str, status_code: int = 400) -> Response[str]:
    body = f'<h1>This request cannot be completed</h1><p class="error" id="error">{escape(message)}</p>'
    return Response(
        _document("Authorization error", body), media_type="text/html", status_code=status_code, headers=PAGE_HEADERS
    )

"""OAuth 2.0 endpoints: /oauth/authorize (consent page), /oauth/token, /oauth/revoke and the
RFC 8414 metadata at /.well-known/oauth-authorization-server.

These speak OAuth, not the API's envelope: the token and revocation endpoints take
``application/x-www-form-urlencoded`` bodies and answer errors as RFC 6749 §5.2 JSON
(``{"error": "invalid_grant", "error_description": "..."}``); the authorization endpoint answers
with HTML or a redirect to the client (docs/identity.md).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect
from litestar.status_codes import HTTP_200_OK, HTTP_303_SEE_OTHER

from pmsaas.domain.identity import oauth_authorization as flows
from pmsaas.domain.identity import oauth_tokens as tokens
from pmsaas.domain.identity.oauth import OAuthError
from pmsaas.domain.identity.oauth_authorization import AuthorizationPageError, AuthorizationRequest, SignIn
from pmsaas.domain.identity.oauth_tokens import PresentedAccessToken, TokenResponse
from pmsaas.domain.identity.scopes import all_scopes
from pmsaas.domain.shared.errors import AuthenticationFailed, RateLimited
from pmsaas.entrypoints.http.context import public_base_url
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.platform.identity.oauth_page import CSRF_FIELD, consent_page, csrf_ok, error_page

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1
FORM = "application/x-www-form-urlencoded"


def _auth_request(params: Any) -> AuthorizationRequest:
    def one(name: str) -> str | None:
        values = params.getall(name, []) if hasattr(params, "getall") else [params.get(name)]
        values = [v for v in values if v is not None]
        if len(values) > 1:  # RFC 6749 §3.1: parameters must not be included more than once
            raise OAuthError("invalid_request", f"{name} given more than once")
        return str(values[0]) if values else None

    return AuthorizationRequest(
        response_type=one("response_type"),
        client_id=one("client_id"),
        redirect_uri=one("redirect_uri"),
        scope=one("scope"),
        state=one("state"),
        code_challenge=one("code_challenge"),
        code_challenge_method=one("code_challenge_method"),
    )


def _to_client(request: Request[Any, Any, Any], redirect_uri: str, params: dict[str, str | None]) -> Redirect:
    """Back to the client's registered URI, with the issuer (RFC 9207) against mix-up attacks."""
    query = urlencode({k: v for k, v in {**params, "iss": public_base_url(request)}.items() if v is not None})
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return Redirect(path=f"{redirect_uri}{separator}{query}", status_code=HTTP_303_SEE_OTHER, headers=NO_STORE)


def _oauth_json(
    content: dict[str, Any], status_code: int = 200, headers: dict[str, str] | None = None
) -> Response[Any]:
    return Response(content, status_code=status_code, headers={**NO_STORE, **(headers or {})})


def _oauth_error(error: OAuthError) -> Response[Any]:
    status, headers = 400, {}
    if error.error == "invalid_client":
        status, headers = 401, {"WWW-Authenticate": 'Basic realm="pmsaas"'}  # RFC 6749 §5.2
    return _oauth_json({"error": error.error, "error_description": error.description}, status, headers)


def _client_credentials(request: Request[Any, Any, Any], form: Any) -> tuple[str | None, str | None]:
    """client_secret_basic (RFC 6749 §2.3.1, form-encoded parts) or client_secret_post; not both."""
    header = request.headers.get("authorization")
    posted = form.get("client_secret")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic" or posted:
            raise OAuthError("invalid_client", "one client authentication method, Basic or the form")
        try:
            raw = base64.b64decode(value.strip(), validate=True).decode()
        except ValueError:
            raise OAuthError("invalid_client", "malformed Basic credentials") from None
        client_id, _, secret = raw.partition(":")
        return unquote_plus(client_id), unquote_plus(secret)
    return form.get("client_id"), posted


async def _form(request: Request[Any, Any, Any]) -> Any:
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise OAuthError("invalid_request", f"the body must be {FORM}")
    return await request.form()


class OAuthController(Controller):
    tags = ["OAuth 2.0"]
    include_in_schema = True

    @get("/.well-known/oauth-authorization-server", summary="OAuth 2.0 server metadata (RFC 8414)")
    async def metadata(self, ctx: Context, request: Request[Any, Any, Any]) -> Response[Any]:
        base = public_base_url(request)
        return Response(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/oauth/authorize",
                "token_endpoint": f"{base}/oauth/token",
                "revocation_endpoint": f"{base}/oauth/revoke",
                "jwks_uri": f"{base}/.well-known/jwks.json",
                "response_types_supported": ["code"],
                "response_modes_supported": ["query"],
                "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
                "code_challenge_methods_supported": ["S256"],
                # "none": public clients (no secret; PKCE S256 on every code, no client_credentials)
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
                "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
                "scopes_supported": all_scopes(),
                "authorization_response_iss_parameter_supported": True,
            }
        )

    @get("/oauth/authorize", summary="The consent page (sign in, then allow or deny)", media_type="text/html")
    async def authorize_page(self, ctx: Context, request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            auth = _auth_request(request.query_params)
            valid = await flows.validate_authorization(uow=ctx.system_uow(), request=auth)
        except AuthorizationPageError as exc:
            return error_page(exc.message)
        except OAuthError as exc:
            return await self._error_redirect(ctx, request, auth_or_none(request.query_params), exc)
        return consent_page(request, auth, valid, secure=ctx.is_production)

    @post("/oauth/authorize", summary="The consent decision: back to the client with a code", status_code=HTTP_200_OK)
    async def authorize_decision(self, ctx: Context, request: Request[Any, Any, Any]) -> Response[Any]:
        form = await request.form()
        try:
            auth = _auth_request(form)
            if not csrf_ok(request, form.get(CSRF_FIELD)):
                return error_page("This page expired or was not opened here; start again from the application", 403)
            if form.get("decision") != "allow":
                valid = await flows.deny(uow=ctx.system_uow(), request=auth)
                return _to_client(request, valid.redirect_uri, {"error": "access_denied", "state": valid.state})
            sign_in = SignIn(
                email=str(form.get("email") or ""),
                password=str(form.get("password") or ""),
                client_ip=request.client.host if request.client else "unknown",
                per_account=ctx.token_policy.login_attempts_per_account,
                per_ip=ctx.token_policy.login_attempts_per_ip,
                window_seconds=ctx.token_policy.login_window_seconds,
                code=str(form.get("otp") or "") or None,
            )
            try:
                valid, code = await flows.approve(
                    uow=ctx.system_uow(),
                    hasher=ctx.password_hasher,
                    limiter=ctx.login_attempts,
                    otp=ctx.one_time_passwords,
                    clock=ctx.clock,
                    request=auth,
                    sign_in=sign_in,
                )
            except (AuthenticationFailed, RateLimited) as exc:
                again = await flows.validate_authorization(uow=ctx.system_uow(), request=auth)
                status = 429 if isinstance(exc, RateLimited) else 401
                return consent_page(
                    request, auth, again, error=exc.message, status_code=status, secure=ctx.is_production
                )
        except AuthorizationPageError as exc:
            return error_page(exc.message)
        except OAuthError as exc:
            return await self._error_redirect(ctx, request, auth_or_none(form), exc)
        return _to_client(request, valid.redirect_uri, {"code": code, "state": valid.state})

    async def _error_redirect(
        self, ctx: Context, request: Request[Any, Any, Any], auth: AuthorizationRequest | None, exc: OAuthError
    ) -> Response[Any]:
        """RFC 6749 §4.1.2.1: once client and redirect URI are known good, errors go to the client."""
        if auth is None:
            return error_page(exc.description)
        try:
            client = await flows.validate_client_and_redirect(uow=ctx.system_uow(), request=auth)
        except AuthorizationPageError as page:
            return error_page(page.message)
        params = {"error": exc.error, "error_description": exc.description, "state": auth.state}
        return _to_client(request, client, params)

    @post("/oauth/token", summary="Tokens (authorization_code + PKCE, refresh_token, client_credentials)")
    async def token(self, ctx: Context, request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            form = await _form(request)
            client_id, secret = _client_credentials(request, form)
            grant = form.get("grant_type")
            issued: TokenResponse
            if grant == "authorization_code":
                issued = await tokens.exchange_code(
                    uow=ctx.system_uow(),
                    issuer=ctx.delegated_tokens,
                    clock=ctx.clock,
                    client_id=client_id,
                    client_secret=secret,
                    code=form.get("code"),
                    redirect_uri=form.get("redirect_uri"),
                    code_verifier=form.get("code_verifier"),
                )
            elif grant == "refresh_token":
                issued = await tokens.refresh_grant(
                    uow=ctx.system_uow(),
                    issuer=ctx.delegated_tokens,
                    clock=ctx.clock,
                    client_id=client_id,
                    client_secret=secret,
                    refresh_token=form.get("refresh_token"),
                    scope=form.get("scope"),
                )
            elif grant == "client_credentials":
                issued = await tokens.client_credentials_grant(
                    uow=ctx.system_uow(),
                    issuer=ctx.delegated_tokens,
                    clock=ctx.clock,
                    client_id=client_id,
                    client_secret=secret,
                    scope=form.get("scope"),
                )
            elif not grant:
                raise OAuthError("invalid_request", "grant_type is required")
            else:
                raise OAuthError("unsupported_grant_type", "unsupported grant_type")
        except OAuthError as exc:
            for jti, exp in exc.revoked:  # a replay ended tokens: refuse them at the gate at once
                await ctx.revocations.revoke(jti, exp)
            return _oauth_error(exc)
        body: dict[str, Any] = {
            "access_token": issued.access.token,
            "token_type": "Bearer",
            "expires_in": issued.access.expires_in,
            "scope": " ".join(sorted(issued.scopes)),
        }
        if issued.refresh_token:
            body["refresh_token"] = issued.refresh_token
        return _oauth_json(body)

    @post("/oauth/revoke", summary="Revoke a refresh or access token (RFC 7009)")
    async def revoke(self, ctx: Context, request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            form = await _form(request)
            client_id, secret = _client_credentials(request, form)
            token = form.get("token")
            claims = ctx.access_token_claims(token) if token and token.count(".") == 2 else None
            access = None
            if claims is not None:
                access = PresentedAccessToken(str(claims["jti"]), claims.get("client_id"), int(claims["exp"]))
            revoked = await tokens.revoke_token(
                uow=ctx.system_uow(),
                clock=ctx.clock,
                client_id=client_id,
                client_secret=secret,
                token=token,
                access=access,
            )
        except OAuthError as exc:
            return _oauth_error(exc)
        for jti, exp in revoked:
            await ctx.revocations.revoke(jti, exp)
        return Response(b"", status_code=200, headers=NO_STORE)


def auth_or_none(params: Any) -> AuthorizationRequest | None:
    try:
        return _auth_request(params)
    except OAuthError:
        return None

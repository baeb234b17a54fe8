"""Authentication (JWT or API key), organization selection, rate limits, and permission guards."""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, ClassVar
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pmsaas.container import Container, TokenVersions, token_versions
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import AuthenticationFailed, NotFound, PermissionDenied, RateLimited
from pmsaas.domain.shared.ports import RateDecision
from pmsaas.entrypoints.http.errors import handle_exception
from pmsaas.entrypoints.http.middleware import _header, add_headers
from pmsaas.entrypoints.http.stream_session import EVENTS_PATH, cookie_value, origin_allowed
from pmsaas.settings import Settings

# Reachable without credentials (exact paths, or prefixes ending in "/").
PUBLIC_PATHS = frozenset(
    {
        "/health",
        "/health/ready",
        "/api/v1/identity/login",
        "/api/v1/identity/register",
        "/api/v1/identity/refresh",
        "/api/v1/identity/forgot-password",
        "/api/v1/identity/reset-password",
        "/api/v1/identity/mfa/verify",  # the second sign-in step: the challenge token is the credential
        "/api/v1/identity/mfa/required-setup",  # MFA required, none yet: the set-up challenge is the credential
        "/api/v1/identity/verify-email",  # the e-mailed token is the credential
        "/.well-known/jwks.json",
        "/oauth/token",
        "/metrics",
        "/api/v1/financial/payments/webhooks/sandbox",  # signed by the gateway, no user
        "/api/v1/financial/payments/webhooks/stripe",
        "/api/v1/financial/payments/webhooks/razorpay",
        "/ws",  # a WebSocket authenticates with its first message (admit_bearer), never in the URL
    }
)
AUTHENTICATOR_KEY = "pmsaas.authenticator"  # scope key: a WebSocket's handler admits its token with it
PUBLIC_PREFIXES = ("/schema", "/static/")
PLAN_LIMIT_ATTR = {
    "standard": "rate_limit_standard",
    "premium": "rate_limit_premium",
    "enterprise": "rate_limit_enterprise",
}


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES) or not path.startswith(("/api/", "/v1", "/ws"))


def _parse_uuid(raw: str, what: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(what) from None


class PlanCache:
    """Organization plans change rarely; a minute of staleness saves a query per request.

    ``None`` means the organization no longer exists (deleted): tokens that still name it act
    for no organization. Deletion in this process is seen at once (``forget``); other
    processes see it within the TTL.
    """

    _instances: ClassVar[weakref.WeakSet[PlanCache]] = weakref.WeakSet()

    def __init__(self, container: Container, ttl: float = 60.0) -> None:
        self._container = container
        self._ttl = ttl
        self._plans: dict[UUID, tuple[str | None, float]] = {}
        PlanCache._instances.add(self)
        # A plan change committed in this process drops the entry at once (adapters/ratelimit/plans.py);
        # other processes' changes reach the gate through its Redis script (``plan_key``).
        board = container.plan_board()
        if hasattr(board, "listen"):
            board.listen(self.drop)

    def drop(self, organization_id: UUID) -> None:
        self._plans.pop(organization_id, None)

    async def plan(self, organization_id: UUID) -> str | None:
        hit = self._plans.get(organization_id)
        now = time.monotonic()
        if hit and hit[1] > now:
            return hit[0]
        async with self._container.uow().for_organization(organization_id) as uow:
            try:
                plan: str | None = (await uow.organizations.get(organization_id)).plan.value
            except NotFound:
                plan = None
        self._plans[organization_id] = (plan, now + self._ttl)
        return plan

    @classmethod
    def forget(cls, organization_id: UUID) -> None:
        for cache in list(cls._instances):
            cache._plans.pop(organization_id, None)


class Authenticator:
    def __init__(self, container: Container) -> None:
        self._c = container
        self._tokens = container.tokens()
        self._plans = PlanCache(container)
        self._board = container.plan_board()
        settings = container.settings()
        self._plan_limits = {plan: int(getattr(settings, attr)) for plan, attr in PLAN_LIMIT_ATTR.items()}
        self._seen_revoked: set[str] = set()
        self._exhausted: dict[str, int] = {}  # rate-limit key -> end of the window it used up
        self.settings = settings

    async def admit(self, scope: Scope) -> tuple[Actor, dict[str, Any], dict[str, str]]:
        """Who is calling, the token's claims, and the rate-limit headers for the response.

        Raises AuthenticationFailed (no, bad or revoked credentials), NotFound (an organization the
        user does not belong to) or RateLimitedWithHeaders (over the limit; the attempt is counted).
        """
        actor, claims, gate, _ = await self.identify(scope)
        return actor, claims, await gate()

    async def identify(self, scope: Scope) -> tuple[Actor, dict[str, Any], Gate, bool]:
        """Who is calling, the claims, the gate still to pass (revocation + rate limit: it returns the
        rate-limit headers or raises), and whether the gate may overlap with a safe request's handler.

        A token acting for its own organization costs one Redis round trip in all: the revocation
        check, the access versions (rights taken away since the token was issued) and the rate-limit
        hit run as one script (``RevocationList.hit_unless_revoked``). It may
        overlap unless this process already knows the token is revoked (refused here, at once) or the
        principal has used up its window (the gate is then passed before the handler runs).
        """
        authorization = _header(scope, b"authorization")
        api_key = _header(scope, b"x-api-key")
        token = None
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise AuthenticationFailed("Authorization must be 'Bearer <token>'")
            token = value.strip()
        if token is None and api_key is None:
            handle = _events_cookie(scope, self._c.settings())
            if handle is None:
                raise AuthenticationFailed("Authentication required")
            return await self.identify_handle(handle, scope)
        if api_key is not None or (token is not None and token.startswith("pmk_")):
            actor, claims = await self._api_key_actor(api_key or token or "")
            return actor, claims, partial(self.rate_limit, actor), False
        assert token is not None
        return await self._identify_claims(scope, self._tokens.decode(token))

    async def identify_handle(self, handle: str, scope: Scope) -> tuple[Actor, dict[str, Any], Gate, bool]:
        """A stream handle (the real-time cookie, stream_session.py), admitted as the credential it
        was made with: its own expiry and revocation, then the token's (revocation, access versions,
        organization membership, rate limit), or the API key's (revoked, expired)."""
        claims = self._tokens.decode_stream_handle(handle)
        jti = claims["jti"]
        if jti in self._seen_revoked or await self._c.revocations().is_revoked(jti):
            self._remember_revoked(jti)
            raise AuthenticationFailed("Stream handle has been revoked")
        if claims.get("akid"):
            resolver = self._c.api_keys()
            actor = await resolver.authenticate_id(
                _parse_uuid(claims.get("org_id") or "", "organization"), _parse_uuid(claims["akid"], "API key")
            )
            actor = await self._without_deleted_organization(actor)
            return actor, {}, partial(self.rate_limit, actor), False
        token_claims = {**claims, "jti": claims.get("pjti")}
        chosen = claims.get("xorg")
        probe: Any = {"type": scope["type"], "path": scope["path"], "headers": []}
        if isinstance(chosen, str):
            probe["headers"].append((b"x-organization-id", chosen.encode()))
        return await self._identify_claims(probe, token_claims)

    async def _identify_claims(self, scope: Scope, claims: dict[str, Any]) -> tuple[Actor, dict[str, Any], Gate, bool]:
        """The token branch of ``identify``, from the verified claims."""
        jti = claims["jti"]
        if jti in self._seen_revoked:
            raise AuthenticationFailed("Access token has been revoked")
        if self._switches_organization(scope, claims):
            # Another organization than the token's: the revocation check comes before the membership
            # lookup (a revoked token learns nothing about memberships), then the limit.
            # The roles there come from the membership row; the user's own version still applies.
            if await self._is_revoked(jti, token_versions(claims, with_membership=False)):
                self._remember_revoked(jti)
                raise AuthenticationFailed("Access token has been revoked")
            actor = await self._without_deleted_organization(await self._select_organization(scope, claims))
            return actor, claims, partial(self.rate_limit, actor), False
        actor = await self._without_deleted_organization(self._token_actor(claims))
        limit, key, window = await self._limit_for(actor)
        revocations, limiter = self._c.revocations(), self._c.rate_limiter()
        versions = token_versions(claims)
        plan_key = self._plan_key(actor)

        async def gate() -> dict[str, str]:
            decision = await revocations.hit_unless_revoked(
                jti,
                limiter,
                key,
                limit=limit,
                window_seconds=window,
                versions=versions,
                plan_key=plan_key,
                plan_limits=self._plan_limits,
            )
            if decision is None:
                self._remember_revoked(jti)
                raise AuthenticationFailed("Access token has been revoked")
            if decision.remaining == 0:
                if len(self._exhausted) >= 10_000:  # bounded: forgetting one only lets a request overlap
                    self._exhausted.clear()
                self._exhausted[key] = decision.reset_at
            return _limit_headers(decision)

        return actor, claims, gate, self._has_room(key)

    def _remember_revoked(self, jti: str) -> None:
        """Revocation is final: once seen, refused before any work (bounded; forgetting only costs a lookup)."""
        if len(self._seen_revoked) >= 10_000:
            self._seen_revoked.clear()
        self._seen_revoked.add(jti)

    def _has_room(self, key: str) -> bool:
        reset_at = self._exhausted.get(key)
        if reset_at is None:
            return True
        if reset_at <= time.time():
            del self._exhausted[key]
            return True
        return False

    async def _without_deleted_organization(self, actor: Actor) -> Actor:
        if actor.organization_id is None or await self._plans.plan(actor.organization_id) is not None:
            return actor
        return Actor(user_id=actor.user_id, organization_id=None, api_key_id=actor.api_key_id)

    async def _is_revoked(self, jti: str, versions: TokenVersions) -> bool:
        revocations = self._c.revocations()
        revoked: bool = await revocations.is_revoked(jti) or await revocations.is_outdated(versions)
        return revoked

    async def _api_key_actor(self, key: str) -> tuple[Actor, dict[str, Any]]:
        resolver = getattr(self._c, "api_keys", None)
        if resolver is None:
            raise AuthenticationFailed("Invalid API key")
        actor = await resolver().authenticate(key)
        return await self._without_deleted_organization(actor), {}

    @staticmethod
    def _switches_organization(scope: Scope, claims: dict[str, Any]) -> bool:
        wanted = _header(scope, b"x-organization-id")
        token_org = claims.get("org_id")
        if not wanted:
            return False
        return not token_org or wanted.lower() != str(token_org).lower()

    @staticmethod
    def _token_actor(claims: dict[str, Any]) -> Actor:
        roles = frozenset(claims.get("org_roles") or ())
        tenant_profile = claims.get("tenant_profile_id")
        # The token's grants: its roles' at issue time, custom roles included (their grants are not
        # known from the names alone). A token without the claim falls back to the built-in roles.
        granted = claims.get("permissions")
        client = claims.get("client_id")
        if client:
            return _oauth_actor(claims, roles, granted if isinstance(granted, list) else [])
        return Actor(
            user_id=UUID(claims["sub"]),
            organization_id=UUID(claims["org_id"]) if claims.get("org_id") else None,
            roles=roles,
            permissions=frozenset(granted) if isinstance(granted, list) else permissions_for(roles),
            tenant_profile_id=UUID(tenant_profile) if tenant_profile else None,
        )

    async def _select_organization(self, scope: Scope, claims: dict[str, Any]) -> Actor:
        if claims.get("client_id"):
            raise NotFound("organization")  # an OAuth token acts in its client's organization only
        if not self._switches_organization(scope, claims):
            return self._token_actor(claims)
        user_id = UUID(claims["sub"])
        roles = frozenset(claims.get("org_roles") or ())
        tenant_profile = claims.get("tenant_profile_id")
        org = _parse_uuid(_header(scope, b"x-organization-id") or "", "organization")
        async with self._c.uow().for_organization(org) as uow:  # the organization the caller asks to act in
            membership = await uow.memberships.find(org, user_id)
        if membership is None and "SuperAdmin" not in roles:
            raise NotFound("organization", org)
        granted = permissions_for(roles)
        if membership is not None:
            roles, granted = membership.roles, membership.permissions
            tenant_profile = str(membership.tenant_profile_id) if membership.tenant_profile_id else None
        return Actor(
            user_id=user_id,
            organization_id=org,
            roles=roles,
            permissions=granted,
            tenant_profile_id=UUID(tenant_profile) if tenant_profile else None,
        )

    def _plan_key(self, actor: Actor) -> str | None:
        """Where a plan change another process made is posted (read in the gate's round trip)."""
        if actor.organization_id is None:
            return None
        gate_key = getattr(self._board, "gate_key", None)
        return gate_key(actor.organization_id) if gate_key else None

    async def _limit_for(self, actor: Actor) -> tuple[int, str, int]:
        settings = self._c.settings()
        plan = await self._plans.plan(actor.organization_id) if actor.organization_id else None
        limit = getattr(settings, PLAN_LIMIT_ATTR.get(plan or "standard", "rate_limit_standard"))
        principal = f"key:{actor.api_key_id}" if actor.api_key_id else f"user:{actor.user_id}"
        return limit, f"api:{principal}", settings.rate_limit_window_seconds

    async def rate_limit(self, actor: Actor) -> dict[str, str]:
        limit, key, window = await self._limit_for(actor)
        decision = await self._c.rate_limiter().hit(key, limit=limit, window_seconds=window)
        return _limit_headers(decision)


def _oauth_actor(claims: dict[str, Any], roles: frozenset[str], granted: list[str]) -> Actor:
    """An OAuth token: the user (authorization_code) or the client acting for its organization
    (client_credentials, ``sub`` is the client: it then counts as a key of the organization)."""
    client_id = UUID(claims["client_id"])
    scopes = frozenset(str(claims.get("scope") or "").split())
    tenant_profile = claims.get("tenant_profile_id")
    as_client = claims["sub"] == claims["client_id"]
    return Actor(
        user_id=None if as_client else UUID(claims["sub"]),
        organization_id=UUID(claims["org_id"]),
        roles=frozenset() if as_client else roles,
        permissions=frozenset(granted),
        tenant_profile_id=UUID(tenant_profile) if tenant_profile and not as_client else None,
        api_key_id=client_id if as_client else None,
        scopes=scopes,
        client_id=client_id,
    )


def _limit_headers(decision: RateDecision) -> dict[str, str]:
    headers = {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset_at),
        "X-RateLimit-Window": str(decision.window_seconds),
    }
    if not decision.allowed:
        raise RateLimitedWithHeaders(decision.retry_after, headers)
    return headers


class RateLimitedWithHeaders(RateLimited):
    def __init__(self, retry_after: int, headers: dict[str, str]) -> None:
        super().__init__(retry_after=retry_after, message=f"Rate limit exceeded. Try again in {retry_after} seconds.")
        self.headers = headers


Gate = Callable[[], Awaitable[dict[str, str]]]
SAFE_METHODS = frozenset({"GET", "HEAD"})
# Route option (``opt=READS_ONLY``) of a handler whose use cases only read: the request's context hands
# it read-only units of work alone (deps.RequestContext), so it can commit nothing, and its gate may
# run next to it. Every other handler, safe method or not, runs once the gate has admitted the request.
READS_ONLY: dict[str, Any] = {"reads_only": True}


def reads_only(scope: Scope) -> bool:
    handler = scope.get("route_handler")
    return handler is not None and bool(handler.opt.get("reads_only"))


def auth_middleware_factory(container: Container) -> Callable[[ASGIApp], ASGIApp]:
    authenticator = Authenticator(container)

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] not in ("http", "websocket") or is_public(scope["path"]):
                if scope["type"] == ScopeType.WEBSOCKET:
                    scope[AUTHENTICATOR_KEY] = authenticator  # type: ignore[literal-required]
                await app(scope, receive, send)
                return
            actor, claims, gate, may_overlap = await authenticator.identify(scope)
            scope["user"] = actor
            scope["auth"] = claims
            if (
                may_overlap
                and scope["type"] == ScopeType.HTTP
                and scope["method"] in SAFE_METHODS
                and reads_only(scope)
            ):
                await _overlapped(app, gate, scope, receive, send)
                return
            headers = await gate()

            async def send_with_limits(message: Message) -> None:
                if message["type"] == "http.response.start":
                    add_headers(message, headers)
                await send(message)

            await app(scope, receive, send_with_limits)

        return middleware

    return factory


async def _overlapped(app: ASGIApp, gate: Gate, scope: Scope, receive: Receive, send: Send) -> None:
    """A read-only handler (``READS_ONLY``) of a safe request runs while the gate's Redis round trip is
    in flight; nothing reaches the client before the gate has answered. Refused (revoked, over the
    limit, Redis down): the handler's response is dropped and the refusal is sent instead, rendered as
    it is when the gate runs first, so the client sees exactly what it would have seen. The handler
    could store nothing (read-only units of work only), and this process then refuses that token, or
    holds that principal's requests behind the gate, before any work."""
    pending = asyncio.ensure_future(gate())
    headers: dict[str, str] | None = None
    refused: Exception | None = None

    async def send_once_admitted(message: Message) -> None:
        nonlocal headers, refused
        if refused is not None:
            return
        if headers is None:
            try:
                headers = await pending
            except Exception as exc:
                refused = exc
                return
        if message["type"] == "http.response.start":
            add_headers(message, headers)
        await send(message)

    try:
        await app(scope, receive, send_once_admitted)
    except Exception:
        if headers is None and refused is None:  # the gate's answer wins over the handler's failure
            try:
                headers = await pending
            except Exception as gate_error:
                refused = gate_error
        if refused is None:
            raise
    finally:
        if not pending.done():  # no response at all (the client went away): settle the gate quietly
            await asyncio.gather(pending, return_exceptions=True)
    if refused is not None:
        await _send_refusal(refused, scope, receive, send)


async def _send_refusal(refused: Exception, scope: Scope, receive: Receive, send: Send) -> None:
    """The refusal as the app's exception handler renders it (nothing else was sent for this request)."""
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    response = handle_exception(request, refused)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


# -- guards ------------------------------------------------------------------------------------


_REQUIRED: dict[object, tuple[str, ...]] = {}  # guard -> its permissions, for the OpenAPI document


def permissions_of(guard: object) -> tuple[str, ...]:
    """The permissions a guard made by ``requires`` checks (none for any other guard)."""
    return _REQUIRED.get(guard, ())


def requires(
    *permissions: str,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]:
    """A route guard: the actor needs every listed permission (wildcards honoured)."""

    # async on purpose: Litestar runs a sync guard in a worker thread (a thread hop per request).
    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = connection.scope.get("user")
        if not isinstance(actor, Actor):
            raise AuthenticationFailed("Authentication required")
        for permission in permissions:
            if not actor.can(permission):
                raise PermissionDenied(f"Missing permission {permission}")

    guard.__name__ = f"requires_{'_'.join(p.replace(':', '_') for p in permissions)}"
    _REQUIRED[guard] = permissions
    return guard


async def admit_bearer(scope: Scope, token: str, organization_id: str | None) -> Actor:
    """Admit a credential sent inside a WebSocket (its first message) exactly as the Authorization
    header (and X-Organization-ID) of a request: expiry, revocation, membership, rate limit."""
    authenticator = scope.get(AUTHENTICATOR_KEY)
    if not isinstance(authenticator, Authenticator):
        raise AuthenticationFailed("Authentication required")
    headers = [(b"authorization", f"Bearer {token}".encode("utf-8", "replace"))]
    if organization_id:
        headers.append((b"x-organization-id", organization_id.encode("utf-8", "replace")))
    probe: Any = {"type": "websocket", "path": scope["path"], "headers": headers}
    actor, _, _ = await authenticator.admit(probe)
    return actor


async def admit_stream_handle(scope: Scope, handle: str) -> Actor:
    """Admit a WebSocket by the real-time cookie: only from an allowed Origin (a cookie is sent by the
    browser whatever page opened the socket: cross-site WebSocket hijacking), then as the handle's
    credential, rate limit included."""
    authenticator = scope.get(AUTHENTICATOR_KEY)
    if not isinstance(authenticator, Authenticator):
        raise AuthenticationFailed("Authentication required")
    if not origin_allowed(_header(scope, b"origin"), authenticator.settings):
        raise PermissionDenied("A cookie-authenticated stream must come from the application's own origin")
    actor, _, gate, _ = await authenticator.identify_handle(handle, scope)
    await gate()
    return actor


def _events_cookie(scope: Scope, settings: Settings) -> str | None:
    """The stream handle of a cookie-authenticated SSE request: ``GET /api/v1/events`` only (a read-only
    stream: nothing a cross-site request could change), and never from a foreign Origin."""
    if scope["type"] != ScopeType.HTTP or scope.get("method") != "GET" or scope["path"] != EVENTS_PATH:
        return None
    origin = _header(scope, b"origin")
    if origin is not None and not origin_allowed(origin, settings):
        return None
    return cookie_value(scope)


def current_actor(request: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    actor = request.scope.get("user")
    if not isinstance(actor, Actor):
        raise AuthenticationFailed("Authentication required")
    return actor

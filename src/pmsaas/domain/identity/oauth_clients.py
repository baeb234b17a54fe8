"""Registering OAuth clients: an organization's owner names the redirect URIs, the scopes and the
grant types a third-party application may use. The secret is shown once, stored hashed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.identity.oauth import (
    AUTH_METHODS,
    GRANT_TYPES,
    PUBLIC,
    OAuthClient,
    OAuthUnitOfWork,
    hash_secret,
    new_secret,
    redirect_uri_problem,
)
from pmsaas.domain.identity.scopes import check_scopes
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, AuditTarget, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import FieldProblem, PermissionDenied, ValidationFailed

MAX_CLIENTS_PER_ORGANIZATION = 50


@dataclass(frozen=True)
class RegisteredClient:
    client: OAuthClient
    client_secret: str | None  # shown once; None for a public client


def _check_auth_method(method: str, grants: frozenset[str]) -> str:
    if method not in AUTH_METHODS:
        raise ValidationFailed.single("token_endpoint_auth_method", f"must be one of {', '.join(AUTH_METHODS)}")
    if method == PUBLIC and "client_credentials" in grants:
        # RFC 6749 §4.4: only a confidential client may act for itself.
        raise ValidationFailed.single("grant_types", "a public client (no secret) cannot use client_credentials")
    return method


def _user_only(actor: Actor) -> None:
    if actor.delegated or actor.user_id is None:
        raise PermissionDenied("OAuth clients are registered by signed-in users, not by keys or clients")


def _check_redirects(uris: list[str], grant_types: frozenset[str]) -> tuple[str, ...]:
    problems = [FieldProblem(f"redirect_uris.{i}", p) for i, u in enumerate(uris) if (p := redirect_uri_problem(u))]
    if problems:
        raise ValidationFailed(problems)
    if "authorization_code" in grant_types and not uris:
        raise ValidationFailed.single("redirect_uris", "the authorization_code grant needs a redirect URI")
    return tuple(dict.fromkeys(uris))


def _check_grants(grant_types: list[str]) -> frozenset[str]:
    problems = [
        FieldProblem(f"grant_types.{i}", f"unknown grant type {g!r}")
        for i, g in enumerate(grant_types)
        if g not in GRANT_TYPES
    ]
    if problems:
        raise ValidationFailed(problems)
    if not grant_types:
        raise ValidationFailed.single("grant_types", "at least one grant type is required")
    if "refresh_token" in grant_types and "authorization_code" not in grant_types:
        raise ValidationFailed.single("grant_types", "refresh_token comes with authorization_code")
    return frozenset(grant_types)


async def register_client(
    *,
    uow: OAuthUnitOfWork,
    clock: Clock,
    actor: Actor,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
    grant_types: list[str],
    auth_method: str = "client_secret_basic",
    request: RequestInfo = NO_REQUEST,
) -> RegisteredClient:
    """``auth_method`` ``none`` registers a public client: no secret; the token endpoint takes its
    client_id alone, with PKCE S256 on every authorization code (as for every client here)."""
    _user_only(actor)
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    grants = _check_grants(grant_types)
    method = _check_auth_method(auth_method, grants)
    uris = _check_redirects(redirect_uris, grants)
    allowed = check_scopes(actor, scopes)  # a client never reaches beyond the person registering it
    secret = None if method == PUBLIC else new_secret()
    now = clock.now()
    client = OAuthClient(
        organization_id=actor.org,
        name=name.strip(),
        redirect_uris=uris,
        scopes=allowed,
        grant_types=grants,
        secret_hash=hash_secret(secret) if secret else "",
        auth_method=method,
        created_at=now,
        created_by=actor.user_id,
    )
    async with uow:
        live = [c for c in await uow.oauth_clients.list(actor.org) if c.revoked_at is None]
        if len(live) >= MAX_CLIENTS_PER_ORGANIZATION:
            raise ValidationFailed.single(
                "name", f"an organization may register at most {MAX_CLIENTS_PER_ORGANIZATION}"
            )
        await uow.oauth_clients.add(client)
        uow.record(client.event("oauth_client.created", now))
        await _audit(uow, actor, "oauth_client.created", client, request, now)
        await uow.commit()
    return RegisteredClient(client, secret)


async def _audit(
    uow: OAuthUnitOfWork, actor: Actor, action: str, client: OAuthClient, request: RequestInfo, at: datetime
) -> None:
    """Client changes are security changes: they go to the audit log, in the change's transaction."""
    target = AuditTarget("oauth_client", str(client.id), client.name)
    await record_audit(uow, actor, action, target, request, at=at, details={"scopes": " ".join(sorted(client.scopes))})


async def list_clients(*, uow: OAuthUnitOfWork, actor: Actor) -> list[OAuthClient]:
    async with uow:
        return await uow.oauth_clients.list(actor.org)


async def get_client(*, uow: OAuthUnitOfWork, actor: Actor, client_id: UUID) -> OAuthClient:
    async with uow:
        return await uow.oauth_clients.get(actor.org, client_id)


async def revoke_client(
    *, uow: OAuthUnitOfWork, clock: Clock, actor: Actor, client_id: UUID, request: RequestInfo = NO_REQUEST
) -> tuple[tuple[str, int], ...]:
    """The client stops: no new codes or tokens; its refresh tokens die, and every access token issued
    to it (to users, or to itself with client_credentials) is refused from the commit on (the client's
    access version; the jtis of the ones issued with refresh tokens are also returned, as (jti, exp),
    for the gate)."""
    _user_only(actor)
    now = clock.now()
    async with uow:
        client = await uow.oauth_clients.get(actor.org, client_id)
        if client.revoked_at is not None:
            return ()
        await uow.oauth_clients.revoke(actor.org, client_id, now)
        live = await uow.oauth_refresh_tokens.revoke_client(client_id, now)
        for jti, until in live:
            await uow.tokens.revoke_access(jti, until)
        uow.tokens.end_client_access(client.id)
        uow.record(client.event("oauth_client.revoked", now))
        await _audit(uow, actor, "oauth_client.revoked", client, request, now)
        await uow.commit()
    return tuple((jti, int(until.timestamp())) for jti, until in live)

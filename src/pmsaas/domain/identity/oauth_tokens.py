"""The OAuth 2.0 token endpoint (authorization_code with PKCE S256, refresh_token with rotation,
client_credentials) and revocation (RFC 7009)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from pmsaas.domain.identity.model import IssuedAccessToken, Membership, UserStatus
from pmsaas.domain.identity.oauth import (
    REFRESH_TTL,
    DelegatedGrant,
    DelegatedTokenIssuer,
    OAuthClient,
    OAuthError,
    OAuthRefreshToken,
    OAuthUnitOfWork,
    hash_secret,
    new_secret,
    verifier_matches,
)
from pmsaas.domain.identity.oauth_authorization import live_client, parse_scope
from pmsaas.domain.identity.scopes import effective_permissions
from pmsaas.domain.shared.clock import Clock


@dataclass(frozen=True)
class TokenResponse:
    access: IssuedAccessToken
    scopes: frozenset[str]
    refresh_token: str | None = None


async def _authenticated_client(uow: OAuthUnitOfWork, client_id: str | None, secret: str | None) -> OAuthClient:
    """A confidential client proves itself with its secret. A public client has none and only names
    itself (RFC 6749 §2.1); a secret sent for it is refused, so a misconfigured app fails loudly.
    What a public client may do is narrower: PKCE on every code, no client_credentials."""
    client = await live_client(uow, client_id)
    if client is not None and client.is_public and not secret:
        return client
    if client is None or not secret or not client.secret_matches(secret):
        raise OAuthError("invalid_client", "client authentication failed")
    return client


def _epochs(revoked: list[tuple[str, datetime]]) -> tuple[tuple[str, int], ...]:
    return tuple((jti, int(at.timestamp())) for jti, at in revoked)


async def _issue_for_user(
    uow: OAuthUnitOfWork,
    issuer: DelegatedTokenIssuer,
    now: datetime,
    client: OAuthClient,
    user_id: UUID,
    scopes: frozenset[str],
    family_id: UUID,
) -> TokenResponse:
    user = await uow.users.get(user_id)
    membership: Membership | None = await uow.memberships.find(client.organization_id, user_id)
    if membership is None or user.status == UserStatus.DISABLED:
        raise OAuthError("invalid_grant", "the user no longer has access to this organization")
    versions = await uow.tokens.access_versions(user_id, client.organization_id)
    grant = DelegatedGrant(
        organization_id=client.organization_id,
        client_id=client.id,
        scopes=scopes,
        permissions=effective_permissions(scopes, membership.permissions),
        user_id=user_id,
        email=user.email,
        roles=membership.roles,
        tenant_profile_id=membership.tenant_profile_id,
        versions=versions,
    )
    access = issuer.issue_delegated(grant, now)
    refresh = None
    if "refresh_token" in client.grant_types:
        refresh = new_secret()
        await uow.oauth_refresh_tokens.add(
            OAuthRefreshToken(
                token_hash=hash_secret(refresh),
                family_id=family_id,
                client_id=client.id,
                organization_id=client.organization_id,
                user_id=user_id,
                scopes=scopes,
                created_at=now,
                expires_at=now + REFRESH_TTL,
                access_jti=access.jti,
                access_expires_at=access.expires_at,
            )
        )
    return TokenResponse(access, scopes, refresh)


async def exchange_code(
    *,
    uow: OAuthUnitOfWork,
    issuer: DelegatedTokenIssuer,
    clock: Clock,
    client_id: str | None,
    client_secret: str | None,
    code: str | None,
    redirect_uri: str | None,
    code_verifier: str | None,
) -> TokenResponse:
    now = clock.now()
    async with uow:
        client = await _authenticated_client(uow, client_id, client_secret)
        if "authorization_code" not in client.grant_types:
            raise OAuthError("unauthorized_client", "this client may not use the authorization code grant")
        if not code or not code_verifier or not redirect_uri:
            raise OAuthError("invalid_request", "code, redirect_uri and code_verifier are required")
        found = await uow.authorization_codes.find(hash_secret(code))
        if found is None or found.client_id != client.id:
            raise OAuthError("invalid_grant", "unknown authorization code")
        if found.used_at is not None or not await uow.authorization_codes.mark_used(found.id, now):
            # RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
            revoked = await uow.oauth_refresh_tokens.revoke_family(found.id, now)
            for jti, until in revoked:
                await uow.tokens.revoke_access(jti, max(until, now))
            await uow.commit()
            raise OAuthError("invalid_grant", "authorization code already used", revoked=_epochs(revoked))
        if found.expires_at <= now:
            raise OAuthError("invalid_grant", "authorization code expired")
        if found.redirect_uri != redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
        if not verifier_matches(code_verifier, found.code_challenge):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
        response = await _issue_for_user(uow, issuer, now, client, found.user_id, found.scopes, found.id)
        await uow.commit()
    return response


async def refresh_grant(
    *,
    uow: OAuthUnitOfWork,
    issuer: DelegatedTokenIssuer,
    clock: Clock,
    client_id: str | None,
    client_secret: str | None,
    refresh_token: str | None,
    scope: str | None,
) -> TokenResponse:
    """Rotation: the presented token dies; one presented again ends its family and its access tokens."""
    now = clock.now()
    async with uow:
        client = await _authenticated_client(uow, client_id, client_secret)
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required")
        found = await uow.oauth_refresh_tokens.find(hash_secret(refresh_token))
        if found is None or found.client_id != client.id or found.revoked_at is not None or found.expires_at <= now:
            raise OAuthError("invalid_grant", "invalid refresh token")
        if found.used_at is not None or not await uow.oauth_refresh_tokens.mark_used(found.id, now):
            revoked = await uow.oauth_refresh_tokens.revoke_family(found.family_id, now)
            for jti, until in revoked:
                await uow.tokens.revoke_access(jti, max(until, now))
            await uow.commit()
            raise OAuthError("invalid_grant", "refresh token reuse detected", revoked=_epochs(revoked))
        scopes = found.scopes
        if scope is not None and scope.strip():
            scopes = frozenset(scope.split())
            if not scopes <= found.scopes:
                raise OAuthError("invalid_scope", "a refresh may narrow the scope, never widen it")
        response = await _issue_for_user(uow, issuer, now, client, found.user_id, scopes, found.family_id)
        await uow.commit()
    return response


async def client_credentials_grant(
    *,
    uow: OAuthUnitOfWork,
    issuer: DelegatedTokenIssuer,
    clock: Clock,
    client_id: str | None,
    client_secret: str | None,
    scope: str | None,
) -> TokenResponse:
    """The client acting for its organization, with its scopes cut to what the person who registered
    it may do now (as an API key is). No refresh token (RFC 6749 §4.4.3)."""
    now = clock.now()
    async with uow:
        client = await _authenticated_client(uow, client_id, client_secret)
        if client.is_public or "client_credentials" not in client.grant_types:
            raise OAuthError("unauthorized_client", "this client may not use the client_credentials grant")
        scopes = parse_scope(scope, client)
        creator = await uow.memberships.find(client.organization_id, client.created_by) if client.created_by else None
        holder = creator.permissions if creator else frozenset()
        grant = DelegatedGrant(
            organization_id=client.organization_id,
            client_id=client.id,
            scopes=scopes,
            permissions=effective_permissions(scopes, holder),
        )
    return TokenResponse(issuer.issue_delegated(grant, now), scopes)


@dataclass(frozen=True)
class PresentedAccessToken:
    """An access token's claims that revocation needs (the HTTP layer verifies the signature)."""

    jti: str
    client_id: str | None
    expires_at_epoch: int


async def revoke_token(
    *,
    uow: OAuthUnitOfWork,
    clock: Clock,
    client_id: str | None,
    client_secret: str | None,
    token: str | None,
    access: PresentedAccessToken | None,
) -> tuple[tuple[str, int], ...]:
    """RFC 7009: a refresh token (its family) or an access token of this client. An unknown token,
    or another client's, is answered as success and changes nothing (§2.2)."""
    now = clock.now()
    async with uow:
        client = await _authenticated_client(uow, client_id, client_secret)
        if not token:
            raise OAuthError("invalid_request", "token is required")
        revoked: list[tuple[str, datetime]] = []
        if access is not None:
            if access.client_id == client.client_id:
                until = datetime.fromtimestamp(access.expires_at_epoch, UTC)
                await uow.tokens.revoke_access(access.jti, max(until, now))
                revoked.append((access.jti, until))
        else:
            found = await uow.oauth_refresh_tokens.find(hash_secret(token))
            if found is not None and found.client_id == client.id:
                revoked = await uow.oauth_refresh_tokens.revoke_family(found.family_id, now)
                for jti, until in revoked:
                    await uow.tokens.revoke_access(jti, max(until, now))
        await uow.commit()
    return _epochs(revoked)

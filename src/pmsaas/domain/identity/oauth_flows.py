"""The OAuth 2.0 flows: authorization (consent), token (authorization_code with PKCE S256,
refresh_token with rotation, client_credentials) and revocation (RFC 7009)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from pmsaas.domain.identity.model import IssuedAccessToken, Membership, User, UserStatus
from pmsaas.domain.identity.oauth import (
    CODE_TTL,
    REFRESH_TTL,
    AuthorizationCode,
    DelegatedGrant,
    DelegatedTokenIssuer,
    OAuthClient,
    OAuthError,
    OAuthRefreshToken,
    OAuthUnitOfWork,
    hash_secret,
    is_valid_challenge,
    new_secret,
    verifier_matches,
)
from pmsaas.domain.identity.ports import AttemptLimiter, PasswordHasher
from pmsaas.domain.identity.scopes import effective_permissions, grants_of
from pmsaas.domain.shared.actor import permission_matches
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, DomainError, RateLimited


class AuthorizationPageError(DomainError):
    """An unknown client or a redirect URI not registered exactly: told to the user on the page,
    never sent to the redirect URI (RFC 6749 §4.1.2.1)."""


@dataclass(frozen=True)
class AuthorizationRequest:
    response_type: str | None
    client_id: str | None
    redirect_uri: str | None
    scope: str | None
    state: str | None
    code_challenge: str | None
    code_challenge_method: str | None


@dataclass(frozen=True)
class ValidRequest:
    client: OAuthClient
    redirect_uri: str
    scopes: frozenset[str]
    state: str | None
    code_challenge: str


@dataclass(frozen=True)
class TokenResponse:
    access: IssuedAccessToken
    scopes: frozenset[str]
    refresh_token: str | None = None


def _parse_id(raw: str | None) -> UUID | None:
    try:
        return UUID(raw) if raw else None
    except ValueError:
        return None


def parse_scope(raw: str | None, client: OAuthClient) -> frozenset[str]:
    """Space-delimited (RFC 6749 §3.3); absent means every scope the client is registered for."""
    if raw is None or not raw.strip():
        return client.scopes
    asked = frozenset(raw.split())
    if any(grants_of(s) is None for s in asked):
        raise OAuthError("invalid_scope", "unknown scope")
    if not asked <= client.scopes:
        raise OAuthError("invalid_scope", "scope beyond what the client is registered for")
    return asked


def _within(scopes: frozenset[str], permissions: frozenset[str]) -> bool:
    return all(any(permission_matches(g, p) for g in permissions) for s in scopes for p in grants_of(s) or ("-",))


async def _live_client(uow: OAuthUnitOfWork, raw_id: str | None) -> OAuthClient | None:
    client_id = _parse_id(raw_id)
    client = await uow.oauth_clients.find(client_id) if client_id else None
    return client if client is not None and client.revoked_at is None else None


async def _client_and_redirect(uow: OAuthUnitOfWork, req: AuthorizationRequest) -> tuple[OAuthClient, str]:
    client = await _live_client(uow, req.client_id)
    if client is None:
        raise AuthorizationPageError("Unknown application (client_id)")
    # Exact string comparison (RFC 6749 §3.1.2.3; OAuth 2.0 Security BCP: no pattern matching).
    if req.redirect_uri is None or req.redirect_uri not in client.redirect_uris:
        raise AuthorizationPageError("The redirect_uri is not registered for this application")
    return client, req.redirect_uri


async def validate_client_and_redirect(*, uow: OAuthUnitOfWork, request: AuthorizationRequest) -> str:
    """The redirect URI errors may be sent to; AuthorizationPageError when there is none."""
    async with uow:
        return (await _client_and_redirect(uow, request))[1]


async def _validated(uow: OAuthUnitOfWork, req: AuthorizationRequest) -> ValidRequest:
    client, redirect_uri = await _client_and_redirect(uow, req)
    if "authorization_code" not in client.grant_types:
        raise OAuthError("unauthorized_client", "this client may not use the authorization code grant")
    if req.response_type != "code":
        raise OAuthError("unsupported_response_type", "only response_type=code is supported")
    if req.code_challenge_method != "S256":
        raise OAuthError("invalid_request", "PKCE with code_challenge_method=S256 is required (plain is refused)")
    if not req.code_challenge or not is_valid_challenge(req.code_challenge):
        raise OAuthError("invalid_request", "code_challenge must be BASE64URL(SHA-256(code_verifier))")
    scopes = parse_scope(req.scope, client)
    return ValidRequest(client, redirect_uri, scopes, req.state, req.code_challenge)


async def validate_authorization(*, uow: OAuthUnitOfWork, request: AuthorizationRequest) -> ValidRequest:
    """Raises AuthorizationPageError (show it) or OAuthError (send it to the redirect URI)."""
    async with uow:
        return await _validated(uow, request)


@dataclass(frozen=True)
class SignIn:
    """The credentials typed on the consent page, and the throttles /identity/login uses."""

    email: str
    password: str
    client_ip: str
    per_account: int
    per_ip: int
    window_seconds: int


async def _sign_in(uow: OAuthUnitOfWork, hasher: PasswordHasher, limiter: AttemptLimiter, sign_in: SignIn) -> User:
    """The consent page's sign-in: the same throttles and answers as /identity/login."""
    email, password = sign_in.email.strip().lower(), sign_in.password
    for key, limit in (
        (f"login:account:{email}", sign_in.per_account),
        (f"login:ip:{sign_in.client_ip}", sign_in.per_ip),
    ):
        wait = await limiter.hit(key, limit=limit, window_seconds=sign_in.window_seconds)
        if wait is not None:
            raise RateLimited(retry_after=wait, message="Too many sign-in attempts; try again later")
    user = await uow.users.find_by_email(email)
    if user is None or user.password_hash is None:
        hasher.dummy_verify(password)
        raise AuthenticationFailed("Invalid e-mail or password")
    if not hasher.verify(user.password_hash, password) or user.status == UserStatus.DISABLED:
        raise AuthenticationFailed("Invalid e-mail or password")
    await limiter.reset(f"login:account:{email}")
    return user


async def approve(
    *,
    uow: OAuthUnitOfWork,
    hasher: PasswordHasher,
    limiter: AttemptLimiter,
    clock: Clock,
    request: AuthorizationRequest,
    sign_in: SignIn,
) -> tuple[ValidRequest, str]:
    """The user signed in on the consent page and allowed: a single-use code, 10 minutes, hashed."""
    now = clock.now()
    async with uow:
        valid = await _validated(uow, request)
        user = await _sign_in(uow, hasher, limiter, sign_in)
        factor = await uow.mfa_factors.find(user.id)
        if factor is not None and factor.enabled:
            # A password alone must not pass for an account that asks for a second factor.
            raise AuthenticationFailed("This account uses two-step verification, which this page does not take yet")
        membership = await uow.memberships.find(valid.client.organization_id, user.id)
        if membership is None:
            raise AuthenticationFailed("This account is not a member of the application's organization")
        if not _within(valid.scopes, membership.permissions):
            raise OAuthError("invalid_scope", "the requested scope exceeds your permissions")
        code = new_secret()
        await uow.authorization_codes.add(
            AuthorizationCode(
                code_hash=hash_secret(code),
                client_id=valid.client.id,
                organization_id=valid.client.organization_id,
                user_id=user.id,
                redirect_uri=valid.redirect_uri,
                scopes=valid.scopes,
                code_challenge=valid.code_challenge,
                created_at=now,
                expires_at=now + CODE_TTL,
            )
        )
        await uow.commit()
    return valid, code


async def deny(*, uow: OAuthUnitOfWork, request: AuthorizationRequest) -> ValidRequest:
    return await validate_authorization(uow=uow, request=request)


# -- the token endpoint -----------------------------------------------------------------------


async def _authenticated_client(uow: OAuthUnitOfWork, client_id: str | None, secret: str | None) -> OAuthClient:
    client = await _live_client(uow, client_id)
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
        if "client_credentials" not in client.grant_types:
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

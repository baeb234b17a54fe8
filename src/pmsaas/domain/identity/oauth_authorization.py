"""OAuth 2.0 authorization (RFC 6749 §4.1): checking the request, the consent page's sign-in, and
the single-use code bound to the PKCE challenge (RFC 7636, S256 only)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.identity.mfa import second_factor
from pmsaas.domain.identity.model import User, UserStatus
from pmsaas.domain.identity.oauth import (
    CODE_TTL,
    AuthorizationCode,
    OAuthClient,
    OAuthError,
    OAuthUnitOfWork,
    hash_secret,
    is_valid_challenge,
    new_secret,
)
from pmsaas.domain.identity.ports import AttemptLimiter, OneTimePasswords, PasswordHasher
from pmsaas.domain.identity.scopes import grants_of
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


async def live_client(uow: OAuthUnitOfWork, raw_id: str | None) -> OAuthClient | None:
    client_id = _parse_id(raw_id)
    client = await uow.oauth_clients.find(client_id) if client_id else None
    return client if client is not None and client.revoked_at is None else None


async def _client_and_redirect(uow: OAuthUnitOfWork, req: AuthorizationRequest) -> tuple[OAuthClient, str]:
    client = await live_client(uow, req.client_id)
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
    code: str | None = None  # the authenticator's (or a recovery) code, for accounts with MFA on


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
    otp: OneTimePasswords,
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
            if not sign_in.code:
                raise AuthenticationFailed("Enter the code from your authenticator app (or a recovery code)")
            factor = await second_factor(
                otp=otp, limiter=limiter, clock=clock, user=user, factor=factor, code=sign_in.code
            )
            await uow.mfa_factors.save(factor)
        membership = await uow.memberships.find(valid.client.organization_id, user.id)
        refusal: DomainError | None = None
        if membership is None:
            refusal = AuthenticationFailed("This account is not a member of the application's organization")
        elif not _within(valid.scopes, membership.permissions):
            refusal = OAuthError("invalid_scope", "the requested scope exceeds your permissions")
        if refusal is not None:
            await uow.commit()  # a second-factor code accepted above stays used (never accepted twice)
            raise refusal
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

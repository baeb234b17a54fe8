"""Sign-in use cases: sign in (with the MFA challenge when it is on), token rotation, sign out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from pmsaas.domain.identity.model import Membership, MfaChallenge, RefreshRecord, TokenPair, User, UserStatus
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, IdentityUnitOfWork, PasswordHasher
from pmsaas.domain.identity.tokens import TokenPolicy, hash_secret, new_secret
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, RateLimited
from pmsaas.domain.shared.ids import new_id

CHALLENGE_TTL = timedelta(minutes=5)  # the MFA sign-in challenge (domain/identity/mfa.py)
CHALLENGE_PURPOSE = "mfa"


async def _pick_membership(uow: IdentityUnitOfWork, user: User) -> Membership | None:
    memberships = await uow.memberships.for_user(user.id)
    for m in memberships:
        if m.organization_id == user.default_organization_id:
            return m
    return memberships[0] if memberships else None


async def _issue_pair(
    uow: IdentityUnitOfWork,
    issuer: AccessTokenIssuer,
    clock: Clock,
    policy: TokenPolicy,
    user: User,
    membership: Membership | None,
    family_id: UUID,
) -> TokenPair:
    now = clock.now()
    secret = new_secret()
    record = RefreshRecord(
        id=new_id(),
        family_id=family_id,
        user_id=user.id,
        organization_id=membership.organization_id if membership else None,
        expires_at=now + policy.refresh_ttl,
        used_at=None,
        revoked_at=None,
    )
    await uow.tokens.add_refresh(record=record, token_hash=hash_secret(secret), created_at=now)
    versions = await uow.tokens.access_versions(user.id, record.organization_id)
    return TokenPair(issuer.issue(user, membership, now, versions), secret, user, membership)


async def login(
    *,
    uow: IdentityUnitOfWork,
    hasher: PasswordHasher,
    issuer: AccessTokenIssuer,
    limiter: AttemptLimiter,
    clock: Clock,
    policy: TokenPolicy,
    email: str,
    password: str,
    client_ip: str,
) -> TokenPair | MfaChallenge:
    email = email.strip().lower()
    for key, limit in (
        (f"login:account:{email}", policy.login_attempts_per_account),
        (f"login:ip:{client_ip}", policy.login_attempts_per_ip),
    ):
        wait = await limiter.hit(key, limit=limit, window_seconds=policy.login_window_seconds)
        if wait is not None:
            raise RateLimited(retry_after=wait, message="Too many sign-in attempts; try again later")
    async with uow:
        user = await uow.users.find_by_email(email)
        if user is None or user.password_hash is None:
            hasher.dummy_verify(password)  # same work, same answer: no account enumeration
            raise AuthenticationFailed("Invalid e-mail or password")
        if not hasher.verify(user.password_hash, password) or user.status == UserStatus.DISABLED:
            raise AuthenticationFailed("Invalid e-mail or password")
        result = await _mfa_challenge(uow, clock, user) or await issue_session(uow, issuer, clock, policy, user)
        await uow.commit()
    await limiter.reset(f"login:account:{email}")
    return result


async def issue_session(
    uow: IdentityUnitOfWork, issuer: AccessTokenIssuer, clock: Clock, policy: TokenPolicy, user: User
) -> TokenPair:
    """A new refresh family and access token, in the user's default organization."""
    membership = await _pick_membership(uow, user)
    return await _issue_pair(uow, issuer, clock, policy, user, membership, family_id=new_id())


async def _mfa_challenge(uow: IdentityUnitOfWork, clock: Clock, user: User) -> MfaChallenge | None:
    """With MFA on, a right password earns only a short-lived challenge (hashed, single use)."""
    factor = await uow.mfa_factors.find(user.id)
    if factor is None or not factor.enabled:
        return None
    secret = new_secret()
    now = clock.now()
    await uow.tokens.add_action_token(
        user_id=user.id,
        purpose=CHALLENGE_PURPOSE,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + CHALLENGE_TTL,
    )
    return MfaChallenge(token=secret, expires_in=int(CHALLENGE_TTL.total_seconds()), user=user)


async def refresh(
    *,
    uow: IdentityUnitOfWork,
    issuer: AccessTokenIssuer,
    clock: Clock,
    policy: TokenPolicy,
    refresh_token: str,
) -> TokenPair:
    """Rotate: the presented token dies. A dead token presented again revokes its whole family."""
    now = clock.now()
    async with uow:
        record = await uow.tokens.find_refresh(hash_secret(refresh_token))
        if record is None or record.revoked_at is not None or record.expires_at <= now:
            raise AuthenticationFailed("Invalid refresh token")
        if record.used_at is not None or not await uow.tokens.mark_refresh_used(record.id, now):
            # A stolen token may be either copy: end the family, and every access token of the user.
            await uow.tokens.revoke_family(record.family_id, now)
            await uow.tokens.end_access(record.user_id, at=now)
            await uow.commit()  # the revocation must stick even though this request fails
            raise AuthenticationFailed("Refresh token reuse detected; please sign in again")
        user = await uow.users.get(record.user_id)
        if user.status == UserStatus.DISABLED:
            raise AuthenticationFailed("Invalid refresh token")
        membership = None
        if record.organization_id is not None:
            membership = await uow.memberships.find(record.organization_id, user.id)
        if membership is None:
            membership = await _pick_membership(uow, user)
        pair = await _issue_pair(uow, issuer, clock, policy, user, membership, family_id=record.family_id)
        await uow.commit()
    return pair


async def logout(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    user_id: UUID,
    access_jti: str | None,
    access_expires_at_epoch: int | None,
    refresh_token: str | None,
    everywhere: bool = False,
) -> None:
    """Ends this access token and its refresh family; ``everywhere`` (or no refresh token to tell the
    family by) ends every refresh token and every access token of the user, in every organization."""
    now = clock.now()
    async with uow:
        if access_jti:
            expires = datetime.fromtimestamp(access_expires_at_epoch or 0, UTC) if access_expires_at_epoch else now
            await uow.tokens.revoke_access(access_jti, max(expires, now))
        if refresh_token and not everywhere:
            record = await uow.tokens.find_refresh(hash_secret(refresh_token))
            if record is not None and record.user_id == user_id:
                await uow.tokens.revoke_family(record.family_id, now)
        else:
            await uow.tokens.revoke_user_tokens(user_id, now)
            await uow.tokens.end_access(user_id, at=now)
        await uow.commit()

"""Sign-in use cases: sign in (with the MFA challenge when it is on), token rotation, sign out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from pmsaas.domain.identity.audit_events import (
    LOGIN_FAILED,
    LOGIN_LOCKED,
    LOGIN_SUCCEEDED,
    as_actor,
    home_organization,
    user_target,
)
from pmsaas.domain.identity.model import Membership, MfaChallenge, RefreshRecord, TokenPair, User, UserStatus
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, IdentityUnitOfWork, PasswordHasher
from pmsaas.domain.identity.tokens import TokenPolicy, hash_secret, new_secret
from pmsaas.domain.shared.audit import NO_REQUEST, AuditTarget, RequestInfo, hashed_email, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, RateLimited
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

CHALLENGE_TTL = timedelta(minutes=5)  # the MFA sign-in challenge (domain/identity/mfa.py)
CHALLENGE_PURPOSE = "mfa"
SETUP_CHALLENGE_TTL = timedelta(minutes=10)  # long enough to scan a QR code and type a first code
SETUP_CHALLENGE_PURPOSE = "mfa-setup"


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
    request: RequestInfo = NO_REQUEST,
    mailer: EmailSender | None = None,
) -> TokenPair | MfaChallenge:
    """Every outcome is audited: a failure commits its entry and then answers the error."""
    email = email.strip().lower()
    await _throttle_login(uow, limiter, clock, policy, email, client_ip, request, mailer)
    async with uow:
        user = await uow.users.find_by_email(email)
        if user is None or user.password_hash is None:
            hasher.dummy_verify(password)  # same work, same answer: no account enumeration
            await _failed(uow, clock, request, user, email, "unknown_account")
            raise AuthenticationFailed("Invalid e-mail or password")
        if not hasher.verify(user.password_hash, password) or user.status == UserStatus.DISABLED:
            await _failed(uow, clock, request, user, email, "wrong_password")
            raise AuthenticationFailed("Invalid e-mail or password")
        result: TokenPair | MfaChallenge | None = await _mfa_challenge(uow, clock, user)
        if result is None:
            pair = await issue_session(uow, issuer, clock, policy, user)
            org = pair.membership.organization_id if pair.membership else None
            details = {"method": "password"}
            target = user_target(user)
            await record_audit(
                uow, as_actor(user, org), LOGIN_SUCCEEDED, target, request, at=clock.now(), details=details
            )
            result = pair
        await uow.commit()
    await limiter.reset(f"login:account:{email}")
    return result


async def _failed(
    uow: IdentityUnitOfWork, clock: Clock, request: RequestInfo, user: User | None, email: str, reason: str
) -> None:
    """A failed sign-in's entry, committed before the error is answered: filed under the account's
    organization, or (no account) under none, with the e-mail only as a hash."""
    details = {"reason": reason}
    if user is None:
        target = AuditTarget("user", None, hashed_email(email))
        await record_audit(uow, None, LOGIN_FAILED, target, request, at=clock.now(), details=details)
    else:
        actor = as_actor(user, await home_organization(uow, user))
        await record_audit(uow, actor, LOGIN_FAILED, user_target(user), request, at=clock.now(), details=details)
    await uow.commit()


async def _throttle_login(
    uow: IdentityUnitOfWork,
    limiter: AttemptLimiter,
    clock: Clock,
    policy: TokenPolicy,
    email: str,
    client_ip: str,
    request: RequestInfo,
    mailer: EmailSender | None,
) -> None:
    """Too many attempts on an account (or from an address) lock it until the window ends: even the
    right password is refused meanwhile. The first refusal of a window tells the account's holder."""
    for key, limit in (
        (f"login:account:{email}", policy.login_attempts_per_account),
        (f"login:ip:{client_ip}", policy.login_attempts_per_ip),
    ):
        wait = await limiter.hit(key, limit=limit, window_seconds=policy.login_window_seconds)
        if wait is None:
            continue
        if key.startswith("login:account:"):
            what = "sign-in attempts with a wrong password"
            lock = Lockout(action=LOGIN_LOCKED, wait=wait, window=policy.login_window_seconds, what=what)
            await locked_out(
                uow=uow, limiter=limiter, clock=clock, mailer=mailer, request=request, email=email, lock=lock
            )
        raise RateLimited(retry_after=wait, message="Too many sign-in attempts; try again later")


@dataclass(frozen=True)
class Lockout:
    action: str  # the audit action (login.locked, mfa.locked)
    wait: int  # seconds until the lock ends
    window: int  # the lock's window length: the notice counts in the same fixed windows
    what: str  # what was repeated, in the holder's words


async def first_refusal(limiter: AttemptLimiter, lock: Lockout, who: str) -> bool:
    """True once per lock: the first refusal of a window (the one that tells the holder). The notice
    is counted in the lock's own fixed windows: a window sized by the shrinking wait would start a new
    bucket on the next second's refusal and tell the holder twice."""
    return await limiter.hit(f"{lock.action}:notice:{who}", limit=1, window_seconds=lock.window) is None


async def locked_out(
    *,
    uow: IdentityUnitOfWork,
    limiter: AttemptLimiter,
    clock: Clock,
    mailer: EmailSender | None,
    request: RequestInfo,
    email: str,
    lock: Lockout,
) -> None:
    """Once per lock (its first refusal): an audit entry, and an e-mail to the account's holder."""
    if not await first_refusal(limiter, lock, email):
        return
    async with uow:
        user = await uow.users.find_by_email(email)
        if user is not None:
            await note_lockout(uow, clock, mailer, request, user, lock)


async def note_lockout(
    uow: IdentityUnitOfWork, clock: Clock, mailer: EmailSender | None, request: RequestInfo, user: User, lock: Lockout
) -> None:
    """Inside an open unit of work: the lock's audit entry (committed), then the holder's e-mail."""
    actor = as_actor(user, await home_organization(uow, user))
    details = {"retry_after": str(lock.wait)}
    await record_audit(uow, actor, lock.action, user_target(user), request, at=clock.now(), details=details)
    await uow.commit()
    if mailer is not None:
        minutes = max(1, (lock.wait + 59) // 60)
        await mailer.send(
            EmailMessage(
                to=user.email,
                subject="Sign-in to your account is locked for a while",
                body=f"We refused further sign-ins to your account for about {minutes} minutes after "
                f"repeated {lock.what}.\nIf this was not you, someone may know your password: reset it "
                "once the lock ends and turn on multi-factor sign-in.",
            )
        )


async def issue_session(
    uow: IdentityUnitOfWork, issuer: AccessTokenIssuer, clock: Clock, policy: TokenPolicy, user: User
) -> TokenPair:
    """A new refresh family and access token, in the user's default organization."""
    membership = await _pick_membership(uow, user)
    return await _issue_pair(uow, issuer, clock, policy, user, membership, family_id=new_id())


async def _mfa_challenge(uow: IdentityUnitOfWork, clock: Clock, user: User) -> MfaChallenge | None:
    """With MFA on, a right password earns only a short-lived challenge (hashed, single use)."""
    factor = await uow.mfa_factors.find(user.id)
    setup_required = False
    if factor is None or not factor.enabled:
        membership = await _pick_membership(uow, user)
        if membership is None:
            return None
        required = await uow.organization_registry.mfa_required_roles(membership.organization_id)
        if not required & membership.roles:
            return None
        setup_required = True  # the organization requires MFA of this role: set it up first
    secret = new_secret()
    now = clock.now()
    ttl = SETUP_CHALLENGE_TTL if setup_required else CHALLENGE_TTL
    await uow.tokens.add_action_token(
        user_id=user.id,
        purpose=SETUP_CHALLENGE_PURPOSE if setup_required else CHALLENGE_PURPOSE,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + ttl,
    )
    return MfaChallenge(token=secret, expires_in=int(ttl.total_seconds()), user=user, setup_required=setup_required)


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

"""Multi-factor sign-in with TOTP (RFC 6238) and single-use recovery codes.

Setup is two calls: the first makes a secret (shown once, with its otpauth URI), the second
confirms it with a first code and answers ten recovery codes (shown once, stored hashed). From then
on a correct password only earns a short-lived challenge; the access token comes with the code.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from pmsaas.domain.identity.audit_events import (
    LOGIN_FAILED,
    LOGIN_SUCCEEDED,
    MFA_DISABLED,
    MFA_ENABLED,
    MFA_LOCKED,
    MFA_RECOVERY_CODES_REGENERATED,
    as_actor,
    home_organization,
    user_target,
)
from pmsaas.domain.identity.model import MfaFactor, TokenPair, User
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, IdentityUnitOfWork, OneTimePasswords
from pmsaas.domain.identity.sessions import (
    CHALLENGE_PURPOSE,
    SETUP_CHALLENGE_PURPOSE,
    Lockout,
    first_refusal,
    issue_session,
    note_lockout,
)
from pmsaas.domain.identity.tokens import TokenPolicy, hash_secret
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, Conflict, NotFound, RateLimited, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EmailSender

RECOVERY_CODES = 10
MFA_ATTEMPTS = 5  # wrong codes per user per window, then 429 until the window ends
MFA_WINDOW_SECONDS = 900


@dataclass(frozen=True)
class MfaSetup:
    secret: str
    otpauth_uri: str


def _normalize_recovery(code: str) -> str:
    return code.strip().replace("-", "").lower()


def _new_recovery_code() -> str:
    raw = secrets.token_hex(5)  # 40 bits each; ten of them, single use, behind the attempt limit
    return f"{raw[:5]}-{raw[5:]}"


def _mfa_event(name: str, user: User, actor: Actor, at: datetime) -> DomainEvent:
    return DomainEvent(name, actor.org, at, {"user_id": str(user.id), "email": user.email})


@dataclass(frozen=True)
class MfaServices:
    """The ports the MFA use cases share, handed over as one."""

    otp: OneTimePasswords
    limiter: AttemptLimiter
    clock: Clock
    mailer: EmailSender | None = None


async def _start(uow: IdentityUnitOfWork, otp: OneTimePasswords, clock: Clock, user: User) -> MfaSetup:
    current = await uow.mfa_factors.find(user.id)
    if current is not None and current.enabled:
        raise Conflict("multi-factor sign-in is already on")
    sealed, plain = otp.new_secret()
    await uow.mfa_factors.save(MfaFactor(user_id=user.id, sealed_secret=sealed, created_at=clock.now()))
    return MfaSetup(secret=plain, otpauth_uri=otp.provisioning_uri(sealed, account=user.email))


async def start_setup(*, uow: IdentityUnitOfWork, otp: OneTimePasswords, clock: Clock, actor: Actor) -> MfaSetup:
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        started = await _start(uow, otp, clock, await uow.users.get(actor.user_id))
        await uow.commit()
    return started


async def _throttle(uow: IdentityUnitOfWork, services: MfaServices, user: User, request: RequestInfo) -> None:
    """Inside an open unit of work. Wrong codes (TOTP or recovery) count together per user; past the
    limit the account's MFA is locked until the window ends, even for the right code, and the holder
    is told once (an audit entry and an e-mail)."""
    wait = await services.limiter.hit(f"mfa:user:{user.id}", limit=MFA_ATTEMPTS, window_seconds=MFA_WINDOW_SECONDS)
    if wait is None:
        return
    lock = Lockout(action=MFA_LOCKED, wait=wait, window=MFA_WINDOW_SECONDS, what="wrong multi-factor codes")
    if await first_refusal(services.limiter, lock, str(user.id)):
        await note_lockout(uow, services.clock, services.mailer, request, user, lock)
    raise RateLimited(retry_after=wait, message="Too many codes tried; try again later")


def _accept_totp(otp: OneTimePasswords, factor: MfaFactor, code: str, clock: Clock) -> MfaFactor | None:
    """The factor with the code's step recorded, or None: a wrong code, or one already used."""
    if not (len(code) == 6 and code.isdigit()):
        return None
    step = otp.matching_step(factor.sealed_secret, code, clock.now())
    if step is None or (factor.last_step is not None and step <= factor.last_step):
        return None
    return replace(factor, last_step=step)


def _accept_recovery(factor: MfaFactor, code: str) -> MfaFactor | None:
    wanted = hash_secret(_normalize_recovery(code))
    for kept in factor.recovery_hashes:
        if hmac.compare_digest(kept, wanted):
            return replace(factor, recovery_hashes=tuple(h for h in factor.recovery_hashes if h != kept))
    return None


def _new_recovery_codes() -> tuple[list[str], tuple[str, ...]]:
    """Ten codes to show once, and their hashes to keep."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    return codes, tuple(hash_secret(_normalize_recovery(c)) for c in codes)


async def _confirm(
    uow: IdentityUnitOfWork, services: MfaServices, user: User, code: str, request: RequestInfo
) -> list[str]:
    """Inside an open unit of work: turns the pending factor on with its first code."""
    factor = await uow.mfa_factors.find(user.id)
    if factor is None:
        raise Conflict("start the set-up first (POST /api/v1/identity/mfa/setup without a code)")
    if factor.enabled:
        raise Conflict("multi-factor sign-in is already on")
    await _throttle(uow, services, user, request)
    accepted = _accept_totp(services.otp, factor, code, services.clock)
    if accepted is None:
        raise ValidationFailed.single("code", "is not the current code of the authenticator")
    codes, hashes = _new_recovery_codes()
    now = services.clock.now()
    await uow.mfa_factors.save(replace(accepted, confirmed_at=now, recovery_hashes=hashes))
    actor = as_actor(user, await home_organization(uow, user))
    if actor.organization_id is not None:
        uow.record(_mfa_event("user.mfa_enabled", user, actor, now))
    await record_audit(uow, actor, MFA_ENABLED, user_target(user), request, at=now)
    return codes


async def confirm_setup(
    *,
    uow: IdentityUnitOfWork,
    otp: OneTimePasswords,
    limiter: AttemptLimiter,
    clock: Clock,
    actor: Actor,
    code: str,
    request: RequestInfo = NO_REQUEST,
    mailer: EmailSender | None = None,
) -> list[str]:
    """Turns MFA on with a first code; answers the recovery codes, which are never shown again."""
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        user = await uow.users.get(actor.user_id)
        codes = await _confirm(uow, MfaServices(otp, limiter, clock, mailer), user, code, request)
        await uow.commit()
    await limiter.reset(f"mfa:user:{user.id}")
    return codes


_BAD_SETUP_CHALLENGE = "Invalid or expired set-up challenge; sign in again"


async def start_required_setup(
    *, uow: IdentityUnitOfWork, otp: OneTimePasswords, clock: Clock, challenge_token: str
) -> MfaSetup:
    """The organization requires MFA and the member has none: the sign-in's set-up challenge (not
    an access token) lets them start the set-up."""
    async with uow:
        user_id = await uow.tokens.peek_action_token(
            purpose=SETUP_CHALLENGE_PURPOSE, token_hash=hash_secret(challenge_token), at=clock.now()
        )
        if user_id is None:
            raise AuthenticationFailed(_BAD_SETUP_CHALLENGE)
        started = await _start(uow, otp, clock, await uow.users.get(user_id))
        await uow.commit()
    return started


async def confirm_required_setup(
    *,
    uow: IdentityUnitOfWork,
    services: MfaServices,
    issuer: AccessTokenIssuer,
    policy: TokenPolicy,
    challenge_token: str,
    code: str,
    request: RequestInfo = NO_REQUEST,
) -> tuple[list[str], TokenPair]:
    """Confirms the set-up with its first code, which also completes the sign-in: the recovery codes
    and the session's tokens. The challenge is then spent."""
    now = services.clock.now()
    token_hash = hash_secret(challenge_token)
    async with uow:
        user_id = await uow.tokens.peek_action_token(purpose=SETUP_CHALLENGE_PURPOSE, token_hash=token_hash, at=now)
        if user_id is None:
            raise AuthenticationFailed(_BAD_SETUP_CHALLENGE)
        user = await uow.users.get(user_id)
        codes = await _confirm(uow, services, user, code, request)
        if not await uow.tokens.use_action_token(purpose=SETUP_CHALLENGE_PURPOSE, token_hash=token_hash, at=now):
            raise AuthenticationFailed(_BAD_SETUP_CHALLENGE)
        pair = await issue_session(uow, issuer, services.clock, policy, user)
        await _signed_in(uow, pair, request, now, "totp")
        await uow.commit()
    await services.limiter.reset(f"mfa:user:{user.id}")
    return codes, pair


async def _signed_in(uow: IdentityUnitOfWork, pair: TokenPair, request: RequestInfo, at: datetime, how: str) -> None:
    org = pair.membership.organization_id if pair.membership else None
    target = user_target(pair.user)
    await record_audit(uow, as_actor(pair.user, org), LOGIN_SUCCEEDED, target, request, at=at, details={"method": how})


async def verify_sign_in(
    *,
    uow: IdentityUnitOfWork,
    otp: OneTimePasswords,
    issuer: AccessTokenIssuer,
    limiter: AttemptLimiter,
    clock: Clock,
    policy: TokenPolicy,
    challenge_token: str,
    code: str | None,
    recovery_code: str | None,
    request: RequestInfo = NO_REQUEST,
    mailer: EmailSender | None = None,
) -> TokenPair:
    """The second step: a live challenge plus a fresh TOTP code or an unused recovery code."""
    if (code is None) == (recovery_code is None):
        raise ValidationFailed.single("code", "give either code or recovery_code")
    now = clock.now()
    method = "totp" if code is not None else "recovery_code"
    async with uow:
        user_id = await uow.tokens.peek_action_token(
            purpose=CHALLENGE_PURPOSE, token_hash=hash_secret(challenge_token), at=now
        )
        if user_id is None:
            raise AuthenticationFailed("Invalid or expired sign-in challenge; sign in again")
        user = await uow.users.get(user_id)
        factor = await uow.mfa_factors.find(user.id)
        if factor is None or not factor.enabled:
            raise AuthenticationFailed("Invalid or expired sign-in challenge; sign in again")
        await _throttle(uow, MfaServices(otp, limiter, clock, mailer), user, request)
        accepted = _accept_totp(otp, factor, code, clock) if code is not None else None
        if recovery_code is not None:
            accepted = _accept_recovery(factor, recovery_code)
        if accepted is None:
            actor = as_actor(user, await home_organization(uow, user))
            details = {"reason": f"wrong_{method}"}
            await record_audit(uow, actor, LOGIN_FAILED, user_target(user), request, at=now, details=details)
            await uow.commit()
            raise AuthenticationFailed("Invalid code")
        if not await uow.tokens.use_action_token(
            purpose=CHALLENGE_PURPOSE, token_hash=hash_secret(challenge_token), at=now
        ):
            raise AuthenticationFailed("Invalid or expired sign-in challenge; sign in again")
        await uow.mfa_factors.save(accepted)
        pair = await issue_session(uow, issuer, clock, policy, user)
        await _signed_in(uow, pair, request, now, method)
        await uow.commit()
    await limiter.reset(f"mfa:user:{user.id}")
    return pair


async def second_factor(
    *, otp: OneTimePasswords, limiter: AttemptLimiter, clock: Clock, user: User, factor: MfaFactor, code: str
) -> MfaFactor:
    """A second factor typed on another sign-in page (the OAuth consent page): a TOTP code or an
    unused recovery code, throttled and never accepted twice as at /mfa/verify. The caller saves the
    returned factor in its unit of work; a wrong code is AuthenticationFailed."""
    # The same counter as /mfa/verify (a lock-out there holds here); the page has no unit of work of
    # its own to note the lock-out in, /mfa/verify does that.
    wait = await limiter.hit(f"mfa:user:{user.id}", limit=MFA_ATTEMPTS, window_seconds=MFA_WINDOW_SECONDS)
    if wait is not None:
        raise RateLimited(retry_after=wait, message="Too many codes tried; try again later")
    accepted = _accept_totp(otp, factor, code.strip(), clock) or _accept_recovery(factor, code)
    if accepted is None:
        raise AuthenticationFailed("Invalid code")
    return accepted


async def regenerate_recovery_codes(
    *, uow: IdentityUnitOfWork, services: MfaServices, actor: Actor, code: str, request: RequestInfo = NO_REQUEST
) -> list[str]:
    """Ten new recovery codes for a current authenticator code; the old ones stop working."""
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        user = await uow.users.get(actor.user_id)
        factor = await uow.mfa_factors.find(user.id)
        if factor is None or not factor.enabled:
            raise Conflict("multi-factor sign-in is not on")
        await _throttle(uow, services, user, request)
        accepted = _accept_totp(services.otp, factor, code, services.clock)
        if accepted is None:
            raise ValidationFailed.single("code", "is not the current code of the authenticator")
        codes, hashes = _new_recovery_codes()
        await uow.mfa_factors.save(replace(accepted, recovery_hashes=hashes))
        now = services.clock.now()
        who = as_actor(user, actor.organization_id or await home_organization(uow, user))
        await record_audit(uow, who, MFA_RECOVERY_CODES_REGENERATED, user_target(user), request, at=now)
        await uow.commit()
    await services.limiter.reset(f"mfa:user:{user.id}")
    return codes


async def turn_off(
    *, uow: IdentityUnitOfWork, services: MfaServices, actor: Actor, code: str, request: RequestInfo = NO_REQUEST
) -> None:
    """Multi-factor sign-in off, proven by a current authenticator code or an unused recovery code
    (a stolen session alone cannot weaken the account); refused (409) while the organization the
    caller acts in requires MFA for one of the caller's roles."""
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        user = await uow.users.get(actor.user_id)
        factor = await uow.mfa_factors.find(user.id)
        if factor is None or not factor.enabled:
            raise Conflict("multi-factor sign-in is not on")
        if actor.organization_id is not None:
            required = await uow.organization_registry.mfa_required_roles(actor.organization_id)
            if required & actor.roles:
                raise Conflict("this organization requires multi-factor sign-in for your role")
        await _throttle(uow, services, user, request)
        code = code.strip()
        if _accept_totp(services.otp, factor, code, services.clock) is None and _accept_recovery(factor, code) is None:
            raise ValidationFailed.single("code", "is not a current authenticator code or an unused recovery code")
        await uow.mfa_factors.remove(user.id)
        now = services.clock.now()
        uow.record(_mfa_event("mfa.disabled", user, actor, now))
        who = as_actor(user, actor.organization_id or await home_organization(uow, user))
        await record_audit(uow, who, MFA_DISABLED, user_target(user), request, at=now)
        await uow.commit()
    await services.limiter.reset(f"mfa:user:{user.id}")

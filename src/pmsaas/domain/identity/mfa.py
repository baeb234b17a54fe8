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

from pmsaas.domain.identity.model import MfaFactor, TokenPair, User
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, IdentityUnitOfWork, OneTimePasswords
from pmsaas.domain.identity.sessions import CHALLENGE_PURPOSE, issue_session
from pmsaas.domain.identity.tokens import TokenPolicy, hash_secret
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, Conflict, NotFound, RateLimited, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent

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


async def start_setup(*, uow: IdentityUnitOfWork, otp: OneTimePasswords, clock: Clock, actor: Actor) -> MfaSetup:
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        user = await uow.users.get(actor.user_id)
        current = await uow.mfa_factors.find(user.id)
        if current is not None and current.enabled:
            raise Conflict("multi-factor sign-in is already on")
        sealed, plain = otp.new_secret()
        factor = MfaFactor(user_id=user.id, sealed_secret=sealed, created_at=clock.now())
        await uow.mfa_factors.save(factor)
        await uow.commit()
    return MfaSetup(secret=plain, otpauth_uri=otp.provisioning_uri(sealed, account=user.email))


async def _throttle(limiter: AttemptLimiter, user: User) -> None:
    wait = await limiter.hit(f"mfa:user:{user.id}", limit=MFA_ATTEMPTS, window_seconds=MFA_WINDOW_SECONDS)
    if wait is not None:
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


async def confirm_setup(
    *,
    uow: IdentityUnitOfWork,
    otp: OneTimePasswords,
    limiter: AttemptLimiter,
    clock: Clock,
    actor: Actor,
    code: str,
) -> list[str]:
    """Turns MFA on with a first code; answers the recovery codes, which are never shown again."""
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        user = await uow.users.get(actor.user_id)
        factor = await uow.mfa_factors.find(user.id)
        if factor is None:
            raise Conflict("start the set-up first (POST /api/v1/identity/mfa/setup without a code)")
        if factor.enabled:
            raise Conflict("multi-factor sign-in is already on")
        await _throttle(limiter, user)
        accepted = _accept_totp(otp, factor, code, clock)
        if accepted is None:
            raise ValidationFailed.single("code", "is not the current code of the authenticator")
        codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
        now = clock.now()
        hashes = tuple(hash_secret(_normalize_recovery(c)) for c in codes)
        await uow.mfa_factors.save(replace(accepted, confirmed_at=now, recovery_hashes=hashes))
        if actor.organization_id is not None:
            uow.record(_mfa_event("user.mfa_enabled", user, actor, now))
        await uow.commit()
    await limiter.reset(f"mfa:user:{user.id}")
    return codes


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
) -> TokenPair:
    """The second step: a live challenge plus a fresh TOTP code or an unused recovery code."""
    if (code is None) == (recovery_code is None):
        raise ValidationFailed.single("code", "give either code or recovery_code")
    now = clock.now()
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
        await _throttle(limiter, user)
        accepted = _accept_totp(otp, factor, code, clock) if code is not None else None
        if recovery_code is not None:
            accepted = _accept_recovery(factor, recovery_code)
        if accepted is None:
            raise AuthenticationFailed("Invalid code")
        if not await uow.tokens.use_action_token(
            purpose=CHALLENGE_PURPOSE, token_hash=hash_secret(challenge_token), at=now
        ):
            raise AuthenticationFailed("Invalid or expired sign-in challenge; sign in again")
        await uow.mfa_factors.save(accepted)
        pair = await issue_session(uow, issuer, clock, policy, user)
        await uow.commit()
    await limiter.reset(f"mfa:user:{user.id}")
    return pair


async def second_factor(
    *, otp: OneTimePasswords, limiter: AttemptLimiter, clock: Clock, user: User, factor: MfaFactor, code: str
) -> MfaFactor:
    """A second factor typed on another sign-in page (the OAuth consent page): a TOTP code or an
    unused recovery code, throttled and never accepted twice as at /mfa/verify. The caller saves the
    returned factor in its unit of work; a wrong code is AuthenticationFailed."""
    await _throttle(limiter, user)
    accepted = _accept_totp(otp, factor, code.strip(), clock) or _accept_recovery(factor, code)
    if accepted is None:
        raise AuthenticationFailed("Invalid code")
    return accepted

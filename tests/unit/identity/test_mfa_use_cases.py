"""MFA use cases over the fake unit of work and the fake one-time passwords: a code is accepted
once, a recovery code once, and a right password alone earns only a challenge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from fakes.mfa import FakeOneTimePasswords
from pmsaas.domain.flows import sign_up
from pmsaas.domain.identity import mfa, sessions, tokens
from pmsaas.domain.identity.model import IssuedAccessToken, MfaChallenge, TokenPair
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, PasswordHasher
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import AuthenticationFailed

START = datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC)
POLICY = tokens.TokenPolicy(refresh_ttl=timedelta(days=30))


class PlainHasher(PasswordHasher):
    def hash(self, password):
        return "plain:" + password

    def verify(self, password_hash, password):
        return password_hash == "plain:" + password

    def dummy_verify(self, password):
        return None


class Issuer(AccessTokenIssuer):
    def issue(self, user, membership, now, versions=None):
        return IssuedAccessToken(f"token:{user.id}", "jti", now + timedelta(minutes=15), 900)


class NoLimits(AttemptLimiter):
    async def hit(self, key, *, limit, window_seconds):
        return None

    async def reset(self, key):
        return None


async def _register(db):
    return await sign_up.register(
        uow=FakeUnitOfWork(db),
        hasher=PlainHasher(),
        clock=FixedClock(START),
        email="olivia@example.com",
        password="correct horse",
        name="Olivia Owner",
        organization_name="Acme Rentals",
    )


async def _login(db):
    return await sessions.login(
        uow=FakeUnitOfWork(db),
        hasher=PlainHasher(),
        issuer=Issuer(),
        limiter=NoLimits(),
        clock=FixedClock(START),
        policy=POLICY,
        email="olivia@example.com",
        password="correct horse",
        client_ip="203.0.113.9",
    )


async def _turn_on(db: FakeDatabase, otp: FakeOneTimePasswords, clock: FixedClock) -> tuple[Actor, list[str]]:
    user, membership = await _register(db)
    actor = Actor(user_id=user.id, organization_id=membership.organization_id, roles=membership.roles)
    setup = await mfa.start_setup(uow=FakeUnitOfWork(db), otp=otp, clock=clock, actor=actor)
    assert setup.secret == "SECRET1" and setup.otpauth_uri.startswith("otpauth://totp/")
    codes = await mfa.confirm_setup(
        uow=FakeUnitOfWork(db), otp=otp, limiter=NoLimits(), clock=clock, actor=actor, code=otp.code_at(START)
    )
    return actor, codes


async def _verify(db, otp, clock, token, **code):
    return await mfa.verify_sign_in(
        uow=FakeUnitOfWork(db),
        otp=otp,
        issuer=Issuer(),
        limiter=NoLimits(),
        clock=clock,
        policy=POLICY,
        challenge_token=token,
        code=code.get("code"),
        recovery_code=code.get("recovery_code"),
    )


async def test_two_step_sign_in_accepts_each_code_once():
    db, otp, clock = FakeDatabase(), FakeOneTimePasswords(), FixedClock(START)
    _, recovery = await _turn_on(db, otp, clock)
    assert len(recovery) == 10 and db.outbox[-1].name == "user.mfa_enabled"
    assert all(len(h) == 64 for h in db.mfa_factors[next(iter(db.mfa_factors))].recovery_hashes)  # hashed

    challenge = await _login(db)
    assert isinstance(challenge, MfaChallenge)
    with pytest.raises(AuthenticationFailed):  # the confirming code is spent
        await _verify(db, otp, clock, challenge.token, code=otp.code_at(START))
    later = FixedClock(START + timedelta(seconds=60))
    pair = await _verify(db, otp, later, challenge.token, code=otp.code_at(later.now()))
    assert isinstance(pair, TokenPair)

    again = await _login(db)
    assert isinstance(again, MfaChallenge)
    assert isinstance(await _verify(db, otp, later, again.token, recovery_code=recovery[0]), TokenPair)
    with pytest.raises(AuthenticationFailed):
        await _verify(db, otp, later, (await _login(db)).token, recovery_code=recovery[0])  # type: ignore[union-attr]

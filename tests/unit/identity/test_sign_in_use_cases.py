"""Registration and sign-in over the fake unit of work, with a plain password hasher and token
issuer: a new owner gets an organization, a wrong password or a disabled account gets nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from pmsaas.adapters.ratelimit.memory import InMemoryRateLimiter, LimiterAttempts
from pmsaas.domain.flows import sign_up
from pmsaas.domain.identity import sessions, tokens
from pmsaas.domain.identity.model import IssuedAccessToken, UserStatus
from pmsaas.domain.identity.ports import AccessTokenIssuer, AttemptLimiter, PasswordHasher
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import AuthenticationFailed, Conflict, RateLimited

CLOCK = FixedClock(datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC))
POLICY = tokens.TokenPolicy(refresh_ttl=timedelta(days=30), login_attempts_per_account=3)


class PlainHasher(PasswordHasher):
    def hash(self, password):
        return "plain:" + password

    def verify(self, password_hash, password):
        return password_hash == "plain:" + password

    def dummy_verify(self, password):
        return None


class CountingIssuer(AccessTokenIssuer):
    def issue(self, user, membership, now, versions=None):
        org = membership.organization_id if membership else None
        return IssuedAccessToken(f"token:{user.id}:{org}", "jti", now + timedelta(minutes=15), 900)


class CountingLimiter(AttemptLimiter):
    def __init__(self):
        self.hits = {}

    async def hit(self, key, *, limit, window_seconds):
        self.hits[key] = self.hits.get(key, 0) + 1
        return 60 if self.hits[key] > limit else None

    async def reset(self, key):
        self.hits.pop(key, None)


async def _register(db, email="olivia@example.com", organization_name="Acme Rentals"):
    return await sign_up.register(
        uow=FakeUnitOfWork(db),
        hasher=PlainHasher(),
        clock=CLOCK,
        email=email,
        password="correct horse",
        name="Olivia Owner",
        organization_name=organization_name,
    )


async def _login(db, password="correct horse", limiter=None, email="Olivia@Example.com"):
    return await sessions.login(
        uow=FakeUnitOfWork(db),
        hasher=PlainHasher(),
        issuer=CountingIssuer(),
        limiter=limiter or CountingLimiter(),
        clock=CLOCK,
        policy=POLICY,
        email=email,
        password=password,
        client_ip="203.0.113.9",
    )


async def test_registering_an_owner_creates_the_organization_and_its_membership():
    db = FakeDatabase()
    user, membership = await _register(db, email=" Olivia@Example.com ")
    assert user.email == "olivia@example.com" and user.default_organization_id == membership.organization_id
    org = db.organizations[membership.organization_id]
    # The organizations context builds it (the flow calls its rule): its defaults, validated.
    assert org.name == "Acme Rentals" and org.settings == OrganizationSettings().validated()
    assert [e.name for e in db.outbox] == ["organization.created", "user.created"]
    with pytest.raises(Conflict):
        await _register(db)
    alone, none = await _register(db, email="solo@example.com", organization_name=None)
    assert none is None and alone.default_organization_id is None


async def test_sign_in_issues_a_pair_for_the_default_organization_and_stores_the_refresh_token():
    db = FakeDatabase()
    user, membership = await _register(db)
    pair = await _login(db)
    assert pair.user.id == user.id and pair.membership.organization_id == membership.organization_id
    stored = db.refresh_tokens[tokens.hash_secret(pair.refresh_token)]
    assert stored.user_id == user.id and stored.expires_at == CLOCK.now() + POLICY.refresh_ttl


async def test_a_wrong_password_or_a_disabled_account_is_refused_alike():
    db = FakeDatabase()
    user, _ = await _register(db)
    for password in ("wrong password", "correct horse"):
        if password == "correct horse":
            db.users[user.id] = replace(db.users[user.id], status=UserStatus.DISABLED)
        with pytest.raises(AuthenticationFailed, match="Invalid e-mail or password"):
            await _login(db, password=password)
    with pytest.raises(AuthenticationFailed, match="Invalid e-mail or password"):
        await _login(db, email="nobody@example.com")
    assert db.refresh_tokens == {}


async def test_too_many_attempts_on_one_account_are_throttled():
    db, limiter = FakeDatabase(), CountingLimiter()
    await _register(db)
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            await _login(db, password="wrong password", limiter=limiter)
    with pytest.raises(RateLimited):
        await _login(db, limiter=limiter)


async def test_a_lock_is_announced_once_though_its_wait_shrinks_between_refusals():
    """The wait (seconds left) shrinks by one each second; the notice must count in the lock's own
    windows, not in windows sized by the wait, or a refusal a second later tells the holder again."""
    limiter = LimiterAttempts(InMemoryRateLimiter(now=lambda: 1_900_000_123))
    first = sessions.Lockout(action="login.locked", wait=600, window=900, what="wrong passwords")
    later = sessions.Lockout(action="login.locked", wait=599, window=900, what="wrong passwords")
    assert await sessions.first_refusal(limiter, first, "olivia@example.com") is True
    assert await sessions.first_refusal(limiter, later, "olivia@example.com") is False
    # Another holder's lock is announced on its own.
    assert await sessions.first_refusal(limiter, later, "oscar@example.com") is True

"""Refresh-token rotation and reuse detection as a hypothesis state machine over the fake unit of work.

The model: each sign-in starts a family; a refresh replaces the family's live token with a new one;
presenting any other token of a family (an old one) kills the whole family; logout with a refresh
token kills that family, without one every family of the user. Tokens of expired families die too.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, precondition, rule

from fakes import FakeDatabase, FakeUnitOfWork
from pmsaas.domain.identity import sessions, tokens
from pmsaas.domain.identity.model import IssuedAccessToken, Membership, User
from pmsaas.domain.identity.ports import AccessTokenIssuer, AccessVersions, AttemptLimiter, PasswordHasher
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import AuthenticationFailed

# -- fakes of the ports without a repository ------------------------------------------------


class PlainHasher(PasswordHasher):
    def hash(self, password: str) -> str:
        return f"plain:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"plain:{password}"

    def dummy_verify(self, password: str) -> None:
        self.verify("plain:", password)


class CountingIssuer(AccessTokenIssuer):
    def __init__(self) -> None:
        self.count = 0

    def issue(
        self, user: User, membership: Membership | None, now: datetime, versions: AccessVersions | None = None
    ) -> IssuedAccessToken:
        self.count += 1
        return IssuedAccessToken(f"access-{self.count}", f"jti-{self.count}", now + timedelta(minutes=15), 900)


class NoLimits(AttemptLimiter):
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        return None

    async def reset(self, key: str) -> None:
        return None


# -- the state machine ---------------------------------------------------------------------------

EMAIL, PASSWORD = "owner@example.com", "a long password"
POLICY = tokens.TokenPolicy(refresh_ttl=timedelta(days=1))


_LOOP = asyncio.new_event_loop()  # one loop for every step (these tests are synchronous)


def run(coro: Any) -> Any:
    return _LOOP.run_until_complete(coro)


class RefreshFamilies(RuleBasedStateMachine):
    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.db = FakeDatabase()
        self.clock = FixedClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
        self.issuer = CountingIssuer()
        now = self.clock.now()
        user = User(email=EMAIL, name="O", password_hash=f"plain:{PASSWORD}", created_at=now, updated_at=now)
        self.db.users[user.id] = user
        self.user_id = user.id
        # model: family -> its live token (None once dead); token -> family
        self.live: dict[int, str | None] = {}
        self.family_of: dict[str, int] = {}
        self.started_token: dict[str, datetime] = {}  # token -> when it was issued

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db)

    def _refresh_ok(self, token: str) -> bool:
        family = self.family_of[token]
        expired = self.clock.now() >= self.started_token[token] + POLICY.refresh_ttl
        return self.live[family] == token and not expired

    @rule(target=tokens)
    def login(self) -> str:
        pair = run(
            sessions.login(
                uow=self.uow(),
                hasher=PlainHasher(),
                issuer=self.issuer,
                limiter=NoLimits(),
                clock=self.clock,
                policy=POLICY,
                email=EMAIL,
                password=PASSWORD,
                client_ip="1.2.3.4",
            )
        )
        family = len(self.live)
        self.live[family] = pair.refresh_token
        self.family_of[pair.refresh_token] = family
        self.started_token[pair.refresh_token] = self.clock.now()
        return pair.refresh_token

    @rule(target=tokens, token=tokens)
    def refresh_any(self, token: str) -> str:
        return self.refresh(token)

    def refresh(self, token: str) -> str:
        expected_ok = self._refresh_ok(token)
        family = self.family_of[token]
        try:
            pair = run(
                sessions.refresh(
                    uow=self.uow(), issuer=self.issuer, clock=self.clock, policy=POLICY, refresh_token=token
                )
            )
        except AuthenticationFailed:
            assert not expected_ok, "a live token was refused"
            if self.clock.now() < self.started_token[token] + POLICY.refresh_ttl:
                self.live[family] = None  # reuse of a dead token kills the whole family
            return token
        assert expected_ok, "a dead token was accepted"
        self.live[family] = pair.refresh_token
        self.family_of[pair.refresh_token] = family
        self.started_token[pair.refresh_token] = self.clock.now()
        return pair.refresh_token

    def _live_tokens(self) -> list[str]:
        # In issue order (the tokens themselves are random): replays must draw the same choice.
        live = {t for t in self.live.values() if t is not None}
        return [t for t in self.family_of if t in live]

    def _dead_tokens(self) -> list[str]:
        live = set(self._live_tokens())
        return [t for t in self.family_of if t not in live]

    @precondition(lambda self: self._live_tokens())
    @rule(target=tokens, data=st.data())
    def refresh_a_live_token(self, data: st.DataObject) -> str:
        return self.refresh(data.draw(st.sampled_from(self._live_tokens())))

    @precondition(lambda self: self._dead_tokens())
    @rule(target=tokens, data=st.data())
    def present_a_dead_token(self, data: st.DataObject) -> str:
        """A thief replays an old token (or the client retries one): the family must die."""
        return self.refresh(data.draw(st.sampled_from(self._dead_tokens())))

    @rule(token=consumes(tokens))
    def logout_family(self, token: str) -> None:
        run(
            sessions.logout(
                uow=self.uow(),
                clock=self.clock,
                user_id=self.user_id,
                access_jti="jti-x",
                access_expires_at_epoch=None,
                refresh_token=token,
            )
        )
        self.live[self.family_of[token]] = None

    @rule()
    def logout_everywhere(self) -> None:
        run(
            sessions.logout(
                uow=self.uow(),
                clock=self.clock,
                user_id=self.user_id,
                access_jti=None,
                access_expires_at_epoch=None,
                refresh_token=None,
            )
        )
        for family in self.live:
            self.live[family] = None

    @rule(hours=st.integers(min_value=1, max_value=12))
    def time_passes(self, hours: int) -> None:
        self.clock.move_to(self.clock.now() + timedelta(hours=hours))

    @invariant()
    def at_most_one_live_token_per_family(self) -> None:
        records = self.db.refresh_tokens.values()
        for family_id in {r.family_id for r in records}:
            live = [r for r in records if r.family_id == family_id and r.used_at is None and r.revoked_at is None]
            assert len(live) <= 1


TestRefreshFamilies = RefreshFamilies.TestCase
TestRefreshFamilies.settings = settings(parent=settings.get_profile("pmsaas"), max_examples=100, stateful_step_count=20)

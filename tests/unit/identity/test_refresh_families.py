"""Refresh-token rotation and reuse detection as a hypothesis state machine over in-memory fakes.

The model: each sign-in starts a family; a refresh replaces the family's live token with a new one;
presenting any other token of a family (an old one) kills the whole family; logout with a refresh
token kills that family, without one every family of the user. Tokens of expired families die too.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, precondition, rule

from pmsaas.domain.identity import services
from pmsaas.domain.identity.model import IssuedAccessToken, Membership, RefreshRecord, User
from pmsaas.domain.identity.ports import (
    AccessTokenIssuer,
    AttemptLimiter,
    IdentityUnitOfWork,
    MembershipRepository,
    OrganizationRegistry,
    PasswordHasher,
    TokenRepository,
    UserRepository,
)
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import AuthenticationFailed, NotFound

# -- fakes ------------------------------------------------------------------------------------


@dataclass
class State:
    users: dict[UUID, User] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    refresh: dict[str, RefreshRecord] = field(default_factory=dict)  # token hash -> record
    revoked_access: dict[str, datetime] = field(default_factory=dict)


class FakeUsers(UserRepository):
    def __init__(self, uow: FakeUow) -> None:
        self.uow = uow

    async def add(self, user: User) -> None:
        self.uow.state.users[user.id] = user

    async def get(self, user_id: UUID) -> User:
        if user_id not in self.uow.state.users:
            raise NotFound("user", user_id)
        return self.uow.state.users[user_id]

    async def find_by_email(self, email: str) -> User | None:
        return next((u for u in self.uow.state.users.values() if u.email == email), None)

    async def update(self, user: User) -> None:
        self.uow.state.users[user.id] = user


class FakeMemberships(MembershipRepository):
    def __init__(self, uow: FakeUow) -> None:
        self.uow = uow

    async def add(self, membership: Membership) -> None:
        self.uow.state.memberships.append(membership)

    async def find(self, organization_id: UUID, user_id: UUID) -> Membership | None:
        return next(
            (m for m in self.uow.state.memberships if (m.organization_id, m.user_id) == (organization_id, user_id)),
            None,
        )

    async def get(self, organization_id: UUID, user_id: UUID) -> Membership:
        found = await self.find(organization_id, user_id)
        if found is None:
            raise NotFound("user", user_id)
        return found

    async def for_user(self, user_id: UUID) -> list[Membership]:
        return [m for m in self.uow.state.memberships if m.user_id == user_id]

    async def update(self, membership: Membership) -> None:  # pragma: no cover - unused here
        raise NotImplementedError

    async def remove(self, organization_id: UUID, user_id: UUID) -> None:  # pragma: no cover
        raise NotImplementedError

    async def list_users(self, *args: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


class FakeTokens(TokenRepository):
    def __init__(self, uow: FakeUow) -> None:
        self.uow = uow

    async def add_refresh(self, *, record: RefreshRecord, token_hash: str, created_at: datetime) -> None:
        self.uow.state.refresh[token_hash] = record

    async def find_refresh(self, token_hash: str) -> RefreshRecord | None:
        return self.uow.state.refresh.get(token_hash)

    async def mark_refresh_used(self, record_id: UUID, at: datetime) -> bool:
        for h, r in self.uow.state.refresh.items():
            if r.id == record_id and r.used_at is None:
                self.uow.state.refresh[h] = replace(r, used_at=at)
                return True
        return False

    async def revoke_family(self, family_id: UUID, at: datetime) -> None:
        for h, r in self.uow.state.refresh.items():
            if r.family_id == family_id and r.revoked_at is None:
                self.uow.state.refresh[h] = replace(r, revoked_at=at)

    async def revoke_user_tokens(self, user_id: UUID, at: datetime) -> None:
        for h, r in self.uow.state.refresh.items():
            if r.user_id == user_id and r.revoked_at is None:
                self.uow.state.refresh[h] = replace(r, revoked_at=at)

    async def add_action_token(self, **kw: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    async def use_action_token(self, **kw: Any) -> UUID | None:  # pragma: no cover
        raise NotImplementedError

    async def revoke_access(self, jti: str, expires_at: datetime) -> None:
        self.uow.state.revoked_access[jti] = expires_at

    async def is_access_revoked(self, jti: str) -> bool:
        return jti in self.uow.state.revoked_access


class FakeRegistry(OrganizationRegistry):
    async def create_for_owner(self, *, name: str, at: datetime) -> UUID:  # pragma: no cover
        raise NotImplementedError

    async def exists(self, organization_id: UUID) -> bool:  # pragma: no cover
        return True


class FakeUow(IdentityUnitOfWork):
    """Transactional like the SQL one: what is not committed is rolled back."""

    def __init__(self, committed: State) -> None:
        super().__init__()
        self.committed = committed
        self.state = committed
        self.users = FakeUsers(self)
        self.memberships = FakeMemberships(self)
        self.tokens = FakeTokens(self)
        self.organization_registry = FakeRegistry()

    async def _begin(self) -> None:
        self.state = copy.deepcopy(self.committed)

    async def commit(self) -> None:
        self.committed.__dict__.update(copy.deepcopy(self.state).__dict__)

    async def rollback(self) -> None:
        self.state = self.committed


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

    def issue(self, user: User, membership: Membership | None, now: datetime) -> IssuedAccessToken:
        self.count += 1
        return IssuedAccessToken(f"access-{self.count}", f"jti-{self.count}", now + timedelta(minutes=15), 900)


class NoLimits(AttemptLimiter):
    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        return None

    async def reset(self, key: str) -> None:
        return None


# -- the state machine ---------------------------------------------------------------------------

EMAIL, PASSWORD = "owner@example.com", "a long password"
POLICY = services.TokenPolicy(refresh_ttl=timedelta(days=1))


_LOOP = asyncio.new_event_loop()  # one loop for every step (these tests are synchronous)


def run(coro: Any) -> Any:
    return _LOOP.run_until_complete(coro)


class RefreshFamilies(RuleBasedStateMachine):
    tokens = Bundle("tokens")

    def __init__(self) -> None:
        super().__init__()
        self.db = State()
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

    def uow(self) -> FakeUow:
        return FakeUow(self.db)

    def _refresh_ok(self, token: str) -> bool:
        family = self.family_of[token]
        expired = self.clock.now() >= self.started_token[token] + POLICY.refresh_ttl
        return self.live[family] == token and not expired

    @rule(target=tokens)
    def login(self) -> str:
        pair = run(
            services.login(
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
                services.refresh(
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
            services.logout(
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
            services.logout(
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
        records = self.db.refresh.values()
        for family_id in {r.family_id for r in records}:
            live = [r for r in records if r.family_id == family_id and r.used_at is None and r.revoked_at is None]
            assert len(live) <= 1


TestRefreshFamilies = RefreshFamilies.TestCase
TestRefreshFamilies.settings = settings(parent=settings.get_profile("pmsaas"), max_examples=100, stateful_step_count=20)

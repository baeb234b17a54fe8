"""JwtTokens.decode caches verified tokens: same answers, expiry still enforced, failures never cached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from pmsaas.adapters.auth.jwt import JwtTokens, KeySet
from pmsaas.domain.identity.model import Membership, User
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import AuthenticationFailed, TokenExpired


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    return KeySet.development(tmp_path_factory.mktemp("keys"))


# Far from any real date on purpose: the tokens' times are judged by their own clock.
AT = datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC)


def _token(tokens: JwtTokens) -> str:
    now = tokens._clock.now()
    user = User(email="a@example.com", name="A", created_at=now, updated_at=now)
    membership = Membership(user.id, uuid4(), frozenset({"PropertyManager"}), created_at=now)
    return tokens.issue(user, membership, now).token


def _tokens(keys: KeySet, ttl: int = 900, clock: FixedClock | None = None) -> JwtTokens:
    clock = clock or FixedClock(AT)
    return JwtTokens(keys, issuer="pmsaas", audience="PropertyManagement", ttl_seconds=ttl, clock=clock)


def test_a_verified_token_is_not_verified_again(keys: KeySet, monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = _tokens(keys)
    token = _token(tokens)
    first = tokens.decode(token)

    def refuse(_token: str) -> dict[str, object]:
        raise AssertionError("verified twice")

    monkeypatch.setattr(tokens, "_verify", refuse)
    assert tokens.decode(token) == first


def test_callers_cannot_change_the_cached_claims(keys: KeySet) -> None:
    tokens = _tokens(keys)
    token = _token(tokens)
    claims = tokens.decode(token)
    claims["sub"] = "someone else"
    assert tokens.decode(token)["sub"] != "someone else"


def test_expiry_is_checked_on_every_cache_hit(keys: KeySet) -> None:
    clock = FixedClock(AT)
    tokens = _tokens(keys, ttl=60, clock=clock)
    token = _token(tokens)
    exp = tokens.decode(token)["exp"]
    clock.move_to(datetime.fromtimestamp(exp, UTC))
    with pytest.raises(TokenExpired):
        tokens.decode(token)
    assert token not in tokens._verified


def test_tampered_and_foreign_tokens_fail_every_time(keys: KeySet, tmp_path) -> None:
    tokens = _tokens(keys)
    token = _token(tokens)
    tokens.decode(token)
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    foreign = _token(_tokens(KeySet.development(tmp_path)))
    for bad in (tampered, foreign, "not-a-token"):
        for _ in range(2):
            with pytest.raises(AuthenticationFailed):
                tokens.decode(bad)
    assert set(tokens._verified) == {token}


def test_the_cache_is_bounded(keys: KeySet) -> None:
    tokens = _tokens(keys)
    tokens._verified_max = 3
    issued = [_token(tokens) for _ in range(5)]
    for token in issued:
        tokens.decode(token)
    assert len(tokens._verified) <= 3
    assert all(tokens.decode(t)["jti"] for t in issued)


def test_expiry_and_issue_time_are_judged_by_the_adapters_clock(keys: KeySet) -> None:
    clock = FixedClock(AT)
    tokens = _tokens(keys, ttl=60, clock=clock)
    token = _token(tokens)  # years away from the wall clock, and still valid on its own clock
    assert tokens.decode(token)["exp"] == int(AT.timestamp()) + 60
    clock.move_to(AT + timedelta(seconds=60))
    with pytest.raises(TokenExpired):
        _tokens(keys, ttl=60, clock=clock).decode(token)  # uncached: verified, then found expired
    clock.move_to(AT - timedelta(seconds=1))
    with pytest.raises(AuthenticationFailed):
        _tokens(keys, ttl=60, clock=clock).decode(token)  # issued in the clock's future

"""JwtTokens.decode caches verified tokens: same answers, expiry still enforced, failures never cached."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from pmsaas.adapters.auth import jwt as jwt_module
from pmsaas.adapters.auth.jwt import JwtTokens, KeySet
from pmsaas.domain.identity.model import Membership, User
from pmsaas.domain.shared.errors import AuthenticationFailed, TokenExpired


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    return KeySet.development(tmp_path_factory.mktemp("keys"))


def _token(tokens: JwtTokens) -> str:
    now = datetime.now(UTC)
    user = User(email="a@example.com", name="A", created_at=now, updated_at=now)
    membership = Membership(user.id, uuid4(), frozenset({"PropertyManager"}), created_at=now)
    return tokens.issue(user, membership, now).token


def _tokens(keys: KeySet, ttl: int = 900) -> JwtTokens:
    return JwtTokens(keys, issuer="pmsaas", audience="PropertyManagement", ttl_seconds=ttl)


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


def test_expiry_is_checked_on_every_cache_hit(keys: KeySet, monkeypatch: pytest.MonkeyPatch) -> None:
    tokens = _tokens(keys, ttl=60)
    token = _token(tokens)
    exp = tokens.decode(token)["exp"]
    monkeypatch.setattr(jwt_module.time, "time", lambda: exp + 0.0)
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

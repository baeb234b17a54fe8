"""One suite for every RevocationList adapter: in-memory always, Redis when PMSAAS_TEST_REDIS_URL is set."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from pmsaas.adapters.auth.revocations import InMemoryRevocationList, RevocationList, token_versions
from pmsaas.adapters.ratelimit.memory import InMemoryRateLimiter
from pmsaas.domain.identity.ports import ALL_ORGANIZATIONS, AccessEnded
from pmsaas.domain.shared.ports import RateLimiter

REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
ADAPTERS = ["memory"] + (["redis"] if REDIS_URL else [])


@pytest.fixture(params=ADAPTERS)
async def revocations(request) -> AsyncIterator[RevocationList]:
    if request.param == "memory":
        yield InMemoryRevocationList()
        return
    from redis.asyncio import Redis

    from pmsaas.adapters.auth.revocations import RedisRevocationList

    client = Redis.from_url(REDIS_URL)
    assert await client.ping(), f"PMSAAS_TEST_REDIS_URL={REDIS_URL} is set but Redis does not answer"
    yield RedisRevocationList(client, prefix=f"pmsaas:test:{uuid.uuid4().hex}:")
    await client.aclose()


def jti() -> str:
    return str(uuid.uuid4())


async def test_revoke_and_check(revocations):
    a, b = jti(), jti()
    assert not await revocations.is_revoked(a)
    await revocations.revoke(a, int(time.time()) + 600)
    assert await revocations.is_revoked(a)
    assert not await revocations.is_revoked(b)
    await revocations.revoke(a, int(time.time()) + 600)  # idempotent
    assert await revocations.is_revoked(a)


async def test_an_entry_lives_until_the_token_would_expire(revocations):
    short, long_ = jti(), jti()
    now = int(time.time())
    await revocations.revoke(short, now + 1)
    await revocations.revoke(long_, now + 600)
    assert await revocations.is_revoked(short)
    await asyncio.sleep(max(0.0, now + 2 - time.time()) + 0.1)
    assert not await revocations.is_revoked(short)  # the token itself has expired by now
    assert await revocations.is_revoked(long_)


async def test_many_concurrent_revocations(revocations):
    ids = [jti() for _ in range(50)]
    exp = int(time.time()) + 600
    await asyncio.gather(*(revocations.revoke(i, exp) for i in ids))
    assert all(await asyncio.gather(*(revocations.is_revoked(i) for i in ids)))


# -- the per-request gate: revocation check + rate-limit hit (one Redis round trip) ---------------


@pytest.fixture(params=ADAPTERS)
async def gate(request) -> AsyncIterator[tuple[RevocationList, RateLimiter]]:
    """A revocation list and a limiter as the container pairs them (same store)."""
    if request.param == "memory":
        yield InMemoryRevocationList(), InMemoryRateLimiter()
        return
    from redis.asyncio import Redis

    from pmsaas.adapters.auth.revocations import RedisRevocationList
    from pmsaas.adapters.ratelimit.redis import RedisRateLimiter

    client = Redis.from_url(REDIS_URL)
    prefix = f"pmsaas:test:{uuid.uuid4().hex}:"
    yield RedisRevocationList(client, prefix=prefix + "revoked:"), RedisRateLimiter(client, prefix=prefix + "rl:")
    await client.aclose()


async def test_the_gate_counts_a_live_token_like_hit(gate):
    revocations, limiter = gate
    k = f"api:user:{uuid.uuid4().hex}"
    decisions = [
        await revocations.hit_unless_revoked(jti(), limiter, k, limit=2, window_seconds=3600) for _ in range(3)
    ]
    assert all(d is not None for d in decisions)
    assert [d.allowed for d in decisions] == [True, True, False]
    assert [d.remaining for d in decisions] == [1, 0, 0]
    assert {d.limit for d in decisions} == {2} and {d.window_seconds for d in decisions} == {3600}
    # The same counter as hit(): a later plain hit sees the three.
    assert (await limiter.hit(k, limit=10, window_seconds=3600)).remaining == 6


async def test_the_gate_refuses_a_revoked_token_without_counting_it(gate):
    revocations, limiter = gate
    k, revoked, live = f"api:user:{uuid.uuid4().hex}", jti(), jti()
    await revocations.revoke(revoked, int(time.time()) + 600)
    assert await revocations.hit_unless_revoked(revoked, limiter, k, limit=5, window_seconds=3600) is None
    assert await revocations.hit_unless_revoked(revoked, limiter, k, limit=5, window_seconds=3600) is None
    d = await revocations.hit_unless_revoked(live, limiter, k, limit=5, window_seconds=3600)
    assert d is not None and d.remaining == 4  # the refused attempts were not counted


async def test_the_gate_works_with_a_limiter_on_another_store(gate):
    """A Redis revocation list paired with an in-memory limiter (or the reverse) falls back to two calls."""
    revocations, _ = gate
    other = InMemoryRateLimiter()
    revoked, k = jti(), f"api:user:{uuid.uuid4().hex}"
    await revocations.revoke(revoked, int(time.time()) + 600)
    assert await revocations.hit_unless_revoked(revoked, other, k, limit=5, window_seconds=60) is None
    d = await revocations.hit_unless_revoked(jti(), other, k, limit=5, window_seconds=60)
    assert d is not None and d.allowed and d.remaining == 4


async def test_on_redis_the_gate_is_one_script_call(gate, monkeypatch):
    revocations, limiter = gate
    if isinstance(revocations, InMemoryRevocationList):
        assert isinstance(limiter, InMemoryRateLimiter)  # no I/O to save in memory
        return
    calls: list[str] = []
    client = revocations._client  # type: ignore[attr-defined]
    real = client.execute_command

    async def counting(*args, **kw):
        calls.append(str(args[0]))
        return await real(*args, **kw)

    monkeypatch.setattr(client, "execute_command", counting)
    revoked = jti()
    await revocations.revoke(revoked, int(time.time()) + 600)
    await revocations.hit_unless_revoked(jti(), limiter, "api:user:w" + jti(), limit=5, window_seconds=60)  # loads it
    calls.clear()
    assert await revocations.hit_unless_revoked(jti(), limiter, "api:user:x" + jti(), limit=5, window_seconds=60)
    assert (
        await revocations.hit_unless_revoked(revoked, limiter, "api:user:y" + jti(), limit=5, window_seconds=60) is None
    )
    assert calls == ["EVALSHA", "EVALSHA"]


# -- access versions: rights taken away end older tokens (checked in the same round trip) -----------


def _ended(user: uuid.UUID, version: int, org: uuid.UUID | None = None) -> AccessEnded:
    return AccessEnded(user, org or ALL_ORGANIZATIONS, version)


async def test_a_raised_version_outdates_older_tokens_only(revocations):
    user, org = uuid.uuid4(), uuid.uuid4()
    claims = {"sub": str(user), "org_id": str(org), "uv": 0, "mv": 0}
    assert not await revocations.is_outdated(token_versions(claims))
    await revocations.raise_version(_ended(user, 1, org))
    assert await revocations.is_outdated(token_versions(claims))
    assert not await revocations.is_outdated(token_versions(claims, with_membership=False))  # only that membership
    assert not await revocations.is_outdated(token_versions({**claims, "mv": 1}))  # issued after the raise
    await revocations.raise_version(_ended(user, 2))
    assert await revocations.is_outdated(token_versions({**claims, "mv": 1, "uv": 1}))
    assert not await revocations.is_outdated(token_versions({**claims, "mv": 1, "uv": 2}))
    await revocations.raise_version(_ended(user, 1))  # late and lower: never lowers the version
    assert await revocations.is_outdated(token_versions({**claims, "mv": 1, "uv": 1}))
    other = {"sub": str(uuid.uuid4()), "org_id": str(org), "uv": 0, "mv": 0}
    assert not await revocations.is_outdated(token_versions(other))


async def test_the_gate_refuses_an_outdated_token_without_counting_it(gate):
    revocations, limiter = gate
    user, org, k = uuid.uuid4(), uuid.uuid4(), f"api:user:{uuid.uuid4().hex}"
    old = token_versions({"sub": str(user), "org_id": str(org), "uv": 0, "mv": 0})
    await revocations.raise_version(_ended(user, 1, org))
    assert await revocations.hit_unless_revoked(jti(), limiter, k, limit=5, window_seconds=3600, versions=old) is None
    new = token_versions({"sub": str(user), "org_id": str(org), "uv": 0, "mv": 1})
    d = await revocations.hit_unless_revoked(jti(), limiter, k, limit=5, window_seconds=3600, versions=new)
    assert d is not None and d.remaining == 4


async def test_on_redis_the_version_check_adds_no_round_trip(gate, monkeypatch):
    """The property-list benchmark's requests pass this gate: revocation, versions and the hit stay one
    EVALSHA."""
    revocations, limiter = gate
    if isinstance(revocations, InMemoryRevocationList):
        return
    calls: list[str] = []
    client = revocations._client  # type: ignore[attr-defined]
    real = client.execute_command

    async def counting(*args, **kw):
        calls.append(str(args[0]))
        return await real(*args, **kw)

    monkeypatch.setattr(client, "execute_command", counting)
    user, org = uuid.uuid4(), uuid.uuid4()
    await revocations.raise_version(_ended(user, 1))
    old = token_versions({"sub": str(user), "org_id": str(org), "uv": 0, "mv": 0})
    new = token_versions({"sub": str(user), "org_id": str(org), "uv": 1, "mv": 0})
    await revocations.hit_unless_revoked(jti(), limiter, "api:user:w" + jti(), limit=5, window_seconds=60)  # loads it
    calls.clear()
    assert await revocations.hit_unless_revoked(jti(), limiter, "x" + jti(), limit=5, window_seconds=60, versions=new)
    assert await revocations.hit_unless_revoked(jti(), limiter, "y", limit=5, window_seconds=60, versions=old) is None
    assert calls == ["EVALSHA", "EVALSHA"]

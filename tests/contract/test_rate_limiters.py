"""One suite for every RateLimiter adapter: in-memory always, Redis when PMSAAS_TEST_REDIS_URL is set.

A configured Redis that cannot be reached fails these tests (it is never skipped).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from pmsaas.adapters.ratelimit.memory import InMemoryRateLimiter, LimiterAttempts
from pmsaas.domain.shared.ports import RateLimiter

REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
ADAPTERS = ["memory"] + (["redis"] if REDIS_URL else [])


@pytest.fixture(params=ADAPTERS)
async def limiter(request) -> AsyncIterator[RateLimiter]:
    if request.param == "memory":
        yield InMemoryRateLimiter()
        return
    from redis.asyncio import Redis

    from pmsaas.adapters.ratelimit.redis import RedisRateLimiter

    client = Redis.from_url(REDIS_URL)
    assert await client.ping(), f"PMSAAS_TEST_REDIS_URL={REDIS_URL} is set but Redis does not answer"
    yield RedisRateLimiter(client, prefix=f"pmsaas:test:{uuid.uuid4().hex}:")
    await client.aclose()


def key() -> str:
    return f"k:{uuid.uuid4().hex}"


async def test_counts_and_remaining(limiter):
    k = key()
    decisions = [await limiter.hit(k, limit=3, window_seconds=3600) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0, 0]
    assert {d.limit for d in decisions} == {3} and {d.window_seconds for d in decisions} == {3600}
    assert [d.retry_after for d in decisions[:3]] == [0, 0, 0]
    assert all(1 <= d.retry_after <= 3600 for d in decisions[3:])
    # Keys are independent.
    assert (await limiter.hit(key(), limit=3, window_seconds=3600)).remaining == 2


async def test_reset_at_is_the_end_of_the_current_window(limiter):
    before = time.time()
    d = await limiter.hit(key(), limit=10, window_seconds=60)
    assert before < d.reset_at <= before + 61
    assert d.reset_at % 60 == 0  # fixed windows are aligned


async def test_window_rollover(limiter):
    k = key()
    first = await limiter.hit(k, limit=1, window_seconds=1)
    assert first.allowed
    blocked = await limiter.hit(k, limit=1, window_seconds=1)
    if blocked.reset_at == first.reset_at:  # not already across a boundary
        assert not blocked.allowed and blocked.retry_after >= 1
    await asyncio.sleep(max(0.0, blocked.reset_at - time.time()) + 0.05)
    again = await limiter.hit(k, limit=1, window_seconds=1)
    assert again.allowed and again.remaining == 0 and again.reset_at > blocked.reset_at - 1


async def test_reset_clears_the_key(limiter):
    k, other = key(), key()
    for _ in range(3):
        await limiter.hit(k, limit=2, window_seconds=3600)
        await limiter.hit(other, limit=2, window_seconds=3600)
    assert not (await limiter.hit(k, limit=2, window_seconds=3600)).allowed
    await limiter.reset(k)
    assert (await limiter.hit(k, limit=2, window_seconds=3600)).remaining == 1
    assert not (await limiter.hit(other, limit=2, window_seconds=3600)).allowed  # untouched
    await limiter.reset(key())  # an unknown key is fine


async def test_concurrent_hits_allow_exactly_the_limit(limiter):
    k = key()
    decisions = await asyncio.gather(*(limiter.hit(k, limit=10, window_seconds=3600) for _ in range(50)))
    assert sum(d.allowed for d in decisions) == 10
    assert sorted(d.remaining for d in decisions if d.allowed) == list(range(10))


async def test_attempt_limiter_on_top(limiter):
    attempts = LimiterAttempts(limiter)
    k = key()
    assert [await attempts.hit(k, limit=2, window_seconds=3600) for _ in range(2)] == [None, None]
    wait = await attempts.hit(k, limit=2, window_seconds=3600)
    assert wait is not None and 1 <= wait <= 3600
    await attempts.reset(k)
    assert await attempts.hit(k, limit=2, window_seconds=3600) is None


@pytest.mark.parametrize("pattern", ["*", "?", "[a-z]", "\\", "a*"])
async def test_reset_matches_the_key_literally(limiter, pattern):
    """Keys hold user input (e-mails); resetting "*@x" must not reset every "...@x"."""
    base = key()
    victim, attacker = f"{base}:ab@example.com", f"{base}:{pattern}@example.com"
    for _ in range(3):
        await limiter.hit(victim, limit=2, window_seconds=3600)
    await limiter.hit(attacker, limit=2, window_seconds=3600)
    await limiter.reset(attacker)
    assert not (await limiter.hit(victim, limit=2, window_seconds=3600)).allowed
    assert (await limiter.hit(attacker, limit=2, window_seconds=3600)).remaining == 1

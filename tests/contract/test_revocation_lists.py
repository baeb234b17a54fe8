"""One suite for every RevocationList adapter: in-memory always, Redis when PMSAAS_TEST_REDIS_URL is set."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from pmsaas.adapters.auth.revocations import InMemoryRevocationList, RevocationList

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

"""One suite for every IdempotencyStore adapter: SQL on SQLite (always) and PostgreSQL, and Redis
(when PMSAAS_TEST_DATABASE_URL / PMSAAS_TEST_REDIS_URL are set; an unreachable one fails)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from pmsaas.adapters.idempotency.redis import RedisIdempotencyStore
from pmsaas.adapters.idempotency.sql import SqlIdempotencyStore
from pmsaas.adapters.sql.engine import create_engine
from pmsaas.domain.shared.ports import IdempotencyStore, StoredResponse

REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
ADAPTERS = ["sql-sqlite"] + (["sql-postgres"] if os.environ.get("PMSAAS_TEST_DATABASE_URL") else [])
ADAPTERS += ["redis"] if REDIS_URL else []

Factory = Callable[..., IdempotencyStore]
RESPONSE = StoredResponse(
    status=201,
    headers=(("content-type", "application/json"), ("location", "/api/v1/properties/1")),
    body=b'{"success":true}\x00\xff',  # any bytes survive
)


@pytest.fixture(params=ADAPTERS)
async def make_store(request: pytest.FixtureRequest, database_urls: dict[str, str]) -> AsyncIterator[Factory]:
    closers = []
    if request.param == "redis":
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL, decode_responses=False)
        assert await client.ping()  # unreachable Redis fails the run, never skips
        closers.append(client.aclose)
        prefix = f"pmsaas:test:{uuid.uuid4().hex}:"

        def factory(**kw: float) -> IdempotencyStore:
            return RedisIdempotencyStore(client, prefix=prefix, **kw)
    else:
        engine = create_engine(database_urls[request.param.removeprefix("sql-")])
        closers.append(engine.dispose)

        def factory(**kw: float) -> IdempotencyStore:
            return SqlIdempotencyStore(engine, **kw)

    yield factory
    for close in closers:
        await close()


def scope() -> str:
    return f"{uuid.uuid4()}:user:{uuid.uuid4()}"


async def test_the_first_begin_claims_and_the_next_sees_it_running(make_store):
    store, s = make_store(), scope()
    assert await store.begin(s, "k1", "fp-a") is None
    again = await store.begin(s, "k1", "fp-a")
    assert again is not None and again.in_progress and again.fingerprint == "fp-a"
    other = await store.begin(s, "k1", "fp-b")
    assert other is not None and other.fingerprint == "fp-a"


async def test_a_completed_key_returns_the_stored_response(make_store):
    store, s = make_store(), scope()
    assert await store.begin(s, "k", "fp") is None
    await store.complete(s, "k", RESPONSE)
    record = await store.begin(s, "k", "fp")
    assert record is not None and not record.in_progress
    assert record.response == RESPONSE
    mismatch = await store.begin(s, "k", "other")
    assert mismatch is not None and mismatch.fingerprint == "fp" and mismatch.response == RESPONSE


async def test_keys_are_scoped(make_store):
    store, a, b = make_store(), scope(), scope()
    assert await store.begin(a, "same", "fp") is None
    assert await store.begin(b, "same", "fp") is None
    assert await store.begin(a, "other", "fp") is None


async def test_release_frees_a_running_key_but_never_a_completed_one(make_store):
    store, s = make_store(), scope()
    assert await store.begin(s, "k", "fp") is None
    await store.release(s, "k")
    assert await store.begin(s, "k", "fp-new") is None  # free again, with any body
    await store.complete(s, "k", RESPONSE)
    await store.release(s, "k")
    record = await store.begin(s, "k", "fp-new")
    assert record is not None and record.response == RESPONSE


async def test_only_one_of_many_concurrent_first_requests_wins(make_store):
    store, s = make_store(), scope()
    results = await asyncio.gather(*(store.begin(s, "race", "fp") for _ in range(8)))
    assert sum(r is None for r in results) == 1
    assert all(r.in_progress for r in results if r is not None)


async def test_a_stale_claim_is_taken_over_by_the_same_request_only(make_store):
    crashing, store, s = make_store(lock_seconds=0.05), make_store(), scope()
    assert await crashing.begin(s, "k", "fp") is None  # claimed with a short lock, then never completed
    await asyncio.sleep(0.1)
    other = await store.begin(s, "k", "different")
    assert other is not None and other.fingerprint == "fp"  # another body is still a reuse
    assert await store.begin(s, "k", "fp") is None  # the retry of the crashed request runs
    running = await store.begin(s, "k", "fp")
    assert running is not None and running.in_progress  # and holds a fresh lock


async def test_keys_expire_after_their_ttl(make_store):
    store, s = make_store(ttl_seconds=0.05), scope()
    assert await store.begin(s, "k", "fp") is None
    await store.complete(s, "k", RESPONSE)
    await asyncio.sleep(0.1)
    assert await store.begin(s, "k", "another body") is None  # the old key is gone


async def test_purge_removes_expired_keys_only(make_store):
    short, long_, s = make_store(ttl_seconds=0.05), make_store(), scope()
    assert await short.begin(s, "old", "fp") is None
    await short.complete(s, "old", RESPONSE)
    assert await long_.begin(s, "fresh", "fp") is None
    await long_.complete(s, "fresh", RESPONSE)
    await asyncio.sleep(0.1)
    purged = await long_.purge_expired()
    assert purged >= (0 if isinstance(long_, RedisIdempotencyStore) else 1)  # Redis expires by itself
    assert await long_.begin(s, "old", "new body") is None
    kept = await long_.begin(s, "fresh", "fp")
    assert kept is not None and kept.response == RESPONSE


def test_the_default_ttl_is_at_least_a_day(make_store):
    store = make_store()
    ttl = getattr(store, "_ttl_ms", None) or store._ttl.total_seconds() * 1000  # type: ignore[attr-defined]
    assert ttl >= 24 * 3600 * 1000

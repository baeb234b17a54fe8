"""The relay_outbox and purge_expired tasks over the real database (SQLite, and PostgreSQL in CI,
where concurrent relays go through FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from pmsaas.adapters.idempotency.sql import SqlIdempotencyStore
from pmsaas.adapters.sql.tables.identity import refresh_tokens, revoked_access_tokens
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tables.platform import idempotency_keys
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.entrypoints.worker.tasks import purge_expired, relay_outbox
from support import property_body

BASE = "/api/v1/properties"


class Recorder:
    def __init__(self, org_id: str | None = None, fail_on: int | None = None) -> None:
        self.org = uuid.UUID(org_id) if org_id else None
        self.events: list[DomainEvent] = []
        self.fail_on = fail_on

    async def __call__(self, event: DomainEvent) -> None:
        if self.org is not None and event.organization_id != self.org:
            return
        if self.fail_on is not None and len(self.events) == self.fail_on:
            raise ConnectionError("subscriber is down")
        self.events.append(event)


@pytest.fixture
def ctx(api) -> dict:
    return {"container": api.container}


@pytest.fixture
def subscribe(api) -> Iterator:
    removers = []

    def add(recorder: Recorder) -> Recorder:
        removers.append(api.container.event_publisher().subscribe(recorder))
        return recorder

    yield add
    for remove in removers:
        remove()


async def drain(ctx) -> None:
    """Publish whatever earlier tests left behind, so each test sees only its own events."""
    while await relay_outbox(ctx):
        pass


async def create_properties(api, owner, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = await api.post(BASE, owner.token, json=property_body(name=f"Relay {i}"))
        assert r.status_code == 201, r.text
        ids.append(r.json()["data"]["id"])
    return ids


async def unpublished(api, org_id: str) -> int:
    async with api.container.system_engine().connect() as conn:
        return (
            await conn.execute(
                sa.select(sa.func.count())
                .select_from(outbox)
                .where(outbox.c.organization_id == uuid.UUID(org_id), outbox.c.published_at.is_(None))
            )
        ).scalar_one()


async def test_relay_publishes_in_order_once(api, owner, ctx, subscribe):
    await drain(ctx)
    seen = subscribe(Recorder(owner.org_id))
    ids = await create_properties(api, owner, 3)
    await api.put(f"{BASE}/{ids[0]}", owner.token, json=property_body(name="Renamed"))
    assert await unpublished(api, owner.org_id) == 4

    assert await relay_outbox(ctx) == 4
    assert [(e.name, e.data["property_id"]) for e in seen.events] == [
        ("property.created", ids[0]),
        ("property.created", ids[1]),
        ("property.created", ids[2]),
        ("property.updated", ids[0]),
    ]
    assert all(e.organization_id == uuid.UUID(owner.org_id) and e.occurred_at.tzinfo for e in seen.events)
    assert await unpublished(api, owner.org_id) == 0

    assert await relay_outbox(ctx) == 0  # a second run finds nothing
    assert len(seen.events) == 4


async def test_relay_works_in_batches(api, owner, ctx, subscribe):
    await drain(ctx)
    seen = subscribe(Recorder(owner.org_id))
    ids = await create_properties(api, owner, 5)
    assert await relay_outbox(ctx, batch_size=2) == 5
    assert [e.data["property_id"] for e in seen.events] == ids


async def test_concurrent_relays_publish_each_event_once(api, owner, ctx, subscribe):
    await drain(ctx)
    seen = subscribe(Recorder(owner.org_id))
    ids = await create_properties(api, owner, 8)
    counts = await asyncio.gather(*(relay_outbox(ctx, batch_size=2) for _ in range(3)))
    assert sum(counts) == 8
    published = [e.id for e in seen.events]
    assert len(published) == len(set(published)) == 8
    assert sorted(e.data["property_id"] for e in seen.events) == sorted(ids)
    assert await unpublished(api, owner.org_id) == 0


async def test_a_failing_subscriber_leaves_the_rest_for_the_next_run(api, owner, ctx, subscribe):
    await drain(ctx)
    ids = await create_properties(api, owner, 3)
    unsubscribe = api.container.event_publisher().subscribe(flaky := Recorder(owner.org_id, fail_on=1))
    try:
        with pytest.raises(ConnectionError):
            await relay_outbox(ctx)
    finally:
        unsubscribe()
    assert [e.data["property_id"] for e in flaky.events] == ids[:1]
    assert await unpublished(api, owner.org_id) == 2
    async with api.container.system_engine().connect() as conn:
        attempts = (
            await conn.execute(
                sa.select(outbox.c.attempts)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.published_at.is_(None))
                .order_by(outbox.c.occurred_at)
            )
        ).scalars()
        assert list(attempts) == [1, 0]  # the failed event counts its attempt; the next was never tried

    seen = subscribe(Recorder(owner.org_id))
    assert await relay_outbox(ctx) == 2
    assert [e.data["property_id"] for e in seen.events] == ids[1:]  # order kept across runs


async def test_purge_expired_deletes_only_what_expired(api, owner, ctx):
    now = api.container.clock().now()  # the purge's own clock
    user = uuid.UUID(owner.user_id)
    old_token, fresh_token = uuid.uuid4(), uuid.uuid4()
    gone_jti, live_jti = f"gone-{uuid.uuid4().hex}", f"live-{uuid.uuid4().hex}"
    scope = f"test:{uuid.uuid4()}"
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            refresh_tokens.insert(),
            [
                {
                    "id": token_id,
                    "family_id": uuid.uuid4(),
                    "user_id": user,
                    "token_hash": uuid.uuid4().hex,
                    "created_at": now - timedelta(days=40),
                    "expires_at": expires,
                }
                for token_id, expires in ((old_token, now - timedelta(days=8)), (fresh_token, now - timedelta(days=6)))
            ],
        )
        await conn.execute(
            revoked_access_tokens.insert(),
            [
                {"jti": gone_jti, "expires_at": now - timedelta(minutes=1)},
                {"jti": live_jti, "expires_at": now + timedelta(minutes=5)},
            ],
        )
        await conn.execute(
            idempotency_keys.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "scope": scope,
                    "idempotency_key": name,
                    "fingerprint": "f" * 64,
                    "state": "completed",
                    "created_at": now - timedelta(days=2),
                    "expires_at": expires,
                }
                for name, expires in (("old", now - timedelta(hours=1)), ("new", now + timedelta(hours=1)))
            ],
        )

    counts = await purge_expired(ctx)
    assert counts["refresh_tokens"] >= 1 and counts["revoked_access_tokens"] >= 1
    sql_store = isinstance(api.container.idempotency_store(), SqlIdempotencyStore)
    assert counts["idempotency_keys"] >= (1 if sql_store else 0)

    async with api.container.system_engine().connect() as conn:
        tokens = set(
            (await conn.execute(sa.select(refresh_tokens.c.id).where(refresh_tokens.c.user_id == user))).scalars()
        )
        jtis = set(
            (
                await conn.execute(
                    sa.select(revoked_access_tokens.c.jti).where(revoked_access_tokens.c.jti.in_([gone_jti, live_jti]))
                )
            ).scalars()
        )
        keys = set(
            (
                await conn.execute(
                    sa.select(idempotency_keys.c.idempotency_key).where(idempotency_keys.c.scope == scope)
                )
            ).scalars()
        )
    assert old_token not in tokens and fresh_token in tokens  # a week's grace after expiry
    assert jtis == {live_jti}
    if sql_store:
        assert keys == {"new"}

"""The outbox is read in commit order (``seq``, migration 0025), not ``occurred_at``: the rows of one
transaction share their instant, and a transaction that began first may commit last."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from pmsaas.adapters.sql.outbox_order import lock_commit_order
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.domain.shared.events import DomainEvent


class Seen:
    def __init__(self, org: uuid.UUID) -> None:
        self.org, self.ids = org, []

    async def __call__(self, event: DomainEvent) -> None:
        if event.organization_id == self.org:
            self.ids.append(event.id)


async def relay_all(api) -> None:
    from pmsaas.entrypoints.worker.tasks import relay_outbox

    while await relay_outbox({"container": api.container}):
        pass


async def test_rows_of_one_transaction_keep_their_order_whatever_their_ids(api):
    await relay_all(api)
    org, at = uuid.uuid4(), datetime(2026, 12, 1, 12, tzinfo=UTC)
    ids = sorted((uuid.uuid4() for _ in range(5)), reverse=True)  # id order is the opposite of insert order
    async with api.container.uow() as uow:
        for event_id in ids:
            uow.record(DomainEvent(id=event_id, name="property.updated", organization_id=org, occurred_at=at, data={}))
        await uow.commit()
    seen = Seen(org)
    remove = api.container.event_publisher().subscribe(seen)
    try:
        await relay_all(api)
    finally:
        remove()
    assert seen.ids == ids


async def test_a_transaction_that_commits_later_is_relayed_later_even_if_it_happened_earlier(api):
    await relay_all(api)
    org = uuid.uuid4()
    early, late = uuid.uuid4(), uuid.uuid4()
    engine = api.container.engine()
    # Writer A holds the commit-order lock (PostgreSQL) or the write lock (SQLite) with its row in.
    conn = await engine.connect()
    await conn.begin()
    await lock_commit_order(conn)
    await conn.execute(
        outbox.insert().values(
            id=late,
            organization_id=org,
            event="property.updated",
            payload={},
            occurred_at=datetime(2026, 12, 1, 12, 0, 5, tzinfo=UTC),
        )
    )

    async def writer_b() -> None:  # began later, but "happened" earlier; must wait for A
        async with api.container.uow() as uow:
            uow.record(
                DomainEvent(
                    id=early,
                    name="property.updated",
                    organization_id=org,
                    occurred_at=datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC),
                    data={},
                )
            )
            await uow.commit()

    b = asyncio.create_task(writer_b())
    await asyncio.sleep(0.2)
    assert not b.done()  # queued behind A
    await conn.commit()
    await conn.close()
    await b

    async with engine.connect() as c:
        seqs = dict(
            (await c.execute(sa.select(outbox.c.id, outbox.c.seq).where(outbox.c.organization_id == org))).all()
        )
    assert seqs[late] < seqs[early]
    seen = Seen(org)
    remove = api.container.event_publisher().subscribe(seen)
    try:
        await relay_all(api)
    finally:
        remove()
    assert seen.ids == [late, early]  # commit order, not occurred_at

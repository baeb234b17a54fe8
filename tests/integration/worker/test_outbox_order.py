"""The outbox is read in commit order (``seq``, migration 0025), not ``occurred_at``: the rows of one
transaction share their instant, and a transaction that began first may commit last."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tables.properties import properties
from pmsaas.domain.shared.events import DomainEvent
from support import property_body


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
    async with api.container.system_uow() as uow:
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


async def test_writers_of_one_aggregate_are_relayed_in_their_commit_order(api, owner):
    """Order that matters to a consumer is per resource: two transactions that change the same row
    serialize on it (PostgreSQL's row lock, SQLite's one writer), and the outbox row is the last
    statement of each, so the later commit has the later ``seq``: relayed after, whatever its
    ``occurred_at``. (Unrelated transactions are not ordered against each other: no global lock.)"""
    await relay_all(api)
    place = await api.post("/api/v1/properties", owner.token, json=property_body())
    property_id, org = uuid.UUID(place.json()["data"]["id"]), uuid.UUID(owner.org_id)
    await relay_all(api)
    first, second = uuid.uuid4(), uuid.uuid4()
    engine = api.container.system_engine()
    conn = await engine.connect()  # writer A: changes the row and keeps its transaction open
    await conn.begin()
    await conn.execute(properties.update().where(properties.c.id == property_id).values(name="A"))

    async def writer_b() -> None:  # changes the same row: waits for A; "happened" earlier
        async with api.container.system_uow() as uow:
            await uow.connection.execute(properties.update().where(properties.c.id == property_id).values(name="B"))
            uow.record(_event(second, org, datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)))
            await uow.commit()

    b = asyncio.create_task(writer_b())
    await asyncio.sleep(0.2)
    assert not b.done()  # queued behind A on the row
    await conn.execute(outbox.insert().values(**_row(first, org, datetime(2026, 12, 1, 12, 0, 5, tzinfo=UTC))))
    await conn.commit()
    await conn.close()
    await b

    seen = Seen(org)
    remove = api.container.event_publisher().subscribe(seen)
    try:
        await relay_all(api)
    finally:
        remove()
    assert seen.ids == [first, second]  # commit order, not occurred_at


def _event(event_id: uuid.UUID, org: uuid.UUID, at: datetime) -> DomainEvent:
    return DomainEvent(id=event_id, name="property.updated", organization_id=org, occurred_at=at, data={})


def _row(event_id: uuid.UUID, org: uuid.UUID, at: datetime) -> dict[str, object]:
    return {"id": event_id, "organization_id": org, "event": "property.updated", "payload": {}, "occurred_at": at}

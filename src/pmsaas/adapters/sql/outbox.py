"""The outbox relay's SQL side: claim unpublished rows in commit order, never handing one to two relays."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.sql.tables.notifications import outbox as t
from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ports import EventPublisher, FollowUp, Outbox, OutboxSubscriber

log = structlog.get_logger(__name__)


class SqlOutbox(Outbox):
    """PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets concurrent relays take disjoint batches.
    SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (see engine.py), so relays take turns;
    a relay that waited sees the rows the other one marked and skips them.

    Order is ``seq`` (migration 0025): per resource, the commit order (docs/DECISIONS.md)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def relay_batch(
        self,
        publisher: EventPublisher,
        *,
        limit: int,
        now: datetime,
        subscribers: Sequence[OutboxSubscriber] = (),
    ) -> int:
        published: list[object] = []
        follow_ups: list[FollowUp] = []
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.c.id, t.c.organization_id, t.c.event, t.c.payload, t.c.occurred_at)
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.seq, t.c.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            events = [
                DomainEvent(
                    id=row.id,
                    name=row.event,
                    organization_id=row.organization_id,
                    occurred_at=row.occurred_at,
                    data=row.payload,
                )
                for row in rows
            ]
            if events and subscribers:
                # Their rows commit with the marks below, or not at all (a failure rolls back the batch).
                uow = SqlUnitOfWork.joined(self._engine, conn)
                for subscriber in subscribers:
                    follow_ups.extend(await subscriber.receive(events, uow, now))
            failure: BaseException | None = None
            for event in events:
                try:
                    await publisher.publish(event)
                except Exception as exc:  # recorded below and re-raised: the rest waits for the next run
                    failure = exc
                    await conn.execute(t.update().where(t.c.id == event.id).values(attempts=t.c.attempts + 1))
                    break
                published.append(event.id)
            if published:
                # Guarded by ``published_at IS NULL`` too: a row is marked by one relay only.
                await conn.execute(
                    t.update()
                    .where(t.c.id.in_(published), t.c.published_at.is_(None))
                    .values(published_at=now, attempts=t.c.attempts + 1)
                )
        # Committed: now the subscribers may tell the world (never for a batch that rolled back).
        await _run(follow_ups)
        if failure is not None:
            raise failure
        return len(published)


async def _run(follow_ups: list[FollowUp]) -> None:
    for follow_up in follow_ups:
        try:
            await follow_up()
        except Exception as exc:  # what it announces is stored; a lost announcement is not a lost row
            log.warning("outbox.follow_up_failed", error=type(exc).__name__)

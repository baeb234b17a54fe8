"""Deletes rows that outlived their purpose; run hourly by the worker (or in-process when embedded)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.sql.tables.identity import refresh_tokens, revoked_access_tokens
from pmsaas.adapters.sql.tables.notifications import notice_deliveries, outbox
from pmsaas.domain.shared.ports import Housekeeping

# Published outbox events are kept a week (consumers dedupe by event id; an operator can look back).
PUBLISHED_EVENTS_KEPT = timedelta(days=7)
# The event notices' sent (or given up) messages are kept as long as the events they came from.
FINISHED_NOTICES_KEPT = PUBLISHED_EVENTS_KEPT
# Expired refresh tokens are kept a week past expiry, for investigating token reuse.
REFRESH_TOKEN_GRACE = timedelta(days=7)


class SqlHousekeeping(Housekeeping):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def purge_expired(self, now: datetime) -> dict[str, int]:
        async with self._engine.begin() as conn:
            tokens = await conn.execute(
                refresh_tokens.delete().where(refresh_tokens.c.expires_at < now - REFRESH_TOKEN_GRACE)
            )
            revoked = await conn.execute(revoked_access_tokens.delete().where(revoked_access_tokens.c.expires_at < now))
            n = notice_deliveries
            notices = await conn.execute(
                n.delete().where(n.c.status != "pending", n.c.created_at < now - FINISHED_NOTICES_KEPT)
            )
        return {
            "refresh_tokens": int(tokens.rowcount or 0),
            "revoked_access_tokens": int(revoked.rowcount or 0),
            "notice_deliveries": int(notices.rowcount or 0),
        }

    async def purge_published_events(self, now: datetime) -> int:
        """Outbox housekeeping: events published more than a week ago. The newest event always stays,
        so a sequence derived from the table's maximum (SQLite's) never starts over."""
        newest = sa.select(sa.func.max(outbox.c.occurred_at)).scalar_subquery()
        old = (outbox.c.published_at < now - PUBLISHED_EVENTS_KEPT) & (outbox.c.occurred_at < newest)
        async with self._engine.begin() as conn:
            done = await conn.execute(outbox.delete().where(old))
        return int(done.rowcount or 0)

"""Commit order for the outbox on PostgreSQL.

A sequence hands out numbers in the order transactions ask, not the order they commit: a relay could
see 11 committed, relay it, and see 10 commit afterwards. So a writer takes this transaction-scoped
advisory lock right before inserting its outbox rows, the last statement before COMMIT; it holds it
through the commit, so the numbers of one writer are all below those of the next. Only writers that
record events queue here, for one insert and the commit (so event-producing commits are serialized:
at most about one per commit latency, e.g. ~1,000/s with a 1 ms WAL flush). Taken last, the lock's
holder waits for nothing else (its insert conflicts with no one): it cannot be part of a deadlock.
SQLite needs nothing: one writer at a time.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

# An arbitrary 64-bit key of our own ("outbox" in ASCII); advisory locks share one key space per database.
OUTBOX_ORDER_LOCK = 0x6F7574626F78


async def lock_commit_order(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_ORDER_LOCK})

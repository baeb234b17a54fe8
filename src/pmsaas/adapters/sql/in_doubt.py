"""A commit whose answer was lost: did the server commit?

When the connection dies while COMMIT is on the wire, the client cannot tell whether the server
committed. Answering 503 then is wrong half of the time: the write is there, and the client's
retry (its Idempotency-Key released with the 503) writes it twice. PostgreSQL can say what became
of a transaction by its id (``txid_status``, PostgreSQL 10+), so the unit of work learns the id
with the outbox rows it inserts anyway (``RETURNING txid_current()``: no extra round trip) and,
on a lost COMMIT, asks a fresh connection.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

TRANSACTION_ID = sa.func.txid_current()
_STATUS = sa.text("SELECT txid_status(:transaction_id)")
_WAIT_SECONDS = 0.05  # a backend still finishing its commit is waited for, briefly
_ATTEMPTS = 40


async def committed(engine: AsyncEngine, transaction_id: int) -> bool:
    """True when the transaction committed; False when it aborted, or when the server cannot be
    asked within about two seconds (the outcome stays unknown and the caller answers 503)."""
    for _ in range(_ATTEMPTS):
        try:
            async with engine.connect() as probe:
                status = (await probe.execute(_STATUS, {"transaction_id": transaction_id})).scalar()
        except (OSError, DBAPIError):
            status = "unknown"  # the network that cut the COMMIT may still be failing: ask again
        if status not in ("in progress", "unknown"):
            return status == "committed"
        await asyncio.sleep(_WAIT_SECONDS)
    return False

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
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncEngine

TRANSACTION_ID = sa.func.txid_current()
_STATUS = sa.text("SELECT txid_status(:transaction_id)")
_FIRST_WAIT_SECONDS = 0.05  # a backend still finishing its commit is waited for, briefly
_LONGEST_WAIT_SECONDS = 1.0
_GIVE_UP_AFTER_SECONDS = 15.0  # a short outage is waited out: a right answer late beats a double write


async def committed(engine: AsyncEngine, transaction_id: int) -> bool | None:
    """True when the transaction committed; False when it aborted; None when the server cannot be
    asked within about fifteen seconds (the outcome stays unknown: the caller answers 503 and keeps
    the request's Idempotency-Key claimed)."""
    loop = asyncio.get_running_loop()
    give_up, wait = loop.time() + _GIVE_UP_AFTER_SECONDS, _FIRST_WAIT_SECONDS
    while True:
        try:
            async with engine.connect() as probe:
                status = (await probe.execute(_STATUS, {"transaction_id": transaction_id})).scalar()
        except (OSError, DBAPIError, InvalidRequestError):
            status = "unknown"  # the network that cut the COMMIT may still be failing: ask again
        if status not in ("in progress", "unknown", None):
            return bool(status == "committed")
        if loop.time() + wait > give_up:
            return None
        await asyncio.sleep(wait)
        wait = min(wait * 2, _LONGEST_WAIT_SECONDS)

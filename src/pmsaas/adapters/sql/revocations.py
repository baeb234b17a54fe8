"""The durable record of revoked access tokens, read back at start-up."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.sql.tables.identity import revoked_access_tokens as t


async def live_revocations(engine: AsyncEngine, now: datetime) -> list[tuple[str, int]]:
    """(jti, expiry as epoch seconds) of every revocation that has not expired at ``now``."""
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(t.c.jti, t.c.expires_at).where(t.c.expires_at > now))
        return [(row.jti, int(row.expires_at.timestamp())) for row in rows]

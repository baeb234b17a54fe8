"""The durable record of ended access, read back at start-up: revoked access-token ids, and the
access versions raised within one access-token lifetime (older ones outlive no token)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.sql.tables.identity import access_versions as v
from pmsaas.adapters.sql.tables.identity import revoked_access_tokens as t
from pmsaas.adapters.sql.tables.oauth import oauth_clients as c
from pmsaas.domain.identity.ports import OAUTH_CLIENT, AccessEnded


async def live_revocations(
    engine: AsyncEngine, now: datetime, token_ttl: timedelta
) -> tuple[list[tuple[str, int]], list[tuple[AccessEnded, int]]]:
    """(jti, expiry epoch) of each revocation not yet expired at ``now``, and (ended access, epoch it
    is kept until) of each access version raised less than one token lifetime ago."""
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(t.c.jti, t.c.expires_at).where(t.c.expires_at > now))
        tokens = [(row.jti, int(row.expires_at.timestamp())) for row in rows]
        rows = await conn.execute(sa.select(v).where(v.c.changed_at > now - token_ttl))
        versions = [
            (AccessEnded(row.user_id, row.organization_id, row.version), int((row.changed_at + token_ttl).timestamp()))
            for row in rows
        ]
        # A client revoked within one token lifetime: its tokens still end (its version is 1 from then).
        rows = await conn.execute(
            sa.select(c.c.id, c.c.revoked_at).where(c.c.revoked_at.is_not(None), c.c.revoked_at > now - token_ttl)
        )
        versions += [
            (AccessEnded(row.id, OAUTH_CLIENT, 1), int((row.revoked_at + token_ttl).timestamp())) for row in rows
        ]
    return tokens, versions

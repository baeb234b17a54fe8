from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.api_keys import api_keys as t
from pmsaas.domain.identity.api_keys import ApiKey, ApiKeyRepository
from pmsaas.domain.shared.errors import NotFound

# Every request with an API key reads its key by the lookup part: the statement is built once.
_BY_LOOKUP = t.select().where(t.c.lookup == sa.bindparam("w_lookup"))


def to_api_key(r: Any) -> ApiKey:
    return ApiKey(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        lookup=r.lookup,
        secret_hash=r.secret_hash,
        scopes=frozenset(r.scopes),
        created_by=r.created_by,
        created_at=r.created_at,
        expires_at=r.expires_at,
        last_used_at=r.last_used_at,
        revoked_at=r.revoked_at,
        previous_secret_hash=r.previous_secret_hash,
        previous_valid_until=r.previous_valid_until,
        rotated_at=r.rotated_at,
    )


class SqlApiKeyRepository(ApiKeyRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, key: ApiKey) -> None:
        await self._conn.execute(
            t.insert().values(
                id=key.id,
                organization_id=key.organization_id,
                name=key.name,
                lookup=key.lookup,
                secret_hash=key.secret_hash,
                scopes=sorted(key.scopes),
                created_by=key.created_by,
                created_at=key.created_at,
                expires_at=key.expires_at,
                last_used_at=key.last_used_at,
                revoked_at=key.revoked_at,
                previous_secret_hash=key.previous_secret_hash,
                previous_valid_until=key.previous_valid_until,
                rotated_at=key.rotated_at,
            )
        )

    async def get(self, organization_id: UUID, key_id: UUID) -> ApiKey:
        row = (
            await self._conn.execute(t.select().where(t.c.organization_id == organization_id, t.c.id == key_id))
        ).first()
        if row is None:
            raise NotFound("api key", key_id)
        return to_api_key(row)

    async def find_by_lookup(self, lookup: str) -> ApiKey | None:
        row = (await self._conn.execute(_BY_LOOKUP, {"w_lookup": lookup})).first()
        return to_api_key(row) if row else None

    async def list(self, organization_id: UUID) -> list[ApiKey]:
        rows = await self._conn.execute(
            t.select().where(t.c.organization_id == organization_id).order_by(t.c.created_at.desc(), t.c.id)
        )
        return [to_api_key(r) for r in rows]

    async def count_live(self, organization_id: UUID) -> int:
        query = sa.select(sa.func.count()).where(t.c.organization_id == organization_id, t.c.revoked_at.is_(None))
        return (await self._conn.execute(query)).scalar_one()

    async def revoke(self, organization_id: UUID, key_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            t.update()
            .where(t.c.organization_id == organization_id, t.c.id == key_id, t.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def touch(self, key_id: UUID, at: datetime) -> None:
        await self._conn.execute(t.update().where(t.c.id == key_id).values(last_used_at=at))

    async def rotate(self, key: ApiKey) -> None:
        await self._conn.execute(
            t.update()
            .where(t.c.organization_id == key.organization_id, t.c.id == key.id)
            .values(
                secret_hash=key.secret_hash,
                previous_secret_hash=key.previous_secret_hash,
                previous_valid_until=key.previous_valid_until,
                rotated_at=key.rotated_at,
            )
        )

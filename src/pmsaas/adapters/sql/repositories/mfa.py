"""Users' TOTP factors (one row per user)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.identity import mfa_factors as t
from pmsaas.domain.identity.model import MfaFactor
from pmsaas.domain.identity.ports import MfaFactorRepository


class SqlMfaFactorRepository(MfaFactorRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, user_id: UUID) -> MfaFactor | None:
        r = (await self._conn.execute(t.select().where(t.c.user_id == user_id))).first()
        if r is None:
            return None
        return MfaFactor(
            user_id=r.user_id,
            sealed_secret=r.sealed_secret,
            created_at=r.created_at,
            confirmed_at=r.confirmed_at,
            last_step=r.last_step,
            recovery_hashes=tuple(r.recovery_hashes),
        )

    async def save(self, factor: MfaFactor) -> None:
        await self.remove(factor.user_id)
        await self._conn.execute(
            t.insert().values(
                user_id=factor.user_id,
                sealed_secret=factor.sealed_secret,
                created_at=factor.created_at,
                confirmed_at=factor.confirmed_at,
                last_step=factor.last_step,
                recovery_hashes=list(factor.recovery_hashes),
            )
        )

    async def remove(self, user_id: UUID) -> None:
        await self._conn.execute(t.delete().where(t.c.user_id == user_id))

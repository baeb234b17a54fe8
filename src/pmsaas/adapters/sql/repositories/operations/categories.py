"""Each organization's custom ticket categories."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.operations import ticket_categories
from pmsaas.domain.operations.ports import CategoryRepository
from pmsaas.domain.shared.errors import Conflict


class SqlCategoryRepository(CategoryRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def custom(self, organization_id: UUID) -> list[str]:
        c = ticket_categories
        rows = await self._conn.execute(sa.select(c.c.name).where(c.c.organization_id == organization_id))
        return [r.name for r in rows]

    async def add(self, organization_id: UUID, name: str, at: datetime) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    ticket_categories.insert().values(organization_id=organization_id, name=name, created_at=at)
                )
        except IntegrityError:
            raise Conflict(f"the category {name!r} exists") from None

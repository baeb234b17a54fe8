"""SQL adapter of the invoice and receipt number counters."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.ports import NumberSequences


class SqlNumberSequences(NumberSequences):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def reserve(self, organization_id: UUID, series: str, fiscal_year: str, count: int) -> int:
        t = F.number_sequences
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(t).values(
            organization_id=organization_id, series=series, fiscal_year=fiscal_year, last_value=count
        )
        # One statement: create the counter at ``count`` or move it by ``count``. The conflicting
        # update takes the row lock: concurrent issuers queue here until the holder commits or
        # rolls back, so a rolled-back number is reused and none is skipped.
        result = await self._conn.execute(
            insert.on_conflict_do_update(
                index_elements=[t.c.organization_id, t.c.series, t.c.fiscal_year],
                set_={"last_value": t.c.last_value + insert.excluded.last_value},
            ).returning(t.c.last_value)
        )
        return int(result.scalar_one()) - count + 1

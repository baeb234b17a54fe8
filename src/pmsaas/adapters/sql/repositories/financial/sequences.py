"""SQL adapter of the invoice and receipt number counters."""

from __future__ import annotations

import functools
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.ports import NumberSequences


@functools.cache
def _reserve_statement(dialect_name: str) -> Any:
    """The upsert that moves a counter, built once per dialect with bound parameters: SQLAlchemy
    then finds it in its compiled cache instead of cloning a statement and keying it per call."""
    t = F.number_sequences
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(t).values(
        organization_id=sa.bindparam("c_organization_id", type_=t.c.organization_id.type),
        series=sa.bindparam("c_series", type_=t.c.series.type),
        fiscal_year=sa.bindparam("c_fiscal_year", type_=t.c.fiscal_year.type),
        last_value=sa.bindparam("c_count", type_=t.c.last_value.type),
    )
    return insert.on_conflict_do_update(
        index_elements=[t.c.organization_id, t.c.series, t.c.fiscal_year],
        set_={"last_value": t.c.last_value + insert.excluded.last_value},
    ).returning(t.c.last_value)


class SqlNumberSequences(NumberSequences):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def reserve(self, organization_id: UUID, series: str, fiscal_year: str, count: int) -> int:
        # One statement: create the counter at ``count`` or move it by ``count``. The conflicting
        # update takes the row lock: concurrent issuers queue here until the holder commits or
        # rolls back, so a rolled-back number is reused and none is skipped.
        params = {
            "c_organization_id": organization_id,
            "c_series": series,
            "c_fiscal_year": fiscal_year,
            "c_count": count,
        }
        result = await self._conn.execute(_reserve_statement(self._conn.dialect.name), params)
        return int(result.scalar_one()) - count + 1

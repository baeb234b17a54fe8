"""What the PostgreSQL list adapters share: a statement compiled once per *shape* of request (which filters
are present, the sort; never the values), sent straight to the unit of work's psycopg connection with
parameters already in the driver's types. SQLAlchemy's result layer costs ~0.25 ms per 50-row page
(bench/README.md); the connection, its transaction state and its type loaders are the unit of work's own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.domain.shared.errors import DependencyUnavailable


class PsycopgQuery:
    """Base of the PostgreSQL query adapters. Subclasses keep their own ``_sql`` cache (class level)."""

    _sql: dict[Hashable, tuple[str, ...]]

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def compiled(self, shape: Hashable, build: Callable[[], tuple[sa.Select[Any], ...]]) -> tuple[str, ...]:
        """The SQL text of ``build()``'s statements for this shape, compiled on first use."""
        found = self._sql.get(shape)
        if found is None:
            dialect = self._conn.dialect
            found = self._sql[shape] = tuple(str(s.compile(dialect=dialect)) for s in build())
        return found

    async def _fetch(self, sql: str, params: dict[str, Any]) -> list[Any]:
        # The unit of work's own psycopg connection (attribute access only: no greenlet round trip).
        sync = self._conn.sync_connection
        assert sync is not None  # set while the unit of work is open
        driver: Any = sync.connection.driver_connection  # psycopg's AsyncConnection
        try:
            cursor = await driver.execute(sql, params)
            rows: list[Any] = await cursor.fetchall()
            return rows
        except psycopg.OperationalError as exc:
            if driver.closed or driver.broken:
                await self._conn.invalidate(exc)
                raise DependencyUnavailable("database connection lost; retry the request") from exc
            raise


__all__ = ["PsycopgQuery"]

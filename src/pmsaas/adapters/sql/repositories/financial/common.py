"""What the financial SQL adapters share."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_ignore(conn: AsyncConnection, table: sa.Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite: a clash writes nothing and
    does not abort the transaction."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def lock_for_update(query: Any, conn: AsyncConnection) -> Any:
    # SQLite serializes writers itself; PostgreSQL needs the row lock.
    return query.with_for_update() if conn.dialect.name == "postgresql" else query

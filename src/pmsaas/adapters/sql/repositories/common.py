"""Helpers every SQL repository shares: paging with a total, created-at ranges, soft-deleted rows."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.domain.shared.errors import Conflict, NotFound, ValidationFailed
from pmsaas.domain.shared.paging import After, Page, PageRequest

T = TypeVar("T")


@functools.cache
def insert_of(table: sa.Table) -> sa.Insert:
    """The table's INSERT, built once: executed with a row as its parameters it sends the SQL that
    ``insert().values(**row)`` sends, without a new construct and cache key per call."""
    return table.insert()


def apply_created_range(
    column: sa.ColumnElement[Any], after: datetime | None, before: datetime | None
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if after is not None:
        where.append(column >= after)
    if before is not None:
        where.append(column <= before)
    return where


def keyset_where(
    order_column: sa.ColumnElement[Any], id_column: sa.ColumnElement[Any], page: PageRequest
) -> list[sa.ColumnElement[bool]]:
    """Rows strictly after the keyset position, as a row-value comparison both engines answer from the
    (organization_id, sort column, id) index. A nullable sort column has no total order across engines
    (NULLS FIRST on SQLite, LAST on PostgreSQL), so it cannot continue by keyset."""
    if page.after is None:
        return []
    if not keyset_capable(order_column):
        raise ValidationFailed.single("cursor", f"not available when sorting by {page.sort_by}; use page")
    position = sa.tuple_(sa.literal(page.after.value, order_column.type), sa.literal(page.after.id, id_column.type))
    row = sa.tuple_(order_column, id_column)
    return [row < position if page.descending else row > position]


def keyset_capable(order_column: sa.ColumnElement[Any]) -> bool:
    return getattr(order_column, "nullable", True) is False


def next_after(
    rows: Sequence[Any], page: PageRequest, key: Callable[[Any], tuple[Any, Any]], capable: bool
) -> After | None:
    """Where the page after this one starts: after the last row shown, when one more row was found."""
    if not capable or len(rows) <= page.page_size:
        return None
    value, row_id = key(rows[page.page_size - 1])
    return After(value=value, id=row_id)


async def page_of(
    conn: AsyncConnection,
    table: sa.Table | sa.FromClause,
    where: Sequence[sa.ColumnElement[bool]],
    sortable: Mapping[str, sa.ColumnElement[Any]],
    page: PageRequest,
    to_entity: Callable[[Any], T],
    *,
    columns: Sequence[sa.ColumnElement[Any]] | None = None,
    id_column: sa.ColumnElement[Any] | None = None,
    counted: sa.ScalarSelect[int] | None = None,
) -> Page[T]:
    """The page and its total in one statement (the count is an uncorrelated scalar subquery the database
    evaluates once); a second count query only when the page is empty. The sort always ends on the id so
    pages are stable. One row more than the page is read, to know whether a keyset cursor continues.
    Rows reach ``to_entity`` with extra columns: ``_page_total``, ``_keyset_value``, ``_keyset_id``.
    ``counted``: the total from the list's counters (``queries/list_totals.py``) instead of a count."""
    condition = sa.and_(*where)
    count = sa.select(sa.func.count()).select_from(table).where(condition) if counted is None else sa.select(counted)
    order_column = sortable[page.sort_by]
    id_column = table.c.id if id_column is None else id_column
    ordering = (order_column.desc(), id_column.desc()) if page.descending else (order_column.asc(), id_column.asc())
    selected: Sequence[Any] = columns or (table,)
    query = (
        sa.select(
            *selected,
            (count.correlate(None).scalar_subquery() if counted is None else counted).label("_page_total"),
            order_column.label("_keyset_value"),
            id_column.label("_keyset_id"),
        )
        .select_from(table)  # a join keeps its ON clause (columns alone would cross-join the tables)
        .where(condition, *keyset_where(order_column, id_column, page))
        .order_by(*ordering)
        .limit(page.page_size + 1)
        .offset(page.offset)
    )
    rows = (await conn.execute(query)).all()
    total = rows[0]._page_total if rows else (await conn.execute(count)).scalar_one()
    after = next_after(rows, page, lambda r: (r._keyset_value, r._keyset_id), keyset_capable(order_column))
    return Page(
        items=[to_entity(r) for r in rows[: page.page_size]],
        total=total,
        page=page.page,
        page_size=page.page_size,
        request=page,
        next_after=after,
    )


class SoftDeletedRows(Generic[T]):
    """add/get/update/delete for a table whose rows carry ``organization_id``, an optimistic
    ``version`` and a ``deleted_at`` tombstone. Subclasses name the table, the noun used in
    errors, and the two mappings; every query stays inside one organization."""

    table: ClassVar[sa.Table]
    noun: ClassVar[str]

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @staticmethod
    def _row(entity: T, /) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def _entity(row: Any, /) -> T:
        raise NotImplementedError

    @classmethod
    def _live(cls, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(cls.table.c.organization_id == organization_id, cls.table.c.deleted_at.is_(None))

    async def add(self, entity: T) -> None:
        await self._conn.execute(insert_of(self.table), self._row(entity))

    async def get(self, organization_id: UUID, entity_id: UUID) -> T:
        query = self.table.select().where(self._live(organization_id), self.table.c.id == entity_id)
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound(self.noun, entity_id)
        return self._entity(row)

    async def update(self, entity: Any, expected_version: int) -> None:
        values = self._row(entity)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        c = self.table.c
        result = await self._conn.execute(
            self.table.update()
            .where(self._live(entity.organization_id), c.id == entity.id, c.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict(f"the {self.noun} was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, entity_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            self.table.update().where(self._live(organization_id), self.table.c.id == entity_id).values(deleted_at=at)
        )
        if result.rowcount != 1:
            raise NotFound(self.noun, entity_id)

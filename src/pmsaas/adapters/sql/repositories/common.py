"""Helpers every SQL repository shares: paging with a total, created-at ranges."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.domain.shared.paging import Page, PageRequest

T = TypeVar("T")


def apply_created_range(
    column: sa.ColumnElement[Any], after: datetime | None, before: datetime | None
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if after is not None:
        where.append(column >= after)
    if before is not None:
        where.append(column <= before)
    return where


async def page_of(
    conn: AsyncConnection,
    table: sa.Table | sa.FromClause,
    where: Sequence[sa.ColumnElement[bool]],
    sortable: dict[str, sa.ColumnElement[Any]],
    page: PageRequest,
    to_entity: Callable[[Any], T],
    *,
    columns: Sequence[sa.ColumnElement[Any]] | None = None,
    id_column: sa.ColumnElement[Any] | None = None,
) -> Page[T]:
    """The page and its total in one statement (the count is an uncorrelated scalar subquery the database
    evaluates once); a second count query only when the page is empty. The sort always ends on the id so
    pages are stable. Rows reach ``to_entity`` with one extra column, ``_page_total``."""
    condition = sa.and_(*where)
    count = sa.select(sa.func.count()).select_from(table).where(condition)
    order_column = sortable[page.sort_by]
    id_column = table.c.id if id_column is None else id_column
    ordering = (order_column.desc(), id_column.desc()) if page.descending else (order_column.asc(), id_column.asc())
    query = (
        sa.select(*(columns or [table]), count.correlate(None).scalar_subquery().label("_page_total"))
        .select_from(table)  # a join keeps its ON clause (columns alone would cross-join the tables)
        .where(condition)
        .order_by(*ordering)
        .limit(page.page_size)
        .offset(page.offset)
    )
    rows = (await conn.execute(query)).all()
    total = rows[0]._page_total if rows else (await conn.execute(count)).scalar_one()
    return Page(items=[to_entity(r) for r in rows], total=total, page=page.page, page_size=page.page_size)

"""The property list (``PropertyListQuery``): one statement for the page, its owners and its total (from the
list counters, ``list_totals.py``, when the request filters by status and type only).

Both adapters send the same statement (SQLAlchemy Core, built once per *shape* of request: which filters
are present and the sort; the values are bound parameters). They differ in how it is sent:

* ``SqlitePropertyList``: through SQLAlchemy, owners as ``json_group_array``;
* ``PostgresPropertyList``: owners as ``array_agg``, and the statement, compiled once per shape, goes
  straight to the unit of work's psycopg connection (``direct.PsycopgQuery``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.direct import PsycopgQuery
from pmsaas.adapters.sql.queries.list_totals import PROPERTIES
from pmsaas.adapters.sql.queries.pages import aware_utc, page_parameters, page_statement
from pmsaas.adapters.sql.repositories.common import keyset_capable, next_after
from pmsaas.adapters.sql.repositories.properties.properties import READ_COLUMNS, owner_ids_column, property_of
from pmsaas.adapters.sql.tables.properties import properties as t
from pmsaas.adapters.sql.tables.properties import property_owners
from pmsaas.domain.properties.model import Property
from pmsaas.domain.properties.ports import PropertyFilter, PropertyListQuery
from pmsaas.domain.shared.paging import Page, PageRequest

SORTABLE = {"name": t.c.name, "created_at": t.c.created_at, "updated_at": t.c.updated_at}

Shape = tuple[Any, ...]


def shape_of(filters: PropertyFilter, page: PageRequest) -> Shape:
    """What decides the statement's text: which filters are present, and the sort (not their values)."""
    return (
        filters.status is not None,
        filters.type is not None,
        bool(filters.search),
        filters.owner_id is not None,
        filters.created_after is not None,
        filters.created_before is not None,
        page.sort_by,
        page.descending,
        page.after is not None,
    )


def list_statements(dialect: str, filters: PropertyFilter, page: PageRequest) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(page with owners and total, count alone) for this shape of request."""
    where: list[sa.ColumnElement[bool]] = [t.c.organization_id == sa.bindparam("org"), t.c.deleted_at.is_(None)]
    if filters.status is not None:
        where.append(t.c.status == sa.bindparam("status"))
    if filters.type is not None:
        where.append(t.c.type == sa.bindparam("type"))
    if filters.search:
        where.append(t.c.name.ilike(sa.bindparam("search")))
    if filters.owner_id is not None:
        owned = sa.select(property_owners.c.property_id).where(property_owners.c.user_id == sa.bindparam("owner"))
        where.append(t.c.id.in_(owned))
    if filters.created_after is not None:
        where.append(t.c.created_at >= sa.bindparam("after"))
    if filters.created_before is not None:
        where.append(t.c.created_at <= sa.bindparam("before"))
    condition = sa.and_(*where)
    count = sa.select(sa.func.count()).select_from(t).where(condition)
    counted = PROPERTIES.total(
        sa.bindparam("org", type_=t.c.organization_id.type),
        others=bool(filters.search or filters.owner_id or filters.created_after or filters.created_before),
        status=sa.bindparam("status", type_=t.c.status.type) if filters.status is not None else None,
        type=sa.bindparam("type", type_=t.c.type.type) if filters.type is not None else None,
    )
    if counted is not None:  # the counters answer: no count of the organization's rows
        count = sa.select(counted)
    total = count.correlate(None).scalar_subquery() if counted is None else counted
    columns = [*READ_COLUMNS, owner_ids_column(dialect)]
    order = SORTABLE[page.sort_by]
    return page_statement(columns, condition=condition, order=order, row_id=t.c.id, page=page, total=total), count


def list_parameters(organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> dict[str, Any]:
    params = page_parameters(organization_id, page)
    if filters.status is not None:
        params["status"] = filters.status
    if filters.type is not None:
        params["type"] = filters.type
    if filters.search:
        params["search"] = f"%{filters.search}%"
    if filters.owner_id is not None:
        params["owner"] = filters.owner_id
    if filters.created_after is not None:
        params["after"] = aware_utc(filters.created_after)
    if filters.created_before is not None:
        params["before"] = aware_utc(filters.created_before)
    return params


def page_found(found: list[Property], total: int, page: PageRequest) -> Page[Property]:
    capable = keyset_capable(SORTABLE[page.sort_by])
    after = next_after(found, page, lambda p: (getattr(p, page.sort_by), p.id), capable)
    items = found[: page.page_size]
    return Page(items=items, total=total, page=page.page, page_size=page.page_size, request=page, next_after=after)


class SqlitePropertyList(PropertyListQuery):
    _statements: dict[Shape, tuple[sa.Select[Any], sa.Select[Any]]] = {}  # bounded: 2**6 * 3 * 2 shapes

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]:
        shape = shape_of(filters, page)
        statements = self._statements.get(shape)
        if statements is None:
            statements = self._statements[shape] = list_statements("sqlite", filters, page)
        query, count = statements
        params = list_parameters(organization_id, filters, page)
        rows = (await self._conn.execute(query, params)).all()
        total = rows[0][-1] if rows else (await self._conn.execute(count, params)).scalar_one()
        return page_found([property_of(r) for r in rows], total, page)


class PostgresPropertyList(PsycopgQuery, PropertyListQuery):
    _sql: dict[Hashable, tuple[str, ...]] = {}  # (page, count) SQL text per shape; bounded like SQLite's

    def sql_for(self, filters: PropertyFilter, page: PageRequest) -> tuple[str, ...]:
        return self.compiled(shape_of(filters, page), lambda: list_statements("postgresql", filters, page))

    async def page(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]:
        sql, count_sql = self.sql_for(filters, page)
        params = list_parameters(organization_id, filters, page)
        rows = await self._fetch(sql, params)
        total = rows[0][-1] if rows else (await self._fetch(count_sql, params))[0][0]
        return page_found([property_of(r) for r in rows], total, page)


# An adapter class, or anything else that builds the query port on the unit of work's connection.
PropertyListAdapter = Callable[[AsyncConnection], PropertyListQuery]


def property_list_for(dialect: str) -> PropertyListAdapter:
    """The adapter for a database (container.py picks it once from the database URL)."""
    return PostgresPropertyList if dialect == "postgresql" else SqlitePropertyList


__all__ = ["PostgresPropertyList", "PropertyListAdapter", "SqlitePropertyList", "property_list_for"]

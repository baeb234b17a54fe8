"""The ticket list (``TicketListQuery``): one statement for the page, the names the list shows (each ticket's
property, unit, requester and assignee) and the total (from the list counters, ``list_totals.py``, when the
request filters by status and priority alone).

The repository's list and the directories' name lookups took four round trips per page; here the names are
correlated subqueries of the ticket's row, each a primary-key (or membership) lookup, read the way the
directories read them (``directories.py``: deleted places still named, a member's name before an API key's).
Both adapters send the same statement, built once per *shape* of request (which filters are present, the
sort; the values are bound parameters). The PostgreSQL adapter sends its text straight to the unit of
work's psycopg connection (``direct.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.direct import PsycopgQuery
from pmsaas.adapters.sql.queries.list_totals import TICKETS
from pmsaas.adapters.sql.queries.pages import aware_utc, page_parameters, page_statement
from pmsaas.adapters.sql.repositories.common import keyset_capable, next_after
from pmsaas.adapters.sql.repositories.operations.tickets import TICKET_SORT as SORTABLE
from pmsaas.adapters.sql.tables.api_keys import api_keys
from pmsaas.adapters.sql.tables.identity import memberships, users
from pmsaas.adapters.sql.tables.operations import tickets
from pmsaas.adapters.sql.tables.properties import properties, units
from pmsaas.domain.operations.model import Priority, Ticket, TicketStatus
from pmsaas.domain.operations.ports import Names, TicketFilter, TicketListQuery
from pmsaas.domain.shared.paging import Page, PageRequest

t = tickets
READ_COLUMNS = (
    t.c.id,
    t.c.organization_id,
    t.c.title,
    t.c.description,
    t.c.category,
    t.c.priority,
    t.c.status,
    t.c.property_id,
    t.c.unit_id,
    t.c.requester_id,
    t.c.tenant_id,
    t.c.assignee_id,
    t.c.responded_at,
    t.c.resolved_at,
    t.c.closed_at,
    t.c.response_due_at,
    t.c.resolution_due_at,
    t.c.version,
    t.c.created_at,
    t.c.updated_at,
    t.c.priority_rank,  # the "priority" sort's key
)
# Equality filters: (TicketFilter field, column, parameter name).
_EQUAL = (
    ("status", t.c.status, "status"),
    ("priority", t.c.priority, "priority"),
    ("category", t.c.category, "category"),
    ("assignee_id", t.c.assignee_id, "assignee"),
    ("property_id", t.c.property_id, "property"),
    ("unit_id", t.c.unit_id, "unit"),
    ("tenant_id", t.c.tenant_id, "tenant"),
)
_UNCOUNTED = ("category", "assignee_id", "property_id", "unit_id", "tenant_id", "created_after", "created_before")

Shape = tuple[Any, ...]


def shape_of(f: TicketFilter, page: PageRequest) -> Shape:
    """What decides the statement's text: which filters are present, and the sort (not their values)."""
    present = (getattr(f, name) is not None for name, _, _ in _EQUAL)
    dates = (f.created_after is not None, f.created_before is not None)
    return (*present, *dates, page.sort_by, page.descending, page.after is not None)


def _org() -> sa.BindParameter[Any]:
    return sa.bindparam("org", type_=t.c.organization_id.type)


def _named(table: sa.Table, ident: sa.ColumnElement[Any], label: str) -> sa.Label[Any]:
    """The organization's row's name for this id (NULL when there is none)."""
    found = sa.select(table.c.name).where(table.c.organization_id == _org(), table.c.id == ident)
    return found.scalar_subquery().label(label)


def _member(ident: sa.ColumnElement[Any], label: str) -> sa.Label[Any]:
    """A member's name (``SqlPeopleDirectory.names``: any user with a membership in the organization)."""
    m = memberships
    found = (
        sa.select(users.c.name)
        .join(m, m.c.user_id == users.c.id)
        .where(m.c.organization_id == _org(), m.c.user_id == ident)
    )
    return found.scalar_subquery().label(label)


def _names() -> list[sa.Label[Any]]:
    return [
        _named(properties, t.c.property_id, "property_name"),
        _named(units, t.c.unit_id, "unit_name"),
        _member(t.c.requester_id, "requester_member"),
        _named(api_keys, t.c.requester_id, "requester_key"),
        _member(t.c.assignee_id, "assignee_member"),
        _named(api_keys, t.c.assignee_id, "assignee_key"),
    ]


def _where(f: TicketFilter) -> list[sa.ColumnElement[bool]]:
    """The repository's filters (``SqlTicketRepository.list``), with bound parameters."""
    where: list[sa.ColumnElement[bool]] = [t.c.organization_id == _org(), t.c.deleted_at.is_(None)]
    for name, column, param in _EQUAL:
        if getattr(f, name) is not None:
            where.append(column == sa.bindparam(param, type_=column.type))
    if f.created_after is not None:
        where.append(t.c.created_at >= sa.bindparam("after", type_=t.c.created_at.type))
    if f.created_before is not None:
        where.append(t.c.created_at <= sa.bindparam("before", type_=t.c.created_at.type))
    return where


def list_statements(f: TicketFilter, page: PageRequest) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(page with names and total, count alone) for this shape of request."""
    condition = sa.and_(*_where(f))
    # Counted: by status and priority alone, as the repository counts (any other filter counts the rows).
    others = any(getattr(f, name) is not None for name in _UNCOUNTED)
    status = sa.bindparam("status", type_=t.c.status.type) if f.status is not None else None
    priority = sa.bindparam("priority", type_=t.c.priority.type) if f.priority is not None else None
    counted = TICKETS.total(_org(), others=others, status=status, priority=priority)
    count = sa.select(sa.func.count()).select_from(t).where(condition) if counted is None else sa.select(counted)
    total = count.correlate(None).scalar_subquery() if counted is None else counted
    columns = [*READ_COLUMNS, *_names()]
    order = SORTABLE[page.sort_by]
    return page_statement(columns, condition=condition, order=order, row_id=t.c.id, page=page, total=total), count


def list_parameters(organization_id: UUID, f: TicketFilter, page: PageRequest) -> dict[str, Any]:
    params = page_parameters(organization_id, page)
    for name, _, param in _EQUAL:
        value = getattr(f, name)
        if value is not None:
            params[param] = value
    if f.created_after is not None:
        params["after"] = aware_utc(f.created_after)
    if f.created_before is not None:
        params["before"] = aware_utc(f.created_before)
    return params


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is UTC else at.astimezone(UTC)


def _utc_or_none(at: datetime | None) -> datetime | None:
    return None if at is None else _utc(at)


_STATUSES = {m.value: m for m in TicketStatus}
_PRIORITIES = {m.value: m for m in Priority}


def ticket_of(values: Any) -> Ticket:
    """A row of ``READ_COLUMNS`` (+ anything after, ignored) → Ticket, as ``to_ticket`` maps it."""
    (
        id_, organization_id, title, description, category, priority, status, property_id, unit_id, requester_id,
        tenant_id, assignee_id, responded_at, resolved_at, closed_at, response_due_at, resolution_due_at, version,
        created_at, updated_at, *_,
    ) = values  # fmt: skip
    return Ticket(
        id=id_,
        organization_id=organization_id,
        title=title,
        description=description,
        category=category,
        priority=_PRIORITIES[priority],
        status=_STATUSES[status],
        property_id=property_id,
        unit_id=unit_id,
        requester_id=requester_id,
        tenant_id=tenant_id,
        assignee_id=assignee_id,
        responded_at=_utc_or_none(responded_at),
        resolved_at=_utc_or_none(resolved_at),
        closed_at=_utc_or_none(closed_at),
        response_due_at=_utc(response_due_at),
        resolution_due_at=_utc(resolution_due_at),
        version=version,
        created_at=_utc(created_at),
        updated_at=_utc(updated_at),
    )


_NAMES_AT = len(READ_COLUMNS)  # property, unit, requester (member, key), assignee (member, key)


def names_of(rows: list[Any]) -> Names:
    """The names the rows carry, keyed as the directories key them (no entry for an id nobody names)."""
    names = Names()
    for r in rows:
        prop, unit, req_member, req_key, to_member, to_key = r[_NAMES_AT : _NAMES_AT + 6]
        if prop is not None:
            names.properties[r[7]] = prop
        if unit is not None:
            names.units[r[8]] = unit
        for ident, member, key in ((r[9], req_member, req_key), (r[11], to_member, to_key)):
            if member is not None:
                names.people[ident] = member
            elif key is not None:
                names.people[ident] = f"API key: {key}"
    return names


_COLUMN_NAMES = [c.name for c in READ_COLUMNS]
_POSITION = {key: _COLUMN_NAMES.index(column.name) for key, column in SORTABLE.items()}  # the sort column


def _keyset(value: Any) -> Any:
    return _utc(value) if isinstance(value, datetime) else value


def page_found(rows: list[Any], total: int, page: PageRequest) -> tuple[Page[Ticket], Names]:
    at = _POSITION[page.sort_by]
    after = next_after(rows, page, lambda r: (_keyset(r[at]), r[0]), keyset_capable(SORTABLE[page.sort_by]))
    shown = rows[: page.page_size]
    items = [ticket_of(r) for r in shown]
    found = Page(items=items, total=total, page=page.page, page_size=page.page_size, request=page, next_after=after)
    return found, names_of(shown)


class SqliteTicketList(TicketListQuery):
    _statements: dict[Shape, tuple[sa.Select[Any], sa.Select[Any]]] = {}  # bounded: 2**9 * 4 * 2 * 2 shapes

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(self, organization_id: UUID, filters: TicketFilter, page: PageRequest) -> tuple[Page[Ticket], Names]:
        shape = shape_of(filters, page)
        statements = self._statements.get(shape)
        if statements is None:
            statements = self._statements[shape] = list_statements(filters, page)
        query, count = statements
        params = list_parameters(organization_id, filters, page)
        rows = list((await self._conn.execute(query, params)).all())
        total = rows[0][-1] if rows else (await self._conn.execute(count, params)).scalar_one()
        return page_found(rows, total, page)


class PostgresTicketList(PsycopgQuery, TicketListQuery):
    _sql: dict[Hashable, tuple[str, ...]] = {}  # (page, count) SQL text per shape; bounded like SQLite's

    async def page(self, organization_id: UUID, filters: TicketFilter, page: PageRequest) -> tuple[Page[Ticket], Names]:
        sql, count_sql = self.compiled(shape_of(filters, page), lambda: list_statements(filters, page))
        params = list_parameters(organization_id, filters, page)
        rows = await self._fetch(sql, params)
        total = rows[0][-1] if rows else (await self._fetch(count_sql, params))[0][0]
        return page_found(rows, total, page)


TicketListAdapter = Callable[[AsyncConnection], TicketListQuery]


def ticket_list_for(dialect: str) -> TicketListAdapter:
    return PostgresTicketList if dialect == "postgresql" else SqliteTicketList


__all__ = ["PostgresTicketList", "SqliteTicketList", "TicketListAdapter", "ticket_list_for", "ticket_of"]

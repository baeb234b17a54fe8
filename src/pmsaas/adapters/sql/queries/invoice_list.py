"""The invoice list (``InvoiceListQuery``): one statement for the page, each invoice's lines and the total
(from the list counters, ``list_totals.py``, when the request filters by a stored status alone).

Both adapters send the same statement, built once per *shape* of request (which filters are present, the
sort; the values are bound parameters). Lines come as one JSON column of the invoice's row, in their
position order: ``jsonb_agg`` on PostgreSQL, ``json_group_array`` on SQLite, sorted by position on reading (the
repository's ``_with_lines`` ran a second query). The PostgreSQL adapter sends its text straight to the
unit of work's psycopg connection (``direct.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.direct import PsycopgQuery
from pmsaas.adapters.sql.queries.list_totals import INVOICES
from pmsaas.adapters.sql.queries.pages import page_parameters, page_statement
from pmsaas.adapters.sql.repositories.common import keyset_capable, next_after
from pmsaas.adapters.sql.repositories.financial.invoices import INVOICE_SORTABLE as SORTABLE
from pmsaas.adapters.sql.repositories.financial.invoices import line_of
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.model import OPEN, Invoice, InvoiceStatus
from pmsaas.domain.financial.ports import InvoiceFilter, InvoiceListQuery
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

I = F.invoices  # noqa: E741
L = F.invoice_lines
READ_COLUMNS = (
    I.c.id,
    I.c.organization_id,
    I.c.number,
    I.c.lease_id,
    I.c.tenant_id,
    I.c.status,
    I.c.issue_date,
    I.c.due_date,
    I.c.currency,
    I.c.paid_minor,
    I.c.round_off_minor,
    I.c.period,
    I.c.service_period,
    I.c.notes,
    I.c.issued_at,
    I.c.sent_at,
    I.c.cancelled_at,
    I.c.version,
    I.c.created_at,
    I.c.updated_at,
    I.c.total_minor,  # the "total" sort's key
)
_LINE_FIELDS = ("description", "amount_minor", "currency", "charge_type", "supply_type")
_OPEN: list[sa.ColumnElement[Any]] = [
    sa.literal_column(f"'{s.value}'") for s in OPEN
]  # constants, written into the text

Shape = tuple[Any, ...]


def shape_of(f: InvoiceFilter, page: PageRequest) -> Shape:
    """What decides the statement's text: which filters are present, and the sort (not their values)."""
    overdue = f.status == "overdue"
    return (
        overdue,
        bool(f.status) and not overdue,
        overdue and f.overdue_on is not None,
        bool(f.lease_id),
        f.tenant_ids is not None,
        page.sort_by,
        page.descending,
        page.after is not None,
    )


def _pair(name: str) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """A JSON object's key (a constant) and its value (the line's column)."""
    return sa.literal_column(f"'{name}'"), L.c[name]


def _lines(dialect: str) -> sa.Label[Any]:
    """The invoice's lines, in position order, as one JSON column of its row."""
    if dialect == "postgresql":
        fields: list[Any] = [x for name in _LINE_FIELDS for x in _pair(name)]
        line = sa.func.jsonb_build_object(*fields, sa.literal_column("'taxes'"), L.c.taxes)
        agg = sa.func.jsonb_agg(postgresql.aggregate_order_by(line, L.c.position))
        return sa.select(agg).where(L.c.invoice_id == I.c.id).scalar_subquery().label("lines")
    # SQLite 3.40 has no ORDER BY inside an aggregate: each line carries its position, sorted on reading.
    fields = [x for name in (*_LINE_FIELDS, "position") for x in _pair(name)]
    line = sa.func.json_object(*fields, sa.literal_column("'taxes'"), sa.func.json(L.c.taxes))
    return sa.select(sa.func.json_group_array(line)).where(L.c.invoice_id == I.c.id).scalar_subquery().label("lines")


def _where(dialect: str, f: InvoiceFilter) -> list[sa.ColumnElement[bool]]:
    """The repository's filters (``SqlInvoiceRepository.list``), with bound parameters."""
    where: list[sa.ColumnElement[bool]] = [I.c.organization_id == sa.bindparam("org")]
    if f.status == "overdue":
        where += [I.c.status.in_(_OPEN), I.c.paid_minor < I.c.total_minor]
        if f.overdue_on is not None:
            where.append(I.c.due_date < sa.bindparam("overdue_on", type_=sa.Date()))
    elif f.status:
        where.append(I.c.status == sa.bindparam("status"))
    if f.lease_id:
        where.append(I.c.lease_id == sa.bindparam("lease"))
    if f.tenant_ids is not None:
        if dialect == "postgresql":  # one array parameter: the text does not depend on how many
            where.append(I.c.tenant_id == sa.any_(sa.bindparam("tenants", type_=postgresql.ARRAY(sa.Uuid()))))
        else:
            where.append(I.c.tenant_id.in_(sa.bindparam("tenants", expanding=True)))
    return where


def list_statements(dialect: str, f: InvoiceFilter, page: PageRequest) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(page with lines and total, count alone) for this shape of request."""
    condition = sa.and_(*_where(dialect, f))
    # Counted: by a stored status alone (overdue depends on the day and on payments: counted rows).
    others = f.status == "overdue" or bool(f.lease_id) or f.tenant_ids is not None
    status = sa.bindparam("status", type_=I.c.status.type) if f.status and not others else None
    counted = INVOICES.total(sa.bindparam("org", type_=I.c.organization_id.type), others=others, status=status)
    count = sa.select(sa.func.count()).select_from(I).where(condition) if counted is None else sa.select(counted)
    total = count.correlate(None).scalar_subquery() if counted is None else counted
    columns = [*READ_COLUMNS, _lines(dialect)]
    order = SORTABLE[page.sort_by]
    return page_statement(columns, condition=condition, order=order, row_id=I.c.id, page=page, total=total), count


def list_parameters(organization_id: UUID, f: InvoiceFilter, page: PageRequest) -> dict[str, Any]:
    params = page_parameters(organization_id, page)
    if f.status == "overdue":
        if f.overdue_on is not None:
            params["overdue_on"] = f.overdue_on
    elif f.status:
        params["status"] = f.status
    if f.lease_id:
        params["lease"] = f.lease_id
    if f.tenant_ids is not None:
        params["tenants"] = sorted(f.tenant_ids)
    return params


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is UTC else at.astimezone(UTC)


def _utc_or_none(at: datetime | None) -> datetime | None:
    return None if at is None else _utc(at)


_STATUSES = {m.value: m for m in InvoiceStatus}


def _position(line: dict[str, Any]) -> int:
    return int(line["position"])


def invoice_of(values: Any) -> Invoice:
    """A row of ``READ_COLUMNS`` + lines (+ anything after, ignored) → Invoice, as the repository maps it."""
    (
        id_, organization_id, number, lease_id, tenant_id, status, issue_date, due_date, currency, paid_minor,
        round_off_minor, period, service_period, notes, issued_at, sent_at, cancelled_at, version, created_at,
        updated_at, _total, lines, *_,
    ) = values  # fmt: skip
    if isinstance(lines, str | bytes):  # SQLite: JSON text, lines in no particular order
        lines = sorted(msgspec.json.decode(lines), key=_position)
    return Invoice(
        id=id_,
        organization_id=organization_id,
        number=number,
        lease_id=lease_id,
        tenant_id=tenant_id,
        status=_STATUSES[status],
        issue_date=issue_date,
        due_date=due_date,
        currency=currency,
        lines=[
            line_of(x["description"], x["amount_minor"], x["currency"], x["charge_type"], x["supply_type"], x["taxes"])
            for x in lines or ()
        ],
        paid=Money.from_minor(paid_minor, currency),
        round_off=Money.from_minor(round_off_minor, currency),
        period=period,
        service_period=service_period,
        notes=notes,
        issued_at=_utc_or_none(issued_at),
        sent_at=_utc_or_none(sent_at),
        cancelled_at=_utc_or_none(cancelled_at),
        version=version,
        created_at=_utc(created_at),
        updated_at=_utc(updated_at),
    )


_NAMES = [c.name for c in READ_COLUMNS]
_POSITION = {key: _NAMES.index(column.name) for key, column in SORTABLE.items()}  # the sort column in a row


def page_found(rows: list[Any], total: int, page: PageRequest) -> Page[Invoice]:
    at = _POSITION[page.sort_by]
    capable = keyset_capable(SORTABLE[page.sort_by])
    after = next_after(rows, page, lambda r: (_utc(r[at]) if isinstance(r[at], datetime) else r[at], r[0]), capable)
    items = [invoice_of(r) for r in rows[: page.page_size]]
    return Page(items=items, total=total, page=page.page, page_size=page.page_size, request=page, next_after=after)


class SqliteInvoiceList(InvoiceListQuery):
    _statements: dict[Shape, tuple[sa.Select[Any], sa.Select[Any]]] = {}  # bounded: 2**5 * 5 * 2 * 2 shapes

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        shape = shape_of(filters, page)
        statements = self._statements.get(shape)
        if statements is None:
            statements = self._statements[shape] = list_statements("sqlite", filters, page)
        query, count = statements
        params = list_parameters(organization_id, filters, page)
        rows = list((await self._conn.execute(query, params)).all())
        total = rows[0][-1] if rows else (await self._conn.execute(count, params)).scalar_one()
        return page_found(rows, total, page)


class PostgresInvoiceList(PsycopgQuery, InvoiceListQuery):
    _sql: dict[Hashable, tuple[str, ...]] = {}  # (page, count) SQL text per shape; bounded like SQLite's

    async def page(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        sql, count_sql = self.compiled(shape_of(filters, page), lambda: list_statements("postgresql", filters, page))
        params = list_parameters(organization_id, filters, page)
        rows = await self._fetch(sql, params)
        total = rows[0][-1] if rows else (await self._fetch(count_sql, params))[0][0]
        return page_found(rows, total, page)


InvoiceListAdapter = Callable[[AsyncConnection], InvoiceListQuery]


def invoice_list_for(dialect: str) -> InvoiceListAdapter:
    return PostgresInvoiceList if dialect == "postgresql" else SqliteInvoiceList


__all__ = ["InvoiceListAdapter", "PostgresInvoiceList", "SqliteInvoiceList", "invoice_list_for", "invoice_of"]

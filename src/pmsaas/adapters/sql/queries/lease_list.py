"""The lease list (``LeaseListQuery``): one statement for the page, each lease's co-tenants and the total
(from the list counters, ``list_totals.py``, when the request filters by status alone).

Both adapters send the same statement, built once per *shape* of request (which filters are present, the
sort; the values are bound parameters). Co-tenants come as one column of the lease's row: ``array_agg``
on PostgreSQL, ``json_group_array`` on SQLite (the repository's ``_load`` ran a second query). The
PostgreSQL adapter sends its text straight to the unit of work's psycopg connection (``direct.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.direct import PsycopgQuery
from pmsaas.adapters.sql.queries.list_totals import LEASES
from pmsaas.adapters.sql.queries.pages import aware_utc, page_parameters, page_statement
from pmsaas.adapters.sql.repositories.common import keyset_capable, next_after
from pmsaas.adapters.sql.tables.properties import lease_co_tenants, leases, property_owners
from pmsaas.domain.properties.lease import Lease, LeaseStatus
from pmsaas.domain.properties.ports import LeaseFilter, LeaseListQuery
from pmsaas.domain.properties.schedule import Escalation, LateFee
from pmsaas.domain.shared.money import MINOR_DIGITS, Money
from pmsaas.domain.shared.paging import Page, PageRequest

t = leases
SORTABLE = {
    "created_at": t.c.created_at,
    "updated_at": t.c.updated_at,
    "start_date": t.c.start_date,
    "end_date": t.c.end_date,
    "status": t.c.status,
}
READ_COLUMNS = (
    t.c.id,
    t.c.organization_id,
    t.c.property_id,
    t.c.unit_id,
    t.c.tenant_id,
    t.c.status,
    t.c.start_date,
    t.c.end_date,
    t.c.move_out_date,
    t.c.terminated_on,
    t.c.ended_on,
    t.c.rent_minor,
    t.c.currency,
    t.c.billing_day,
    t.c.grace_days,
    t.c.security_deposit_minor,
    t.c.late_fee_kind,
    t.c.late_fee_value,
    t.c.late_fee_cap_minor,
    t.c.escalation_kind,
    t.c.escalation_value,
    t.c.tds_applicable,
    t.c.renewed_from_id,
    t.c.version,
    t.c.created_at,
    t.c.updated_at,
)

Shape = tuple[Any, ...]


def shape_of(filters: LeaseFilter, page: PageRequest) -> Shape:
    """What decides the statement's text: which filters are present, and the sort (not their values)."""
    f = filters
    present = (f.status, f.statuses, f.property_id, f.unit_id, f.tenant_id, f.ending_before, f.owner_id)
    dates = (f.created_after, f.created_before)
    return (
        *(bool(v) for v in present),
        *(v is not None for v in dates),
        page.sort_by,
        page.descending,
        page.after is not None,
    )


def _co_tenants(dialect: str) -> sa.Label[Any]:
    """The lease's co-tenants, ordered by id, as one column of its row."""
    c = lease_co_tenants
    if dialect == "postgresql":
        agg: Any = postgresql.array_agg(postgresql.aggregate_order_by(c.c.tenant_id, c.c.tenant_id))
    else:
        agg = sa.type_coerce(sa.func.json_group_array(c.c.tenant_id), sa.JSON())
    return sa.select(agg).where(c.c.lease_id == t.c.id).scalar_subquery().label("co_tenant_ids")


def _where(dialect: str, f: LeaseFilter) -> list[sa.ColumnElement[bool]]:
    """The repository's filters (``SqlLeaseRepository.list``), with bound parameters."""
    where: list[sa.ColumnElement[bool]] = [t.c.organization_id == sa.bindparam("org")]
    if f.status:
        where.append(t.c.status == sa.bindparam("status"))
    if f.statuses is not None:
        if dialect == "postgresql":  # one array parameter: the text does not depend on how many
            where.append(t.c.status == sa.any_(sa.bindparam("statuses", type_=postgresql.ARRAY(sa.String()))))
        else:
            where.append(t.c.status.in_(sa.bindparam("statuses", expanding=True)))
    if f.property_id:
        where.append(t.c.property_id == sa.bindparam("property"))
    if f.unit_id:
        where.append(t.c.unit_id == sa.bindparam("unit"))
    if f.tenant_id:  # the main tenant or a co-tenant (``_shared.tenant_leases``)
        co = sa.select(lease_co_tenants.c.lease_id).where(lease_co_tenants.c.tenant_id == sa.bindparam("tenant"))
        theirs = sa.select(t.c.id).where(
            t.c.organization_id == sa.bindparam("org"), sa.or_(t.c.tenant_id == sa.bindparam("tenant"), t.c.id.in_(co))
        )
        where.append(t.c.id.in_(theirs))
    if f.ending_before:
        where.append(t.c.occupied_until < sa.bindparam("ending_before", type_=sa.Date()))
    if f.owner_id:
        owned = sa.select(property_owners.c.property_id).where(property_owners.c.user_id == sa.bindparam("owner"))
        where.append(t.c.property_id.in_(owned))
    if f.created_after is not None:
        where.append(t.c.created_at >= sa.bindparam("after"))
    if f.created_before is not None:
        where.append(t.c.created_at <= sa.bindparam("before"))
    return where


def list_statements(dialect: str, f: LeaseFilter, page: PageRequest) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """(page with co-tenants and total, count alone) for this shape of request."""
    condition = sa.and_(*_where(dialect, f))
    # Counted: by status alone, as the repository counts (any other filter counts the rows).
    others = bool(
        f.statuses is not None
        or f.property_id
        or f.unit_id
        or f.tenant_id
        or f.ending_before
        or f.owner_id
        or f.created_after
        or f.created_before
    )
    status = sa.bindparam("status", type_=t.c.status.type) if f.status else None
    counted = LEASES.total(sa.bindparam("org", type_=t.c.organization_id.type), others=others, status=status)
    count = sa.select(sa.func.count()).select_from(t).where(condition) if counted is None else sa.select(counted)
    total = count.correlate(None).scalar_subquery() if counted is None else counted
    columns = [*READ_COLUMNS, _co_tenants(dialect)]
    order = SORTABLE[page.sort_by]
    return page_statement(columns, condition=condition, order=order, row_id=t.c.id, page=page, total=total), count


def list_parameters(dialect: str, organization_id: UUID, f: LeaseFilter, page: PageRequest) -> dict[str, Any]:
    params = page_parameters(organization_id, page)
    if f.status:
        params["status"] = f.status
    if f.statuses is not None:
        params["statuses"] = list(f.statuses)
    for key, value in (
        ("property", f.property_id),
        ("unit", f.unit_id),
        ("tenant", f.tenant_id),
        ("ending_before", f.ending_before),
        ("owner", f.owner_id),
    ):
        if value:
            params[key] = value
    if f.created_after is not None:
        params["after"] = aware_utc(f.created_after)
    if f.created_before is not None:
        params["before"] = aware_utc(f.created_before)
    return params


_STATUSES = {m.value: m for m in LeaseStatus}


def _money(minor: int | None, currency: str, places: int) -> Money | None:
    return None if minor is None else Money(Decimal(minor).scaleb(-places), currency)


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo is UTC else at.astimezone(UTC)


def _co_tenant_ids(value: list[Any] | None) -> tuple[UUID, ...]:
    """PostgreSQL gives UUIDs in order (NULL for none); SQLite hex strings (``[null]`` for none)."""
    if not value or value[0] is None:
        return ()
    if isinstance(value[0], UUID):
        return tuple(value)
    return tuple(sorted(UUID(v) for v in value))


def lease_of(values: Any) -> Lease:
    """A row of ``READ_COLUMNS`` + co-tenants (+ anything after, ignored) → Lease, as ``to_lease`` maps it."""
    (
        id_, organization_id, property_id, unit_id, tenant_id, status, start_date, end_date, move_out_date,
        terminated_on, ended_on, rent_minor, cur, billing_day, grace_days, deposit_minor, fee_kind, fee_value,
        fee_cap_minor, esc_kind, esc_value, tds_applicable, renewed_from_id, version, created_at, updated_at,
        co_tenants, *_,
    ) = values  # fmt: skip
    places = MINOR_DIGITS[cur]
    rent = _money(rent_minor, cur, places)
    assert rent is not None  # NOT NULL
    return Lease(
        id=id_,
        organization_id=organization_id,
        property_id=property_id,
        unit_id=unit_id,
        tenant_id=tenant_id,
        status=_STATUSES[status],
        start_date=start_date,
        end_date=end_date,
        move_out_date=move_out_date,
        terminated_on=terminated_on,
        ended_on=ended_on,
        rent=rent,
        billing_day=billing_day,
        grace_days=grace_days,
        security_deposit=_money(deposit_minor, cur, places),
        late_fee=None
        if fee_kind is None
        else LateFee(fee_kind, Decimal(fee_value), _money(fee_cap_minor, cur, places)),
        escalation=None if esc_kind is None else Escalation(esc_kind, Decimal(esc_value)),
        tds_applicable=tds_applicable,
        co_tenant_ids=_co_tenant_ids(co_tenants),
        renewed_from_id=renewed_from_id,
        version=version,
        created_at=_utc(created_at),
        updated_at=_utc(updated_at),
    )


_NAMES = [c.name for c in READ_COLUMNS]
_POSITION = {key: _NAMES.index(column.name) for key, column in SORTABLE.items()}  # the sort column in a row


def _keyset(value: Any) -> Any:
    return _utc(value) if isinstance(value, datetime) else value


def page_found(rows: list[Any], total: int, page: PageRequest) -> Page[Lease]:
    at = _POSITION[page.sort_by]
    after = next_after(rows, page, lambda r: (_keyset(r[at]), r[0]), keyset_capable(SORTABLE[page.sort_by]))
    items = [lease_of(r) for r in rows[: page.page_size]]
    return Page(items=items, total=total, page=page.page, page_size=page.page_size, request=page, next_after=after)


class SqliteLeaseList(LeaseListQuery):
    _statements: dict[Shape, tuple[sa.Select[Any], sa.Select[Any]]] = {}  # bounded: 2**10 * 5 * 2 shapes

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]:
        shape = shape_of(filters, page)
        statements = self._statements.get(shape)
        if statements is None:
            statements = self._statements[shape] = list_statements("sqlite", filters, page)
        query, count = statements
        params = list_parameters("sqlite", organization_id, filters, page)
        rows = list((await self._conn.execute(query, params)).all())
        total = rows[0][-1] if rows else (await self._conn.execute(count, params)).scalar_one()
        return page_found(rows, total, page)


class PostgresLeaseList(PsycopgQuery, LeaseListQuery):
    _sql: dict[Hashable, tuple[str, ...]] = {}  # (page, count) SQL text per shape; bounded like SQLite's

    async def page(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]:
        sql, count_sql = self.compiled(shape_of(filters, page), lambda: list_statements("postgresql", filters, page))
        params = list_parameters("postgresql", organization_id, filters, page)
        rows = await self._fetch(sql, params)
        total = rows[0][-1] if rows else (await self._fetch(count_sql, params))[0][0]
        return page_found(rows, total, page)


LeaseListAdapter = Callable[[AsyncConnection], LeaseListQuery]


def lease_list_for(dialect: str) -> LeaseListAdapter:
    return PostgresLeaseList if dialect == "postgresql" else SqliteLeaseList


__all__ = ["LeaseListAdapter", "PostgresLeaseList", "SqliteLeaseList", "lease_list_for", "lease_of"]

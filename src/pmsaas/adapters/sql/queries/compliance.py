"""The compliance context's reads of the leasing tables and the books (``TenancyQueries``): a
tenancy's facts, and its rent per rental period as the ledger stood on a date. Read-only; every
query filters the organization."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.financial import invoice_lines, invoices, payment_allocations, payments
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.properties import leases, properties, tenants, units
from pmsaas.domain.compliance.ports import RentPeriod, Tenancy, TenancyQueries
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.money import Money

_SETTLED = ("succeeded", "partially_refunded", "refunded")
_BILLED = ("issued", "sent", "partially_paid", "paid")


def _month(label: str) -> tuple[date, date]:
    year, month = (int(x) for x in label.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class SqlTenancyQueries(TenancyQueries):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def tenancy(self, organization_id: UUID, lease_id: UUID) -> Tenancy:
        le, p, t, u, o = leases, properties, tenants, units, organizations
        query = (
            sa.select(
                le.c.id, le.c.tenant_id, le.c.rent_minor, le.c.currency, le.c.start_date, t.c.name.label("tenant_name")
            )
            .add_columns(u.c.name.label("unit_name"), p.c.name.label("property_name"), p.c.street, p.c.city)
            .add_columns(p.c.province, p.c.postal_code, p.c.country, p.c.year_built)
            .add_columns(o.c.name.label("landlord_name"), o.c.extra_settings)
            .select_from(
                le.join(p, p.c.id == le.c.property_id)
                .join(t, t.c.id == le.c.tenant_id)
                .join(u, u.c.id == le.c.unit_id)
                .join(o, o.c.id == le.c.organization_id)
            )
            .where(le.c.organization_id == organization_id, le.c.id == lease_id, p.c.deleted_at.is_(None))
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("lease", lease_id)
        return _tenancy(row)

    async def rent_periods(self, organization_id: UUID, lease_id: UUID, as_of: date) -> list[RentPeriod]:
        i, line = invoices, invoice_lines
        rent = sa.func.sum(line.c.amount_minor).label("rent_minor")
        billed = (
            sa.select(i.c.id, i.c.service_period, i.c.period, i.c.issue_date, i.c.currency, rent)
            .select_from(i.join(line, line.c.invoice_id == i.c.id))
            .where(i.c.organization_id == organization_id, i.c.lease_id == lease_id, i.c.status.in_(_BILLED))
            .where(i.c.issue_date <= as_of, line.c.charge_type == "rent", line.c.organization_id == organization_id)
            .group_by(i.c.id, i.c.service_period, i.c.period, i.c.issue_date, i.c.currency)
        )
        charged = (await self._conn.execute(billed)).all()
        paid = await self._paid(organization_id, [r.id for r in charged], as_of)
        sums: dict[tuple[date, date], tuple[int, int, str]] = {}
        for r in charged:
            label = r.service_period or r.period or r.issue_date.strftime("%Y-%m")
            key = _month(label)
            before = sums.get(key, (0, 0, r.currency))
            # A payment on an invoice goes to its rent first: the notice claims rent only.
            toward_rent = min(paid.get(r.id, 0), int(r.rent_minor))
            sums[key] = (before[0] + int(r.rent_minor), before[1] + toward_rent, r.currency)
        return [
            RentPeriod(start, end, Money.from_minor(c, cur), Money.from_minor(pd, cur))
            for (start, end), (c, pd, cur) in sorted(sums.items())
        ]

    async def _paid(self, organization_id: UUID, invoice_ids: list[UUID], as_of: date) -> dict[UUID, int]:
        if not invoice_ids:
            return {}
        a, pay = payment_allocations, payments
        query = (
            sa.select(a.c.invoice_id, a.c.amount_minor, pay.c.received_on, pay.c.received_at)
            .select_from(a.join(pay, pay.c.id == a.c.payment_id))
            .where(a.c.organization_id == organization_id, pay.c.organization_id == organization_id)
            .where(a.c.invoice_id.in_(invoice_ids), pay.c.status.in_(_SETTLED))
        )
        paid: dict[UUID, int] = {}
        for r in (await self._conn.execute(query)).all():
            day = r.received_on or (r.received_at.date() if r.received_at else None)
            if day is not None and day <= as_of:
                paid[r.invoice_id] = paid.get(r.invoice_id, 0) + int(r.amount_minor)
        return paid


def _tenancy(row: Any) -> Tenancy:
    extra = row.extra_settings or {}
    address = tuple(x.strip() for x in str(extra.get("address") or "").splitlines() if x.strip())
    place = f"{row.city}, {row.province} {row.postal_code}".strip()
    return Tenancy(
        lease_id=row.id,
        tenant_id=row.tenant_id,
        tenant_name=row.tenant_name,
        landlord_name=row.landlord_name,
        landlord_address=address,
        unit_address=(f"{row.unit_name}, {row.property_name}", row.street, place),
        province=row.province,
        country=row.country,
        rent=Money.from_minor(int(row.rent_minor), row.currency),
        rent_period="monthly",  # leases bill monthly (billing_day); the rules also know daily/weekly
        start_date=row.start_date,
        year_built=row.year_built,
    )

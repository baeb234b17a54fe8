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

from pmsaas.adapters.sql.queries.input_taxes import approved_bill_taxes
from pmsaas.adapters.sql.tables.financial import (
    accounts,
    budget_categories,
    budgets,
    credit_notes,
    invoice_lines,
    invoices,
    journal_entries,
    journal_lines,
    payment_allocations,
    payments,
    refunds,
)
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.properties import leases, properties, recurring_charges, tenants, units
from pmsaas.domain.compliance.ports import (
    BudgetView,
    CreditedTax,
    RentPeriod,
    SalesTaxQueries,
    SocietyBooks,
    SocietyQueries,
    TaxedLine,
    Tenancy,
    TenancyQueries,
    UnitAccount,
    UnitAccounts,
)
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.periods import local_today
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
        zone = sa.select(organizations.c.time_zone).where(organizations.c.id == organization_id)
        time_zone = (await self._conn.execute(zone)).scalar() or "UTC"
        paid = await self._paid(organization_id, [r.id for r in charged], as_of, time_zone)
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

    async def _paid(
        self, organization_id: UUID, invoice_ids: list[UUID], as_of: date, time_zone: str
    ) -> dict[UUID, int]:
        """What settled payments received by ``as_of`` paid on each invoice, less what was refunded
        of them by then: a refund comes out of the payment's unapplied part first, then off its
        latest allocations (the ledger debits the tenant again for it). Days are the organization's
        (``time_zone``): a card payment at 21:00 in Toronto on the 31st is the 31st's, not the 1st's."""
        if not invoice_ids:
            return {}
        a, pay = payment_allocations, payments
        query = (
            sa.select(a.c.payment_id, a.c.invoice_id, a.c.amount_minor, pay.c.amount_minor.label("payment_minor"))
            .add_columns(pay.c.received_on, pay.c.received_at)
            .select_from(a.join(pay, pay.c.id == a.c.payment_id))
            .where(a.c.organization_id == organization_id, pay.c.organization_id == organization_id)
            .where(a.c.invoice_id.in_(invoice_ids), pay.c.status.in_(_SETTLED))
            .order_by(a.c.payment_id, a.c.position)
        )
        by_payment: dict[UUID, list[list[Any]]] = {}
        received: dict[UUID, int] = {}
        for r in (await self._conn.execute(query)).all():
            day = r.received_on or (local_today(time_zone, r.received_at) if r.received_at else None)
            if day is not None and day <= as_of:
                by_payment.setdefault(r.payment_id, []).append([r.invoice_id, int(r.amount_minor)])
                received[r.payment_id] = int(r.payment_minor)
        refunded = await self._refunded(organization_id, list(by_payment), as_of, time_zone)
        paid: dict[UUID, int] = {}
        for payment_id, allocations in by_payment.items():
            unapplied = max(0, received[payment_id] - sum(x[1] for x in allocations))
            left = max(0, refunded.get(payment_id, 0) - unapplied)
            for allocation in reversed(allocations):
                cut = min(left, allocation[1])
                allocation[1] -= cut
                left -= cut
            for invoice_id, minor in allocations:
                paid[invoice_id] = paid.get(invoice_id, 0) + minor
        return paid

    async def _refunded(
        self, organization_id: UUID, payment_ids: list[UUID], as_of: date, time_zone: str
    ) -> dict[UUID, int]:
        if not payment_ids:
            return {}
        rf = refunds
        query = sa.select(rf.c.payment_id, rf.c.amount_minor, rf.c.created_at).where(
            rf.c.organization_id == organization_id, rf.c.payment_id.in_(payment_ids), rf.c.deposit.is_(False)
        )
        total: dict[UUID, int] = {}
        for r in (await self._conn.execute(query)).all():
            if local_today(time_zone, r.created_at) <= as_of:
                total[r.payment_id] = total.get(r.payment_id, 0) + int(r.amount_minor)
        return total


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


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in str(text or "").splitlines() if x.strip())


class SqlUnitAccounts(UnitAccounts):
    """A unit's owner account: its lease (the one in force on the date, else the latest), the
    monthly contributions billed on it, and its receivable in the journal up to the date."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def account(self, organization_id: UUID, unit_id: UUID, as_of: date) -> UnitAccount:
        u, p, o = units, properties, organizations
        query = (
            sa.select(u.c.id, u.c.name.label("unit_name"), u.c.property_id, p.c.name.label("property_name"))
            .add_columns(p.c.street, p.c.city, p.c.province, p.c.postal_code, p.c.country)
            .add_columns(o.c.name.label("corporation"), o.c.extra_settings, o.c.currency)
            .select_from(u.join(p, p.c.id == u.c.property_id).join(o, o.c.id == u.c.organization_id))
            .where(u.c.organization_id == organization_id, u.c.id == unit_id)
            .where(u.c.deleted_at.is_(None), p.c.deleted_at.is_(None))
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("unit", unit_id)
        lease = await self._lease(organization_id, unit_id, as_of)
        currency = lease.currency if lease is not None else row.currency
        common = balance = 0
        if lease is not None:
            common = int(lease.rent_minor) + await self._monthly_charges(organization_id, lease.id, as_of)
            balance = await self._balance(organization_id, lease.id, as_of)
        return UnitAccount(
            unit_id=row.id,
            property_id=row.property_id,
            unit_address=(
                f"{row.unit_name}, {row.property_name}",
                row.street,
                f"{row.city}, {row.province} {row.postal_code}",
            ),
            province=row.province,
            country=row.country,
            corporation_name=row.corporation,
            corporation_address=_lines((row.extra_settings or {}).get("address")),
            owner_name=lease.owner_name if lease is not None else None,
            common_expenses=Money.from_minor(common, currency),
            balance=Money.from_minor(balance, currency),
        )

    async def _lease(self, organization_id: UUID, unit_id: UUID, as_of: date) -> Any:
        le, t = leases, tenants
        query = (
            sa.select(le.c.id, le.c.rent_minor, le.c.currency, le.c.status, t.c.name.label("owner_name"))
            .select_from(le.join(t, t.c.id == le.c.tenant_id))
            .where(le.c.organization_id == organization_id, le.c.unit_id == unit_id, le.c.start_date <= as_of)
            .where(le.c.status != "draft")
            .order_by(le.c.start_date.desc(), le.c.created_at.desc())
        )
        rows = (await self._conn.execute(query)).all()
        active = [r for r in rows if r.status == "active"]
        chosen = active or list(rows)
        return chosen[0] if chosen else None

    async def _monthly_charges(self, organization_id: UUID, lease_id: UUID, as_of: date) -> int:
        rc = recurring_charges
        query = sa.select(sa.func.coalesce(sa.func.sum(rc.c.amount_minor), 0)).where(
            rc.c.organization_id == organization_id,
            rc.c.lease_id == lease_id,
            rc.c.kind.in_(("maintenance", "cam", "reserve_fund")),
            rc.c.frequency == "monthly",
            rc.c.start_date <= as_of,
            sa.or_(rc.c.end_date.is_(None), rc.c.end_date >= as_of),
        )
        return int((await self._conn.execute(query)).scalar_one())

    async def _balance(self, organization_id: UUID, lease_id: UUID, as_of: date) -> int:
        je, jl, a = journal_entries, journal_lines, accounts
        query = (
            sa.select(sa.func.coalesce(sa.func.sum(jl.c.amount_minor), 0))
            .select_from(jl.join(je, je.c.id == jl.c.entry_id).join(a, a.c.id == jl.c.account_id))
            .where(jl.c.organization_id == organization_id, jl.c.lease_id == lease_id)
            .where(a.c.key.startswith("ar:"), je.c.entry_date <= as_of)
        )
        return int((await self._conn.execute(query)).scalar_one())

    async def reserve_fund(self, organization_id: UUID, property_id: UUID, as_of: date) -> Money:
        je, jl, a, o = journal_entries, journal_lines, accounts, organizations
        credits = (
            sa.select(-sa.func.coalesce(sa.func.sum(jl.c.amount_minor), 0))
            .select_from(jl.join(je, je.c.id == jl.c.entry_id).join(a, a.c.id == jl.c.account_id))
            .where(jl.c.organization_id == organization_id, a.c.organization_id == organization_id)
            .where(a.c.key == L.reserve_fund(property_id), je.c.entry_date <= as_of)
        )
        minor = int((await self._conn.execute(credits)).scalar_one())
        currency = (await self._conn.execute(sa.select(o.c.currency).where(o.c.id == organization_id))).scalar()
        if currency is None:
            raise NotFound("property", property_id)
        return Money.from_minor(minor, str(currency))

    async def budget(self, organization_id: UUID, property_id: UUID, on: date) -> BudgetView | None:
        b, c = budgets, budget_categories
        query = (
            sa.select(b.c.id, b.c.name, b.c.period_start, b.c.period_end, b.c.currency, b.c.property_id)
            .where(b.c.organization_id == organization_id, b.c.period_start <= on, b.c.period_end >= on)
            .where(sa.or_(b.c.property_id == property_id, b.c.property_id.is_(None)))
        )
        found = sorted((await self._conn.execute(query)).all(), key=lambda r: (r.property_id is None, r.period_start))
        if not found:
            return None
        chosen = found[0]
        lines = await self._conn.execute(
            sa.select(c.c.name, c.c.amount_minor, c.c.currency)
            .where(c.c.organization_id == organization_id, c.c.budget_id == chosen.id)
            .order_by(c.c.position)
        )
        categories = tuple((r.name, Money.from_minor(int(r.amount_minor), r.currency)) for r in lines)
        return BudgetView(chosen.name, chosen.period_start, chosen.period_end, chosen.currency, categories)


class SqlSalesTaxQueries(SalesTaxQueries):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def taxed_lines(self, organization_id: UUID, start: date, end: date) -> list[TaxedLine]:
        i, line, le, p = invoices, invoice_lines, leases, properties
        query = (
            sa.select(
                i.c.issue_date, p.c.province, line.c.amount_minor, line.c.currency, line.c.taxes, line.c.charge_type
            )
            .select_from(
                i.join(line, line.c.invoice_id == i.c.id)
                .join(le, le.c.id == i.c.lease_id)
                .join(p, p.c.id == le.c.property_id)
            )
            .where(i.c.organization_id == organization_id, line.c.organization_id == organization_id)
            .where(le.c.organization_id == organization_id, i.c.status.in_(_BILLED))
            .where(i.c.issue_date >= start, i.c.issue_date <= end)
            .order_by(i.c.issue_date, i.c.id, line.c.position)
        )
        out = [
            _taxed(r.issue_date, r.province, r.amount_minor, r.currency, r.taxes, r.charge_type)
            for r in (await self._conn.execute(query)).all()
        ]
        # A credit note reduces the sales and the tax of the period it is issued in: its lines, negative.
        c = credit_notes
        notes = (
            sa.select(c.c.issue_date, p.c.province, c.c.currency, c.c.lines)
            .select_from(c.join(le, le.c.id == c.c.lease_id).join(p, p.c.id == le.c.property_id))
            .where(c.c.organization_id == organization_id, le.c.organization_id == organization_id)
            .where(c.c.issue_date >= start, c.c.issue_date <= end)
            .order_by(c.c.issue_date, c.c.number)
        )
        for r in (await self._conn.execute(notes)).all():
            for x in r.lines:
                out.append(
                    _taxed(
                        r.issue_date, r.province, int(x["amount_minor"]), r.currency, x["taxes"], x["charge_type"], -1
                    )
                )
        return out

    async def credited_taxes(self, organization_id: UUID, start: date, end: date) -> list[CreditedTax]:
        out = []
        for r in await approved_bill_taxes(self._conn, organization_id, start, end):
            if not r.input_tax.get("claimable", True):
                continue
            taxes = tuple(
                (str(t["tax"]), Money.from_minor(int(t["amount_minor"]), r.currency))
                for t in r.input_tax.get("lines", [])
            )
            out.append(CreditedTax(r.expense_date, r.region, taxes))
        return out

    async def currency(self, organization_id: UUID) -> str:
        o = organizations
        query = sa.select(o.c.currency).where(o.c.id == organization_id)
        return str((await self._conn.execute(query)).scalar_one())


def _taxed(
    on: date, province: str, amount_minor: int, currency: str, taxes: Any, charge_type: str, sign: int = 1
) -> TaxedLine:
    return TaxedLine(
        issued_on=on,
        province=province,
        amount=Money.from_minor(sign * int(amount_minor), currency),
        taxes=tuple(
            (str(t["tax"]), Money.from_minor(sign * int(t["amount_minor"]), currency), str(t["payable_by"]))
            for t in (taxes or [])
        ),
        charge_type=charge_type,
    )


class SqlSocietyQueries(SocietyQueries):
    """A society's books for a year. The funds are told apart by the invoice line's description
    ("Sinking fund", "Repairs and maintenance fund"): the society bills each as its own line."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def books(self, organization_id: UUID, property_id: UUID, start: date, end: date) -> SocietyBooks:
        p, o = properties, organizations
        query = (
            sa.select(p.c.id, p.c.name, p.c.street, p.c.city, p.c.province, p.c.postal_code, p.c.country)
            .add_columns(o.c.name.label("society"), o.c.extra_settings, o.c.currency)
            .select_from(p.join(o, o.c.id == p.c.organization_id))
            .where(p.c.organization_id == organization_id, p.c.id == property_id, p.c.deleted_at.is_(None))
        )
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("property", property_id)
        extra = row.extra_settings or {}
        sinking, repairs = await self._funds(organization_id, property_id, start, end)
        return SocietyBooks(
            property_id=row.id,
            society_name=row.society,
            address=(row.name, row.street, f"{row.city}, {row.province} {row.postal_code}"),
            country=row.country,
            is_housing_society=bool(extra.get("is_housing_society", False)),
            members=await self._members(organization_id, property_id, end),
            sinking_fund=Money.from_minor(sinking, row.currency),
            repairs_fund=Money.from_minor(repairs, row.currency),
        )

    async def _members(self, organization_id: UUID, property_id: UUID, end: date) -> int:
        le = leases
        query = sa.select(sa.func.count(sa.distinct(le.c.tenant_id))).where(
            le.c.organization_id == organization_id,
            le.c.property_id == property_id,
            le.c.status != "draft",
            le.c.start_date <= end,
            sa.or_(le.c.ended_on.is_(None), le.c.ended_on > end),
            sa.or_(le.c.terminated_on.is_(None), le.c.terminated_on > end),
        )
        return int((await self._conn.execute(query)).scalar_one())

    async def _funds(self, organization_id: UUID, property_id: UUID, start: date, end: date) -> tuple[int, int]:
        i, line, le = invoices, invoice_lines, leases
        text = sa.func.lower(line.c.description)
        fund = sa.case((text.contains("sinking"), "sinking"), (text.contains("repair"), "repairs"), else_="other")
        query = (
            sa.select(fund.label("fund"), sa.func.sum(line.c.amount_minor).label("minor"))
            .select_from(i.join(line, line.c.invoice_id == i.c.id).join(le, le.c.id == i.c.lease_id))
            .where(i.c.organization_id == organization_id, line.c.organization_id == organization_id)
            .where(le.c.organization_id == organization_id, le.c.property_id == property_id)
            .where(i.c.status.in_(_BILLED), i.c.issue_date >= start, i.c.issue_date <= end)
            .group_by(fund)
        )
        sums = {r.fund: int(r.minor or 0) for r in (await self._conn.execute(query)).all()}
        return sums.get("sinking", 0), sums.get("repairs", 0)

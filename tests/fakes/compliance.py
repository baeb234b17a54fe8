"""In-memory adapters of the compliance query ports: the same answers as the SQL adapters
(adapters/sql/queries/compliance.py) over the fake leases, invoices, payments, refunds, journal and
budgets; tests/contract/test_compliance_queries.py holds them to it."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any
from uuid import UUID

from fakes.store import FakeDatabase
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
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.money import Money

_SETTLED = ("succeeded", "partially_refunded", "refunded")
_BILLED = ("issued", "sent", "partially_paid", "paid")


def _month(label: str) -> tuple[date, date]:
    year, month = (int(x) for x in label.split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _lines(text: object) -> tuple[str, ...]:
    return tuple(x.strip() for x in str(text or "").splitlines() if x.strip())


def _billed(db: FakeDatabase, org: UUID) -> list[Any]:
    return [i for i in db.invoices.of(org) if i.status.value in _BILLED]


def _place(p: Any) -> str:
    return f"{p.address.city}, {p.address.province} {p.address.postal_code}"


class FakeTenancyQueries(TenancyQueries):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def tenancy(self, organization_id: UUID, lease_id: UUID) -> Tenancy:
        db = self._db
        lease = db.leases.find(organization_id, lease_id, live=False)
        prop = lease and db.properties.find(organization_id, lease.property_id)
        if lease is None or prop is None:
            raise NotFound("lease", lease_id)
        unit = db.units.find(organization_id, lease.unit_id, live=False)
        tenant = db.tenants.find(organization_id, lease.tenant_id, live=False)
        org = db.organizations[organization_id]
        return Tenancy(
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            tenant_name=tenant.name,
            landlord_name=org.name,
            landlord_address=_lines(org.extra_settings.get("address")),
            unit_address=(f"{unit.name}, {prop.name}", prop.address.street, _place(prop)),
            province=prop.address.province,
            country=prop.address.country,
            rent=lease.rent,
            rent_period="monthly",
            start_date=lease.start_date,
            year_built=prop.year_built,
        )

    async def rent_periods(self, organization_id: UUID, lease_id: UUID, as_of: date) -> list[RentPeriod]:
        invoices = [i for i in _billed(self._db, organization_id) if i.lease_id == lease_id and i.issue_date <= as_of]
        charged = {
            i.id: sum(x.amount.minor for x in i.lines if x.charge_type.value == "rent")
            for i in invoices
            if any(x.charge_type.value == "rent" for x in i.lines)
        }
        paid = self._paid(organization_id, set(charged), as_of)
        sums: dict[tuple[date, date], tuple[int, int, str]] = {}
        for i in invoices:
            if i.id not in charged:
                continue
            key = _month(i.service_period or i.period or i.issue_date.strftime("%Y-%m"))
            before = sums.get(key, (0, 0, i.currency))
            sums[key] = (before[0] + charged[i.id], before[1] + min(paid.get(i.id, 0), charged[i.id]), i.currency)
        return [
            RentPeriod(s, e, Money.from_minor(c, cur), Money.from_minor(p, cur))
            for (s, e), (c, p, cur) in sorted(sums.items())
        ]

    def _paid(self, org: UUID, invoice_ids: set[UUID], as_of: date) -> dict[UUID, int]:
        paid: dict[UUID, int] = {}
        organization = self._db.organizations.get(org)  # the organization's days, as the SQL adapter
        zone = organization.settings.time_zone if organization is not None else "UTC"
        for payment in self._db.payments.of(org):
            day = payment.received_on or (local_today(zone, payment.received_at) if payment.received_at else None)
            if payment.status.value not in _SETTLED or day is None or day > as_of:
                continue
            allocations = [[a.invoice_id, a.amount.minor] for a in payment.allocations if a.invoice_id in invoice_ids]
            if not allocations:
                continue
            refunded = sum(
                r.amount.minor
                for r in self._db.refunds.of(org)
                if r.payment_id == payment.id and not r.deposit and local_today(zone, r.created_at) <= as_of
            )
            unapplied = max(0, payment.amount.minor - sum(a.amount.minor for a in payment.allocations))
            left = max(0, refunded - unapplied)
            for allocation in reversed(allocations):
                cut = min(left, allocation[1])
                allocation[1] -= cut
                left -= cut
            for invoice_id, minor in allocations:
                paid[invoice_id] = paid.get(invoice_id, 0) + minor
        return paid


class FakeUnitAccounts(UnitAccounts):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def account(self, organization_id: UUID, unit_id: UUID, as_of: date) -> UnitAccount:
        db = self._db
        unit = db.units.find(organization_id, unit_id)
        prop = unit and db.properties.find(organization_id, unit.property_id)
        if unit is None or prop is None:
            raise NotFound("unit", unit_id)
        org = db.organizations[organization_id]
        leases = [
            le
            for le in db.leases.of(organization_id, live=False)
            if le.unit_id == unit_id and le.start_date <= as_of and le.status.value != "draft"
        ]
        leases.sort(key=lambda le: (le.start_date, le.created_at), reverse=True)
        active = [le for le in leases if le.status.value == "active"]
        lease = (active or leases or [None])[0]
        currency = lease.rent.currency if lease else org.settings.currency
        common = balance = 0
        owner = None
        if lease is not None:
            owner = db.tenants.find(organization_id, lease.tenant_id, live=False).name
            charges = getattr(db, "recurring_charges_rows", {}).values()
            common = lease.rent.minor + sum(
                c.amount.minor
                for c in charges
                if c.organization_id == organization_id
                and c.lease_id == lease.id
                and c.kind in ("maintenance", "cam", "reserve_fund")
                and c.frequency == "monthly"
                and c.start_date <= as_of
                and (c.end_date is None or c.end_date >= as_of)
            )
            balance = sum(
                line.amount.minor
                for e in db.journal.of(organization_id)
                if e.entry_date <= as_of
                for line in e.lines
                if line.lease_id == lease.id and line.account.startswith("ar:")
            )
        return UnitAccount(
            unit_id=unit.id,
            property_id=prop.id,
            unit_address=(f"{unit.name}, {prop.name}", prop.address.street, _place(prop)),
            province=prop.address.province,
            country=prop.address.country,
            corporation_name=org.name,
            corporation_address=_lines(org.extra_settings.get("address")),
            owner_name=owner,
            common_expenses=Money.from_minor(common, currency),
            balance=Money.from_minor(balance, currency),
        )

    async def reserve_fund(self, organization_id: UUID, property_id: UUID, as_of: date) -> Money:
        minor = -sum(
            line.amount.minor
            for e in self._db.journal.of(organization_id)
            if e.entry_date <= as_of
            for line in e.lines
            if line.account == f"reserve_fund:{property_id}"
        )
        org = self._db.organizations.get(organization_id)
        if org is None:
            raise NotFound("property", property_id)
        return Money.from_minor(minor, org.settings.currency)

    async def budget(self, organization_id: UUID, property_id: UUID, on: date) -> BudgetView | None:
        found = [
            b
            for b in self._db.budgets.of(organization_id)
            if b.period_start <= on <= b.period_end and b.property_id in (property_id, None)
        ]
        if not found:
            return None
        b = sorted(found, key=lambda b: (b.property_id is None, b.period_start))[0]
        categories = tuple((c.name, c.amount) for c in b.categories)
        return BudgetView(b.name, b.period_start, b.period_end, b.currency, categories)


class FakeSalesTaxQueries(SalesTaxQueries):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def taxed_lines(self, organization_id: UUID, start: date, end: date) -> list[TaxedLine]:
        out = []
        invoices = sorted(_billed(self._db, organization_id), key=lambda i: (i.issue_date, i.id))
        for i in invoices:
            if not start <= i.issue_date <= end:
                continue
            lease = self._db.leases.find(organization_id, i.lease_id, live=False)
            prop = self._db.properties.find(organization_id, lease.property_id, live=False)
            for line in i.lines:
                taxes = tuple((t.tax, t.amount, t.payable_by) for t in line.taxes)
                out.append(TaxedLine(i.issue_date, prop.address.province, line.amount, taxes, line.charge_type.value))
        for n in sorted(self._db.credit_notes.of(organization_id), key=lambda n: (n.issue_date, n.number)):
            if not start <= n.issue_date <= end:
                continue
            lease = self._db.leases.find(organization_id, n.lease_id, live=False)
            prop = self._db.properties.find(organization_id, lease.property_id, live=False)
            for x in n.lines:
                taxes = tuple((t.tax, -t.amount, t.payable_by) for t in x.taxes)
                out.append(TaxedLine(n.issue_date, prop.address.province, -x.amount, taxes, x.charge_type.value))
        return out

    async def credited_taxes(self, organization_id: UUID, start: date, end: date) -> list[CreditedTax]:
        out: list[CreditedTax] = []
        org = self._db.organizations.get(organization_id)
        if org is None:
            return out
        for e in sorted(self._db.expenses.of(organization_id), key=lambda e: (e.expense_date, e.id)):
            tax = e.input_tax
            if tax is None or not tax.claimable or e.status != "approved" or not start <= e.expense_date <= end:
                continue
            prop = self._db.properties.find(organization_id, e.property_id, live=False) if e.property_id else None
            region = tax.region or (prop.address.province if prop else None) or org.settings.province or ""
            out.append(CreditedTax(e.expense_date, region, tuple((t.tax, t.amount) for t in tax.lines)))
        return out

    async def currency(self, organization_id: UUID) -> str:
        return str(self._db.organizations[organization_id].settings.currency)


class FakeSocietyQueries(SocietyQueries):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def books(self, organization_id: UUID, property_id: UUID, start: date, end: date) -> SocietyBooks:
        db = self._db
        prop = db.properties.find(organization_id, property_id)
        if prop is None:
            raise NotFound("property", property_id)
        org = db.organizations[organization_id]
        leases = [le for le in db.leases.of(organization_id, live=False) if le.property_id == property_id]
        members = {
            le.tenant_id
            for le in leases
            if le.status.value != "draft"
            and le.start_date <= end
            and (le.ended_on is None or le.ended_on > end)
            and (le.terminated_on is None or le.terminated_on > end)
        }
        ids = {le.id for le in leases}
        funds = {"sinking": 0, "repairs": 0}
        for i in _billed(db, organization_id):
            if i.lease_id in ids and start <= i.issue_date <= end:
                for line in i.lines:
                    text = line.description.lower()
                    fund = "sinking" if "sinking" in text else "repairs" if "repair" in text else None
                    if fund:
                        funds[fund] += line.amount.minor
        currency = org.settings.currency
        return SocietyBooks(
            property_id=prop.id,
            society_name=org.name,
            address=(prop.name, prop.address.street, _place(prop)),
            country=prop.address.country,
            is_housing_society=bool(org.extra_settings.get("is_housing_society", False)),
            members=len(members),
            sinking_fund=Money.from_minor(funds["sinking"], currency),
            repairs_fund=Money.from_minor(funds["repairs"], currency),
        )

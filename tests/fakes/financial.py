"""In-memory adapters of the financial context's smaller ports: expenses, budgets (with the actuals
the ledger holds for them), the invoice and receipt number counters, payment methods, the
organization profile that says the books' currency, and the lease directory (what the books know of
the properties context's leases). Invoices, payments, the ledger, TDS and the billing run's writer
have their own modules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from fakes.tds import tds_of
from pmsaas.domain.financial.budgets import Budget
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.ports import (
    BudgetRepository,
    ExpenseRepository,
    LeaseDirectory,
    LeaseRef,
    NumberSequences,
    OrganizationProfile,
    OrganizationProfiles,
    PaymentMethodRecord,
    PaymentMethodRepository,
    Premises,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

_EXPENSE_SORT = {
    "created_at": lambda e: e.created_at,
    "expense_date": lambda e: e.expense_date,
    "amount": lambda e: e.amount.minor,  # as the SQL adapter's amount_minor
}


class FakeExpenseRepository(ExpenseRepository):
    """Expenses keyed by organization in ``FakeDatabase.expenses``; a delete removes the row, as the
    SQL DELETE does. As in SQL, an expense's TDS is not its row: reads attach the TDS repository's
    record (``fakes.tds``), writes leave it to that repository."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def of(self, organization_id: UUID) -> list[Expense]:
        """The organization's expenses in booking order (for tests to look at)."""
        return [self._with_tds(e) for e in self._db.expenses.of(organization_id)]

    def _with_tds(self, expense: Expense) -> Expense:
        expense.tds = tds_of(self._db, expense.organization_id, "expense", expense.id)
        return expense

    async def add(self, expense: Expense) -> None:
        self._db.expenses.put(expense.organization_id, expense.id, replace(expense, tds=None))

    async def get(self, organization_id: UUID, expense_id: UUID, *, for_update: bool = False) -> Expense:
        found = self._db.expenses.find(organization_id, expense_id)
        if found is None:
            raise NotFound("expense", expense_id)
        return self._with_tds(found)

    async def update(self, expense: Expense, expected_version: int) -> None:
        current = self._db.expenses.find(expense.organization_id, expense.id)
        if current is None or current.version != expected_version:
            raise Conflict("the expense was changed by someone else; reload and retry")
        kept = replace(expense, created_at=current.created_at, tds=None)
        self._db.expenses.put(expense.organization_id, expense.id, kept)

    async def delete(self, organization_id: UUID, expense_id: UUID) -> None:
        if not self._db.expenses.remove(organization_id, expense_id):
            raise NotFound("expense", expense_id)

    async def list(self, organization_id: UUID, status: str | None, page: PageRequest) -> Page[Expense]:
        items = [self._with_tds(e) for e in self._db.expenses.of(organization_id) if not status or e.status == status]
        return page_of(items, page, _EXPENSE_SORT, lambda e: e.id)


_BUDGET_SORT = {
    "created_at": lambda b: b.created_at,
    "name": lambda b: b.name,
    "period_start": lambda b: b.period_start,
}


class FakeBudgetRepository(BudgetRepository):
    """Budgets with their categories in ``FakeDatabase.budgets``; a delete removes the row."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, budget: Budget) -> None:
        self._db.budgets.put(budget.organization_id, budget.id, budget)

    async def get(self, organization_id: UUID, budget_id: UUID, *, for_update: bool = False) -> Budget:
        found = self._db.budgets.find(organization_id, budget_id)
        if found is None:
            raise NotFound("budget", budget_id)
        return found

    async def update(self, budget: Budget, expected_version: int) -> None:
        current = self._db.budgets.find(budget.organization_id, budget.id)
        if current is None or current.version != expected_version:
            raise Conflict("the budget was changed by someone else; reload and retry")
        self._db.budgets.put(budget.organization_id, budget.id, replace(budget, created_at=current.created_at))

    async def delete(self, organization_id: UUID, budget_id: UUID) -> None:
        if not self._db.budgets.remove(organization_id, budget_id):
            raise NotFound("budget", budget_id)

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Budget]:
        return page_of(self._db.budgets.of(organization_id), page, _BUDGET_SORT, lambda b: b.id)

    async def expense_actuals(
        self, organization_id: UUID, start: date, end: date, currency: str, property_id: UUID | None
    ) -> dict[str, Money]:
        """The ``expenses`` lines of the expense entries dated in the range, by the category of the
        expense each entry names (an entry whose expense is gone counts for nothing, as SQL's join)."""
        totals: dict[str, int] = {}
        for entry in self._db.journal.of(organization_id):
            if entry.source_type != "expense" or not start <= entry.entry_date <= end or entry.source_id is None:
                continue
            expense = self._db.expenses.find(organization_id, entry.source_id)
            if expense is None or (property_id is not None and expense.property_id != property_id):
                continue
            for line in entry.lines:
                if line.account == "expenses":
                    totals[expense.category] = totals.get(expense.category, 0) + line.amount.minor
        return {category: Money.from_minor(minor, currency) for category, minor in totals.items()}


class FakeNumberSequences(NumberSequences):
    """Counters per (organization, series, fiscal year) in ``FakeDatabase.number_sequences``; a
    rolled-back unit of work puts the counter back, so its numbers are handed out again."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def reserve(self, organization_id: UUID, series: str, fiscal_year: str, count: int) -> int:
        key = (organization_id, series, fiscal_year)
        last = self._db.number_sequences.get(key, 0) + count
        self._db.number_sequences[key] = last
        return last - count + 1


class FakePaymentMethodRepository(PaymentMethodRepository):
    """Payment methods in ``FakeDatabase.payment_methods``, listed in the order they were added."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, method: PaymentMethodRecord) -> None:
        method.id = method.id or new_id()  # as the SQL adapter: the caller's record gets its id
        self._db.payment_methods.put(method.organization_id, method.id, method)

    async def list(self, organization_id: UUID) -> list[PaymentMethodRecord]:
        return self._db.payment_methods.of(organization_id)


class FakeOrganizationProfiles(OrganizationProfiles):
    """The profile of a live organization in ``FakeDatabase.organizations``, built from its settings
    and extra settings as the SQL adapter builds it from the row."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def get(self, organization_id: UUID) -> OrganizationProfile:
        org = self._db.organizations.get(organization_id)
        if org is None or organization_id in self._db.organizations_deleted:
            raise NotFound("organization", organization_id)
        extra, settings = org.extra_settings, org.settings
        return OrganizationProfile(
            id=org.id,
            country=settings.country,
            province=settings.province,
            currency=settings.currency,
            invoice_number_format=_text(extra, "invoice_number_format"),
            receipt_number_format=_text(extra, "receipt_number_format"),
            gst_registered=bool(extra.get("gst_registered", True)),
            pan_number=_text(extra, "pan_number"),
            tan_number=_text(extra, "tan_number"),
            name=org.name,
            gstin=_text(extra, "gst_number"),
            tax_registration_number=_text(extra, "tax_registration_number"),
            invoice_round_off=bool(extra.get("invoice_round_off", False)),
            time_zone=settings.time_zone,
            address=_text(extra, "address"),
        )


class FakeLeaseDirectory(LeaseDirectory):
    """Reads the properties fakes' leases, tenants and properties, as the SQL adapter joins their
    tables: a lease whose property or tenant row is missing is unknown; the lease read ignores soft
    deletes (as the SQL join does), the tenant and property questions see live rows only."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def get(self, organization_id: UUID, lease_id: UUID) -> LeaseRef:
        lease = self._db.leases.find(organization_id, lease_id, live=False)
        prop = tenant = None
        if lease is not None:
            prop = self._db.properties.find(organization_id, lease.property_id, live=False)
            tenant = self._db.tenants.find(organization_id, lease.tenant_id, live=False)
        if lease is None or prop is None or tenant is None:
            raise NotFound("lease", lease_id)
        return LeaseRef(
            id=lease.id,
            organization_id=lease.organization_id,
            tenant_id=lease.tenant_id,
            property_id=lease.property_id,
            status=lease.status.value,
            currency=lease.rent.currency,
            property_type=prop.type.value,
            property_region=prop.address.province,
            tenant_email=tenant.email,
            tenant_name=tenant.name,
            tenant_gstin=tenant.gstin,
            tenant_pan=tenant.pan_number,
            tds_applicable=lease.tds_applicable,
        )

    async def tenant_ids_of_user(self, organization_id: UUID, user_id: UUID) -> set[UUID]:
        return {t.id for t in self._db.tenants.of(organization_id) if t.user_id == user_id}

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        return self._db.properties.find(organization_id, property_id) is not None

    async def premises(self, organization_id: UUID, lease_id: UUID) -> Premises:
        lease = self._db.leases.find(organization_id, lease_id, live=False)
        prop = self._db.properties.find(organization_id, lease.property_id, live=False) if lease else None
        if lease is None or prop is None:
            raise NotFound("lease", lease_id)
        unit = self._db.units.find(organization_id, lease.unit_id, live=False) if lease.unit_id else None
        a = prop.address
        return Premises(prop.name, unit.name if unit else None, a.street, a.city, a.province, a.postal_code, a.country)


def _text(extra: dict[str, object], key: str) -> str | None:
    return str(extra[key]) if extra.get(key) else None

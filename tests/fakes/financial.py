"""In-memory adapters of the financial context's ports that the cross-context flows need: the
expenses a completed work order books, and the organization profile that says the books' currency."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.ports import ExpenseRepository, OrganizationProfile, OrganizationProfiles
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_EXPENSE_SORT = {
    "created_at": lambda e: e.created_at,
    "expense_date": lambda e: e.expense_date,
    "amount": lambda e: e.amount.minor,  # as the SQL adapter's amount_minor
}


class FakeExpenseRepository(ExpenseRepository):
    """Expenses keyed by organization in ``FakeDatabase.expenses``; a delete removes the row, as the
    SQL DELETE does."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def of(self, organization_id: UUID) -> list[Expense]:
        """The organization's expenses in booking order (for tests to look at)."""
        return self._db.expenses.of(organization_id)

    async def add(self, expense: Expense) -> None:
        self._db.expenses.put(expense.organization_id, expense.id, expense)

    async def get(self, organization_id: UUID, expense_id: UUID, *, for_update: bool = False) -> Expense:
        found = self._db.expenses.find(organization_id, expense_id)
        if found is None:
            raise NotFound("expense", expense_id)
        return found

    async def update(self, expense: Expense, expected_version: int) -> None:
        current = self._db.expenses.find(expense.organization_id, expense.id)
        if current is None or current.version != expected_version:
            raise Conflict("the expense was changed by someone else; reload and retry")
        self._db.expenses.put(expense.organization_id, expense.id, replace(expense, created_at=current.created_at))

    async def delete(self, organization_id: UUID, expense_id: UUID) -> None:
        if not self._db.expenses.remove(organization_id, expense_id):
            raise NotFound("expense", expense_id)

    async def list(self, organization_id: UUID, status: str | None, page: PageRequest) -> Page[Expense]:
        items = [e for e in self._db.expenses.of(organization_id) if not status or e.status == status]
        return page_of(items, page, _EXPENSE_SORT, lambda e: e.id)


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
        return OrganizationProfile.with_defaults(
            id=org.id,
            country=settings.country,
            province=settings.province,
            currency=settings.currency,
            invoice_number_format=_text(extra, "invoice_number_format"),
            receipt_number_format=_text(extra, "receipt_number_format"),
            gst_registered=bool(extra.get("gst_registered", True)),
            pan_number=_text(extra, "pan_number"),
            name=org.name,
            gstin=_text(extra, "gst_number"),
            tax_registration_number=_text(extra, "tax_registration_number"),
            invoice_round_off=bool(extra.get("invoice_round_off", False)),
        )


def _text(extra: dict[str, object], key: str) -> str | None:
    return str(extra[key]) if extra.get(key) else None

"""What the compliance documents read, through query ports (never another context's model): a
tenancy's facts and its rent per rental period, as the books stand at a date."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class Tenancy:
    lease_id: UUID
    tenant_id: UUID
    tenant_name: str
    landlord_name: str
    landlord_address: tuple[str, ...]
    unit_address: tuple[str, ...]  # unit, street, "city, province postal code"
    province: str
    country: str
    rent: Money  # the lawful rent per period today
    rent_period: str  # monthly | weekly | daily
    start_date: date
    year_built: int | None


@dataclass(frozen=True)
class RentPeriod:
    """One rental period's rent as the ledger shows it at a date: charged on its invoice, and paid by
    the settled payments received on or before that date."""

    start: date
    end: date
    charged: Money
    paid: Money

    @property
    def owing(self) -> Money:
        return self.charged - self.paid


class TenancyQueries(ABC):
    @abstractmethod
    async def tenancy(self, organization_id: UUID, lease_id: UUID) -> Tenancy:
        """Raises NotFound for an unknown lease or one of another organization."""

    @abstractmethod
    async def rent_periods(self, organization_id: UUID, lease_id: UUID, as_of: date) -> list[RentPeriod]:
        """The rent of each period invoiced on or before ``as_of`` (cancelled invoices excluded), oldest first."""


@dataclass(frozen=True)
class UnitAccount:
    """A condominium or strata unit and its owner's account as the ledger stood on a date."""

    unit_id: UUID
    property_id: UUID
    unit_address: tuple[str, ...]
    province: str
    country: str
    corporation_name: str
    corporation_address: tuple[str, ...]
    owner_name: str | None  # None: no owner account (no lease) on the unit
    common_expenses: Money  # a month's contribution billed to the unit
    balance: Money  # the owner's receivable at the date: > 0 owed, < 0 paid ahead


@dataclass(frozen=True)
class BudgetView:
    name: str
    period_start: date
    period_end: date
    currency: str
    categories: tuple[tuple[str, Money], ...]

    @property
    def total(self) -> Money:
        total = Money.zero(self.currency)
        for _, figure in self.categories:
            total = total + figure
        return total


class UnitAccounts(ABC):
    @abstractmethod
    async def account(self, organization_id: UUID, unit_id: UUID, as_of: date) -> UnitAccount:
        """Raises NotFound for an unknown unit or one of another organization."""

    @abstractmethod
    async def budget(self, organization_id: UUID, property_id: UUID, on: date) -> BudgetView | None:
        """The budget covering ``on``: the property's own, else the organization's."""

    @abstractmethod
    async def reserve_fund(self, organization_id: UUID, property_id: UUID, as_of: date) -> Money:
        """The credit balance of the property's reserve fund account (``reserve_fund:<property>``)
        over the journal entries dated on or before ``as_of``, in the books' currency."""


@dataclass(frozen=True)
class TaxedLine:
    """One line of an issued invoice: its value before tax and the taxes charged on it."""

    issued_on: date
    province: str  # the property's: where a supply of real property is made
    amount: Money
    taxes: tuple[tuple[str, Money, str], ...]  # head (GST, HST, QST, PST), amount, payable_by
    charge_type: str = "other"  # rent | deposit | late_fee | other: a deposit is no revenue (line 101)


@dataclass(frozen=True)
class CreditedTax:
    """The tax on an approved vendor bill that the organization can claim back (an input tax credit)."""

    paid_on: date  # the expense's date, when it was posted
    province: str  # the bill's place of supply: its own, else its property's, else the organization's
    taxes: tuple[tuple[str, Money], ...]  # head (GST, HST, QST), amount


class SalesTaxQueries(ABC):
    @abstractmethod
    async def taxed_lines(self, organization_id: UUID, start: date, end: date) -> list[TaxedLine]:
        """The lines of invoices issued from ``start`` to ``end`` (drafts and cancelled ones excluded)."""

    @abstractmethod
    async def credited_taxes(self, organization_id: UUID, start: date, end: date) -> list[CreditedTax]:
        """The claimable tax of the expenses approved with a date from ``start`` to ``end``."""

    @abstractmethod
    async def currency(self, organization_id: UUID) -> str:
        """The currency the organization keeps its books in."""


@dataclass(frozen=True)
class SocietyBooks:
    """A housing society's property and what its books show for a financial year."""

    property_id: UUID
    society_name: str
    address: tuple[str, ...]
    country: str
    is_housing_society: bool  # the organization bills its members as a society
    members: int  # members holding a flat (a live lease) at the year's end
    sinking_fund: Money  # contributions billed in the year to the sinking fund
    repairs_fund: Money  # contributions billed in the year to the repairs and maintenance fund


class SocietyQueries(ABC):
    @abstractmethod
    async def books(self, organization_id: UUID, property_id: UUID, start: date, end: date) -> SocietyBooks:
        """Raises NotFound for an unknown property or one of another organization."""


class ComplianceUnitOfWork(UnitOfWork):
    tenancies: TenancyQueries
    unit_accounts: UnitAccounts
    sales_tax: SalesTaxQueries
    societies: SocietyQueries

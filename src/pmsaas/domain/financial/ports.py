"""Ports of the financial context.

``LeaseDirectory`` and ``OrganizationProfiles`` are this context's own narrow views of other
contexts' data (leases, organization settings); the SQL adapter implements them over those tables,
so the financial domain never imports another context.
"""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.financial.budgets import Budget
from pmsaas.domain.financial.credit import Credit, CreditApplication
from pmsaas.domain.financial.credit_notes import CreditNote
from pmsaas.domain.financial.deposit_settlement import DepositSettlement
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.gateway import (  # re-exported: the gateway port lives in gateway.py
    CollectionMethod as CollectionMethod,
)
from pmsaas.domain.financial.gateway import CollectionRequest as CollectionRequest
from pmsaas.domain.financial.gateway import GatewayEvent as GatewayEvent
from pmsaas.domain.financial.gateway import GatewayOutcome as GatewayOutcome
from pmsaas.domain.financial.gateway import OutcomeStatus as OutcomeStatus
from pmsaas.domain.financial.gateway import PaymentGateway as PaymentGateway
from pmsaas.domain.financial.ledger import JournalEntry, TrialBalanceRow
from pmsaas.domain.financial.model import Invoice, Payment, Refund
from pmsaas.domain.financial.numbering import default_number_format
from pmsaas.domain.financial.report_ports import ReportQueries
from pmsaas.domain.financial.tds_record import TdsDeduction
from pmsaas.domain.financial.tds_report import TdsReportRow
from pmsaas.domain.shared.documents import DocumentRenderer as DocumentRenderer  # re-exported: the port
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class LeaseRef:
    id: UUID
    organization_id: UUID
    tenant_id: UUID
    property_id: UUID
    status: str
    currency: str
    property_type: str  # residential | commercial | mixed_use
    property_region: str  # province / State code of the property
    tenant_email: str | None = None
    tenant_name: str | None = None
    tenant_gstin: str | None = None
    tenant_pan: str | None = None
    tds_applicable: bool = False  # India: the tenant deducts TDS on rent


@dataclass(frozen=True)
class BillableCharge:
    charge_type: str  # rent | deposit | late_fee | other, reserve_fund (a recurring charge)
    description: str
    amount: Money
    due_date: date
    period_start: date
    period_end: date
    supply_type: str | None = None  # a recurring charge's tax treatment


# (overdue balance, due date, as of) -> the late fee owed, or None (the lease's own terms)
LateFeeRule = Callable[[Money, date, date], "Money | None"]


@dataclass(frozen=True)
class BillableLease:
    lease: LeaseRef
    charges: list[BillableCharge]
    late_fee: LateFeeRule | None = None


@dataclass(frozen=True)
class OrganizationProfile:
    id: UUID
    country: str
    province: str | None
    currency: str
    invoice_number_format: str | None = None  # as the settings store it: None, the product's default
    receipt_number_format: str | None = None
    gst_registered: bool = True
    pan_number: str | None = None  # India: extra_settings.pan_number (the payee's PAN for TDS on rent)
    tan_number: str | None = None  # India: extra_settings.tan_number (the deductor's TAN on Form 16A)
    name: str = ""
    gstin: str | None = None  # India: the supplier's GSTIN, printed on its tax invoices
    tax_registration_number: str | None = None  # Canada: the GST/HST account printed on invoices
    invoice_round_off: bool = False  # as the settings store it (see ``rounds_invoices``)
    is_housing_society: bool = False  # India: a housing society billing its members (entry 77(c))
    time_zone: str = "UTC"  # IANA zone: the organization's "today" (a payment's received_on)
    address: str | None = None  # the supplier's address printed on its documents (lines split on newlines)

    @property
    def invoice_numbering(self) -> str:
        """The invoice number format: the organization's own, else the product's default for its country."""
        return self.invoice_number_format or default_number_format("invoice", self.country)

    @property
    def receipt_numbering(self) -> str:
        """The receipt number format: the organization's own, else the product's default for its country."""
        return self.receipt_number_format or default_number_format("receipt", self.country)

    @property
    def rounds_invoices(self) -> bool:
        """Whether invoices are rounded to the nearest rupee at issue: asked for, and the books in INR."""
        return self.invoice_round_off and self.currency == "INR"


class LeaseDirectory(ABC):
    @abstractmethod
    async def get(self, organization_id: UUID, lease_id: UUID) -> LeaseRef:
        """Raises NotFound for an unknown or foreign lease."""

    @abstractmethod
    async def tenant_ids_of_user(self, organization_id: UUID, user_id: UUID) -> set[UUID]:
        """The tenant records a user is (for the Tenant role's own-lease scoping)."""

    @abstractmethod
    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        """A live property of this organization (expenses and budgets name one by id)."""

    @abstractmethod
    async def premises(self, organization_id: UUID, lease_id: UUID) -> Premises:
        """Where the leased unit is (the recipient's address on documents). Raises NotFound."""


@dataclass(frozen=True)
class Premises:
    """The leased property and unit: the tenant's address on its documents and, in India, the
    place of supply of renting immovable property (IGST Act s.12(3): where the property is)."""

    property_name: str
    unit_name: str | None
    street: str
    city: str
    region: str  # province / State (ISO code)
    postal_code: str
    country: str

    def lines(self, region_label: str | None = None) -> tuple[str, ...]:
        unit = f"{self.unit_name}, {self.property_name}" if self.unit_name else self.property_name
        place = f"{self.city}, {region_label or self.region} {self.postal_code}".strip()
        return (unit, self.street, place)


class OrganizationProfiles(ABC):
    @abstractmethod
    async def get(self, organization_id: UUID) -> OrganizationProfile: ...


@dataclass(frozen=True)
class InvoiceFilter:
    status: str | None = None
    lease_id: UUID | None = None
    tenant_ids: frozenset[UUID] | None = None  # None = every tenant
    overdue_on: date | None = None


class InvoiceListQuery(ABC):
    """The invoice list, a hot read, as one query: a page of the organization's invoices, each with its
    lines, and the total of the filtered list (``InvoiceRepository.list``'s filters and sorts). Adapters
    per database; every adapter returns the same rows in the same order."""

    @abstractmethod
    async def page(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]: ...


class InvoiceRepository(ABC):
    @abstractmethod
    async def add(self, invoice: Invoice) -> None: ...

    @abstractmethod
    async def add_many(self, invoices: list[Invoice]) -> list[Invoice]:
        """Insert-or-skip on (organization, lease, period): returns the invoices actually inserted."""

    @abstractmethod
    async def get(self, organization_id: UUID, invoice_id: UUID, *, for_update: bool = False) -> Invoice: ...

    @abstractmethod
    async def update(self, invoice: Invoice, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, invoice_id: UUID) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]: ...

    @abstractmethod
    async def issued_between(self, organization_id: UUID, start: date, end: date) -> builtins.list[Invoice]:
        """Issued (not draft) invoices with an issue date in ``[start, end]``."""

    @abstractmethod
    async def billed_leases(self, organization_id: UUID, period: str) -> set[UUID]:
        """Leases that already have their invoice for ``period``."""

    @abstractmethod
    async def open_due_before(self, organization_id: UUID, day: date) -> builtins.list[Invoice]:
        """Open invoices with a balance, due before ``day`` (candidates for late fees)."""

    @abstractmethod
    async def open_for_lease(self, organization_id: UUID, lease_id: UUID) -> builtins.list[Invoice]:
        """Open invoices of a lease, oldest due first, locked for update."""


@dataclass(frozen=True)
class PaymentFilter:
    status: str | None = None
    lease_id: UUID | None = None
    invoice_id: UUID | None = None
    tenant_ids: frozenset[UUID] | None = None


class PaymentRepository(ABC):
    @abstractmethod
    async def add(self, payment: Payment) -> bool:
        """False (and nothing written) when the caller's idempotency key is already used: unique per
        (organization, ``idempotency_scope``, key)."""

    @abstractmethod
    async def by_idempotency_key(self, organization_id: UUID, scope: str, key: str) -> Payment | None:
        """The payment made with this key by this caller (``principal_scope``), if any."""

    @abstractmethod
    async def get(self, organization_id: UUID, payment_id: UUID, *, for_update: bool = False) -> Payment: ...

    @abstractmethod
    async def by_gateway_id(self, gateway: str, gateway_payment_id: str) -> Payment | None:
        """Across organizations: a gateway callback names only its own id. Locked for update."""

    @abstractmethod
    async def update(self, payment: Payment, expected_version: int) -> None:
        """Writes status, figures and the full allocation list."""

    @abstractmethod
    async def list(self, organization_id: UUID, filters: PaymentFilter, page: PageRequest) -> Page[Payment]: ...

    @abstractmethod
    async def add_refund(self, refund: Refund) -> bool:
        """False when the caller's refund idempotency key is already used (unique as for payments)."""

    @abstractmethod
    async def refund_by_key(self, organization_id: UUID, scope: str, key: str) -> Refund | None: ...

    @abstractmethod
    async def record_gateway_event(self, gateway: str, event_id: str, at: datetime) -> bool:
        """True the first time a gateway event id is seen, False for a replay."""

    @abstractmethod
    async def credits(self, organization_id: UUID, lease_id: UUID | None = None) -> dict[UUID, builtins.list[Credit]]:
        """The settled payments that still hold unallocated credit, per lease, oldest first (one
        lease, or the whole organization's when ``lease_id`` is None). The payments are locked for
        update (as a refund locks its payment), and their allocations are read after the lock."""

    @abstractmethod
    async def apply_credits(
        self,
        organization_id: UUID,
        applications: builtins.list[CreditApplication],
        at: datetime,
    ) -> None:
        """Appends the allocation rows of applied credit and bumps the payments' versions (in bulk)."""


@dataclass(frozen=True)
class LedgerLineView:
    entry_id: UUID
    entry_date: date
    description: str
    source_type: str
    source_id: UUID | None
    amount: Money  # debit-positive on the receivable: charges > 0, payments < 0


class LedgerRepository(ABC):
    @abstractmethod
    async def post(self, entry: JournalEntry) -> None:
        """Append an entry (creating the accounts it names). Never updates or deletes."""

    async def prepare_accounts(self, organization_id: UUID, accounts: Iterable[str], at: datetime) -> None:
        """Resolve (creating when missing) accounts an entry about to be posted names, so that
        posting it is one statement: used before taking a contended lock (the receipt counter).
        Optional: ``post`` resolves whatever was not prepared."""
        return None

    @abstractmethod
    async def deposit_held(self, organization_id: UUID, lease_id: UUID, currency: str) -> Money:
        """The security deposit held for a lease: the credit balance of ``deposits_held`` on it."""

    @abstractmethod
    async def deposit_lines(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
        """The ``deposits_held`` lines of a lease in posting order (debit-positive)."""

    @abstractmethod
    async def post_many(self, entries: list[JournalEntry]) -> None:
        """Append many entries in a few bulk statements."""

    @abstractmethod
    async def entry_for(self, organization_id: UUID, source_type: str, source_id: UUID) -> JournalEntry: ...

    @abstractmethod
    async def trial_balance(self, organization_id: UUID, currency: str) -> list[TrialBalanceRow]: ...

    @abstractmethod
    async def lease_ledger(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
        """The receivable lines of a lease in posting order."""


class DepositSettlementRepository(ABC):
    @abstractmethod
    async def add(self, settlement: DepositSettlement) -> bool:
        """False when the lease's deposit is already settled (one settlement per lease)."""

    @abstractmethod
    async def get(self, organization_id: UUID, lease_id: UUID) -> DepositSettlement | None: ...


class CreditNoteRepository(ABC):
    @abstractmethod
    async def add(self, note: CreditNote) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, note_id: UUID) -> CreditNote: ...

    @abstractmethod
    async def for_invoice(self, organization_id: UUID, invoice_id: UUID) -> list[CreditNote]: ...

    @abstractmethod
    async def issued_between(self, organization_id: UUID, start: date, end: date) -> list[CreditNote]: ...


class NumberSequences(ABC):
    @abstractmethod
    async def reserve(self, organization_id: UUID, series: str, fiscal_year: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers and return the first. Gap-free: the counter row is
        locked and moved in the caller's transaction (``count=0`` only takes the lock)."""

    async def next(self, organization_id: UUID, series: str, fiscal_year: str) -> int:
        return await self.reserve(organization_id, series, fiscal_year, 1)


@dataclass(frozen=True)
class Settlement:
    """What settling a payment decided, for :class:`PaymentPosting` to store: the invoices it pays
    (each with the version its row must still have), the accounts its entry will name, the receipt
    number's fiscal year. ``payment`` carries its allocations; its row must still be at
    ``expected_version``, or, when that is None, is not stored yet (it is inserted once: its
    idempotency key is unique)."""

    payment: Payment
    expected_version: int | None
    paid_invoices: list[tuple[Invoice, int]]
    accounts: frozenset[str]
    fiscal_year: str
    at: datetime


@dataclass(frozen=True)
class PaymentOpening:
    """What recording a payment reads first: the caller's payment under the idempotency key (if
    any), the lease (None: not in the organization), the organization's profile and, when asked,
    the lease's open invoices, locked for the settlement in the same transaction."""

    existing: Payment | None
    lease: LeaseRef | None
    profile: OrganizationProfile
    open_invoices: list[Invoice] | None


class PaymentPosting(ABC):
    """A payment's reads and writes in the caller's transaction. ``open``: what the use case needs
    before it decides. ``settle``: the write of a settled payment, in this order: the paid invoices
    (optimistic version checks: :class:`Conflict` when one moved), the accounts, then the receipt
    counter (its row lock, one per organization and fiscal year, is every payment's queue: taken
    last), the journal entry ``receipt`` returns for the counter's value, the payment row and its
    allocations, the events the unit of work holds (its outbox). The rules (allocation, the entry's
    lines, the number's format) stay in the domain; an adapter only chooses how the rows travel."""

    @abstractmethod
    async def open(
        self, organization_id: UUID, idempotency_scope: str, idempotency_key: str, lease_id: UUID, *, invoices: bool
    ) -> PaymentOpening: ...

    @abstractmethod
    async def settle(self, settlement: Settlement, receipt: Callable[[int], JournalEntry]) -> bool:
        """False (nothing more written) when a new payment's idempotency key is taken: the caller
        rolls back."""


@dataclass(frozen=True)
class IssuedBatch:
    """Issued invoices of one organization with their issue entries and events."""

    invoices: list[Invoice]
    entries: list[JournalEntry]
    events: list[DomainEvent]


class BillingWriter(ABC):
    """The billing run's batch write: one organization's issued invoices in one transaction."""

    @abstractmethod
    async def add_issued(self, batches: Iterable[IssuedBatch]) -> int:
        """Insert-or-skip the batches' invoices on (organization, lease, period), with their lines,
        their issue entries (creating the accounts they name) and their events (the outbox, written
        here instead of at commit). Returns how many invoices were inserted. The batches are written
        as the iterable yields them (the caller's next batch overlaps the database's work on the
        previous ones); a skipped invoice stops the writing, and the caller rolls back."""


@dataclass
class PaymentMethodRecord:
    organization_id: UUID
    type: str
    label: str
    enabled: bool
    details: dict[str, object] = field(default_factory=dict)
    id: UUID | None = None


class PaymentMethodRepository(ABC):
    @abstractmethod
    async def add(self, method: PaymentMethodRecord) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID) -> list[PaymentMethodRecord]: ...


class ExpenseRepository(ABC):
    @abstractmethod
    async def add(self, expense: Expense) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, expense_id: UUID, *, for_update: bool = False) -> Expense: ...

    @abstractmethod
    async def update(self, expense: Expense, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, expense_id: UUID) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, status: str | None, page: PageRequest) -> Page[Expense]: ...


class BudgetRepository(ABC):
    @abstractmethod
    async def add(self, budget: Budget) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, budget_id: UUID, *, for_update: bool = False) -> Budget: ...

    @abstractmethod
    async def update(self, budget: Budget, expected_version: int) -> None:
        """Writes the budget and replaces its categories."""

    @abstractmethod
    async def delete(self, organization_id: UUID, budget_id: UUID) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Budget]: ...

    @abstractmethod
    async def expense_actuals(
        self, organization_id: UUID, start: date, end: date, currency: str, property_id: UUID | None
    ) -> dict[str, Money]:
        """Per expense category: the amounts posted to the ``expenses`` account in ``[start, end]``."""


class TdsRepository(ABC):
    """TDS records beside the payment (``source_type="payment"``) or expense they belong to."""

    @abstractmethod
    async def save(
        self, organization_id: UUID, source_type: str, source_id: UUID, deduction: TdsDeduction | None
    ) -> None:
        """Write (replace) the source's TDS record; ``None`` removes it."""

    @abstractmethod
    async def payee_totals(
        self, organization_id: UUID, section: str, payee: str, start: date, end: date
    ) -> tuple[int, int]:
        """Minor units (amount paid, base already deducted on) of the approved expense deductions to
        ``payee`` (``TdsDeduction.payee_key``) under ``section`` dated in ``[start, end]``."""

    @abstractmethod
    async def report(self, organization_id: UUID, start: date, end: date, direction: str | None) -> list[TdsReportRow]:
        """Posted TDS dated in ``[start, end]``: the TDS is the net of the ledger lines on
        ``tds_receivable``/``tds_payable`` of the source's entries (a reversed posting nets to zero
        and is left out)."""


class FinancialUnitOfWork(UnitOfWork):
    invoices: InvoiceRepository
    invoice_list: InvoiceListQuery
    payments: PaymentRepository
    ledger: LedgerRepository
    deposit_settlements: DepositSettlementRepository
    credit_notes: CreditNoteRepository
    sequences: NumberSequences
    lease_directory: LeaseDirectory
    organization_profiles: OrganizationProfiles
    payment_methods: PaymentMethodRepository
    expenses: ExpenseRepository
    budgets: BudgetRepository
    tds: TdsRepository
    billing: BillingWriter
    payment_posting: PaymentPosting
    reports: ReportQueries

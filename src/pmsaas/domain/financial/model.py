"""Invoices, payments, refunds: entities, their state machines and their ledger postings. Pure.

Invoice status
    ``draft → issued → sent``; payments move ``issued``/``sent`` to ``partially_paid`` and ``paid``
    (refunds move them back). ``cancel`` from ``draft`` (nothing to reverse) or from ``issued``/``sent``
    with nothing paid (posts the reversal of the issue entry); an invoice with money on it is refunded
    first (409). ``overdue`` is derived, never stored: an open invoice with a balance past its due date.
    Only drafts are edited or deleted. Numbers are given at issue, so drafts never leave gaps.

Ledger postings (signed: debit > 0)
    issue:   Dr ar:<tenant> total; Cr income per line (rent/late fee/other), deposits_held for a
             deposit line, reserve_fund:<property> for a condominium's reserve fund line (the
             fund's part of the common expenses: held for the owners, never income);
             Cr tax_payable:<head> per tax the supplier charges; Cr round_off the
             invoice's rounding to the rupee (Dr when rounded down). Reverse-charge lines are the
             tenant's to pay and are not posted.

Round-off (India, docs/tax-rules.md §2.6)
    An organization with ``invoice_round_off`` has its INR invoices rounded to the nearest rupee
    when they are issued (50 paise or more up, as CGST s.170): ``round_off`` is the difference
    (-0.49 … +0.50), part of ``total`` and ``balance_due``. It is not a supply (no tax, not in the
    return's values), so it is a figure of the invoice, not a line. Drafts have none.
    cancel:  the reversal of the issue entry.
    payment: Dr cash (or gateway_clearing for gateway payments); Cr ar:<tenant>. With TDS withheld
             by the tenant (``Payment.tds``, see ``tds.py``): Dr cash (the amount received) and
             Dr tds_receivable (the TDS); Cr ar:<tenant> the gross, which is what is allocated.
    refund:  the opposite of the payment, for the refunded amount: cash only (at most the cash
             received); the TDS stays a credit with the government.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.tds_record import TdsDeduction
from pmsaas.domain.shared.errors import Conflict, IllegalTransition, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money, round_half_up


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SENT = "sent"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


OPEN = frozenset({InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID})


class ChargeType(StrEnum):
    RENT = "rent"
    DEPOSIT = "deposit"
    LATE_FEE = "late_fee"
    OTHER = "other"
    RESERVE_FUND = "reserve_fund"  # a condominium's reserve fund part of the common expenses


INCOME_ACCOUNT = {
    ChargeType.RENT: "rent_income",
    ChargeType.DEPOSIT: "deposits_held",
    ChargeType.LATE_FEE: "late_fee_income",
    ChargeType.OTHER: "other_income",
}


def line_account(charge_type: ChargeType, property_id: UUID | None) -> str:
    """The account a line of this charge type credits: its income account, or the property's
    reserve fund for a reserve fund line (which needs the property)."""
    if charge_type != ChargeType.RESERVE_FUND:
        return INCOME_ACCOUNT[charge_type]
    if property_id is None:
        raise ValidationFailed.single("lines", "a reserve fund line needs the lease's property")
    return L.reserve_fund(property_id)


@dataclass(frozen=True, slots=True)
class InvoiceTax:
    tax: str
    rate: Decimal
    amount: Money
    payable_by: str  # supplier | recipient
    jurisdiction: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    description: str
    amount: Money  # before tax
    charge_type: ChargeType = ChargeType.OTHER
    supply_type: str | None = None
    taxes: tuple[InvoiceTax, ...] = ()

    @property
    def tax_charged(self) -> Money:
        total = Money.zero(self.amount.currency)
        for t in self.taxes:
            if t.payable_by == "supplier":
                total = total + t.amount
        return total


@dataclass(eq=False)
class Invoice:
    organization_id: UUID
    lease_id: UUID
    tenant_id: UUID
    currency: str
    issue_date: date
    due_date: date
    lines: list[InvoiceLine]
    created_at: datetime
    updated_at: datetime
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: str | None = None
    period: str | None = None  # "2026-12" for a billing-run invoice: its unique (lease, period) slot
    # The month whose rent the invoice bills, whatever created it (billing run: ``period``; by hand:
    # given, or the due date's month when it has a rent line). The billing run skips a lease that
    # has a live invoice for the period (docs/financial.md, "Billing run").
    service_period: str | None = None
    notes: str | None = None
    paid: Money | None = None
    round_off: Money | None = None  # decided at issue (India); zero on drafts
    credited: Money | None = None  # what credit notes took off what the tenant owes (credit_notes.py)
    issued_at: datetime | None = None
    sent_at: datetime | None = None
    cancelled_at: datetime | None = None
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def __post_init__(self) -> None:
        if self.service_period is None:
            self.service_period = self.period
        if self.paid is None:
            self.paid = Money.zero(self.currency)
        if self.round_off is None:
            self.round_off = Money.zero(self.currency)
        if self.credited is None:
            self.credited = Money.zero(self.currency)

    # -- figures --------------------------------------------------------------------------
    @property
    def subtotal(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + line.amount
        return total

    @property
    def tax_total(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + line.tax_charged
        return total

    @property
    def total(self) -> Money:
        assert self.round_off is not None
        return self.subtotal + self.tax_total + self.round_off

    @property
    def amount_paid(self) -> Money:
        assert self.paid is not None
        return self.paid

    @property
    def amount_credited(self) -> Money:
        assert self.credited is not None
        return self.credited

    @property
    def balance_due(self) -> Money:
        if self.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
            return Money.zero(self.currency)
        return self.total - self.amount_paid - self.amount_credited

    def display_status(self, today: date) -> str:
        if self.status in OPEN and self.due_date < today and self.balance_due.is_positive:
            return "overdue"
        return self.status.value

    # -- transitions ----------------------------------------------------------------------
    def require_draft(self, action: str) -> None:
        if self.status != InvoiceStatus.DRAFT:
            raise IllegalTransition("invoice", self.status.value, action)

    def issue(
        self, *, number: str, at: datetime, round_off: bool = False, property_id: UUID | None = None
    ) -> L.JournalEntry:
        """``round_off``: round an INR invoice to the nearest rupee (ignored in other currencies);
        ``property_id``: the lease's property, whose reserve fund a reserve fund line credits."""
        self.require_draft("issue")
        if not self.lines:
            raise ValidationFailed.single("lines", "an invoice needs at least one line")
        for line in self.lines:
            line_account(line.charge_type, property_id)  # before any change: a reserve line needs the property
        exact = self.subtotal + self.tax_total
        if not exact.is_positive:
            raise ValidationFailed.single("lines", "an invoice total must be positive")
        difference = rupee_round_off(exact) if round_off and self.currency == "INR" else Money.zero(self.currency)
        if not (exact + difference).is_positive:
            raise ValidationFailed.single("lines", "an invoice total must be at least one rupee once rounded")
        self.round_off = difference
        self.status = InvoiceStatus.ISSUED
        self.number = number
        self.issued_at = at
        self.updated_at = at
        return self.issue_entry(at, property_id)

    def issue_entry(self, at: datetime, property_id: UUID | None = None) -> L.JournalEntry:
        lines: list[tuple[str, Money, UUID | None]] = [(L.receivable(self.tenant_id), self.total, self.lease_id)]
        for line in self.lines:
            lines.append((line_account(line.charge_type, property_id), -line.amount, self.lease_id))
            for t in line.taxes:
                if t.payable_by == "supplier":
                    lines.append((L.tax_payable(t.tax), -t.amount, self.lease_id))
        assert self.round_off is not None
        lines.append(("round_off", -self.round_off, self.lease_id))  # a zero line is dropped
        return L.entry(
            organization_id=self.organization_id,
            on=self.issue_date,
            at=at,
            description=f"Invoice {self.number}",
            lines=lines,
            source_type="invoice",
            source_id=self.id,
        )

    def mark_sent(self, at: datetime) -> None:
        if self.status not in OPEN and self.status != InvoiceStatus.PAID:
            raise IllegalTransition("invoice", self.status.value, "send")
        if self.status == InvoiceStatus.ISSUED:
            self.status = InvoiceStatus.SENT
        self.sent_at = at
        self.updated_at = at

    def cancel(self, at: datetime) -> bool:
        """Returns True when the issue entry must be reversed."""
        if self.status == InvoiceStatus.DRAFT:
            self.status = InvoiceStatus.CANCELLED
            self.cancelled_at = self.updated_at = at
            return False
        if self.status not in OPEN:
            raise IllegalTransition("invoice", self.status.value, "cancel")
        if self.amount_paid.is_positive:
            raise Conflict("the invoice has payments: refund them before cancelling it")
        self.status = InvoiceStatus.CANCELLED
        self.cancelled_at = self.updated_at = at
        return True

    def apply_payment(self, amount: Money, at: datetime) -> None:
        if self.status not in OPEN:
            raise IllegalTransition("invoice", self.status.value, "pay")
        if amount.amount <= 0 or self.balance_due < amount:
            raise ValueError("allocation must be positive and at most the balance due")
        self.paid = self.amount_paid + amount
        self.status = InvoiceStatus.PAID if not self.balance_due.is_positive else InvoiceStatus.PARTIALLY_PAID
        self.updated_at = at

    def apply_credit_note(self, amount: Money, at: datetime) -> None:
        """A credit note takes ``amount`` off what the tenant owes; nothing left to pay: ``paid``.
        Money already received is refunded first (as for a cancel): the note never exceeds the balance."""
        if self.status not in OPEN:
            raise IllegalTransition("invoice", self.status.value, "credit")
        if not amount.is_positive:
            raise ValidationFailed.single("lines", "a credit note must take something off")
        if self.balance_due < amount:
            raise Conflict(
                f"the credit note ({amount}) is more than the invoice's unpaid balance ({self.balance_due}): "
                "refund the payments first"
            )
        self.credited = self.amount_credited + amount
        if not self.balance_due.is_positive:
            self.status = InvoiceStatus.PAID
        self.updated_at = at

    def unapply_payment(self, amount: Money, at: datetime) -> None:
        if amount.amount <= 0 or self.amount_paid < amount:
            raise ValueError("cannot unapply more than was paid")
        self.paid = self.amount_paid - amount
        if self.amount_paid.is_positive:
            self.status = InvoiceStatus.PARTIALLY_PAID
        else:
            self.status = InvoiceStatus.SENT if self.sent_at else InvoiceStatus.ISSUED
        self.updated_at = at

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "invoice_id": str(self.id),
                "number": self.number,
                "lease_id": str(self.lease_id),
                "tenant_id": str(self.tenant_id),
                "status": self.status.value,
                "total": {"amount": str(self.total), "currency": self.currency},
                "organization_id": str(self.organization_id),
            },
        )


def rupee_round_off(amount: Money) -> Money:
    """What brings ``amount`` to the nearest whole rupee: 50 paise or more up, less ignored (CGST
    s.170, docs/tax-rules.md §2.6); -0.49 … +0.50 for a positive amount in paise."""
    return Money(round_half_up(amount.amount, 0) - amount.amount, amount.currency).rounded()


# -- payments -------------------------------------------------------------------------------


class PaymentMethod(StrEnum):
    CARD = "card"
    CASH = "cash"
    CHEQUE = "cheque"
    BANK_TRANSFER = "bank_transfer"
    UPI = "upi"
    INTERAC = "interac"
    NET_BANKING = "net_banking"  # online only: the payer's bank, through the gateway (India)
    PRE_AUTHORIZED_DEBIT = "pre_authorized_debit"  # online only: a PAD mandate debit (Canada)


MANUAL_METHODS = frozenset(
    {PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.BANK_TRANSFER, PaymentMethod.UPI, PaymentMethod.INTERAC}
)
# Collected online through a gateway and settled by its callback (UPI also when the request asks
# for ``online``; otherwise a UPI payment is a transfer the manager records).
COLLECTED_METHODS = frozenset({PaymentMethod.UPI, PaymentMethod.NET_BANKING, PaymentMethod.PRE_AUTHORIZED_DEBIT})
# The currency each collection method settles in: UPI and net banking are Indian rails, a PAD a Canadian one.
COLLECTION_CURRENCY = {
    PaymentMethod.UPI: "INR",
    PaymentMethod.NET_BANKING: "INR",
    PaymentMethod.PRE_AUTHORIZED_DEBIT: "CAD",
}


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


SETTLED = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED})


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: UUID
    amount: Money
    # The day the payment's money went to the invoice: the payment's day of receipt when it is
    # posted, the invoice's issue date when the tenant's credit is applied at issue (GSTR-1 table
    # 11B). None: a row from before 0048 whose date was not known (read as the day of receipt).
    applied_on: date | None = None


@dataclass(eq=False)
class Payment:
    organization_id: UUID
    lease_id: UUID
    tenant_id: UUID
    amount: Money
    method: PaymentMethod
    idempotency_key: str
    request_fingerprint: str
    created_at: datetime
    updated_at: datetime
    status: PaymentStatus = PaymentStatus.PENDING
    reference: str | None = None
    notes: str | None = None
    receipt_number: str | None = None
    gateway: str | None = None
    gateway_payment_id: str | None = None
    failure_reason: str | None = None
    received_at: datetime | None = None
    # The day a manual payment (cash, cheque, transfer) was received, when recorded later: the
    # date of its ledger entry and receipt. None: the day it was recorded.
    received_on: date | None = None
    # Whose idempotency key it is (``principal_scope``): unique per organization, caller and key.
    idempotency_scope: str = ""
    invoice_ids: tuple[UUID, ...] = ()  # named invoices to pay first (else oldest open)
    allocations: list[Allocation] = field(default_factory=list)
    refunded: Money | None = None
    # Cash of this payment paid back as the tenant's security deposit: out of deposits_held, not off
    # the invoices it paid (they stay paid).
    deposit_refunded: Money | None = None
    tds: TdsDeduction | None = None  # TDS the tenant withheld (India): credited on top of the cash
    id: UUID = field(default_factory=new_id)
    version: int = 1
    # An online collection's next step for the payer (GatewayOutcome.next_action): answered once when
    # the payment is created, never stored.
    next_action: Mapping[str, str] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.refunded is None:
            self.refunded = Money.zero(self.amount.currency)
        if self.deposit_refunded is None:
            self.deposit_refunded = Money.zero(self.amount.currency)

    @property
    def tds_amount(self) -> Money:
        return self.tds.tds if self.tds is not None else Money.zero(self.amount.currency)

    @property
    def gross(self) -> Money:
        """What the payment settles on the tenant's receivable: the cash plus the TDS withheld."""
        return self.amount + self.tds_amount

    @property
    def amount_refunded(self) -> Money:
        assert self.refunded is not None
        return self.refunded

    @property
    def refundable(self) -> Money:
        if self.status not in SETTLED:
            return Money.zero(self.amount.currency)
        assert self.deposit_refunded is not None
        return self.amount - self.amount_refunded - self.deposit_refunded

    @property
    def allocated(self) -> Money:
        total = Money.zero(self.amount.currency)
        for a in self.allocations:
            total = total + a.amount
        return total

    @property
    def unallocated(self) -> Money:
        """What the tenant keeps as credit from this payment."""
        return self.gross - self.amount_refunded - self.allocated

    @property
    def cash_account(self) -> str:
        return "gateway_clearing" if self.gateway else "cash"

    @property
    def settlement_accounts(self) -> set[str]:
        """The accounts :meth:`succeed`'s entry posts to (its non-zero lines)."""
        accounts = {self.cash_account, L.receivable(self.tenant_id)}
        if self.tds_amount.amount != 0:
            accounts.add("tds_receivable")
        return accounts

    def succeed(self, *, receipt_number: str, at: datetime, today: date) -> L.JournalEntry:
        """``today``: the organization's date at ``at`` (its time zone): the day of receipt unless the
        money came in on an earlier ``received_on``. Stored as ``received_on`` either way, so every
        report, return and document reads one date and never derives it from UTC again."""
        if self.status != PaymentStatus.PENDING:
            raise IllegalTransition("payment", self.status.value, "settle")
        self.status = PaymentStatus.SUCCEEDED
        self.receipt_number = receipt_number
        self.received_at = self.updated_at = at
        self.received_on = self.received_on or today
        return L.entry(
            organization_id=self.organization_id,
            on=self.received_on,
            at=at,
            description=f"Payment {receipt_number} ({self.method.value})",
            lines=[
                (self.cash_account, self.amount, self.lease_id),
                ("tds_receivable", self.tds_amount, self.lease_id),
                (L.receivable(self.tenant_id), -self.gross, self.lease_id),
            ],
            source_type="payment",
            source_id=self.id,
        )

    def fail(self, reason: str, at: datetime) -> None:
        if self.status != PaymentStatus.PENDING:
            raise IllegalTransition("payment", self.status.value, "fail")
        self.status = PaymentStatus.FAILED
        self.failure_reason = reason
        self.updated_at = at

    def refund(self, amount: Money, *, refund_id: UUID, at: datetime, today: date) -> L.JournalEntry:
        self._check_refund(amount)
        self.refunded = self.amount_refunded + amount
        self.status = PaymentStatus.REFUNDED if not self.refundable.is_positive else PaymentStatus.PARTIALLY_REFUNDED
        self.updated_at = at
        return L.entry(
            organization_id=self.organization_id,
            on=today,
            at=at,
            description=f"Refund of payment {self.receipt_number}",
            lines=[
                (L.receivable(self.tenant_id), amount, self.lease_id),
                (self.cash_account, -amount, self.lease_id),
            ],
            source_type="refund",
            source_id=refund_id,
        )

    def _check_refund(self, amount: Money) -> None:
        if self.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED):
            raise IllegalTransition("payment", self.status.value, "refund")
        if amount.currency != self.amount.currency:
            raise ValidationFailed.single("amount.currency", f"must be {self.amount.currency}")
        if not amount.is_positive:
            raise ValidationFailed.single("amount.amount", "must be positive")
        if self.refundable < amount:
            extra = " (the cash received: the TDS withheld is a credit with the government)" if self.tds else ""
            raise ValidationFailed.single("amount.amount", f"at most {self.refundable} can be refunded{extra}")

    def refund_deposit(
        self, amount: Money, *, held: Money, refund_id: UUID, at: datetime, today: date
    ) -> L.JournalEntry:
        """Pays back part of the security deposit held for the lease out of this payment's cash:
        ``Dr deposits_held / Cr cash``. The invoices the payment settled stay paid."""
        self._check_refund(amount)
        if held < amount:
            raise ValidationFailed.single("amount.amount", f"at most the deposit held for the lease, {held}")
        assert self.deposit_refunded is not None
        self.deposit_refunded = self.deposit_refunded + amount
        self.status = PaymentStatus.REFUNDED if not self.refundable.is_positive else PaymentStatus.PARTIALLY_REFUNDED
        self.updated_at = at
        return L.entry(
            organization_id=self.organization_id,
            on=today,
            at=at,
            description=f"Deposit refund from payment {self.receipt_number}",
            lines=[("deposits_held", amount, self.lease_id), (self.cash_account, -amount, self.lease_id)],
            source_type="refund",
            source_id=refund_id,
        )

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "payment_id": str(self.id),
                "lease_id": str(self.lease_id),
                "tenant_id": str(self.tenant_id),
                "status": self.status.value,
                "method": self.method.value,
                "amount": {"amount": str(self.amount), "currency": self.amount.currency},
                "receipt_number": self.receipt_number,
                "organization_id": str(self.organization_id),
            },
        )


@dataclass(eq=False)
class Refund:
    organization_id: UUID
    payment_id: UUID
    amount: Money
    idempotency_key: str
    request_fingerprint: str
    created_at: datetime
    reason: str | None = None
    idempotency_scope: str = ""  # as on Payment
    deposit: bool = False  # a security deposit paid back (deposits_held), not money off the invoices
    id: UUID = field(default_factory=new_id)
    # The part that gave back the payment's unallocated credit (an advance, GSTR-1 table 11); the
    # rest reopened invoices it had paid. None: recorded before the split was kept.
    from_credit: Money | None = None


def allocate(amount: Money, open_invoices: list[Invoice], on: date | None = None) -> tuple[list[Allocation], Money]:
    """Split ``amount`` over ``open_invoices`` in the order given; the rest is tenant credit.
    ``on``: the allocations' date (the payment's day of receipt)."""
    left = amount
    out: list[Allocation] = []
    for inv in open_invoices:
        if not left.is_positive:
            break
        due = inv.balance_due
        if not due.is_positive:
            continue
        take = due if due < left else left
        out.append(Allocation(inv.id, take, on))
        left = left - take
    return out, left

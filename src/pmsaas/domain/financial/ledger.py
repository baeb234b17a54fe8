"""Double-entry ledger: accounts, balanced journal entries, reversals, trial balance. Pure.

Rules
-----
* An amount on a journal line is signed: positive = debit, negative = credit.
* A :class:`JournalEntry` is balanced by construction: at least two non-zero lines in one currency
  whose amounts sum to exactly zero. An unbalanced entry cannot be built (``UnbalancedEntry``).
* The journal is append-only. The only correction is :meth:`JournalEntry.reversal`: an entry with
  every line negated that points at the entry it reverses. An entry is reversed at most once.
* The chart of accounts is per organization. Accounts are addressed by a stable ``key``:
  ``cash``, ``ar:<tenant id>`` (accounts receivable per tenant), ``rent_income``, ``other_income``,
  ``late_fee_income``, ``tax_payable:<head>`` (``CGST``, ``SGST``, ``HST``...), ``tds_receivable``,
  ``tds_payable`` (TDS the organization withheld as payer, owed to the government),
  ``deposits_held`` (security deposits, a liability), ``damage_income`` (damages kept from a
  deposit), ``expenses``, ``owner_payable``,
  ``gateway_clearing`` (money a gateway has confirmed but not yet paid out), ``round_off`` (India: the
  invoices' rounding to the rupee; an income account, credited when an invoice is rounded up and
  debited when it is rounded down, so its balance is the net rounding gained or given away),
  ``reserve_fund:<property id>`` (a condominium's reserve fund, a fund held for the owners, so a
  liability like ``deposits_held``: credited by the reserve fund lines of invoices, debited by the
  expenses paid from it; its credit balance is the fund).
* Every line may carry a ``lease_id`` dimension: a lease's ledger is its receivable lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.shared.errors import Conflict, DomainError
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


class UnbalancedEntry(DomainError):
    """A journal entry whose debits and credits differ: a programming error, never user input."""


class AccountKind(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"


# key -> (name, kind) of the fixed accounts; per-party accounts are built by the helpers below.
CHART: dict[str, tuple[str, AccountKind]] = {
    "cash": ("Cash and bank", AccountKind.ASSET),
    "gateway_clearing": ("Payment gateway clearing", AccountKind.ASSET),
    "tds_receivable": ("TDS receivable", AccountKind.ASSET),
    "deposits_held": ("Security deposits held", AccountKind.LIABILITY),
    "accounts_payable": ("Accounts payable (vendors)", AccountKind.LIABILITY),
    "tds_payable": ("TDS payable (deducted from payees)", AccountKind.LIABILITY),
    "owner_payable": ("Owner payable", AccountKind.LIABILITY),
    "rent_income": ("Rent income", AccountKind.INCOME),
    "late_fee_income": ("Late fee income", AccountKind.INCOME),
    "other_income": ("Other income", AccountKind.INCOME),
    "damage_income": ("Damage recoveries (kept from deposits)", AccountKind.INCOME),
    "round_off": ("Round off (invoices rounded to the rupee)", AccountKind.INCOME),
    "expenses": ("Expenses", AccountKind.EXPENSE),
}


def receivable(tenant_id: UUID) -> str:
    return f"ar:{tenant_id}"


def reserve_fund(property_id: UUID) -> str:
    return f"reserve_fund:{property_id}"


def tax_payable(head: str) -> str:
    return f"tax_payable:{head}"


def describe(key: str) -> tuple[str, AccountKind]:
    """Name and kind of an account key of the chart."""
    if key in CHART:
        return CHART[key]
    prefix, _, rest = key.partition(":")
    if prefix == "ar" and rest:
        return (f"Accounts receivable - tenant {rest}", AccountKind.ASSET)
    if prefix == "reserve_fund" and rest:
        return (f"Reserve fund - property {rest}", AccountKind.LIABILITY)
    if prefix == "tax_payable" and rest:
        return (f"{rest} payable", AccountKind.LIABILITY)
    if prefix == "input_tax" and rest:
        return (f"{rest} input tax credit", AccountKind.ASSET)
    if prefix == "rcm_payable" and rest:
        return (f"{rest} payable on reverse charge", AccountKind.LIABILITY)
    raise ValueError(f"unknown account key {key!r}")


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: str  # account key
    amount: Money  # signed: debit > 0, credit < 0
    lease_id: UUID | None = None
    memo: str | None = None


@dataclass(frozen=True)
class JournalEntry:
    organization_id: UUID
    entry_date: date
    description: str
    lines: tuple[JournalLine, ...]
    posted_at: datetime
    source_type: str = "manual"  # invoice, payment, refund, invoice_cancel, ...
    source_id: UUID | None = None
    reverses_id: UUID | None = None
    id: UUID = field(default_factory=new_id)

    def __post_init__(self) -> None:
        lines = tuple(self.lines)
        object.__setattr__(self, "lines", lines)
        if len(lines) < 2:
            raise UnbalancedEntry("a journal entry needs at least two lines")
        currencies = {line.amount.currency for line in lines}
        if len(currencies) != 1:
            raise UnbalancedEntry(f"a journal entry is in one currency, got {sorted(currencies)}")
        for line in lines:
            if line.amount.amount == 0:
                raise UnbalancedEntry("a journal line must not be zero")
            if line.amount.amount != line.amount.rounded().amount:
                raise UnbalancedEntry("journal amounts are in whole minor units")
            describe(line.account)  # unknown account keys are refused
        if sum(line.amount.minor for line in lines) != 0:
            raise UnbalancedEntry("debits and credits of a journal entry must be equal")

    @property
    def currency(self) -> str:
        return self.lines[0].amount.currency

    @property
    def total_debits(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            if line.amount.is_positive:
                total = total + line.amount
        return total

    def reversal(
        self, *, at: datetime, on: date, description: str | None = None, source_type: str = "reversal"
    ) -> JournalEntry:
        """The entry that undoes this one: same accounts, every amount negated."""
        if self.reverses_id is not None:
            raise Conflict("a reversal is not reversed again; post a new entry instead")
        return JournalEntry(
            organization_id=self.organization_id,
            entry_date=on,
            description=description or f"Reversal of: {self.description}",
            lines=tuple(JournalLine(x.account, -x.amount, x.lease_id, x.memo) for x in self.lines),
            posted_at=at,
            source_type=source_type,
            source_id=self.source_id,
            reverses_id=self.id,
        )


def entry(
    *,
    organization_id: UUID,
    on: date,
    at: datetime,
    description: str,
    lines: Iterable[tuple[str, Money, UUID | None]],
    source_type: str,
    source_id: UUID | None,
) -> JournalEntry:
    """Build an entry from ``(account, signed amount, lease)`` triples, merging zero lines away."""
    kept = tuple(JournalLine(account, amount, lease) for account, amount, lease in lines if amount.amount != 0)
    return JournalEntry(
        organization_id=organization_id,
        entry_date=on,
        description=description,
        lines=kept,
        posted_at=at,
        source_type=source_type,
        source_id=source_id,
    )


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str
    name: str
    kind: AccountKind
    debit: Money  # sum of debits
    credit: Money  # sum of credits (positive)

    @property
    def balance(self) -> Money:
        """Debit-positive balance."""
        return self.debit - self.credit


def trial_balance(entries: Iterable[JournalEntry], currency: str) -> list[TrialBalanceRow]:
    """Debits and credits per account over ``entries``; the rows always net to zero."""
    debits: dict[str, int] = {}
    credits: dict[str, int] = {}
    for e in entries:
        for line in e.lines:
            minor = line.amount.minor
            if minor > 0:
                debits[line.account] = debits.get(line.account, 0) + minor
            else:
                credits[line.account] = credits.get(line.account, 0) - minor
    rows = []
    for key in sorted(set(debits) | set(credits)):
        name, kind = describe(key)
        rows.append(
            TrialBalanceRow(
                key,
                name,
                kind,
                Money.from_minor(debits.get(key, 0), currency),
                Money.from_minor(credits.get(key, 0), currency),
            )
        )
    return rows

"""Rent roll, deposits held, income and expenses by property: from ledger rows. Pure.

Sign conventions (all figures in minor units here, Money at the edges): income and expenses are
positive amounts (an income account's credit balance, an expense account's debit balance); a
receivable balance is positive when the tenant owes; a deposit held is positive (the liability's
credit balance). ``net = income - expenses``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

# Income accounts of the ledger (docs/financial.md), grouped as the reports show them.
RENT_ACCOUNTS = ("rent_income",)
OTHER_INCOME_ACCOUNTS = ("late_fee_income", "other_income", "damage_income", "round_off")
INCOME_ACCOUNTS = RENT_ACCOUNTS + OTHER_INCOME_ACCOUNTS
# Expense categories that are the manager's fee (the owner statement shows them on their own line).
MANAGEMENT_FEE_CATEGORIES = frozenset({"management_fee", "management_fees", "management fee", "management fees"})


def is_management_fee(category: str) -> bool:
    return category.strip().lower() in MANAGEMENT_FEE_CATEGORIES


@dataclass(frozen=True)
class LeasePosition:
    """A lease in effect at ``as_of`` with its ledger balances at that date."""

    lease_id: UUID
    property_id: UUID
    property_name: str
    unit_name: str
    tenant_id: UUID
    tenant_name: str
    status: str
    start_date: date
    end_date: date | None
    rent_minor: int
    deposit_agreed_minor: int | None  # the lease's security deposit term
    receivable_minor: int  # lease dimension of ar:<tenant>: > 0 owed
    deposit_held_minor: int  # credit balance of deposits_held for the lease
    deposit_received_minor: int = 0  # credits to deposits_held up to as_of
    deposit_returned_minor: int = 0  # debits: refunded or kept at move-out


@dataclass(frozen=True)
class Movement:
    """Ledger movement of a property (None: not tied to one) in a month, per account group.

    ``group``: an income account key, ``expenses`` or ``management_fees``; ``amount_minor`` signed
    as the report shows it (income and expenses positive)."""

    property_id: UUID | None
    month: str  # YYYY-MM
    group: str
    amount_minor: int


@dataclass
class IncomeExpenseRow:
    property_id: UUID | None
    property_name: str | None
    month: str
    income: dict[str, int] = field(default_factory=lambda: dict.fromkeys(INCOME_ACCOUNTS, 0))
    expenses_minor: int = 0
    management_fees_minor: int = 0

    @property
    def rent_minor(self) -> int:
        return sum(self.income[a] for a in RENT_ACCOUNTS)

    @property
    def other_income_minor(self) -> int:
        return sum(self.income[a] for a in OTHER_INCOME_ACCOUNTS)

    @property
    def total_income_minor(self) -> int:
        return sum(self.income.values())

    @property
    def total_expenses_minor(self) -> int:
        return self.expenses_minor + self.management_fees_minor

    @property
    def net_minor(self) -> int:
        return self.total_income_minor - self.total_expenses_minor

    def add(self, m: Movement) -> None:
        if m.group == "expenses":
            self.expenses_minor += m.amount_minor
        elif m.group == "management_fees":
            self.management_fees_minor += m.amount_minor
        else:
            self.income[m.group] = self.income.get(m.group, 0) + m.amount_minor


def income_and_expenses(movements: list[Movement], names: dict[UUID, str]) -> list[IncomeExpenseRow]:
    """One row per (property, month) with any movement; rows not tied to a property last."""
    rows: dict[tuple[UUID | None, str], IncomeExpenseRow] = {}
    for m in movements:
        row = rows.get((m.property_id, m.month))
        if row is None:
            name = names.get(m.property_id) if m.property_id else None
            row = rows[(m.property_id, m.month)] = IncomeExpenseRow(m.property_id, name, m.month)
        row.add(m)
    return sorted(
        rows.values(), key=lambda r: (r.property_id is None, r.property_name or "", str(r.property_id), r.month)
    )

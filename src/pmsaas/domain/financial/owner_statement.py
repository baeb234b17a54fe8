"""The owner statement of a property for a period, cash basis for income. Pure.

The owner's balance moves by the rent and other income **collected** less the expenses and the
manager's fees **approved** (expenses are posted when approved: ``Dr expenses / Cr
accounts_payable``; the books record no payment to vendors, so there is no later date to use).
The opening balance is that net over everything before the period; closing = opening + rent
collected + other income collected - expenses - management fees.

What a payment collected for each head comes from what it settles: each of its allocations to an
invoice is split over the invoice's parts (rent; other income = late fees, other charges and the
rupee round-off; tax; security deposit; a condominium's reserve fund lines) in proportion to the
invoice's figures, dated on the payment's ledger entry (its received date). Tax, deposits and
reserve fund contributions are collected for the government, the tenant and the owners' reserve
fund, not as the owner's income: shown, not in the balance. What a payment holds unallocated (a tenant's
credit, or cash later refunded) is ``unapplied``; refunds are shown on their own date. So
``collected = rent + other + tax + deposits + reserve fund + unapplied - refunds`` equals the movement of the
tenants' receivables by payments and refunds in the ledger, to the paisa.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pmsaas.domain.financial.property_reports import IncomeExpenseRow, Movement

PARTS = ("rent", "other_income", "tax", "deposit", "reserve_fund")


@dataclass(frozen=True)
class InvoiceCollection:
    """One payment allocation to an invoice of a property, the payment dated before the period
    (``before``) or in it."""

    property_id: UUID
    before: bool
    allocated_minor: int
    rent_minor: int  # the invoice's rent lines
    other_income_minor: int  # late fee and other lines, round-off (may be negative)
    tax_minor: int  # tax charged by the supplier
    deposit_minor: int  # security deposit lines
    reserve_fund_minor: int = 0  # reserve fund lines (a condominium's owners' fund)


@dataclass(frozen=True)
class Receipts:
    """Ledger totals of a property's payments and refunds, before or in the period."""

    property_id: UUID
    before: bool
    payments_minor: int  # credits to the receivables by payments (cash + TDS)
    refunds_minor: int  # debits to the receivables by refunds (cash returned), positive


def split_collection(c: InvoiceCollection) -> dict[str, int]:
    """``allocated`` over the invoice's parts in proportion; the rounding remainder (under one
    minor unit per part) goes to the largest part, so the parts sum to ``allocated`` exactly."""
    figures = {
        "rent": c.rent_minor,
        "other_income": c.other_income_minor,
        "tax": c.tax_minor,
        "deposit": c.deposit_minor,
        "reserve_fund": c.reserve_fund_minor,
    }
    total = sum(figures.values())
    if total <= 0:
        return {**dict.fromkeys(PARTS, 0), "rent": c.allocated_minor}
    parts = {k: c.allocated_minor * v // total for k, v in figures.items()}
    largest = max(PARTS, key=lambda k: (figures[k], -PARTS.index(k)))
    parts[largest] += c.allocated_minor - sum(parts.values())
    return parts


@dataclass
class _Cash:
    rent: int = 0
    other_income: int = 0
    tax: int = 0
    deposit: int = 0
    reserve_fund: int = 0
    payments: int = 0
    refunds: int = 0

    @property
    def allocated(self) -> int:
        return self.rent + self.other_income + self.tax + self.deposit + self.reserve_fund

    @property
    def unapplied(self) -> int:
        return self.payments - self.allocated


@dataclass(frozen=True)
class OwnerStatement:
    property_id: UUID
    property_name: str
    start: date
    end: date
    opening_balance_minor: int
    rent_collected_minor: int
    other_income_collected_minor: int
    expenses_minor: int
    management_fees_minor: int
    tax_collected_minor: int
    deposits_collected_minor: int
    unapplied_minor: int
    refunds_minor: int
    rent_billed_minor: int
    other_income_billed_minor: int
    receivable_minor: int  # the property's tenants owe at ``end``
    deposits_held_minor: int  # at ``end``
    reserve_fund_collected_minor: int = 0  # for the property's reserve fund, not the owner's income

    @property
    def closing_balance_minor(self) -> int:
        return (
            self.opening_balance_minor
            + self.rent_collected_minor
            + self.other_income_collected_minor
            - self.expenses_minor
            - self.management_fees_minor
        )

    @property
    def collected_minor(self) -> int:
        """The ledger's figure: payments less refunds against the property's receivables."""
        return (
            self.rent_collected_minor
            + self.other_income_collected_minor
            + self.tax_collected_minor
            + self.deposits_collected_minor
            + self.reserve_fund_collected_minor
            + self.unapplied_minor
            - self.refunds_minor
        )


def _cash(collections: list[InvoiceCollection], receipts: list[Receipts], before: bool) -> _Cash:
    cash = _Cash()
    for c in collections:
        if c.before == before:
            parts = split_collection(c)
            cash.rent += parts["rent"]
            cash.other_income += parts["other_income"]
            cash.tax += parts["tax"]
            cash.deposit += parts["deposit"]
            cash.reserve_fund += parts["reserve_fund"]
    for r in receipts:
        if r.before == before:
            cash.payments += r.payments_minor
            cash.refunds += r.refunds_minor
    return cash


def owner_statement(
    *,
    property_id: UUID,
    property_name: str,
    start: date,
    end: date,
    movements_before: list[Movement],
    movements: list[Movement],
    collections: list[InvoiceCollection],
    receipts: list[Receipts],
    receivable_minor: int,
    deposits_held_minor: int,
) -> OwnerStatement:
    """This property's ledger movements (income billed, expenses approved) before ``start`` and in
    the period, and its ``collections``/``receipts`` up to ``end``; what is before ``start`` makes
    the opening balance."""
    spent_before = IncomeExpenseRow(property_id, property_name, "")
    for m in movements_before:
        spent_before.add(m)
    spent = IncomeExpenseRow(property_id, property_name, "")
    for m in movements:
        spent.add(m)
    earlier, now = _cash(collections, receipts, True), _cash(collections, receipts, False)
    opening = earlier.rent + earlier.other_income - spent_before.total_expenses_minor
    return OwnerStatement(
        property_id=property_id,
        property_name=property_name,
        start=start,
        end=end,
        opening_balance_minor=opening,
        rent_collected_minor=now.rent,
        other_income_collected_minor=now.other_income,
        expenses_minor=spent.expenses_minor,
        management_fees_minor=spent.management_fees_minor,
        tax_collected_minor=now.tax,
        deposits_collected_minor=now.deposit,
        unapplied_minor=now.unapplied,
        refunds_minor=now.refunds,
        rent_billed_minor=spent.rent_minor,
        other_income_billed_minor=spent.other_income_minor,
        receivable_minor=receivable_minor,
        deposits_held_minor=deposits_held_minor,
        reserve_fund_collected_minor=now.reserve_fund,
    )

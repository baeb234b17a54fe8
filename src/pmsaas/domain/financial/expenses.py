"""Expenses: recorded as pending, approved (posted to the ledger) or rejected. Pure model + use cases.

Approval posts ``Dr expenses / Cr accounts_payable`` (the vendor is owed); only pending expenses
are edited or deleted; approving or rejecting twice is a 409. An expense with a TDS block (India:
the organization deducts as payer, ``tds.py``) gets its deduction computed at approval, with the
payee's earlier approved deductions of the fiscal year as the 194C aggregate, and posts
``Dr expenses (gross) / Cr accounts_payable (net) / Cr tds_payable (TDS)``.

An expense of the category ``reserve_fund`` is paid from its property's reserve fund (a
condominium's major repair or replacement): it needs the property, and approval debits
``reserve_fund:<property>`` instead of ``expenses``, so it is spending of the fund, not an
operating expense of the year.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from pmsaas.domain.financial import input_tax as I
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial import tds as T
from pmsaas.domain.financial.property_scope import require_property
from pmsaas.domain.financial.tds_record import TdsDeduction
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import IllegalTransition, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

if TYPE_CHECKING:  # type-only: the ports module imports this one's aggregate
    from pmsaas.domain.financial.ports import FinancialUnitOfWork


RESERVE_FUND_CATEGORY = "reserve_fund"


def from_reserve_fund(category: str) -> bool:
    return category.strip().lower() == RESERVE_FUND_CATEGORY


class ExpenseStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str
    content_type: str | None = None


@dataclass(eq=False)
class Expense:
    organization_id: UUID
    category: str
    description: str
    amount: Money
    expense_date: date
    created_at: datetime
    updated_at: datetime
    vendor: str | None = None
    property_id: UUID | None = None
    status: ExpenseStatus = ExpenseStatus.PENDING
    attachments: tuple[Attachment, ...] = ()
    decided_by: UUID | None = None
    decided_at: datetime | None = None
    rejection_reason: str | None = None
    tds: TdsDeduction | None = None  # India: TDS the organization withholds from the payee
    input_tax: I.InputTax | None = None  # the tax on the vendor's bill, on top of ``amount``
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def require_pending(self, action: str) -> None:
        if self.status != ExpenseStatus.PENDING:
            raise IllegalTransition("expense", self.status.value, action)

    def approve(self, by: UUID | None, at: datetime) -> L.JournalEntry:
        self.require_pending("approve")
        self.status, self.decided_by, self.decided_at, self.updated_at = ExpenseStatus.APPROVED, by, at, at
        currency = self.amount.currency
        tax = self.input_tax
        vendor_tax = tax.vendor_share(currency) if tax else Money.zero(currency)
        spent_from = "expenses"
        if from_reserve_fund(self.category) and self.property_id is not None:
            spent_from = L.reserve_fund(self.property_id)
        return L.entry(
            organization_id=self.organization_id,
            on=self.expense_date,
            at=at,
            description=f"Expense: {self.description}"[:300],
            lines=[
                (spent_from, self.amount + (tax.cost(currency) if tax else Money.zero(currency)), None),
                *((account, amount, None) for account, amount in (tax.postings(currency) if tax else [])),
                ("accounts_payable", -((self.tds.net if self.tds else self.amount) + vendor_tax), None),
                ("tds_payable", -(self.tds.tds if self.tds else Money.zero(currency)), None),
            ],
            source_type="expense",
            source_id=self.id,
        )

    def reject(self, by: UUID | None, reason: str | None, at: datetime) -> None:
        self.require_pending("reject")
        self.status, self.decided_by, self.decided_at, self.updated_at = ExpenseStatus.REJECTED, by, at, at
        self.rejection_reason = reason

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "expense_id": str(self.id),
                "status": self.status.value,
                "category": self.category,
                "amount": {"amount": str(self.amount), "currency": self.amount.currency},
                "organization_id": str(self.organization_id),
            },
        )


@dataclass(frozen=True)
class ExpenseInput:
    category: str
    description: str
    amount: Money
    expense_date: date
    vendor: str | None = None
    property_id: UUID | None = None
    attachments: tuple[Attachment, ...] = ()
    tds: T.TdsRequest | None = None
    input_tax: I.InputTax | None = None


def _check(data: ExpenseInput, currency: str, country: str) -> TdsDeduction | None:
    if data.input_tax is not None:
        I.check(data.input_tax, country, currency)
    if data.amount.currency != currency:
        raise ValidationFailed.single("amount.currency", f"must be {currency}")
    if not data.amount.is_positive:
        raise ValidationFailed.single("amount.amount", "must be positive")
    if from_reserve_fund(data.category) and data.property_id is None:
        raise ValidationFailed.single("property_id", "an expense paid from the reserve fund names its property")
    if data.tds is None:
        return None
    T.deducted_request(data.tds, currency)
    return T.pending_deduction(data.tds, gross=data.amount, on=data.expense_date, vendor=data.vendor)


async def create_expense(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, data: ExpenseInput) -> Expense:
    now = clock.now()
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        tds = _check(data, profile.currency, profile.country)
        await require_property(uow, actor, data.property_id)
        expense = Expense(
            organization_id=actor.org,
            category=data.category,
            description=data.description,
            amount=data.amount,
            expense_date=data.expense_date,
            vendor=data.vendor,
            property_id=data.property_id,
            attachments=data.attachments,
            tds=tds,
            input_tax=data.input_tax,
            created_at=now,
            updated_at=now,
        )
        await uow.expenses.add(expense)
        if tds is not None:
            await uow.tds.save(actor.org, "expense", expense.id, tds)
        uow.record(expense.event("expense.created", now))
        await uow.commit()
    return expense


async def update_expense(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    expense_id: UUID,
    data: ExpenseInput,
) -> Expense:
    now = clock.now()
    async with uow:
        current = await uow.expenses.get(actor.org, expense_id, for_update=True)
        current.require_pending("edit")
        profile = await uow.organization_profiles.get(actor.org)
        tds = _check(data, profile.currency, profile.country)
        await require_property(uow, actor, data.property_id)
        updated = replace(
            current,
            category=data.category,
            description=data.description,
            amount=data.amount,
            expense_date=data.expense_date,
            vendor=data.vendor,
            property_id=data.property_id,
            attachments=data.attachments,
            tds=tds,
            input_tax=data.input_tax,
            updated_at=now,
            version=current.version + 1,
        )
        await uow.expenses.update(updated, expected_version=current.version)
        if tds is not None or current.tds is not None:
            await uow.tds.save(actor.org, "expense", expense_id, tds)
        await uow.commit()
    return updated


async def delete_expense(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, expense_id: UUID) -> None:
    async with uow:
        current = await uow.expenses.get(actor.org, expense_id, for_update=True)
        current.require_pending("delete")
        await uow.expenses.delete(actor.org, expense_id)
        if current.tds is not None:
            await uow.tds.save(actor.org, "expense", expense_id, None)
        uow.record(current.event("expense.deleted", clock.now()))
        await uow.commit()


async def decide_expense(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, expense_id: UUID, approve: bool, reason: str | None = None
) -> Expense:
    now = clock.now()
    async with uow:
        expense = await uow.expenses.get(actor.org, expense_id, for_update=True)
        version = expense.version
        if approve:
            expense.require_pending("approve")
            if expense.tds is not None:
                await _compute_tds(uow, actor.org, expense.tds)
                await uow.tds.save(actor.org, "expense", expense.id, expense.tds)
            await uow.ledger.post(expense.approve(actor.user_id, now))
        else:
            expense.reject(actor.user_id, reason, now)
        expense.version += 1
        await uow.expenses.update(expense, expected_version=version)
        uow.record(expense.event("expense.approved" if approve else "expense.rejected", now))
        await uow.commit()
    return expense


async def _compute_tds(uow: FinancialUnitOfWork, org: UUID, pending: TdsDeduction) -> None:
    """The engine's deduction, with the payee's approved deductions of the fiscal year before it."""
    assert pending.deduction_date is not None
    zero = Money.zero(pending.gross.currency)
    paid, deducted = zero, zero
    if pending.section is not None:
        start, end = T.fy_bounds(T.quarter_of(pending.deduction_date)[0])
        paid_minor, deducted_minor = await uow.tds.payee_totals(org, pending.section, pending.payee_key, start, end)
        paid = Money.from_minor(paid_minor, zero.currency)
        deducted = Money.from_minor(deducted_minor, zero.currency)
    T.compute_deduction(pending, fy_paid_before=paid, fy_deducted_base_before=deducted)


async def get_expense(*, uow: FinancialUnitOfWork, actor: Actor, expense_id: UUID) -> Expense:
    async with uow:
        return await uow.expenses.get(actor.org, expense_id)


async def list_expenses(
    *,
    uow: FinancialUnitOfWork,
    actor: Actor,
    status: str | None,
    page: PageRequest,
) -> Page[Expense]:
    async with uow:
        return await uow.expenses.list(actor.org, status, page)

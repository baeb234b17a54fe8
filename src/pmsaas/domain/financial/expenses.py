"""Expenses: recorded as pending, approved (posted to the ledger) or rejected. Pure model + use cases.

Approval posts ``Dr expenses / Cr accounts_payable`` (the vendor is owed); only pending expenses
are edited or deleted; approving or rejecting twice is a 409.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import IllegalTransition, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest


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
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def require_pending(self, action: str) -> None:
        if self.status != ExpenseStatus.PENDING:
            raise IllegalTransition("expense", self.status.value, action)

    def approve(self, by: UUID | None, at: datetime) -> L.JournalEntry:
        self.require_pending("approve")
        self.status, self.decided_by, self.decided_at, self.updated_at = ExpenseStatus.APPROVED, by, at, at
        return L.entry(
            organization_id=self.organization_id,
            on=self.expense_date,
            at=at,
            description=f"Expense: {self.description}"[:300],
            lines=[("expenses", self.amount, None), ("accounts_payable", -self.amount, None)],
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


def _check(data: ExpenseInput, currency: str) -> None:
    if data.amount.currency != currency:
        raise ValidationFailed.single("amount.currency", f"must be {currency}")
    if not data.amount.is_positive:
        raise ValidationFailed.single("amount.amount", "must be positive")


async def create_expense(*, uow, clock: Clock, actor: Actor, data: ExpenseInput) -> Expense:  # type: ignore[no-untyped-def]
    now = clock.now()
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        _check(data, profile.currency)
        expense = Expense(
            organization_id=actor.org,
            category=data.category,
            description=data.description,
            amount=data.amount,
            expense_date=data.expense_date,
            vendor=data.vendor,
            property_id=data.property_id,
            attachments=data.attachments,
            created_at=now,
            updated_at=now,
        )
        await uow.expenses.add(expense)
        uow.record(expense.event("expense.created", now))
        await uow.commit()
    return expense


async def update_expense(*, uow, clock: Clock, actor: Actor, expense_id: UUID, data: ExpenseInput) -> Expense:  # type: ignore[no-untyped-def]
    now = clock.now()
    async with uow:
        current = await uow.expenses.get(actor.org, expense_id, for_update=True)
        current.require_pending("edit")
        profile = await uow.organization_profiles.get(actor.org)
        _check(data, profile.currency)
        updated = replace(
            current,
            category=data.category,
            description=data.description,
            amount=data.amount,
            expense_date=data.expense_date,
            vendor=data.vendor,
            property_id=data.property_id,
            attachments=data.attachments,
            updated_at=now,
            version=current.version + 1,
        )
        await uow.expenses.update(updated, expected_version=current.version)
        await uow.commit()
    return updated


async def delete_expense(*, uow, clock: Clock, actor: Actor, expense_id: UUID) -> None:  # type: ignore[no-untyped-def]
    async with uow:
        current = await uow.expenses.get(actor.org, expense_id, for_update=True)
        current.require_pending("delete")
        await uow.expenses.delete(actor.org, expense_id)
        uow.record(current.event("expense.deleted", clock.now()))
        await uow.commit()


async def decide_expense(  # type: ignore[no-untyped-def]
    *, uow, clock: Clock, actor: Actor, expense_id: UUID, approve: bool, reason: str | None = None
) -> Expense:
    now = clock.now()
    async with uow:
        expense = await uow.expenses.get(actor.org, expense_id, for_update=True)
        version = expense.version
        if approve:
            await uow.ledger.post(expense.approve(actor.user_id, now))
        else:
            expense.reject(actor.user_id, reason, now)
        expense.version += 1
        await uow.expenses.update(expense, expected_version=version)
        uow.record(expense.event("expense.approved" if approve else "expense.rejected", now))
        await uow.commit()
    return expense


async def get_expense(*, uow, actor: Actor, expense_id: UUID) -> Expense:  # type: ignore[no-untyped-def]
    async with uow:
        return await uow.expenses.get(actor.org, expense_id)


async def list_expenses(*, uow, actor: Actor, status: str | None, page: PageRequest) -> Page[Expense]:  # type: ignore[no-untyped-def]
    async with uow:
        return await uow.expenses.list(actor.org, status, page)

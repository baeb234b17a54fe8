"""Budgets: planned amounts per expense category over a date range, and their variance against
the ledger's actuals (approved expenses posted in the range). Pure model + use cases."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from pmsaas.domain.financial.property_scope import require_property
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

if TYPE_CHECKING:  # type-only: the ports module imports this one's aggregate
    from pmsaas.domain.financial.ports import FinancialUnitOfWork


@dataclass(frozen=True)
class BudgetCategory:
    name: str
    amount: Money


@dataclass(eq=False)
class Budget:
    organization_id: UUID
    name: str
    period_start: date
    period_end: date
    currency: str
    created_at: datetime
    updated_at: datetime
    property_id: UUID | None = None
    categories: list[BudgetCategory] = field(default_factory=list)
    id: UUID = field(default_factory=new_id)
    version: int = 1

    @property
    def total(self) -> Money:
        total = Money.zero(self.currency)
        for c in self.categories:
            total = total + c.amount
        return total

    def add_category(self, category: BudgetCategory) -> None:
        if category.amount.currency != self.currency:
            raise ValidationFailed.single("amount.currency", f"must be {self.currency}")
        if category.amount.is_negative:
            raise ValidationFailed.single("amount.amount", "must not be negative")
        if any(c.name.lower() == category.name.lower() for c in self.categories):
            raise Conflict(f"the budget already has a category {category.name!r}")
        self.categories.append(category)


@dataclass(frozen=True)
class VarianceRow:
    category: str
    budgeted: Money
    actual: Money

    @property
    def variance(self) -> Money:
        """Budget left (> 0) or overspent (< 0)."""
        return self.budgeted - self.actual


def variance(budget: Budget, actuals: dict[str, Money]) -> list[VarianceRow]:
    """One row per budget category, plus one per category spent but not budgeted."""
    rows = [VarianceRow(c.name, c.amount, actuals.get(c.name, Money.zero(budget.currency))) for c in budget.categories]
    known = {c.name for c in budget.categories}
    rows += [
        VarianceRow(name, Money.zero(budget.currency), amount)
        for name, amount in sorted(actuals.items())
        if name not in known
    ]
    return rows


@dataclass(frozen=True)
class BudgetInput:
    name: str
    period_start: date
    period_end: date
    property_id: UUID | None = None
    categories: tuple[BudgetCategory, ...] = ()


def _build(data: BudgetInput, currency: str, base: Budget) -> Budget:
    if data.period_end < data.period_start:
        raise ValidationFailed.single("period_end", "must not be before period_start")
    budget = replace(
        base,
        name=data.name,
        period_start=data.period_start,
        period_end=data.period_end,
        property_id=data.property_id,
        categories=[],
    )
    for c in data.categories:
        budget.add_category(c)
    return budget


async def create_budget(*, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, data: BudgetInput) -> Budget:
    now = clock.now()
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        await require_property(uow, actor, data.property_id)
        blank = Budget(actor.org, data.name, data.period_start, data.period_end, profile.currency, now, now)
        budget = _build(data, profile.currency, blank)
        await uow.budgets.add(budget)
        await uow.commit()
    return budget


async def update_budget(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    budget_id: UUID,
    data: BudgetInput,
) -> Budget:
    now = clock.now()
    async with uow:
        current = await uow.budgets.get(actor.org, budget_id, for_update=True)
        await require_property(uow, actor, data.property_id)
        budget = _build(data, current.currency, replace(current, updated_at=now, version=current.version + 1))
        await uow.budgets.update(budget, expected_version=current.version)
        await uow.commit()
    return budget


async def add_category(
    *,
    uow: FinancialUnitOfWork,
    clock: Clock,
    actor: Actor,
    budget_id: UUID,
    category: BudgetCategory,
) -> Budget:
    now = clock.now()
    async with uow:
        budget = await uow.budgets.get(actor.org, budget_id, for_update=True)
        version = budget.version
        budget.add_category(category)
        budget.updated_at, budget.version = now, version + 1
        await uow.budgets.update(budget, expected_version=version)
        await uow.commit()
    return budget


async def delete_budget(*, uow: FinancialUnitOfWork, actor: Actor, budget_id: UUID) -> None:
    async with uow:
        await uow.budgets.delete(actor.org, budget_id)
        await uow.commit()


async def get_budget(*, uow: FinancialUnitOfWork, actor: Actor, budget_id: UUID) -> Budget:
    async with uow:
        return await uow.budgets.get(actor.org, budget_id)


async def list_budgets(*, uow: FinancialUnitOfWork, actor: Actor, page: PageRequest) -> Page[Budget]:
    async with uow:
        return await uow.budgets.list(actor.org, page)


async def budget_variance(
    *,
    uow: FinancialUnitOfWork,
    actor: Actor,
    budget_id: UUID,
) -> tuple[Budget, list[VarianceRow]]:
    async with uow:
        budget = await uow.budgets.get(actor.org, budget_id)
        actuals = await uow.budgets.expense_actuals(
            actor.org, budget.period_start, budget.period_end, budget.currency, budget.property_id
        )
    return budget, variance(budget, actuals)

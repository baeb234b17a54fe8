"""SQL adapter of the budget repository, and the expense actuals a variance compares with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.repositories.financial.common import lock_for_update
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.budgets import Budget, BudgetCategory
from pmsaas.domain.financial.ports import BudgetRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

B, BC = F.budgets, F.budget_categories
X = F.expenses
BUDGET_SORTABLE = {"created_at": B.c.created_at, "name": B.c.name, "period_start": B.c.period_start}


class SqlBudgetRepository(BudgetRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _hydrate(self, rows: Sequence[Any]) -> list[Budget]:
        if not rows:
            return []
        cats: dict[UUID, list[BudgetCategory]] = {r.id: [] for r in rows}
        for c in await self._conn.execute(
            sa.select(BC).where(BC.c.budget_id.in_(list(cats))).order_by(BC.c.budget_id, BC.c.position)
        ):
            cats[c.budget_id].append(BudgetCategory(c.name, Money.from_minor(c.amount_minor, c.currency)))
        return [
            Budget(
                id=r.id,
                organization_id=r.organization_id,
                name=r.name,
                property_id=r.property_id,
                period_start=r.period_start,
                period_end=r.period_end,
                currency=r.currency,
                categories=cats[r.id],
                version=r.version,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    async def _write_categories(self, budget: Budget) -> None:
        await self._conn.execute(BC.delete().where(BC.c.budget_id == budget.id))
        if budget.categories:
            await self._conn.execute(
                BC.insert(),
                [
                    {
                        "id": new_id(),
                        "organization_id": budget.organization_id,
                        "budget_id": budget.id,
                        "position": i,
                        "name": c.name,
                        "amount_minor": c.amount.minor,
                        "currency": c.amount.currency,
                    }
                    for i, c in enumerate(budget.categories)
                ],
            )

    @staticmethod
    def _row(b: Budget) -> dict[str, Any]:
        return {
            "name": b.name,
            "property_id": b.property_id,
            "period_start": b.period_start,
            "period_end": b.period_end,
            "currency": b.currency,
            "version": b.version,
            "updated_at": b.updated_at,
        }

    async def add(self, budget: Budget) -> None:
        await self._conn.execute(
            B.insert().values(
                id=budget.id, organization_id=budget.organization_id, created_at=budget.created_at, **self._row(budget)
            )
        )
        await self._write_categories(budget)

    async def get(self, organization_id: UUID, budget_id: UUID, *, for_update: bool = False) -> Budget:
        query = sa.select(B).where(B.c.organization_id == organization_id, B.c.id == budget_id)
        rows = (await self._conn.execute(lock_for_update(query, self._conn) if for_update else query)).all()
        if not rows:
            raise NotFound("budget", budget_id)
        return (await self._hydrate(rows))[0]

    async def update(self, budget: Budget, expected_version: int) -> None:
        result = await self._conn.execute(
            B.update()
            .where(B.c.organization_id == budget.organization_id, B.c.id == budget.id, B.c.version == expected_version)
            .values(**self._row(budget))
        )
        if result.rowcount != 1:
            raise Conflict("the budget was changed by someone else; reload and retry")
        await self._write_categories(budget)

    async def delete(self, organization_id: UUID, budget_id: UUID) -> None:
        await self.get(organization_id, budget_id)
        await self._conn.execute(BC.delete().where(BC.c.budget_id == budget_id))
        await self._conn.execute(B.delete().where(B.c.organization_id == organization_id, B.c.id == budget_id))

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Budget]:
        result = await page_of(
            self._conn, B, [B.c.organization_id == organization_id], BUDGET_SORTABLE, page, lambda r: r
        )
        return Page(
            items=await self._hydrate(result.items), total=result.total, page=result.page, page_size=result.page_size
        )

    async def expense_actuals(
        self, organization_id: UUID, start: date, end: date, currency: str, property_id: UUID | None
    ) -> dict[str, Money]:
        je, jl, a = F.journal_entries, F.journal_lines, F.accounts
        query = (
            sa.select(X.c.category, sa.func.sum(jl.c.amount_minor).label("total"))
            .select_from(je)
            .join(jl, jl.c.entry_id == je.c.id)
            .join(a, a.c.id == jl.c.account_id)
            .join(X, X.c.id == je.c.source_id)
            .where(
                je.c.organization_id == organization_id,
                je.c.source_type == "expense",
                a.c.key == "expenses",
                je.c.entry_date >= start,
                je.c.entry_date <= end,
            )
            .group_by(X.c.category)
        )
        if property_id is not None:
            query = query.where(X.c.property_id == property_id)
        return {r.category: Money.from_minor(int(r.total), currency) for r in await self._conn.execute(query)}

"""The operations side of the financial expense book: a completed work order's cost."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.domain.operations.ports import ExpenseBook
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import Money


class SqlExpenseBook(ExpenseBook):
    """Books a completed work order's cost as a pending financial expense, on the same connection
    (so in the same transaction as the completion: never lost, never doubled)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def record_work_order_cost(
        self,
        *,
        organization_id: UUID,
        work_order_id: UUID,
        vendor_name: str,
        property_id: UUID,
        amount: Money,
        on: date,
        at: datetime,
        description: str,
    ) -> DomainEvent | None:
        from pmsaas.adapters.sql.repositories.financial.directories import SqlOrganizationProfiles
        from pmsaas.adapters.sql.repositories.financial.expenses import SqlExpenseRepository
        from pmsaas.domain.financial.expenses import Expense

        profile = await SqlOrganizationProfiles(self._conn).get(organization_id)
        if amount.currency != profile.currency or not amount.is_positive:
            return None
        expense = Expense(
            organization_id=organization_id,
            category="maintenance",
            description=f"Work order {work_order_id}: {description}"[:300],
            amount=amount,
            expense_date=on,
            vendor=vendor_name,
            property_id=property_id,
            created_at=at,
            updated_at=at,
        )
        await SqlExpenseRepository(self._conn).add(expense)
        return expense.event("expense.created", at)

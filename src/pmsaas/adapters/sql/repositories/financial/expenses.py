"""SQL adapter of the expense repository."""

from __future__ import annotations

import builtins
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.repositories.financial.common import lock_for_update
from pmsaas.adapters.sql.repositories.financial.tds import load_tds
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.expenses import Attachment, Expense, ExpenseStatus
from pmsaas.domain.financial.input_tax import InputTax
from pmsaas.domain.financial.ports import ExpenseRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

X = F.expenses
EXPENSE_SORTABLE = {"created_at": X.c.created_at, "expense_date": X.c.expense_date, "amount": X.c.amount_minor}


def _expense_row(e: Expense) -> dict[str, Any]:
    return {
        "id": e.id,
        "organization_id": e.organization_id,
        "property_id": e.property_id,
        "category": e.category,
        "description": e.description,
        "vendor": e.vendor,
        "amount_minor": e.amount.minor,
        "currency": e.amount.currency,
        "expense_date": e.expense_date,
        "status": e.status.value,
        "attachments": [{"name": a.name, "url": a.url, "content_type": a.content_type} for a in e.attachments],
        "decided_by": e.decided_by,
        "decided_at": e.decided_at,
        "rejection_reason": e.rejection_reason,
        "input_tax": e.input_tax.to_json() if e.input_tax else None,
        "version": e.version,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _to_expense(r: Any) -> Expense:
    return Expense(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        category=r.category,
        description=r.description,
        vendor=r.vendor,
        amount=Money.from_minor(r.amount_minor, r.currency),
        expense_date=r.expense_date,
        status=ExpenseStatus(r.status),
        attachments=tuple(Attachment(a["name"], a["url"], a.get("content_type")) for a in (r.attachments or [])),
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        rejection_reason=r.rejection_reason,
        input_tax=InputTax.from_json(r.input_tax, r.currency) if r.input_tax else None,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlExpenseRepository(ExpenseRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, expense: Expense) -> None:
        await self._conn.execute(X.insert().values(**_expense_row(expense)))

    async def get(self, organization_id: UUID, expense_id: UUID, *, for_update: bool = False) -> Expense:
        query = sa.select(X).where(X.c.organization_id == organization_id, X.c.id == expense_id)
        row = (await self._conn.execute(lock_for_update(query, self._conn) if for_update else query)).first()
        if row is None:
            raise NotFound("expense", expense_id)
        expense = _to_expense(row)
        expense.tds = (await load_tds(self._conn, organization_id, "expense", [expense_id])).get(expense_id)
        return expense

    async def update(self, expense: Expense, expected_version: int) -> None:
        values = _expense_row(expense)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        result = await self._conn.execute(
            X.update()
            .where(
                X.c.organization_id == expense.organization_id, X.c.id == expense.id, X.c.version == expected_version
            )
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the expense was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, expense_id: UUID) -> None:
        result = await self._conn.execute(
            X.delete().where(X.c.organization_id == organization_id, X.c.id == expense_id)
        )
        if result.rowcount != 1:
            raise NotFound("expense", expense_id)

    async def list(self, organization_id: UUID, status: str | None, page: PageRequest) -> Page[Expense]:
        where: builtins.list[Any] = [X.c.organization_id == organization_id]
        if status:
            where.append(X.c.status == status)
        result = await page_of(self._conn, X, where, EXPENSE_SORTABLE, page, _to_expense)
        tds = await load_tds(self._conn, organization_id, "expense", [e.id for e in result.items])
        for e in result.items:
            e.tds = tds.get(e.id)
        return result

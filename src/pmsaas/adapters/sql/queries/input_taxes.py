"""The tax on approved vendor bills (``financial_expenses.input_tax``) in a date range, with the place
of supply each report needs: the bill's own region, else its property's province, else the
organization's. Shared by the financial (GSTR-3B) and compliance (GST/HST return) query adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.financial import expenses
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.properties import properties


@dataclass(frozen=True)
class BillTaxRow:
    expense_id: UUID
    expense_date: date
    region: str
    amount_minor: int  # the bill's value before tax
    currency: str
    input_tax: dict[str, Any]  # InputTax.to_json()


async def approved_bill_taxes(conn: AsyncConnection, organization_id: UUID, start: date, end: date) -> list[BillTaxRow]:
    x, p, o = expenses, properties, organizations
    query = (
        sa.select(x.c.id, x.c.expense_date, x.c.amount_minor, x.c.currency, x.c.input_tax, p.c.province)
        .add_columns(o.c.province.label("home"))
        .select_from(
            x.join(o, o.c.id == x.c.organization_id).outerjoin(
                p, sa.and_(p.c.id == x.c.property_id, p.c.organization_id == x.c.organization_id)
            )
        )
        .where(x.c.organization_id == organization_id, x.c.status == "approved", x.c.input_tax.is_not(None))
        .where(x.c.expense_date >= start, x.c.expense_date <= end)
        .order_by(x.c.expense_date, x.c.id)
    )
    rows = (await conn.execute(query)).all()
    return [
        BillTaxRow(
            r.id,
            r.expense_date,
            r.input_tax.get("region") or r.province or r.home or "",
            int(r.amount_minor),
            r.currency,
            r.input_tax,
        )
        for r in rows
        if r.input_tax
    ]

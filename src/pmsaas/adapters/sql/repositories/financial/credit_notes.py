"""SQL adapter of the credit notes: one row per note, its lines as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.credit_notes import CreditNote, CreditNoteLine
from pmsaas.domain.financial.model import ChargeType, InvoiceTax
from pmsaas.domain.financial.ports import CreditNoteRepository
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.money import Money

C = F.credit_notes
I = F.invoices  # noqa: E741


def _row(n: CreditNote) -> dict[str, Any]:
    return {
        "id": n.id,
        "organization_id": n.organization_id,
        "invoice_id": n.invoice_id,
        "lease_id": n.lease_id,
        "tenant_id": n.tenant_id,
        "number": n.number,
        "issue_date": n.issue_date,
        "reason": n.reason,
        "currency": n.currency,
        "subtotal_minor": n.subtotal.minor,
        "tax_minor": n.tax_total.minor,
        "total_minor": n.total.minor,
        "lines": [
            {
                "line": line.line,
                "description": line.description,
                "charge_type": line.charge_type.value,
                "supply_type": line.supply_type,
                "amount_minor": line.amount.minor,
                "taxes": [
                    {
                        "tax": t.tax,
                        "rate": str(t.rate),
                        "amount_minor": t.amount.minor,
                        "payable_by": t.payable_by,
                        "jurisdiction": t.jurisdiction,
                    }
                    for t in line.taxes
                ],
            }
            for line in n.lines
        ],
        "created_at": n.created_at,
    }


def _note(r: Any) -> CreditNote:
    cur = r.currency
    return CreditNote(
        id=r.id,
        organization_id=r.organization_id,
        invoice_id=r.invoice_id,
        invoice_number=r.invoice_number or "",
        invoice_date=r.invoice_date,
        lease_id=r.lease_id,
        tenant_id=r.tenant_id,
        number=r.number,
        issue_date=r.issue_date,
        reason=r.reason,
        currency=cur,
        lines=tuple(
            CreditNoteLine(
                line=int(x["line"]),
                description=x["description"],
                charge_type=ChargeType(x["charge_type"]),
                supply_type=x.get("supply_type"),
                amount=Money.from_minor(int(x["amount_minor"]), cur),
                taxes=tuple(
                    InvoiceTax(
                        t["tax"],
                        Decimal(t["rate"]),
                        Money.from_minor(int(t["amount_minor"]), cur),
                        t["payable_by"],
                        t.get("jurisdiction"),
                    )
                    for t in x["taxes"]
                ),
            )
            for x in r.lines
        ),
        created_at=r.created_at,
    )


_SELECT = sa.select(C, I.c.number.label("invoice_number"), I.c.issue_date.label("invoice_date")).select_from(
    C.join(I, I.c.id == C.c.invoice_id)
)


class SqlCreditNoteRepository(CreditNoteRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, note: CreditNote) -> None:
        await self._conn.execute(C.insert().values(**_row(note)))

    async def get(self, organization_id: UUID, note_id: UUID) -> CreditNote:
        row = (
            await self._conn.execute(_SELECT.where(C.c.organization_id == organization_id, C.c.id == note_id))
        ).first()
        if row is None:
            raise NotFound("credit note", note_id)
        return _note(row)

    async def for_invoice(self, organization_id: UUID, invoice_id: UUID) -> list[CreditNote]:
        query = _SELECT.where(C.c.organization_id == organization_id, C.c.invoice_id == invoice_id)
        return [_note(r) for r in await self._conn.execute(query.order_by(C.c.issue_date, C.c.number))]

    async def issued_between(self, organization_id: UUID, start: Any, end: Any) -> list[CreditNote]:
        query = _SELECT.where(
            C.c.organization_id == organization_id, C.c.issue_date >= start, C.c.issue_date <= end
        ).order_by(C.c.issue_date, C.c.number)
        return [_note(r) for r in await self._conn.execute(query)]

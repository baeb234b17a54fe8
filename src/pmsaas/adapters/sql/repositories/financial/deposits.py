"""SQL adapter of the deposit settlements: one row per settled lease."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.common import insert_ignore
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.deposit_settlement import Deduction, DeductionKind, DepositSettlement
from pmsaas.domain.financial.model import Allocation, PaymentMethod
from pmsaas.domain.financial.ports import DepositSettlementRepository
from pmsaas.domain.shared.money import Money

S = F.deposit_settlements


def _row(s: DepositSettlement) -> dict[str, Any]:
    return {
        "id": s.id,
        "organization_id": s.organization_id,
        "lease_id": s.lease_id,
        "tenant_id": s.tenant_id,
        "currency": s.held.currency,
        "held_minor": s.held.minor,
        "refund_minor": s.refund.minor,
        "refund_method": s.refund_method.value,
        "refund_reference": s.refund_reference,
        "notes": s.notes,
        "deductions": [
            {"description": d.description, "amount_minor": d.amount.minor, "kind": d.kind.value} for d in s.deductions
        ],
        "arrears_paid": [{"invoice_id": str(a.invoice_id), "amount_minor": a.amount.minor} for a in s.arrears_paid],
        "settled_on": s.settled_on,
        "created_at": s.created_at,
    }


class SqlDepositSettlementRepository(DepositSettlementRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, settlement: DepositSettlement) -> bool:
        result = await self._conn.execute(insert_ignore(self._conn, S).returning(S.c.id), _row(settlement))
        return result.first() is not None

    async def get(self, organization_id: UUID, lease_id: UUID) -> DepositSettlement | None:
        r = (
            await self._conn.execute(
                sa.select(S).where(S.c.organization_id == organization_id, S.c.lease_id == lease_id)
            )
        ).first()
        if r is None:
            return None
        cur = r.currency
        return DepositSettlement(
            id=r.id,
            organization_id=r.organization_id,
            lease_id=r.lease_id,
            tenant_id=r.tenant_id,
            held=Money.from_minor(r.held_minor, cur),
            refund=Money.from_minor(r.refund_minor, cur),
            refund_method=PaymentMethod(r.refund_method),
            refund_reference=r.refund_reference,
            notes=r.notes,
            deductions=tuple(
                Deduction(d["description"], Money.from_minor(int(d["amount_minor"]), cur), DeductionKind(d["kind"]))
                for d in r.deductions
            ),
            arrears_paid=[
                Allocation(UUID(a["invoice_id"]), Money.from_minor(int(a["amount_minor"]), cur)) for a in r.arrears_paid
            ],
            settled_on=r.settled_on,
            created_at=r.created_at,
        )

"""SQL adapter of a lease's recurring charges."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.properties import recurring_charges as R
from pmsaas.domain.properties.ports import RecurringChargeRepository
from pmsaas.domain.properties.recurring import RecurringCharge
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.money import Money


def _row(c: RecurringCharge) -> dict[str, Any]:
    return {
        "id": c.id,
        "organization_id": c.organization_id,
        "lease_id": c.lease_id,
        "kind": c.kind,
        "description": c.description,
        "amount_minor": c.amount.minor,
        "currency": c.amount.currency,
        "frequency": c.frequency,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "supply_type": c.supply_type,
        "version": c.version,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def to_recurring(r: Any) -> RecurringCharge:
    return RecurringCharge(
        id=r.id,
        organization_id=r.organization_id,
        lease_id=r.lease_id,
        kind=r.kind,
        description=r.description,
        amount=Money.from_minor(r.amount_minor, r.currency),
        frequency=r.frequency,
        start_date=r.start_date,
        end_date=r.end_date,
        supply_type=r.supply_type,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


async def recurring_of_leases(conn: AsyncConnection, lease_ids: Collection[UUID]) -> dict[UUID, list[RecurringCharge]]:
    """The recurring charges of many leases in one query (the rent run's read)."""
    out: dict[UUID, list[RecurringCharge]] = {}
    if not lease_ids:
        return out
    ids = list(lease_ids)
    for start in range(0, len(ids), 5000):
        rows = await conn.execute(
            sa.select(R).where(R.c.lease_id.in_(ids[start : start + 5000])).order_by(R.c.start_date, R.c.created_at)
        )
        for r in rows:
            out.setdefault(r.lease_id, []).append(to_recurring(r))
    return out


class SqlRecurringChargeRepository(RecurringChargeRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, charge: RecurringCharge) -> None:
        await self._conn.execute(R.insert().values(**_row(charge)))

    async def get(self, organization_id: UUID, lease_id: UUID, charge_id: UUID) -> RecurringCharge:
        r = (
            await self._conn.execute(
                sa.select(R).where(
                    R.c.organization_id == organization_id, R.c.lease_id == lease_id, R.c.id == charge_id
                )
            )
        ).first()
        if r is None:
            raise NotFound("recurring charge", charge_id)
        return to_recurring(r)

    async def for_lease(self, organization_id: UUID, lease_id: UUID) -> list[RecurringCharge]:
        rows = await self._conn.execute(
            sa.select(R)
            .where(R.c.organization_id == organization_id, R.c.lease_id == lease_id)
            .order_by(R.c.start_date, R.c.created_at, R.c.id)
        )
        return [to_recurring(r) for r in rows]

    async def update(self, charge: RecurringCharge, expected_version: int) -> None:
        values = _row(charge)
        result = await self._conn.execute(
            R.update()
            .where(R.c.organization_id == charge.organization_id, R.c.id == charge.id, R.c.version == expected_version)
            .values(**{k: v for k, v in values.items() if k not in ("id", "organization_id", "created_at")})
        )
        if result.rowcount != 1:
            raise Conflict("the recurring charge was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, charge_id: UUID) -> None:
        await self._conn.execute(R.delete().where(R.c.organization_id == organization_id, R.c.id == charge_id))

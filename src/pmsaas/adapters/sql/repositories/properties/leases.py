"""Leases: rows <-> Lease (with co-tenants), and the lease repository."""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.list_totals import LEASES
from pmsaas.adapters.sql.repositories.common import apply_created_range, page_of
from pmsaas.adapters.sql.repositories.properties._shared import in_chunks, tenant_leases
from pmsaas.adapters.sql.tables.properties import lease_co_tenants, leases, property_owners
from pmsaas.domain.properties.lease import Lease, LeaseStatus
from pmsaas.domain.properties.ports import (
    LeaseFilter,
    LeaseRepository,
)
from pmsaas.domain.properties.schedule import Escalation, LateFee
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

LEASE_SORTABLE = {
    "created_at": leases.c.created_at,
    "updated_at": leases.c.updated_at,
    "start_date": leases.c.start_date,
    "end_date": leases.c.end_date,
    "status": leases.c.status,
}


def _lease_row(x: Lease) -> dict[str, Any]:
    fee, esc = x.late_fee, x.escalation
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "property_id": x.property_id,
        "unit_id": x.unit_id,
        "tenant_id": x.tenant_id,
        "status": x.status.value,
        "start_date": x.start_date,
        "end_date": x.end_date,
        "occupied_until": x.effective_end,
        "move_out_date": x.move_out_date,
        "terminated_on": x.terminated_on,
        "ended_on": x.ended_on,
        "rent_minor": x.rent.minor,
        "currency": x.rent.currency,
        "billing_day": x.billing_day,
        "grace_days": x.grace_days,
        "security_deposit_minor": None if x.security_deposit is None else x.security_deposit.minor,
        "late_fee_kind": None if fee is None else fee.kind,
        "late_fee_value": None if fee is None else str(fee.value),
        "late_fee_cap_minor": None if fee is None or fee.cap is None else fee.cap.minor,
        "escalation_kind": None if esc is None else esc.kind,
        "escalation_value": None if esc is None else str(esc.value),
        "tds_applicable": x.tds_applicable,
        "renewed_from_id": x.renewed_from_id,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_lease(r: Any, co_tenants: tuple[UUID, ...] = ()) -> Lease:
    cur = r.currency
    return Lease(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        unit_id=r.unit_id,
        tenant_id=r.tenant_id,
        status=LeaseStatus(r.status),
        start_date=r.start_date,
        end_date=r.end_date,
        move_out_date=r.move_out_date,
        terminated_on=r.terminated_on,
        ended_on=r.ended_on,
        rent=Money.from_minor(r.rent_minor, cur),
        billing_day=r.billing_day,
        grace_days=r.grace_days,
        security_deposit=None if r.security_deposit_minor is None else Money.from_minor(r.security_deposit_minor, cur),
        late_fee=None
        if r.late_fee_kind is None
        else LateFee(
            r.late_fee_kind,
            Decimal(r.late_fee_value),
            None if r.late_fee_cap_minor is None else Money.from_minor(r.late_fee_cap_minor, cur),
        ),
        escalation=None if r.escalation_kind is None else Escalation(r.escalation_kind, Decimal(r.escalation_value)),
        tds_applicable=r.tds_applicable,
        co_tenant_ids=co_tenants,
        renewed_from_id=r.renewed_from_id,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


_OVERLAP = "the unit is already leased for part of this period; leases of one unit may not overlap"
_OCCUPYING = (LeaseStatus.ACTIVE.value, LeaseStatus.NOTICE_GIVEN.value)


class SqlLeaseRepository(LeaseRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _load(self, rows: Any) -> list[Lease]:
        rows = list(rows)
        if not rows:
            return []
        co: dict[UUID, list[UUID]] = {}
        ids = [r.id for r in rows]
        for i in range(0, len(ids), 500):
            result = await self._conn.execute(
                sa.select(lease_co_tenants.c.lease_id, lease_co_tenants.c.tenant_id)
                .where(lease_co_tenants.c.lease_id.in_(ids[i : i + 500]))
                .order_by(lease_co_tenants.c.tenant_id)
            )
            for lid, tid in result:
                co.setdefault(lid, []).append(tid)
        return [to_lease(r, tuple(co.get(r.id, ()))) for r in rows]

    async def _write_co_tenants(self, lease: Lease) -> None:
        await self._conn.execute(lease_co_tenants.delete().where(lease_co_tenants.c.lease_id == lease.id))
        if lease.co_tenant_ids:
            await self._conn.execute(
                lease_co_tenants.insert(),
                [
                    {"lease_id": lease.id, "tenant_id": tid, "organization_id": lease.organization_id}
                    for tid in dict.fromkeys(lease.co_tenant_ids)
                ],
            )

    async def add(self, lease: Lease) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(leases.insert().values(**_lease_row(lease)))
        except IntegrityError:
            raise Conflict(_OVERLAP) from None
        if lease.co_tenant_ids:
            await self._write_co_tenants(lease)

    async def get(self, organization_id: UUID, lease_id: UUID) -> Lease:
        rows = await self._conn.execute(
            leases.select().where(leases.c.organization_id == organization_id, leases.c.id == lease_id)
        )
        found = await self._load(rows)
        if not found:
            raise NotFound("lease", lease_id)
        return found[0]

    async def update(self, lease: Lease, expected_version: int) -> None:
        values = _lease_row(lease)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        try:
            async with self._conn.begin_nested():
                result = await self._conn.execute(
                    leases.update()
                    .where(
                        leases.c.organization_id == lease.organization_id,
                        leases.c.id == lease.id,
                        leases.c.version == expected_version,
                    )
                    .values(**values)
                )
        except IntegrityError:  # PostgreSQL's exclusion constraint: another lease occupies the unit
            raise Conflict(_OVERLAP) from None
        if result.rowcount != 1:
            raise Conflict("the lease was changed by someone else; reload and retry")
        await self._write_co_tenants(lease)

    async def list(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]:
        where: builtins.list[sa.ColumnElement[bool]] = [leases.c.organization_id == organization_id]
        if filters.status:
            where.append(leases.c.status == filters.status)
        if filters.statuses is not None:
            where.append(leases.c.status.in_(filters.statuses))
        if filters.property_id:
            where.append(leases.c.property_id == filters.property_id)
        if filters.unit_id:
            where.append(leases.c.unit_id == filters.unit_id)
        if filters.tenant_id:
            where.append(leases.c.id.in_(tenant_leases(organization_id, filters.tenant_id)))
        if filters.ending_before:
            where.append(leases.c.occupied_until < filters.ending_before)
        if filters.owner_id:
            owned = sa.select(property_owners.c.property_id).where(property_owners.c.user_id == filters.owner_id)
            where.append(leases.c.property_id.in_(owned))
        where += apply_created_range(leases.c.created_at, filters.created_after, filters.created_before)
        result = await page_of(
            self._conn, leases, where, LEASE_SORTABLE, page, lambda r: r, counted=_counted(organization_id, filters)
        )
        return replace(result, items=await self._load(result.items))

    async def occupying(self, organization_id: UUID, unit_id: UUID) -> builtins.list[Lease]:
        rows = await self._conn.execute(
            leases.select().where(
                leases.c.organization_id == organization_id,
                leases.c.unit_id == unit_id,
                leases.c.status.in_(_OCCUPYING),
            )
        )
        return await self._load(rows)

    async def for_tenant(self, organization_id: UUID, tenant_id: UUID) -> builtins.list[Lease]:
        rows = await self._conn.execute(
            leases.select()
            .where(leases.c.id.in_(tenant_leases(organization_id, tenant_id)))
            .order_by(leases.c.start_date.desc(), leases.c.id)
        )
        return await self._load(rows)

    async def active_on(self, organization_id: UUID, day: date) -> builtins.list[Lease]:
        rows = await self._conn.execute(
            leases.select()
            .where(
                leases.c.organization_id == organization_id,
                leases.c.status.in_(_OCCUPYING),
                leases.c.start_date <= day,
                sa.or_(leases.c.occupied_until.is_(None), leases.c.occupied_until >= day),
            )
            .order_by(leases.c.start_date, leases.c.id)
        )
        return await self._load(rows)

    async def for_units(self, organization_id: UUID, unit_ids: builtins.list[UUID]) -> builtins.list[Lease]:
        found: builtins.list[Lease] = []
        for chunk in in_chunks(unit_ids):
            rows = await self._conn.execute(
                leases.select().where(leases.c.organization_id == organization_id, leases.c.unit_id.in_(chunk))
            )
            found += await self._load(rows)
        return found

    async def add_many(self, new_leases: builtins.list[Lease]) -> None:
        if not new_leases:
            return
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(leases.insert(), [_lease_row(x) for x in new_leases])
                co = [
                    {"lease_id": x.id, "tenant_id": tid, "organization_id": x.organization_id}
                    for x in new_leases
                    for tid in dict.fromkeys(x.co_tenant_ids)
                ]
                if co:
                    await self._conn.execute(lease_co_tenants.insert(), co)
        except IntegrityError:
            raise Conflict(_OVERLAP) from None

    async def find(self, organization_id: UUID, unit_id: UUID, tenant_id: UUID, start_date: date) -> Lease | None:
        rows = await self._conn.execute(
            leases.select().where(
                leases.c.organization_id == organization_id,
                leases.c.unit_id == unit_id,
                leases.c.tenant_id == tenant_id,
                leases.c.start_date == start_date,
            )
        )
        found = await self._load(rows)
        return found[0] if found else None

    async def renewal_of(self, organization_id: UUID, lease_id: UUID) -> Lease | None:
        rows = await self._conn.execute(
            leases.select().where(
                leases.c.organization_id == organization_id,
                leases.c.renewed_from_id == lease_id,
                leases.c.status != LeaseStatus.TERMINATED.value,
            )
        )
        found = await self._load(rows)
        return found[0] if found else None

    async def unit_has_leases(self, organization_id: UUID, unit_id: UUID) -> bool:
        query = sa.select(sa.func.count()).where(
            leases.c.organization_id == organization_id, leases.c.unit_id == unit_id
        )
        return bool((await self._conn.execute(query)).scalar_one())


def _counted(organization_id: UUID, filters: LeaseFilter) -> sa.ScalarSelect[int] | None:
    """The total from the lease counters when the list filters by status alone (or by nothing)."""
    others = bool(
        (filters.status and filters.statuses is not None)
        or filters.property_id
        or filters.unit_id
        or filters.tenant_id
        or filters.ending_before
        or filters.owner_id
        or filters.created_after
        or filters.created_before
    )
    return LEASES.total(organization_id, others=others, status=filters.status or filters.statuses)

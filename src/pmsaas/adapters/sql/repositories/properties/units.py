"""Units of a property: rows <-> Unit, and the unit repository."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import apply_created_range, page_of
from pmsaas.adapters.sql.repositories.properties._shared import (
    decimal_text,
    in_chunks,
    tenant_lease_units,
    text_decimal,
)
from pmsaas.adapters.sql.tables.properties import units
from pmsaas.domain.properties.model import (
    AreaUnit,
    Unit,
    UnitStatus,
)
from pmsaas.domain.properties.ports import (
    UnitFilter,
    UnitRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

UNIT_SORTABLE = {"name": units.c.name, "created_at": units.c.created_at, "updated_at": units.c.updated_at}


def _unit_row(u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "organization_id": u.organization_id,
        "property_id": u.property_id,
        "name": u.name,
        "floor": u.floor,
        "type": u.type,
        "bedrooms": u.bedrooms,
        "bathrooms": decimal_text(u.bathrooms),
        "area": decimal_text(u.area),
        "area_unit": None if u.area_unit is None else u.area_unit.value,
        "market_rent_minor": None if u.market_rent is None else u.market_rent.minor,
        "currency": None if u.market_rent is None else u.market_rent.currency,
        "amenities": list(u.amenities),
        "status": u.status.value,
        "version": u.version,
        "created_at": u.created_at,
        "updated_at": u.updated_at,
    }


def to_unit(r: Any) -> Unit:
    return Unit(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        name=r.name,
        floor=r.floor,
        type=r.type,
        bedrooms=r.bedrooms,
        bathrooms=text_decimal(r.bathrooms),
        area=text_decimal(r.area),
        area_unit=None if r.area_unit is None else AreaUnit(r.area_unit),
        market_rent=None if r.market_rent_minor is None else Money.from_minor(r.market_rent_minor, r.currency),
        amenities=tuple(r.amenities or ()),
        status=UnitStatus(r.status),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


_NAME_TAKEN = "the property already has a unit with this name"


class SqlUnitRepository(UnitRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _live(self, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(units.c.organization_id == organization_id, units.c.deleted_at.is_(None))

    async def add(self, unit: Unit) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(units.insert().values(**_unit_row(unit)))
        except IntegrityError:
            raise Conflict(_NAME_TAKEN) from None

    async def get(self, organization_id: UUID, unit_id: UUID) -> Unit:
        query = units.select().where(self._live(organization_id), units.c.id == unit_id)
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("unit", unit_id)
        return to_unit(row)

    async def lock(self, organization_id: UUID, unit_id: UUID) -> Unit:
        query = units.select().where(self._live(organization_id), units.c.id == unit_id)
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("unit", unit_id)
        return to_unit(row)

    async def update(self, unit: Unit, expected_version: int) -> None:
        values = _unit_row(unit)
        for key in ("id", "organization_id", "property_id", "created_at"):
            values.pop(key)
        try:
            async with self._conn.begin_nested():
                result = await self._conn.execute(
                    units.update()
                    .where(self._live(unit.organization_id), units.c.id == unit.id, units.c.version == expected_version)
                    .values(**values)
                )
        except IntegrityError:
            raise Conflict(_NAME_TAKEN) from None
        if result.rowcount != 1:
            raise Conflict("the unit was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, unit_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            units.update().where(self._live(organization_id), units.c.id == unit_id).values(deleted_at=at)
        )
        if result.rowcount != 1:
            raise NotFound("unit", unit_id)

    async def list(
        self, organization_id: UUID, property_id: UUID, filters: UnitFilter, page: PageRequest
    ) -> Page[Unit]:
        where = [self._live(organization_id), units.c.property_id == property_id]
        if filters.status:
            where.append(units.c.status == filters.status)
        if filters.type:
            where.append(units.c.type == filters.type)
        if filters.search:
            where.append(units.c.name.ilike(f"%{filters.search}%"))
        if filters.tenant_id:
            where.append(units.c.id.in_(tenant_lease_units(organization_id, filters.tenant_id)))
        where += apply_created_range(units.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, units, where, UNIT_SORTABLE, page, to_unit)

    async def for_properties(self, organization_id: UUID, property_ids: builtins.list[UUID]) -> builtins.list[Unit]:
        found: builtins.list[Unit] = []
        for chunk in in_chunks(property_ids):
            rows = await self._conn.execute(
                units.select().where(self._live(organization_id), units.c.property_id.in_(chunk))
            )
            found += [to_unit(r) for r in rows]
        return found

    async def add_many(self, new_units: builtins.list[Unit]) -> None:
        if not new_units:
            return
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(units.insert(), [_unit_row(u) for u in new_units])
        except IntegrityError:
            raise Conflict(_NAME_TAKEN) from None

    async def set_statuses(self, changed: builtins.list[Unit]) -> None:
        if changed:
            await self._conn.execute(
                units.update()
                .where(units.c.id == sa.bindparam("b_id"), units.c.organization_id == sa.bindparam("b_org"))
                .values(
                    status=sa.bindparam("b_status"),
                    version=sa.bindparam("b_version"),
                    updated_at=sa.bindparam("b_updated_at"),
                ),
                [
                    {
                        "b_id": u.id,
                        "b_org": u.organization_id,
                        "b_status": u.status.value,
                        "b_version": u.version,
                        "b_updated_at": u.updated_at,
                    }
                    for u in changed
                ],
            )

    async def find_by_name(self, organization_id: UUID, property_id: UUID, name: str) -> Unit | None:
        query = units.select().where(
            self._live(organization_id), units.c.property_id == property_id, units.c.name == name
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else to_unit(row)

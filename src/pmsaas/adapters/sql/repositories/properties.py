from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import apply_created_range, page_of
from pmsaas.adapters.sql.tables.properties import properties as t
from pmsaas.domain.properties.model import Property, PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertyFilter, PropertyRepository
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

SORTABLE = {"name": t.c.name, "created_at": t.c.created_at, "updated_at": t.c.updated_at}


def _row(p: Property) -> dict[str, Any]:
    a = p.address
    return {
        "id": p.id,
        "organization_id": p.organization_id,
        "name": p.name,
        "type": p.type.value,
        "status": p.status.value,
        "description": p.description,
        "year_built": p.year_built,
        "street": a.street,
        "city": a.city,
        "province": a.province,
        "postal_code": a.postal_code,
        "country": a.country,
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


def to_property(r: Any) -> Property:
    return Property(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        type=PropertyType(r.type),
        status=PropertyStatus(r.status),
        description=r.description,
        year_built=r.year_built,
        address=Address(r.street, r.city, r.province, r.postal_code, r.country),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlPropertyRepository(PropertyRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _live(self, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(t.c.organization_id == organization_id, t.c.deleted_at.is_(None))

    async def add(self, prop: Property) -> None:
        await self._conn.execute(t.insert().values(**_row(prop)))

    async def get(self, organization_id: UUID, property_id: UUID) -> Property:
        row = (await self._conn.execute(t.select().where(self._live(organization_id), t.c.id == property_id))).first()
        if row is None:
            raise NotFound("property", property_id)
        return to_property(row)

    async def update(self, prop: Property, expected_version: int) -> None:
        values = _row(prop)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        result = await self._conn.execute(
            t.update()
            .where(self._live(prop.organization_id), t.c.id == prop.id, t.c.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the property was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, property_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            t.update().where(self._live(organization_id), t.c.id == property_id).values(deleted_at=at)
        )
        if result.rowcount != 1:
            raise NotFound("property", property_id)

    async def list(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]:
        where = [self._live(organization_id)]
        if filters.status:
            where.append(t.c.status == filters.status)
        if filters.type:
            where.append(t.c.type == filters.type)
        if filters.search:
            where.append(t.c.name.ilike(f"%{filters.search}%"))
        where += apply_created_range(t.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, t, where, SORTABLE, page, to_property)

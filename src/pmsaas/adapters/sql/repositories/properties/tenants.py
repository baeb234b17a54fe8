"""Tenants: rows <-> Tenant, and the tenant repository."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import apply_created_range, page_of
from pmsaas.adapters.sql.repositories.properties._shared import in_chunks
from pmsaas.adapters.sql.tables.properties import tenants
from pmsaas.domain.properties.model import (
    EmergencyContact,
    Tenant,
)
from pmsaas.domain.properties.ports import (
    TenantFilter,
    TenantRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

TENANT_SORTABLE = {"name": tenants.c.name, "created_at": tenants.c.created_at, "updated_at": tenants.c.updated_at}


def _tenant_row(x: Tenant) -> dict[str, Any]:
    ec = x.emergency_contact
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "property_id": x.property_id,
        "name": x.name,
        "email": x.email,
        "phone": x.phone,
        "emergency_contact": None
        if ec is None
        else {"name": ec.name, "phone": ec.phone, "relationship": ec.relationship},
        "pan_number": x.pan_number,
        "gstin": x.gstin,
        "business_number": x.business_number,
        "user_id": x.user_id,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_tenant(r: Any) -> Tenant:
    ec = r.emergency_contact
    return Tenant(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        name=r.name,
        email=r.email,
        phone=r.phone,
        emergency_contact=None if not ec else EmergencyContact(ec["name"], ec["phone"], ec.get("relationship")),
        pan_number=r.pan_number,
        gstin=r.gstin,
        business_number=r.business_number,
        user_id=r.user_id,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlTenantRepository(TenantRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _live(self, organization_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(tenants.c.organization_id == organization_id, tenants.c.deleted_at.is_(None))

    async def add(self, tenant: Tenant) -> None:
        await self._conn.execute(tenants.insert().values(**_tenant_row(tenant)))

    async def get(self, organization_id: UUID, tenant_id: UUID) -> Tenant:
        row = (
            await self._conn.execute(tenants.select().where(self._live(organization_id), tenants.c.id == tenant_id))
        ).first()
        if row is None:
            raise NotFound("tenant", tenant_id)
        return to_tenant(row)

    async def update(self, tenant: Tenant, expected_version: int) -> None:
        values = _tenant_row(tenant)
        for key in ("id", "organization_id", "property_id", "created_at"):
            values.pop(key)
        result = await self._conn.execute(
            tenants.update()
            .where(self._live(tenant.organization_id), tenants.c.id == tenant.id, tenants.c.version == expected_version)
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the tenant was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, tenant_id: UUID, at: datetime) -> None:
        result = await self._conn.execute(
            tenants.update()
            .where(self._live(organization_id), tenants.c.id == tenant_id)
            .values(deleted_at=at, user_id=None)
        )
        if result.rowcount != 1:
            raise NotFound("tenant", tenant_id)

    async def list(
        self, organization_id: UUID, property_id: UUID, filters: TenantFilter, page: PageRequest
    ) -> Page[Tenant]:
        where = [self._live(organization_id), tenants.c.property_id == property_id]
        if filters.search:
            pattern = f"%{filters.search.lower()}%"
            where.append(sa.or_(sa.func.lower(tenants.c.name).like(pattern), tenants.c.email.like(pattern)))
        if filters.only_id:
            where.append(tenants.c.id == filters.only_id)
        where += apply_created_range(tenants.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, tenants, where, TENANT_SORTABLE, page, to_tenant)

    async def find_by_email(self, organization_id: UUID, property_id: UUID, email: str) -> Tenant | None:
        query = tenants.select().where(
            self._live(organization_id), tenants.c.property_id == property_id, tenants.c.email == email
        )
        row = (await self._conn.execute(query.limit(1))).first()
        return None if row is None else to_tenant(row)

    async def for_properties(self, organization_id: UUID, property_ids: builtins.list[UUID]) -> builtins.list[Tenant]:
        found: builtins.list[Tenant] = []
        for chunk in in_chunks(property_ids):
            rows = await self._conn.execute(
                tenants.select().where(self._live(organization_id), tenants.c.property_id.in_(chunk))
            )
            found += [to_tenant(r) for r in rows]
        return found

    async def add_many(self, new_tenants: builtins.list[Tenant]) -> None:
        if new_tenants:
            await self._conn.execute(tenants.insert(), [_tenant_row(x) for x in new_tenants])

    async def find_by_user(self, organization_id: UUID, user_id: UUID) -> Tenant | None:
        query = tenants.select().where(self._live(organization_id), tenants.c.user_id == user_id)
        row = (await self._conn.execute(query.limit(1))).first()
        return None if row is None else to_tenant(row)

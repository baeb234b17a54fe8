"""Narrow views of other contexts' tables that the properties context reads (organization facts,
member accounts), so the domain never imports another context."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.identity import memberships
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.domain.properties.ports import (
    OrganizationFacts,
    TenantAccounts,
)
from pmsaas.domain.shared.errors import NotFound


class SqlOrganizationFacts(OrganizationFacts):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def currency(self, organization_id: UUID) -> str:
        query = sa.select(organizations.c.currency).where(
            organizations.c.id == organization_id, organizations.c.deleted_at.is_(None)
        )
        value = (await self._conn.execute(query)).scalar_one_or_none()
        if value is None:
            raise NotFound("organization", organization_id)
        return str(value)

    async def time_zone(self, organization_id: UUID) -> str:
        query = sa.select(organizations.c.time_zone).where(organizations.c.id == organization_id)
        value = (await self._conn.execute(query)).scalar_one_or_none()
        if value is None:
            raise NotFound("organization", organization_id)
        return str(value)


class SqlTenantAccounts(TenantAccounts):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def roles_of(self, organization_id: UUID, user_id: UUID) -> frozenset[str] | None:
        query = sa.select(memberships.c.roles).where(
            memberships.c.organization_id == organization_id, memberships.c.user_id == user_id
        )
        roles = (await self._conn.execute(query)).scalar_one_or_none()
        return None if roles is None else frozenset(roles)

    async def set_tenant_profile(self, organization_id: UUID, user_id: UUID, tenant_id: UUID | None) -> None:
        await self._conn.execute(
            memberships.update()
            .where(memberships.c.organization_id == organization_id, memberships.c.user_id == user_id)
            .values(tenant_profile_id=tenant_id)
        )

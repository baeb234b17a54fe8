"""Who may receive: the organization's members, read from the identity context's tables."""

from __future__ import annotations

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.identity import memberships, users
from pmsaas.domain.notifications.ports import Recipient, RecipientDirectory


class SqlRecipientDirectory(RecipientDirectory):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def find(self, organization_id: UUID, user_ids: list[UUID]) -> dict[UUID, Recipient]:
        if not user_ids:
            return {}
        m, u = memberships, users
        query = (
            sa.select(u.c.id, u.c.name, u.c.email, u.c.phone)
            .select_from(m.join(u, u.c.id == m.c.user_id))
            .where(m.c.organization_id == organization_id, m.c.user_id.in_(user_ids), u.c.deleted_at.is_(None))
        )
        return {r.id: Recipient(r.id, r.name, r.email, r.phone) for r in await self._conn.execute(query)}

    async def with_roles(self, organization_id: UUID, roles: frozenset[str]) -> list[Recipient]:
        m, u = memberships, users
        query = (
            sa.select(u.c.id, u.c.name, u.c.email, u.c.phone, m.c.roles)
            .select_from(m.join(u, u.c.id == m.c.user_id))
            .where(m.c.organization_id == organization_id, u.c.deleted_at.is_(None))
            .order_by(m.c.created_at, m.c.user_id)
        )
        # Roles are a JSON list: filtered here, the same on both databases (an organization's staff is small).
        return [
            Recipient(r.id, r.name, r.email, r.phone)
            for r in await self._conn.execute(query)
            if roles.intersection(r.roles or ())
        ]

    async def tenant_users(self, organization_id: UUID, tenant_ids: list[UUID]) -> dict[UUID, Recipient]:
        if not tenant_ids:
            return {}
        m, u = memberships, users
        query = (
            sa.select(m.c.tenant_profile_id, u.c.id, u.c.name, u.c.email, u.c.phone)
            .select_from(m.join(u, u.c.id == m.c.user_id))
            .where(
                m.c.organization_id == organization_id,
                m.c.tenant_profile_id.in_(tenant_ids),
                u.c.deleted_at.is_(None),
            )
        )
        return {r.tenant_profile_id: Recipient(r.id, r.name, r.email, r.phone) for r in await self._conn.execute(query)}

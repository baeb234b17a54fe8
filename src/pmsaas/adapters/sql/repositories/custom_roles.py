"""An organization's custom roles, and the grants they add to memberships."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.identity import custom_roles as t
from pmsaas.domain.identity.model import CustomRole, Membership
from pmsaas.domain.identity.ports import CustomRoleRepository
from pmsaas.domain.shared.errors import Conflict, NotFound


def _to_role(r: Any) -> CustomRole:
    return CustomRole(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        description=r.description,
        permissions=frozenset(r.permissions),
        created_by=r.created_by,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _values(role: CustomRole) -> dict[str, Any]:
    return {
        "name": role.name,
        "name_key": role.name.lower(),
        "description": role.description,
        "permissions": sorted(role.permissions),
        "updated_at": role.updated_at,
    }


class SqlCustomRoleRepository(CustomRoleRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, role: CustomRole) -> None:
        row = _values(role) | {
            "id": role.id,
            "organization_id": role.organization_id,
            "created_by": role.created_by,
            "created_at": role.created_at,
        }
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(t.insert().values(**row))
        except IntegrityError:
            raise Conflict(f"a role named {role.name!r} already exists") from None

    async def get(self, organization_id: UUID, role_id: UUID) -> CustomRole:
        row = (
            await self._conn.execute(t.select().where(t.c.organization_id == organization_id, t.c.id == role_id))
        ).first()
        if row is None:
            raise NotFound("role", role_id)
        return _to_role(row)

    async def list(self, organization_id: UUID) -> list[CustomRole]:
        rows = await self._conn.execute(t.select().where(t.c.organization_id == organization_id).order_by(t.c.name_key))
        return [_to_role(r) for r in rows]

    async def update(self, role: CustomRole) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    t.update()
                    .where(t.c.organization_id == role.organization_id, t.c.id == role.id)
                    .values(**_values(role))
                )
        except IntegrityError:
            raise Conflict(f"a role named {role.name!r} already exists") from None

    async def remove(self, organization_id: UUID, role_id: UUID) -> None:
        await self._conn.execute(t.delete().where(t.c.organization_id == organization_id, t.c.id == role_id))


async def with_custom_grants(conn: AsyncConnection, found: Iterable[Membership]) -> None:
    """Fills ``custom_grants`` of memberships holding custom roles: one query for all of them."""
    holding = [m for m in found if m.custom_role_names]
    if not holding:
        return
    orgs = {m.organization_id for m in holding}
    rows = await conn.execute(
        sa.select(t.c.organization_id, t.c.name, t.c.permissions).where(t.c.organization_id.in_(orgs))
    )
    grants = {(r.organization_id, r.name): frozenset(r.permissions) for r in rows}
    for m in holding:
        m.custom_grants = frozenset().union(*(grants.get((m.organization_id, r), frozenset()) for r in m.roles))

"""Directories over other contexts' tables: the places tickets are about and the people who work them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.api_keys import api_keys
from pmsaas.adapters.sql.tables.identity import memberships, users
from pmsaas.adapters.sql.tables.operations import tickets
from pmsaas.adapters.sql.tables.properties import lease_co_tenants, leases, properties, units
from pmsaas.domain.operations.ports import PeopleDirectory, PeopleFilter, Person, PropertyDirectory
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

t = tickets
OCCUPYING_LEASES = ("active", "notice_given")

# The reads every ticket create makes, built once (bound parameters; the id lists expand at execution).
_PROPERTY_EXISTS = sa.select(properties.c.id).where(
    properties.c.organization_id == sa.bindparam("w_organization_id"),
    properties.c.id == sa.bindparam("w_id"),
    properties.c.deleted_at.is_(None),
)
_PROPERTY_NAMES = sa.select(properties.c.id, properties.c.name).where(
    properties.c.organization_id == sa.bindparam("w_organization_id"),
    properties.c.id.in_(sa.bindparam("w_ids", expanding=True)),
)
# Members and API keys in one round trip (a member's name wins should an id be both).
_PEOPLE_NAMES = sa.union_all(
    sa.select(users.c.id, users.c.name, sa.literal(False).label("api_key"))
    .join(memberships, memberships.c.user_id == users.c.id)
    .where(
        memberships.c.organization_id == sa.bindparam("w_organization_id"),
        users.c.id.in_(sa.bindparam("w_ids", expanding=True)),
    ),
    sa.select(api_keys.c.id, api_keys.c.name, sa.literal(True).label("api_key")).where(
        api_keys.c.organization_id == sa.bindparam("w_organization_id"),
        api_keys.c.id.in_(sa.bindparam("w_ids", expanding=True)),
    ),
)


class SqlPropertyDirectory(PropertyDirectory):
    """Reads the properties context's tables (adapters may; the operations domain may not)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        params = {"w_organization_id": organization_id, "w_id": property_id}
        return (await self._conn.execute(_PROPERTY_EXISTS, params)).first() is not None

    async def unit_in_property(self, organization_id: UUID, unit_id: UUID, property_id: UUID) -> bool:
        u = units
        query = sa.select(u.c.id).where(
            u.c.organization_id == organization_id,
            u.c.id == unit_id,
            u.c.property_id == property_id,
            u.c.deleted_at.is_(None),
        )
        return (await self._conn.execute(query)).first() is not None

    async def units_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> set[UUID]:
        le, co = leases, lease_co_tenants
        as_co_tenant = sa.select(co.c.lease_id).where(co.c.tenant_id == tenant_id)
        query = sa.select(le.c.unit_id).where(
            le.c.organization_id == organization_id,
            le.c.status.in_(OCCUPYING_LEASES),
            sa.or_(le.c.tenant_id == tenant_id, le.c.id.in_(as_co_tenant)),
        )
        return {r.unit_id for r in await self._conn.execute(query)}

    async def property_names(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, str]:
        params = {"w_organization_id": organization_id, "w_ids": list(property_ids)}
        return {r.id: r.name for r in await self._conn.execute(_PROPERTY_NAMES, params)}

    async def unit_names(self, organization_id: UUID, unit_ids: set[UUID]) -> dict[UUID, str]:
        u = units
        rows = await self._conn.execute(
            sa.select(u.c.id, u.c.name).where(u.c.organization_id == organization_id, u.c.id.in_(unit_ids))
        )
        return {r.id: r.name for r in rows}


def _to_person(r: Any) -> Person:
    return Person(
        id=r.id,
        name=r.name,
        email=r.email,
        phone=r.phone,
        roles=frozenset(r.roles),
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlPeopleDirectory(PeopleDirectory):
    """Names of the organization's users and API keys, and its people list."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def names(self, organization_id: UUID, ids: set[UUID]) -> dict[UUID, str]:
        """Members by their name; the other ids that are the organization's API keys as "API key: <name>"."""
        params = {"w_organization_id": organization_id, "w_ids": list(ids)}
        rows = (await self._conn.execute(_PEOPLE_NAMES, params)).all()
        found = {r.id: r.name for r in rows if not r.api_key}
        found.update({r.id: f"API key: {r.name}" for r in rows if r.api_key and r.id not in found})
        return found

    async def people(self, organization_id: UUID, filters: PeopleFilter, page: PageRequest) -> Page[Person]:
        m = memberships
        joined = users.join(m, m.c.user_id == users.c.id)
        where = [m.c.organization_id == organization_id, users.c.deleted_at.is_(None)]
        roles_text = sa.cast(m.c.roles, sa.Text)
        # Roles are a small JSON array; a quoted-name match works on both engines.
        if filters.roles_any is not None:
            where.append(sa.or_(sa.false(), *(roles_text.like(f'%"{r}"%') for r in sorted(filters.roles_any))))
        where += [roles_text.not_like(f'%"{r}"%') for r in sorted(filters.roles_none)]
        if filters.assigned_in_property is not None:
            assigned = sa.select(t.c.assignee_id).where(
                t.c.organization_id == organization_id,
                t.c.property_id == filters.assigned_in_property,
                t.c.deleted_at.is_(None),
                t.c.assignee_id.is_not(None),
            )
            where.append(users.c.id.in_(assigned))
        cols = [
            users.c.id,
            users.c.name,
            users.c.email,
            users.c.phone,
            users.c.created_at,
            users.c.updated_at,
            m.c.roles,
        ]
        sortable = {"created_at": users.c.created_at, "name": users.c.name}
        return await page_of(self._conn, joined, where, sortable, page, _to_person, columns=cols, id_column=users.c.id)

    async def person(self, organization_id: UUID, user_id: UUID) -> Person:
        m = memberships
        row = (
            await self._conn.execute(
                sa.select(
                    users.c.id,
                    users.c.name,
                    users.c.email,
                    users.c.phone,
                    users.c.created_at,
                    users.c.updated_at,
                    m.c.roles,
                )
                .join(m, m.c.user_id == users.c.id)
                .where(m.c.organization_id == organization_id, users.c.id == user_id, users.c.deleted_at.is_(None))
            )
        ).first()
        if row is None:
            raise NotFound("user", user_id)
        return _to_person(row)

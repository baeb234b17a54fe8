from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.identity import memberships
from pmsaas.adapters.sql.tables.organizations import organizations as t
from pmsaas.domain.identity.ports import OrganizationRegistry
from pmsaas.domain.organizations.model import (
    MFA_POLICY_KEY,
    Organization,
    OrganizationSettings,
    OrganizationStatus,
    Plan,
)
from pmsaas.domain.organizations.ports import MembershipDirectory, OrganizationRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import Page, PageRequest

_SORT = {"created_at": t.c.created_at, "name": t.c.name, "updated_at": t.c.updated_at}


def _row(o: Organization) -> dict[str, Any]:
    s = o.settings
    return {
        "id": o.id,
        "name": o.name,
        "plan": o.plan.value,
        "status": o.status.value,
        "country": s.country,
        "province": s.province,
        "currency": s.currency,
        "time_zone": s.time_zone,
        "locale": s.locale,
        "extra_settings": o.extra_settings,
        "version": o.version,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def to_organization(r: Any) -> Organization:
    return Organization(
        id=r.id,
        name=r.name,
        plan=Plan(r.plan),
        status=OrganizationStatus(r.status),
        settings=OrganizationSettings(r.country, r.province, r.currency, r.time_zone, r.locale),
        extra_settings=dict(r.extra_settings or {}),
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlOrganizationRepository(OrganizationRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, org: Organization) -> None:
        await self._conn.execute(t.insert().values(**_row(org)))

    async def get(self, organization_id: UUID) -> Organization:
        row = (await self._conn.execute(t.select().where(t.c.id == organization_id, t.c.deleted_at.is_(None)))).first()
        if row is None:
            raise NotFound("organization", organization_id)
        return to_organization(row)

    async def update(self, org: Organization, expected_version: int) -> None:
        values = _row(org)
        values.pop("id")
        values.pop("created_at")
        result = await self._conn.execute(
            t.update()
            .where(t.c.id == org.id, t.c.version == expected_version, t.c.deleted_at.is_(None))
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the organization was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, at: datetime) -> None:
        await self._conn.execute(t.update().where(t.c.id == organization_id).values(deleted_at=at))

    async def list(self, ids: list[UUID] | None, page: PageRequest) -> Page[Organization]:
        where: builtins.list[sa.ColumnElement[bool]] = [t.c.deleted_at.is_(None)]
        if ids is not None:
            where.append(t.c.id.in_(ids) if ids else sa.false())
        return await page_of(self._conn, t, where, _SORT, page, to_organization)


class SqlMembershipDirectory(MembershipDirectory):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def organizations_of(self, user_id: UUID) -> list[UUID]:
        rows = await self._conn.execute(
            sa.select(memberships.c.organization_id).where(memberships.c.user_id == user_id)
        )
        return [r.organization_id for r in rows]

    async def add_owner(self, *, organization_id: UUID, user_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            memberships.insert().values(
                id=new_id(),
                organization_id=organization_id,
                user_id=user_id,
                roles=["OrganizationOwner"],
                created_at=at,
            )
        )

    async def remove_all(self, organization_id: UUID) -> None:
        await self._conn.execute(memberships.delete().where(memberships.c.organization_id == organization_id))


class SqlOrganizationRegistry(OrganizationRegistry):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def exists(self, organization_id: UUID) -> bool:
        row = (
            await self._conn.execute(sa.select(t.c.id).where(t.c.id == organization_id, t.c.deleted_at.is_(None)))
        ).first()
        return row is not None

    async def mfa_required_roles(self, organization_id: UUID) -> frozenset[str]:
        row = (
            await self._conn.execute(
                sa.select(t.c.extra_settings).where(t.c.id == organization_id, t.c.deleted_at.is_(None))
            )
        ).first()
        roles = (row.extra_settings or {}).get(MFA_POLICY_KEY) if row is not None else None
        return frozenset(str(r) for r in roles) if isinstance(roles, list) else frozenset()

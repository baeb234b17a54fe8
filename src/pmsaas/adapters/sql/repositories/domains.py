"""An organization's e-mail domains, and the identity context's question: is this domain verified?"""

from __future__ import annotations

import builtins
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.organizations import domains as t
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.domain.identity.email_domains import VerifiedEmailDomains
from pmsaas.domain.organizations.email_domains import DomainStatus, OrganizationDomain
from pmsaas.domain.organizations.ports import DomainRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_SORT = {"created_at": t.c.created_at, "domain": t.c.domain}


def _domain(r: Any) -> OrganizationDomain:
    return OrganizationDomain(
        id=r.id,
        organization_id=r.organization_id,
        domain=r.domain,
        token=r.token,
        status=DomainStatus(r.status),
        verified_at=r.verified_at,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlDomainRepository(DomainRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, domain: OrganizationDomain) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    t.insert().values(
                        id=domain.id,
                        organization_id=domain.organization_id,
                        domain=domain.domain,
                        token=domain.token,
                        status=domain.status.value,
                        verified_domain=None,
                        verified_at=None,
                        created_at=domain.created_at,
                        updated_at=domain.updated_at,
                    )
                )
        except IntegrityError:
            raise Conflict(f"{domain.domain} is already one of this organization's domains") from None

    async def get(self, organization_id: UUID, domain_id: UUID) -> OrganizationDomain:
        row = (
            await self._conn.execute(t.select().where(t.c.organization_id == organization_id, t.c.id == domain_id))
        ).first()
        if row is None:
            raise NotFound("domain", domain_id)
        return _domain(row)

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[OrganizationDomain]:
        where: builtins.list[sa.ColumnElement[bool]] = [t.c.organization_id == organization_id]
        return await page_of(self._conn, t, where, _SORT, page, _domain)

    async def mark_verified(self, domain: OrganizationDomain) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    t.update()
                    .where(t.c.organization_id == domain.organization_id, t.c.id == domain.id)
                    .values(
                        status=domain.status.value,
                        verified_domain=domain.domain,
                        verified_at=domain.verified_at,
                        updated_at=domain.updated_at,
                    )
                )
        except IntegrityError:
            raise Conflict(f"{domain.domain} is verified by another organization") from None

    async def verified_elsewhere(self, organization_id: UUID, domain: str) -> bool:
        query = sa.select(t.c.id).where(t.c.verified_domain == domain, t.c.organization_id != organization_id)
        return (await self._conn.execute(query)).first() is not None

    async def delete(self, organization_id: UUID, domain_id: UUID) -> None:
        await self._conn.execute(t.delete().where(t.c.organization_id == organization_id, t.c.id == domain_id))


class SqlVerifiedEmailDomains(VerifiedEmailDomains):
    """Across organizations by design: the question is whether any live organization holds it."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def is_verified(self, domain: str) -> bool:
        query = (
            sa.select(t.c.id)
            .join(organizations, organizations.c.id == t.c.organization_id)
            .where(t.c.verified_domain == domain, organizations.c.deleted_at.is_(None))
        )
        return (await self._conn.execute(query)).first() is not None

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from uuid import UUID

from pmsaas.domain.organizations.model import Organization
from pmsaas.domain.shared.audit import AuditingUnitOfWork
from pmsaas.domain.shared.paging import Page, PageRequest


class OrganizationRepository(ABC):
    @abstractmethod
    async def add(self, org: Organization) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID) -> Organization: ...

    @abstractmethod
    async def update(self, org: Organization, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(self, ids: list[UUID] | None, page: PageRequest) -> Page[Organization]:
        """``ids=None`` lists every organization (platform operators only)."""


class MembershipDirectory(ABC):
    """What organizations needs of identity: who belongs where."""

    @abstractmethod
    async def organizations_of(self, user_id: UUID) -> list[UUID]: ...

    @abstractmethod
    async def add_owner(self, *, organization_id: UUID, user_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def remove_all(self, organization_id: UUID) -> None:
        """A deleted organization has no members left: nobody signs in to it again."""


class OrganizationsUnitOfWork(AuditingUnitOfWork):
    organizations: OrganizationRepository
    membership_directory: MembershipDirectory

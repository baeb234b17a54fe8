from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.properties.model import Property
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class PropertyFilter:
    status: str | None = None
    type: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    search: str | None = None


class PropertyRepository(ABC):
    @abstractmethod
    async def add(self, prop: Property) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, property_id: UUID) -> Property:
        """Raises NotFound for an unknown or foreign id."""

    @abstractmethod
    async def update(self, prop: Property, expected_version: int) -> None:
        """Raises Conflict when the stored version moved on."""

    @abstractmethod
    async def delete(self, organization_id: UUID, property_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]: ...


class PropertiesUnitOfWork(UnitOfWork):
    properties: PropertyRepository

"""Properties: the buildings an organization manages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id


class PropertyType(StrEnum):
    RESIDENTIAL = "residential"
    COMMERCIAL = "commercial"
    MIXED_USE = "mixed_use"


class PropertyStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


@dataclass(eq=False)
class Property:
    organization_id: UUID
    name: str
    type: PropertyType
    address: Address
    created_at: datetime
    updated_at: datetime
    status: PropertyStatus = PropertyStatus.ACTIVE
    description: str | None = None
    year_built: int | None = None
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "property_id": str(self.id),
                "name": self.name,
                "type": self.type.value,
                "status": self.status.value,
                "organization_id": str(self.organization_id),
            },
        )

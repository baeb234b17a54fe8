"""The community context's repositories and its view of where a resident lives."""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.community.model import CommunityEvent, ListingImage, MarketplaceListing, Registration
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import PlanAllowance
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class EventFilter:
    property_ids: frozenset[UUID] | None = None  # None: every event; else these properties' and org-wide ones
    starts_after: datetime | None = None


@dataclass(frozen=True)
class ListingFilter:
    now: datetime
    category: str | None = None
    hidden: bool = False  # True: the reported listings awaiting review (managers)


class EventRepository(ABC):
    @abstractmethod
    async def add(self, event: CommunityEvent) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, event_id: UUID, *, for_update: bool = False) -> CommunityEvent:
        """Raises NotFound for another organization's event; ``for_update`` locks it (seat changes)."""

    @abstractmethod
    async def update(self, event: CommunityEvent) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, event_id: UUID) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, filters: EventFilter, page: PageRequest) -> Page[CommunityEvent]: ...


class RegistrationRepository(ABC):
    @abstractmethod
    async def of_event(self, organization_id: UUID, event_id: UUID) -> list[Registration]:
        """In arrival order (``seq``)."""

    @abstractmethod
    async def add(self, organization_id: UUID, registration: Registration) -> None: ...

    @abstractmethod
    async def remove(self, organization_id: UUID, event_id: UUID, user_id: UUID) -> None: ...

    @abstractmethod
    async def promote(self, organization_id: UUID, event_id: UUID, user_ids: list[UUID]) -> None: ...

    @abstractmethod
    async def unreminded(
        self, organization_id: UUID, starts_from: datetime, starts_before: datetime
    ) -> list[tuple[CommunityEvent, Registration]]:
        """Seats (not the wait list) of events starting in [from, before) not reminded yet."""

    @abstractmethod
    async def mark_reminded(self, organization_id: UUID, event_id: UUID, user_id: UUID, at: datetime) -> None: ...


class ListingRepository(ABC):
    @abstractmethod
    async def add(self, listing: MarketplaceListing) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, listing_id: UUID) -> MarketplaceListing: ...

    @abstractmethod
    async def update(self, listing: MarketplaceListing) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, listing_id: UUID) -> None: ...

    @abstractmethod
    async def list(
        self, organization_id: UUID, filters: ListingFilter, page: PageRequest
    ) -> Page[MarketplaceListing]: ...

    @abstractmethod
    async def record_contact(self, organization_id: UUID, listing_id: UUID, buyer_id: UUID, at: datetime) -> None:
        """Remembers that ``buyer_id`` wrote to the seller: the seller may answer them, and only them."""

    @abstractmethod
    async def has_contacted(self, organization_id: UUID, listing_id: UUID, buyer_id: UUID) -> bool: ...

    @abstractmethod
    async def add_image(self, image: ListingImage) -> None: ...

    @abstractmethod
    async def images(self, organization_id: UUID, listing_id: UUID) -> builtins.list[ListingImage]: ...


class Residents(ABC):
    @abstractmethod
    async def property_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> UUID | None: ...

    @abstractmethod
    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool: ...


class CommunityUnitOfWork(UnitOfWork):
    community_events: EventRepository
    event_registrations: RegistrationRepository
    marketplace_listings: ListingRepository
    residents: Residents
    plan_allowance: PlanAllowance  # storage

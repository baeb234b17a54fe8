"""In-memory adapters of the community context's ports: events and their registrations, marketplace
listings with their contacts and images, and where a tenant lives (over the properties fakes' rows)."""

from __future__ import annotations

import builtins
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from pmsaas.domain.community.model import (
    CommunityEvent,
    ListingImage,
    ListingStatus,
    MarketplaceListing,
    Registration,
    RegistrationStatus,
)
from pmsaas.domain.community.ports import (
    EventFilter,
    EventRepository,
    ListingFilter,
    ListingRepository,
    RegistrationRepository,
    Residents,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_EVENT_SORT = {"starts_at": lambda e: e.starts_at, "created_at": lambda e: e.created_at, "title": lambda e: e.title}
_LISTING_SORT = {"created_at": lambda x: x.created_at, "expires_at": lambda x: x.expires_at, "title": lambda x: x.title}


class FakeEventRepository(EventRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, event: CommunityEvent) -> None:
        self._db.community_events.put(event.organization_id, event.id, replace(event))

    async def get(self, organization_id: UUID, event_id: UUID, *, for_update: bool = False) -> CommunityEvent:
        found = self._db.community_events.find(organization_id, event_id)
        if found is None:
            raise NotFound("event not found")
        return replace(found)

    async def update(self, event: CommunityEvent) -> None:
        self._db.community_events.put(event.organization_id, event.id, replace(event))

    async def delete(self, organization_id: UUID, event_id: UUID) -> None:
        if not self._db.community_events.remove(organization_id, event_id):
            raise NotFound("event not found")
        for key in [k for k in self._db.event_registrations if k[0] == event_id]:
            del self._db.event_registrations[key]

    async def list(self, organization_id: UUID, filters: EventFilter, page: PageRequest) -> Page[CommunityEvent]:
        items = [
            e
            for e in self._db.community_events.of(organization_id)
            if (filters.property_ids is None or e.property_id is None or e.property_id in filters.property_ids)
            and (filters.starts_after is None or e.starts_at >= filters.starts_after)
        ]
        return page_of(items, page, _EVENT_SORT, lambda e: e.id)


class FakeRegistrationRepository(RegistrationRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _of(self, organization_id: UUID, event_id: UUID) -> builtins.list[tuple[UUID, Registration, datetime | None]]:
        rows = [
            row for (e, _), row in self._db.event_registrations.items() if e == event_id and row[0] == organization_id
        ]
        return sorted(rows, key=lambda row: row[1].seq)

    async def of_event(self, organization_id: UUID, event_id: UUID) -> builtins.list[Registration]:
        return [row[1] for row in self._of(organization_id, event_id)]

    async def add(self, organization_id: UUID, registration: Registration) -> None:
        key = (registration.event_id, registration.user_id)
        if key in self._db.event_registrations or any(
            r.seq == registration.seq for r in await self.of_event(organization_id, registration.event_id)
        ):
            raise Conflict("the event's seats changed meanwhile: try again")
        self._db.event_registrations[key] = (organization_id, registration, None)

    async def remove(self, organization_id: UUID, event_id: UUID, user_id: UUID) -> None:
        row = self._db.event_registrations.get((event_id, user_id))
        if row is not None and row[0] == organization_id:
            del self._db.event_registrations[(event_id, user_id)]

    async def promote(self, organization_id: UUID, event_id: UUID, user_ids: builtins.list[UUID]) -> None:
        for user_id in user_ids:
            row = self._db.event_registrations.get((event_id, user_id))
            if row is not None and row[0] == organization_id:
                seated = replace(row[1], status=RegistrationStatus.REGISTERED)
                self._db.event_registrations[(event_id, user_id)] = (row[0], seated, row[2])

    async def unreminded(
        self, organization_id: UUID, starts_from: datetime, starts_before: datetime
    ) -> builtins.list[tuple[CommunityEvent, Registration]]:
        due = []
        for org, registration, reminded_at in self._db.event_registrations.values():
            event = self._db.community_events.find(organization_id, registration.event_id)
            if (
                org == organization_id
                and event is not None
                and reminded_at is None
                and registration.status is RegistrationStatus.REGISTERED
                and starts_from <= event.starts_at < starts_before
            ):
                due.append((replace(event), registration))
        return sorted(due, key=lambda pair: (pair[0].starts_at, pair[1].seq))

    async def mark_reminded(self, organization_id: UUID, event_id: UUID, user_id: UUID, at: datetime) -> None:
        row = self._db.event_registrations.get((event_id, user_id))
        if row is not None and row[0] == organization_id:
            self._db.event_registrations[(event_id, user_id)] = (row[0], row[1], at)


class FakeListingRepository(ListingRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, listing: MarketplaceListing) -> None:
        self._db.marketplace_listings.put(listing.organization_id, listing.id, replace(listing))

    async def get(self, organization_id: UUID, listing_id: UUID) -> MarketplaceListing:
        found = self._db.marketplace_listings.find(organization_id, listing_id)
        if found is None:
            raise NotFound("listing not found")
        return replace(found)

    async def update(self, listing: MarketplaceListing) -> None:
        self._db.marketplace_listings.put(listing.organization_id, listing.id, replace(listing))

    async def delete(self, organization_id: UUID, listing_id: UUID) -> None:
        if not self._db.marketplace_listings.remove(organization_id, listing_id):
            raise NotFound("listing not found")
        for key in [k for k in self._db.marketplace_contacts if k[:2] == (organization_id, listing_id)]:
            del self._db.marketplace_contacts[key]
        self._db.marketplace_images[:] = [i for i in self._db.marketplace_images if i.listing_id != listing_id]

    async def list(self, organization_id: UUID, filters: ListingFilter, page: PageRequest) -> Page[MarketplaceListing]:
        def shown(x: MarketplaceListing) -> bool:
            if filters.hidden:
                return x.status is ListingStatus.HIDDEN
            return x.status is ListingStatus.ACTIVE and x.expires_at > filters.now

        items = [
            x
            for x in self._db.marketplace_listings.of(organization_id)
            if shown(x) and (filters.category is None or x.category == filters.category)
        ]
        return page_of(items, page, _LISTING_SORT, lambda x: x.id)

    async def record_contact(self, organization_id: UUID, listing_id: UUID, buyer_id: UUID, at: datetime) -> None:
        self._db.marketplace_contacts.setdefault((organization_id, listing_id, buyer_id), at)

    async def has_contacted(self, organization_id: UUID, listing_id: UUID, buyer_id: UUID) -> bool:
        return (organization_id, listing_id, buyer_id) in self._db.marketplace_contacts

    async def add_image(self, image: ListingImage) -> None:
        self._db.marketplace_images.append(image)

    async def images(self, organization_id: UUID, listing_id: UUID) -> builtins.list[ListingImage]:
        found = [
            i
            for i in self._db.marketplace_images
            if i.organization_id == organization_id and i.listing_id == listing_id
        ]
        return sorted(found, key=lambda i: (i.created_at, i.id))


class FakeResidents(Residents):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def property_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> UUID | None:
        tenant = self._db.tenants.find(organization_id, tenant_id)
        return None if tenant is None else tenant.property_id

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        return self._db.properties.find(organization_id, property_id) is not None

"""Community: events residents register for (with a wait list) and the residents' marketplace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.money import Money


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"


@dataclass(eq=False)
class CommunityEvent:
    organization_id: UUID
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    property_id: UUID | None = None  # None: every property of the organization
    capacity: int | None = None  # None: no limit
    registration_closes_at: datetime | None = None  # None: at the start
    waitlist_enabled: bool = True
    created_by: UUID | None = None
    updated_at: datetime | None = None
    id: UUID = field(default_factory=uuid4)

    def closes_at(self) -> datetime:
        return self.registration_closes_at or self.starts_at


@dataclass(frozen=True)
class Registration:
    event_id: UUID
    user_id: UUID
    status: RegistrationStatus
    seq: int  # arrival order within the event: the wait list is promoted by it
    registered_at: datetime


@dataclass
class Seats:
    """An event's seats and wait list, in arrival order. The rule of who gets a freed seat lives here."""

    capacity: int | None
    waitlist_enabled: bool
    registered: list[UUID] = field(default_factory=list)
    waiting: list[UUID] = field(default_factory=list)

    def has_free_seat(self) -> bool:
        return self.capacity is None or len(self.registered) < self.capacity

    def join(self, user_id: UUID) -> RegistrationStatus:
        if user_id in self.registered or user_id in self.waiting:
            raise Conflict("already registered for this event")
        if self.has_free_seat():
            self.registered.append(user_id)
            return RegistrationStatus.REGISTERED
        if not self.waitlist_enabled:
            raise Conflict("the event is full")
        self.waiting.append(user_id)
        return RegistrationStatus.WAITLISTED

    def leave(self, user_id: UUID) -> list[UUID]:
        """Removes the user; returns who was promoted from the wait list (first come, first served)."""
        if user_id in self.waiting:
            self.waiting.remove(user_id)
            return []
        self.registered.remove(user_id)  # the caller checked membership
        return self.promote()

    def promote(self) -> list[UUID]:
        promoted: list[UUID] = []
        while self.waiting and self.has_free_seat():
            first = self.waiting.pop(0)
            self.registered.append(first)
            promoted.append(first)
        return promoted


class ListingStatus(StrEnum):
    ACTIVE = "active"
    HIDDEN = "hidden"  # reported: out of the marketplace until a manager reviews it


CATEGORIES: tuple[str, ...] = (
    "furniture",
    "electronics",
    "appliances",
    "clothing",
    "books",
    "kids",
    "sports",
    "vehicles",
    "services",
    "free",
    "other",
)


@dataclass(eq=False)
class MarketplaceListing:
    organization_id: UUID
    seller_id: UUID  # a user of the organization; never shown with an address
    title: str
    description: str
    category: str
    price: Money | None
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    status: ListingStatus = ListingStatus.ACTIVE
    report_reason: str | None = None
    id: UUID = field(default_factory=uuid4)

    def live(self, now: datetime) -> bool:
        return self.status is ListingStatus.ACTIVE and self.expires_at > now


@dataclass(frozen=True)
class ListingImage:
    """A photo of a listed item: the bytes in the attachment storage, checked as every upload is."""

    listing_id: UUID
    organization_id: UUID
    filename: str
    content_type: str
    size: int
    storage_key: str
    created_at: datetime
    id: UUID = field(default_factory=uuid4)

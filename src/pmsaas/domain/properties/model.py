"""Properties, their units and tenants (leases are in ``lease.py``, rent in ``schedule.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.errors import IllegalTransition
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


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
    amenities: tuple[str, ...] = ()
    policies: PropertyPolicies = field(default_factory=lambda: PropertyPolicies())
    owner_ids: tuple[UUID, ...] = ()
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


# -- property amenities, policies, owners ------------------------------------------------------


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time


@dataclass(frozen=True)
class Parking:
    available: bool
    spaces: int | None = None
    notes: str | None = None


@dataclass(frozen=True)
class LateFeePolicy:
    """The property's default late fee: ``flat`` (an amount in the organization's currency) or
    ``percentage`` of the overdue invoice, optionally capped. New leases start from it."""

    kind: str  # "flat" | "percentage"
    value: Decimal
    cap: Decimal | None = None


@dataclass(frozen=True)
class PropertyPolicies:
    pets_allowed: bool | None = None
    pet_notes: str | None = None
    smoking_allowed: bool | None = None
    parking: Parking | None = None
    quiet_hours: QuietHours | None = None
    late_fee: LateFeePolicy | None = None
    grace_days: int | None = None


# -- units -------------------------------------------------------------------------------------


class AreaUnit(StrEnum):
    SQFT = "sqft"
    SQM = "sqm"


class UnitStatus(StrEnum):
    VACANT = "vacant"
    OCCUPIED = "occupied"
    NOTICE_GIVEN = "notice_given"
    UNDER_MAINTENANCE = "under_maintenance"
    UNAVAILABLE = "unavailable"


# Statuses a person may set by hand, and from where. ``occupied`` and ``notice_given`` are never
# set by hand: they follow the unit's leases (see ``derived_unit_status``), and a unit in one of
# them cannot be moved by hand either (end or terminate the lease instead).
MANUAL_UNIT_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.VACANT: frozenset({UnitStatus.UNDER_MAINTENANCE, UnitStatus.UNAVAILABLE}),
    UnitStatus.UNDER_MAINTENANCE: frozenset({UnitStatus.VACANT, UnitStatus.UNAVAILABLE}),
    UnitStatus.UNAVAILABLE: frozenset({UnitStatus.VACANT, UnitStatus.UNDER_MAINTENANCE}),
    UnitStatus.OCCUPIED: frozenset(),
    UnitStatus.NOTICE_GIVEN: frozenset(),
}


def check_manual_unit_transition(current: UnitStatus, target: UnitStatus) -> None:
    """Raise ``IllegalTransition`` (409) unless ``current → target`` may be done by hand.
    Setting the status a unit already has is a no-op, and allowed."""
    if current == target and target not in (UnitStatus.OCCUPIED, UnitStatus.NOTICE_GIVEN):
        return
    if target not in MANUAL_UNIT_TRANSITIONS[current]:
        raise IllegalTransition("unit", current.value, f"set by hand to {target.value}")


def derived_unit_status(current: UnitStatus, lease_statuses: list[str]) -> UnitStatus:
    """The unit's status after a lease on it changed.

    Any ``active`` lease → ``occupied``; else any ``notice_given`` lease → ``notice_given``; else a
    unit that was occupied or under notice becomes ``vacant``; a hand-set status otherwise stays.
    """
    if "active" in lease_statuses:
        return UnitStatus.OCCUPIED
    if "notice_given" in lease_statuses:
        return UnitStatus.NOTICE_GIVEN
    if current in (UnitStatus.OCCUPIED, UnitStatus.NOTICE_GIVEN):
        return UnitStatus.VACANT
    return current


@dataclass(eq=False)
class Unit:
    organization_id: UUID
    property_id: UUID
    name: str
    created_at: datetime
    updated_at: datetime
    floor: str | None = None
    type: str | None = None
    bedrooms: int | None = None
    bathrooms: Decimal | None = None
    area: Decimal | None = None
    area_unit: AreaUnit | None = None
    market_rent: Money | None = None
    amenities: tuple[str, ...] = ()
    status: UnitStatus = UnitStatus.VACANT
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "unit_id": str(self.id),
                "property_id": str(self.property_id),
                "name": self.name,
                "status": self.status.value,
                "organization_id": str(self.organization_id),
            },
        )


# -- tenants -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmergencyContact:
    name: str
    phone: str
    relationship: str | None = None


@dataclass(eq=False)
class Tenant:
    """A tenant profile: the person (or business) renting, within one property."""

    organization_id: UUID
    property_id: UUID
    name: str
    email: str
    created_at: datetime
    updated_at: datetime
    phone: str | None = None  # E.164
    emergency_contact: EmergencyContact | None = None
    pan_number: str | None = None  # India
    gstin: str | None = None  # India
    business_number: str | None = None  # Canada
    user_id: UUID | None = None  # the login account (role Tenant) linked to this profile
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "tenant_id": str(self.id),
                "property_id": str(self.property_id),
                "name": self.name,
                "email": self.email,
                "user_id": str(self.user_id) if self.user_id else None,
                "organization_id": str(self.organization_id),
            },
        )

"""Community events: managers publish them; residents of the organization (a tenant: of its own
property, or organization-wide events) read them and register, with a wait list when full.

Registering and unregistering also notify people (the notifications context), so they run as a flow
(``domain/flows/community_notices.py``); the rules they apply live here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.community.model import CommunityEvent, Registration, RegistrationStatus, Seats
from pmsaas.domain.community.ports import CommunityUnitOfWork, EventFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest

MANAGE = "community:manage"


@dataclass(frozen=True)
class EventInput:
    title: str
    description: str
    location: str
    starts_at: datetime
    ends_at: datetime
    property_id: UUID | None = None
    capacity: int | None = None
    registration_closes_at: datetime | None = None
    waitlist_enabled: bool = True


async def resident_properties(uow: CommunityUnitOfWork, actor: Actor) -> frozenset[UUID] | None:
    """The properties whose events the caller sees: a tenant, its own; everyone else, all (None)."""
    if not actor.is_tenant:
        return None
    if actor.tenant_profile_id is None:
        return frozenset()
    home = await uow.residents.property_of_tenant(actor.org, actor.tenant_profile_id)
    return frozenset() if home is None else frozenset({home})


async def visible_event(
    uow: CommunityUnitOfWork, actor: Actor, event_id: UUID, *, lock: bool = False
) -> CommunityEvent:
    event = await uow.community_events.get(actor.org, event_id, for_update=lock)
    homes = await resident_properties(uow, actor)
    if homes is not None and event.property_id is not None and event.property_id not in homes:
        raise NotFound("event not found")
    return event


def check_event(data: EventInput) -> None:
    problems: list[FieldProblem] = []
    if not data.title.strip():
        problems.append(FieldProblem("title", "must not be blank"))
    if data.ends_at <= data.starts_at:
        problems.append(FieldProblem("end_time", "must be after start_time"))  # named as the API names them
    if data.registration_closes_at is not None and data.registration_closes_at > data.starts_at:
        problems.append(FieldProblem("registration_deadline", "must not be after start_time"))
    if problems:
        raise ValidationFailed(problems)


async def _check_property(uow: CommunityUnitOfWork, actor: Actor, property_id: UUID | None) -> None:
    if property_id is not None and not await uow.residents.property_exists(actor.org, property_id):
        raise ValidationFailed.single("property_id", "no such property in this organization")


def event_changed(name: str, event: CommunityEvent, at: datetime) -> DomainEvent:
    return DomainEvent(name, event.organization_id, at, {"event_id": str(event.id), "title": event.title})


async def create_event(*, uow: CommunityUnitOfWork, clock: Clock, actor: Actor, data: EventInput) -> CommunityEvent:
    actor.require(MANAGE)
    check_event(data)
    now = clock.now()
    async with uow:
        await _check_property(uow, actor, data.property_id)
        event = CommunityEvent(
            organization_id=actor.org,
            title=data.title.strip(),
            description=data.description,
            location=data.location,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            property_id=data.property_id,
            capacity=data.capacity,
            registration_closes_at=data.registration_closes_at,
            waitlist_enabled=data.waitlist_enabled,
            created_by=actor.user_id,
            created_at=now,
            updated_at=now,
        )
        await uow.community_events.add(event)
        uow.record(event_changed("community_event.created", event, now))
        await uow.commit()
    return event


async def get_event(*, uow: CommunityUnitOfWork, actor: Actor, event_id: UUID) -> CommunityEvent:
    actor.require("community:read")
    async with uow:
        return await visible_event(uow, actor, event_id)


async def list_events(
    *, uow: CommunityUnitOfWork, actor: Actor, starts_after: datetime | None, page: PageRequest
) -> Page[CommunityEvent]:
    actor.require("community:read")
    async with uow:
        homes = await resident_properties(uow, actor)
        return await uow.community_events.list(actor.org, EventFilter(homes, starts_after), page)


def seats_of(event: CommunityEvent, registrations: list[Registration]) -> Seats:
    return Seats(
        capacity=event.capacity,
        waitlist_enabled=event.waitlist_enabled,
        registered=[r.user_id for r in registrations if r.status is RegistrationStatus.REGISTERED],
        waiting=[r.user_id for r in registrations if r.status is RegistrationStatus.WAITLISTED],
    )


def registrant(actor: Actor) -> UUID:
    actor.require("community:create")
    if actor.user_id is None:
        raise PermissionDenied("an API key cannot attend an event: sign in as a resident")
    return actor.user_id


async def attendees(
    *, uow: CommunityUnitOfWork, actor: Actor, event_id: UUID
) -> tuple[CommunityEvent, list[Registration]]:
    """Everyone registered then waiting, in arrival order (managers: residents see the event's counts)."""
    actor.require(MANAGE)
    async with uow:
        event = await uow.community_events.get(actor.org, event_id)
        return event, await uow.event_registrations.of_event(actor.org, event_id)

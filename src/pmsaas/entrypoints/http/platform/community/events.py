"""/api/v1/community/events: events residents register for, with a wait list, and their calendar file."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.community import calendar, events
from pmsaas.domain.community.model import CommunityEvent, Registration, RegistrationStatus
from pmsaas.domain.flows import community_notices
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input

CALENDAR = "text/calendar"


class EventIn(Input):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    start_time: datetime
    end_time: datetime
    description: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    location: Annotated[str, msgspec.Meta(max_length=300)] = ""
    property_id: UUID | None = None
    capacity: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    registration_deadline: datetime | None = None
    waitlist_enabled: bool = True

    def to_input(self) -> events.EventInput:
        for name in ("start_time", "end_time", "registration_deadline"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValidationFailed.single(name, "must carry a time zone (e.g. 2026-12-20T18:00:00Z)")
        return events.EventInput(
            title=self.title,
            description=self.description,
            location=self.location,
            starts_at=self.start_time,
            ends_at=self.end_time,
            property_id=self.property_id,
            capacity=self.capacity,
            registration_closes_at=self.registration_deadline,
            waitlist_enabled=self.waitlist_enabled,
        )


class EventOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    description: str
    location: str
    property_id: UUID | None
    start_time: datetime
    end_time: datetime
    capacity: int | None
    registration_deadline: datetime
    waitlist_enabled: bool
    created_at: datetime
    updated_at: datetime | None

    @classmethod
    def of(cls, e: CommunityEvent) -> EventOut:
        return cls(
            id=e.id,
            title=e.title,
            description=e.description,
            location=e.location,
            property_id=e.property_id,
            start_time=e.starts_at,
            end_time=e.ends_at,
            capacity=e.capacity,
            registration_deadline=e.closes_at(),
            waitlist_enabled=e.waitlist_enabled,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class AttendeeOut(msgspec.Struct, kw_only=True):
    user_id: UUID
    status: str
    position: int  # 1-based, within its status: the seat order, or the place on the wait list
    registered_at: datetime


class AttendeesOut(msgspec.Struct, kw_only=True):
    event_id: UUID
    capacity: int | None
    registered_count: int
    waitlist_count: int
    attendees: list[AttendeeOut]

    @classmethod
    def of(cls, event: CommunityEvent, registrations: list[Registration]) -> AttendeesOut:
        counters = {RegistrationStatus.REGISTERED: 0, RegistrationStatus.WAITLISTED: 0}
        rows: list[AttendeeOut] = []
        for r in registrations:
            counters[r.status] += 1
            rows.append(
                AttendeeOut(
                    user_id=r.user_id, status=r.status.value, position=counters[r.status], registered_at=r.registered_at
                )
            )
        return cls(
            event_id=event.id,
            capacity=event.capacity,
            registered_count=counters[RegistrationStatus.REGISTERED],
            waitlist_count=counters[RegistrationStatus.WAITLISTED],
            attendees=rows,
        )


class RegistrationOut(msgspec.Struct, kw_only=True):
    event_id: UUID
    user_id: UUID
    status: str
    registered_at: datetime


class CommunityEventController(Controller):
    path = "/api/v1/community/events"
    tags = ["Community"]
    dependencies = {"listing": Provide(list_query(("starts_at", "created_at", "title"), default_sort="starts_at"))}

    @get("/", guards=[requires("community:read")], summary="Events (a tenant: its property's and org-wide)")
    async def list_events(
        self, listing: Listing, starts_after: FromQuery[datetime | None] = None
    ) -> Paginated[EventOut]:
        ctx = listing.ctx
        if starts_after is not None and starts_after.tzinfo is None:
            raise ValidationFailed.single("starts_after", "must carry a time zone (e.g. 2026-12-01T00:00:00Z)")
        page = await events.list_events(uow=ctx.uow(), actor=ctx.actor, starts_after=starts_after, page=listing.page)
        return paginated(page, [EventOut.of(e) for e in page.items])

    @post("/", guards=[requires("community:manage")], status_code=HTTP_201_CREATED, summary="Publish an event")
    async def create_event(self, ctx: Context, data: JSONBody[EventIn]) -> Ok[EventOut]:
        event = await events.create_event(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=data.to_input())
        return ok(EventOut.of(event))

    @get("/{event_id:uuid}", guards=[requires("community:read")], summary="Get an event")
    async def get_event(self, ctx: Context, event_id: FromPath[UUID]) -> Ok[EventOut]:
        return ok(EventOut.of(await events.get_event(uow=ctx.uow(), actor=ctx.actor, event_id=event_id)))

    @put("/{event_id:uuid}", guards=[requires("community:manage")], summary="Replace an event")
    async def update_event(self, ctx: Context, event_id: FromPath[UUID], data: JSONBody[EventIn]) -> Ok[EventOut]:
        event = await community_notices.update_event(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, event_id=event_id, data=data.to_input()
        )
        return ok(EventOut.of(event))

    @delete(
        "/{event_id:uuid}", guards=[requires("community:manage")], status_code=HTTP_204_NO_CONTENT, summary="Cancel"
    )
    async def delete_event(self, ctx: Context, event_id: FromPath[UUID]) -> None:
        await community_notices.cancel_event(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, event_id=event_id)

    @post(
        "/{event_id:uuid}/register",
        guards=[requires("community:create")],
        status_code=HTTP_201_CREATED,
        summary="Register (a seat, or the wait list when full)",
    )
    async def register(self, ctx: Context, event_id: FromPath[UUID]) -> Ok[RegistrationOut]:
        done = await community_notices.register(
            uow=ctx.uow(), clock=ctx.clock, mailer=ctx.mailer, actor=ctx.actor, event_id=event_id
        )
        r = done.registration
        return ok(
            RegistrationOut(
                event_id=r.event_id, user_id=r.user_id, status=r.status.value, registered_at=r.registered_at
            )
        )

    @delete(
        "/{event_id:uuid}/register",
        guards=[requires("community:create")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Unregister (the wait list's first takes the seat)",
    )
    async def unregister(self, ctx: Context, event_id: FromPath[UUID]) -> None:
        await community_notices.unregister(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, event_id=event_id)

    @get(
        "/{event_id:uuid}/attendees",
        guards=[requires("community:manage")],
        status_code=HTTP_200_OK,
        summary="Attendees",
    )
    async def attendees(self, ctx: Context, event_id: FromPath[UUID]) -> Ok[AttendeesOut]:
        event, registrations = await events.attendees(uow=ctx.uow(), actor=ctx.actor, event_id=event_id)
        return ok(AttendeesOut.of(event, registrations))

    @get("/{event_id:uuid}/ics", guards=[requires("community:read")], media_type=CALENDAR, summary="iCalendar file")
    async def ics(self, ctx: Context, event_id: FromPath[UUID]) -> Response[bytes]:
        event = await events.get_event(uow=ctx.uow(), actor=ctx.actor, event_id=event_id)
        return Response(
            calendar.ics(event, ctx.clock.now()).encode(),
            media_type=f"{CALENDAR}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'},
        )

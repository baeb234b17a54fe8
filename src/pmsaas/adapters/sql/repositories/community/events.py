"""Community events and their registrations; every query filters the organization."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.community import events, registrations
from pmsaas.domain.community.model import CommunityEvent, Registration, RegistrationStatus
from pmsaas.domain.community.ports import EventFilter, EventRepository, RegistrationRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_SORTABLE = {"starts_at": events.c.starts_at, "created_at": events.c.created_at, "title": events.c.title}


def _row(e: CommunityEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "organization_id": e.organization_id,
        "property_id": e.property_id,
        "title": e.title,
        "description": e.description,
        "location": e.location,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "capacity": e.capacity,
        "registration_closes_at": e.registration_closes_at,
        "waitlist_enabled": e.waitlist_enabled,
        "created_by": e.created_by,
        "created_at": e.created_at,
        "updated_at": e.updated_at or e.created_at,
    }


def _event(r: Any) -> CommunityEvent:
    return CommunityEvent(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        title=r.title,
        description=r.description,
        location=r.location,
        starts_at=r.starts_at,
        ends_at=r.ends_at,
        capacity=r.capacity,
        registration_closes_at=r.registration_closes_at,
        waitlist_enabled=r.waitlist_enabled,
        created_by=r.created_by,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _registration(r: Any) -> Registration:
    return Registration(r.event_id, r.user_id, RegistrationStatus(r.status), r.seq, r.registered_at)


class SqlEventRepository(EventRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, event: CommunityEvent) -> None:
        await self._conn.execute(events.insert().values(_row(event)))

    async def get(self, organization_id: UUID, event_id: UUID, *, for_update: bool = False) -> CommunityEvent:
        query = sa.select(events).where(events.c.organization_id == organization_id, events.c.id == event_id)
        if for_update:
            query = query.with_for_update()  # PostgreSQL: seats change one registration at a time
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("event not found")
        return _event(row)

    async def update(self, event: CommunityEvent) -> None:
        row = _row(event)
        await self._conn.execute(
            events.update()
            .where(events.c.organization_id == event.organization_id, events.c.id == event.id)
            .values({k: v for k, v in row.items() if k not in ("id", "organization_id", "created_at")})
        )

    async def delete(self, organization_id: UUID, event_id: UUID) -> None:
        await self._conn.execute(
            registrations.delete().where(
                registrations.c.organization_id == organization_id, registrations.c.event_id == event_id
            )
        )
        done = await self._conn.execute(
            events.delete().where(events.c.organization_id == organization_id, events.c.id == event_id)
        )
        if done.rowcount == 0:
            raise NotFound("event not found")

    async def list(self, organization_id: UUID, filters: EventFilter, page: PageRequest) -> Page[CommunityEvent]:
        where: list[sa.ColumnElement[bool]] = [events.c.organization_id == organization_id]
        if filters.property_ids is not None:
            where.append(sa.or_(events.c.property_id.is_(None), events.c.property_id.in_(filters.property_ids)))
        if filters.starts_after is not None:
            where.append(events.c.starts_at >= filters.starts_after)
        sortable = _SORTABLE if page.sort_by in _SORTABLE else {page.sort_by: events.c.starts_at}
        return await page_of(self._conn, events, where, sortable, page, _event)


class SqlRegistrationRepository(RegistrationRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _of(self, organization_id: UUID, event_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(registrations.c.organization_id == organization_id, registrations.c.event_id == event_id)

    async def of_event(self, organization_id: UUID, event_id: UUID) -> list[Registration]:
        rows = await self._conn.execute(
            sa.select(registrations).where(self._of(organization_id, event_id)).order_by(registrations.c.seq)
        )
        return [_registration(r) for r in rows]

    async def add(self, organization_id: UUID, registration: Registration) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    registrations.insert().values(
                        event_id=registration.event_id,
                        user_id=registration.user_id,
                        organization_id=organization_id,
                        status=registration.status.value,
                        seq=registration.seq,
                        registered_at=registration.registered_at,
                    )
                )
        except IntegrityError:
            # SQLite takes no row lock: two registrations racing for one seq meet here instead.
            raise Conflict("the event's seats changed meanwhile: try again") from None

    async def remove(self, organization_id: UUID, event_id: UUID, user_id: UUID) -> None:
        await self._conn.execute(
            registrations.delete().where(self._of(organization_id, event_id), registrations.c.user_id == user_id)
        )

    async def promote(self, organization_id: UUID, event_id: UUID, user_ids: list[UUID]) -> None:
        await self._conn.execute(
            registrations.update()
            .where(self._of(organization_id, event_id), registrations.c.user_id.in_(user_ids))
            .values(status=RegistrationStatus.REGISTERED.value)
        )

    async def unreminded(
        self, organization_id: UUID, starts_from: datetime, starts_before: datetime
    ) -> list[tuple[CommunityEvent, Registration]]:
        r = registrations
        query = (
            sa.select(events, r.c.user_id, r.c.status, r.c.seq, r.c.registered_at, r.c.event_id)
            .select_from(r.join(events, events.c.id == r.c.event_id))
            .where(
                r.c.organization_id == organization_id,
                events.c.organization_id == organization_id,
                r.c.status == RegistrationStatus.REGISTERED.value,
                r.c.reminded_at.is_(None),
                events.c.starts_at >= starts_from,
                events.c.starts_at < starts_before,
            )
            .order_by(events.c.starts_at, r.c.seq)
        )
        return [(_event(row), _registration(row)) for row in await self._conn.execute(query)]

    async def mark_reminded(self, organization_id: UUID, event_id: UUID, user_id: UUID, at: datetime) -> None:
        await self._conn.execute(
            registrations.update()
            .where(self._of(organization_id, event_id), registrations.c.user_id == user_id)
            .values(reminded_at=at)
        )

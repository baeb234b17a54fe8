"""Community actions that notify people: registering for an event (confirmation, with the event as an
``.ics`` attachment), seats freed and handed to the wait list in order, event reminders.

The community context decides who gets a seat; the notifications context's inbox carries the news.
Both in one transaction, so a promotion is never stored without its notification."""

from __future__ import annotations

from abc import ABC
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from pmsaas.domain.community import calendar
from pmsaas.domain.community.events import (
    MANAGE,
    EventInput,
    check_event,
    event_changed,
    registrant,
    seats_of,
    visible_event,
)
from pmsaas.domain.community.model import CommunityEvent, Registration, RegistrationStatus
from pmsaas.domain.community.ports import CommunityUnitOfWork
from pmsaas.domain.notifications.inbox import notification_created
from pmsaas.domain.notifications.model import Notification
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound, ValidationFailed
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, EmailSender, MessageNotSent

REMINDER_LEAD = timedelta(hours=24)


class CommunityNoticesUnitOfWork(CommunityUnitOfWork, NotificationsUnitOfWork, ABC):
    """One transaction over the community and the notifications ports."""


async def notify(
    uow: NotificationsUnitOfWork, org: UUID, user_id: UUID, kind: str, title: str, body: str, at: datetime, **data: str
) -> None:
    n = Notification(organization_id=org, user_id=user_id, type=kind, title=title, body=body, created_at=at, data=data)
    await uow.notifications.add(n)
    uow.record(notification_created(n))


async def _promote(uow: CommunityNoticesUnitOfWork, event: CommunityEvent, promoted: list[UUID], at: datetime) -> None:
    if not promoted:
        return
    await uow.event_registrations.promote(event.organization_id, event.id, promoted)
    for user_id in promoted:
        await notify(
            uow,
            event.organization_id,
            user_id,
            "community.event_seat",
            f"You have a seat at {event.title}",
            "A seat freed up and you were next on the wait list.",
            at,
            event_id=str(event.id),
        )


@dataclass(frozen=True)
class Registered:
    event: CommunityEvent
    registration: Registration
    mailed: bool  # the confirmation (with the .ics) reached the mail transport


async def register(
    *, uow: CommunityNoticesUnitOfWork, clock: Clock, mailer: EmailSender, actor: Actor, event_id: UUID
) -> Registered:
    user_id = registrant(actor)
    now = clock.now()
    async with uow:
        event = await visible_event(uow, actor, event_id, lock=True)  # seats change one at a time
        if now >= event.closes_at():
            raise ValidationFailed.single("event_id", "registration for this event has closed")
        registrations = await uow.event_registrations.of_event(actor.org, event_id)
        status = seats_of(event, registrations).join(user_id)  # Conflict when full without a wait list
        seq = max((r.seq for r in registrations), default=0) + 1
        registration = Registration(event_id, user_id, status, seq, now)
        await uow.event_registrations.add(actor.org, registration)
        title = f"Registered for {event.title}" if status is RegistrationStatus.REGISTERED else "On the wait list"
        await notify(
            uow, actor.org, user_id, "community.event_registration", title, event.title, now, event_id=str(event.id)
        )
        found = await uow.recipients.find(actor.org, [user_id])
        await uow.commit()
    recipient = found.get(user_id)
    mailed = False
    if recipient is not None and status is RegistrationStatus.REGISTERED:
        mailed = await _confirm_by_mail(mailer, recipient.email, event, now)
    return Registered(event, registration, mailed)


async def _confirm_by_mail(mailer: EmailSender, to: str, event: CommunityEvent, now: datetime) -> bool:
    """Best effort after commit: the in-app notification is the record; the e-mail carries the .ics."""
    attachment = EmailAttachment("event.ics", "text/calendar; charset=utf-8", calendar.ics(event, now).encode())
    message = EmailMessage(
        to=to,
        subject=f"You are registered: {event.title}",
        body=f"{event.title}\nStarts {event.starts_at.isoformat()}\n{event.location}\n\nThe event is attached.",
        attachments=(attachment,),
    )
    try:
        await mailer.send(message)
    except MessageNotSent:
        return False  # the registration stands; the inbox notification already told the resident
    return True


async def unregister(*, uow: CommunityNoticesUnitOfWork, clock: Clock, actor: Actor, event_id: UUID) -> None:
    user_id = registrant(actor)
    now = clock.now()
    async with uow:
        event = await visible_event(uow, actor, event_id, lock=True)
        seats = seats_of(event, await uow.event_registrations.of_event(actor.org, event_id))
        if user_id not in seats.registered and user_id not in seats.waiting:
            raise NotFound("you are not registered for this event")
        promoted = seats.leave(user_id)
        await uow.event_registrations.remove(actor.org, event_id, user_id)
        await _promote(uow, event, promoted, now)
        await uow.commit()


async def update_event(
    *, uow: CommunityNoticesUnitOfWork, clock: Clock, actor: Actor, event_id: UUID, data: EventInput
) -> CommunityEvent:
    """PUT: a larger capacity (or a wait list switched off) may hand seats to the wait list."""
    actor.require(MANAGE)
    check_event(data)
    now = clock.now()
    async with uow:
        event = await uow.community_events.get(actor.org, event_id, for_update=True)
        if data.property_id is not None and not await uow.residents.property_exists(actor.org, data.property_id):
            raise ValidationFailed.single("property_id", "no such property in this organization")
        seats = seats_of(event, await uow.event_registrations.of_event(actor.org, event_id))
        if data.capacity is not None and data.capacity < len(seats.registered):
            raise ValidationFailed.single("capacity", f"{len(seats.registered)} residents already hold a seat")
        event.title, event.description, event.location = data.title.strip(), data.description, data.location
        event.starts_at, event.ends_at, event.property_id = data.starts_at, data.ends_at, data.property_id
        event.capacity, event.registration_closes_at = data.capacity, data.registration_closes_at
        event.waitlist_enabled, event.updated_at = data.waitlist_enabled, now
        seats.capacity = data.capacity
        await uow.community_events.update(event)
        await _promote(uow, event, seats.promote(), now)
        uow.record(event_changed("community_event.updated", event, now))
        await uow.commit()
    return event


async def cancel_event(*, uow: CommunityNoticesUnitOfWork, clock: Clock, actor: Actor, event_id: UUID) -> None:
    """DELETE: the event and its registrations go; everyone who held a seat or waited is told."""
    actor.require(MANAGE)
    now = clock.now()
    async with uow:
        event = await uow.community_events.get(actor.org, event_id, for_update=True)
        registrations = await uow.event_registrations.of_event(actor.org, event_id)
        await uow.community_events.delete(actor.org, event_id)
        for r in registrations:
            await notify(
                uow,
                actor.org,
                r.user_id,
                "community.event_cancelled",
                f"Cancelled: {event.title}",
                f"{event.title} on {event.starts_at.isoformat()} will not take place.",
                now,
                event_id=str(event.id),
            )
        uow.record(event_changed("community_event.deleted", event, now))
        await uow.commit()


async def due_event_reminders(*, uow: CommunityNoticesUnitOfWork, clock: Clock, organization_id: UUID) -> int:
    """Reminds every registered attendee of the organization's events starting within REMINDER_LEAD,
    once per (event, attendee): the registration keeps when it was reminded. How many were sent."""
    now = clock.now()
    sent = 0
    async with uow:
        due = await uow.event_registrations.unreminded(organization_id, now, now + REMINDER_LEAD)
        for event, registration in due:
            await notify(
                uow,
                organization_id,
                registration.user_id,
                "community.event_reminder",
                f"Reminder: {event.title}",
                f"Starts {event.starts_at.isoformat()} at {event.location}".strip(),
                now,
                event_id=str(event.id),
            )
            await uow.event_registrations.mark_reminded(organization_id, event.id, registration.user_id, now)
            sent += 1
        await uow.commit()
    return sent


async def remind_organizations(
    *, uow_factory: Callable[[], CommunityNoticesUnitOfWork], clock: Clock, organization_ids: list[UUID]
) -> dict[str, int]:
    """The scheduled job's work (``scheduled_jobs.EVENT_REMINDERS``): every organization, one transaction each."""
    sent = 0
    for organization_id in organization_ids:
        sent += await due_event_reminders(uow=uow_factory(), clock=clock, organization_id=organization_id)
    return {"reminders_sent": sent}

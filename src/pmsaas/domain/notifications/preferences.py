"""Each user's notification preferences: a switch per channel, overrides per event type, quiet hours.

Templates sent with an event type honour them; quiet hours hold SMS and WhatsApp back in the
delivery job (delivery.py), not in the request."""

from __future__ import annotations

from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmsaas.domain.notifications.inbox import reader
from pmsaas.domain.notifications.model import ChannelType, Preferences, QuietHours
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed


async def get_preferences(*, uow: NotificationsUnitOfWork, actor: Actor) -> Preferences:
    user = reader(actor)
    async with uow:
        return await uow.preferences.get(actor.org, user)


def check_quiet_hours(quiet: QuietHours | None) -> None:
    if quiet is None:
        return
    try:
        ZoneInfo(quiet.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.single("quiet_hours.timezone", "unknown time zone") from None
    if quiet.start == quiet.end:
        raise ValidationFailed.single("quiet_hours.end", "must differ from start")


async def save_preferences(
    *,
    uow: NotificationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    channels: dict[ChannelType, bool],
    events: dict[str, dict[ChannelType, bool]],
    quiet_hours: QuietHours | None,
) -> Preferences:
    """A PUT: the whole set is replaced; a channel left out falls back to its default."""
    user = reader(actor, "notification:update")
    check_quiet_hours(quiet_hours)
    prefs = Preferences(
        organization_id=actor.org,
        user_id=user,
        channels={**Preferences(actor.org, user).channels, **channels},
        events={event: dict(choice) for event, choice in events.items()},
        quiet_hours=quiet_hours,
        updated_at=clock.now(),
    )
    async with uow:
        await uow.preferences.save(prefs)
        await uow.commit()
    return prefs


async def member_preferences(*, uow: NotificationsUnitOfWork, actor: Actor, user_id: UUID) -> Preferences:
    """A member's stored preferences (or the defaults), for those who may read the organization's users
    (the ticketing seed's ``/v1/users/{id}``). Call after the member was found: an unknown id is
    answered by whoever found it."""
    actor.require("user:read")
    async with uow.read_only() as reader:
        return await reader.preferences.get(actor.org, user_id)

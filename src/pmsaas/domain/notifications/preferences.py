"""Each user's notification preferences: a switch per channel, overrides per event type, quiet hours.

Templates sent with an event type honour them; quiet hours are stored for the delivery worker
(which holds SMS and WhatsApp back during them), not applied by a send."""

from __future__ import annotations

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

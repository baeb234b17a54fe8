"""/api/v1/notifications/preferences (an extension): the caller's channels, per-event overrides and
quiet hours. A PUT replaces the whole set; a channel left out returns to its default."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody

from pmsaas.domain.notifications import preferences
from pmsaas.domain.notifications.model import ChannelType, Preferences, QuietHours
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.platform.notifications.common import EventType
from pmsaas.entrypoints.http.structs import Input

ClockTime = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]  # "22:00"
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_+/-]*$")]


class ChannelSwitches(Input):
    in_app: bool | msgspec.UnsetType = msgspec.UNSET
    email: bool | msgspec.UnsetType = msgspec.UNSET
    sms: bool | msgspec.UnsetType = msgspec.UNSET
    whatsapp: bool | msgspec.UnsetType = msgspec.UNSET

    def to_domain(self) -> dict[ChannelType, bool]:
        return {ChannelType(k): v for k in self.__struct_fields__ if isinstance(v := getattr(self, k), bool)}


class QuietHoursIO(Input):
    start: ClockTime
    end: ClockTime
    timezone: TimeZone = "UTC"


class PreferencesIn(Input):
    channels: ChannelSwitches = msgspec.field(default_factory=ChannelSwitches)
    events: Annotated[dict[EventType, ChannelSwitches], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=dict
    )
    quiet_hours: QuietHoursIO | None = None


class PreferencesOut(msgspec.Struct, kw_only=True):
    channels: dict[str, bool]
    events: dict[str, dict[str, bool]]
    quiet_hours: QuietHoursIO | None
    updated_at: datetime | None  # null: never saved, these are the defaults

    @classmethod
    def of(cls, p: Preferences) -> PreferencesOut:
        q = p.quiet_hours
        return cls(
            channels={k.value: v for k, v in p.channels.items()},
            events={e: {k.value: v for k, v in c.items()} for e, c in p.events.items()},
            quiet_hours=None
            if q is None
            else QuietHoursIO(start=q.start.strftime("%H:%M"), end=q.end.strftime("%H:%M"), timezone=q.timezone),
            updated_at=p.updated_at,
        )


class PreferencesController(Controller):
    path = "/api/v1/notifications/preferences"
    tags = ["Notifications"]

    @get("/", guards=[requires("notification:read")], opt=READS_ONLY, summary="My notification preferences")
    async def get_preferences(self, ctx: Context) -> Ok[PreferencesOut]:
        return ok(PreferencesOut.of(await preferences.get_preferences(uow=ctx.uow(), actor=ctx.actor)))

    @put("/", guards=[requires("notification:update")], summary="Replace my notification preferences")
    async def put_preferences(self, ctx: Context, data: JSONBody[PreferencesIn]) -> Ok[PreferencesOut]:
        q = data.quiet_hours
        saved = await preferences.save_preferences(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            channels=data.channels.to_domain(),
            events={e: s.to_domain() for e, s in data.events.items()},
            quiet_hours=None
            if q is None
            else QuietHours(time.fromisoformat(q.start), time.fromisoformat(q.end), q.timezone),
        )
        return ok(PreferencesOut.of(saved))

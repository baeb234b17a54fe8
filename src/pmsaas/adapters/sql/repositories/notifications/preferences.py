"""Users' notification preferences: one row per (organization, user), the defaults when there is none."""

from __future__ import annotations

from datetime import time
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.notifications import preferences
from pmsaas.domain.notifications.model import ChannelType, Preferences, QuietHours
from pmsaas.domain.notifications.ports import PreferenceRepository

p = preferences


def _quiet(raw: dict[str, str] | None) -> QuietHours | None:
    if raw is None:
        return None
    return QuietHours(time.fromisoformat(raw["start"]), time.fromisoformat(raw["end"]), raw["timezone"])


def _entity(r: Any) -> Preferences:
    return Preferences(
        organization_id=r.organization_id,
        user_id=r.user_id,
        channels={ChannelType(k): bool(v) for k, v in r.channels.items()},
        events={e: {ChannelType(k): bool(v) for k, v in choice.items()} for e, choice in r.events.items()},
        quiet_hours=_quiet(r.quiet_hours),
        updated_at=r.updated_at,
    )


def _values(x: Preferences) -> dict[str, Any]:
    q = x.quiet_hours
    return {
        "channels": {k.value: v for k, v in x.channels.items()},
        "events": {e: {k.value: v for k, v in choice.items()} for e, choice in x.events.items()},
        "quiet_hours": None
        if q is None
        else {"start": q.start.strftime("%H:%M"), "end": q.end.strftime("%H:%M"), "timezone": q.timezone},
        "updated_at": x.updated_at,
    }


class SqlPreferenceRepository(PreferenceRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _key(self, organization_id: UUID, user_id: UUID) -> Any:
        return (p.c.organization_id == organization_id) & (p.c.user_id == user_id)

    async def get(self, organization_id: UUID, user_id: UUID) -> Preferences:
        row = (await self._conn.execute(p.select().where(self._key(organization_id, user_id)))).first()
        return Preferences(organization_id, user_id) if row is None else _entity(row)

    async def save(self, preferences: Preferences) -> None:
        key = self._key(preferences.organization_id, preferences.user_id)
        result = await self._conn.execute(p.update().where(key).values(**_values(preferences)))
        if result.rowcount == 0:
            await self._conn.execute(
                p.insert().values(
                    organization_id=preferences.organization_id, user_id=preferences.user_id, **_values(preferences)
                )
            )

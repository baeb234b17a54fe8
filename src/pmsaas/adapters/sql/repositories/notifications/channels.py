"""Delivery channels (providers' credentials stay sealed as the domain hands them over)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.notifications import channels
from pmsaas.domain.notifications.model import Channel, ChannelType
from pmsaas.domain.notifications.ports import ChannelRepository
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

c = channels
SORTABLE = {"created_at": c.c.created_at, "updated_at": c.c.updated_at, "name": c.c.name}


def _row(x: Channel) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "name": x.name,
        "type": x.type.value,
        "provider": x.provider,
        "config": dict(x.config),
        "secrets_sealed": dict(x.secrets_sealed),
        "active": x.active,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def _entity(r: Any) -> Channel:
    return Channel(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        type=ChannelType(r.type),
        provider=r.provider,
        config=dict(r.config),
        secrets_sealed=dict(r.secrets_sealed),
        active=r.active,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlChannelRepository(ChannelRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, channel: Channel) -> None:
        await self._conn.execute(c.insert().values(**_row(channel)))

    async def get(self, organization_id: UUID, channel_id: UUID) -> Channel:
        row = (
            await self._conn.execute(c.select().where(c.c.organization_id == organization_id, c.c.id == channel_id))
        ).first()
        if row is None:
            raise NotFound("channel", channel_id)
        return _entity(row)

    async def update(self, channel: Channel) -> None:
        values = _row(channel)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        await self._conn.execute(
            c.update().where(c.c.organization_id == channel.organization_id, c.c.id == channel.id).values(**values)
        )

    async def delete(self, organization_id: UUID, channel_id: UUID) -> None:
        result = await self._conn.execute(
            c.delete().where(c.c.organization_id == organization_id, c.c.id == channel_id)
        )
        if result.rowcount != 1:
            raise NotFound("channel", channel_id)

    async def active_of_type(self, organization_id: UUID, channel_type: ChannelType) -> Channel | None:
        row = (
            await self._conn.execute(
                c.select()
                .where(c.c.organization_id == organization_id, c.c.type == channel_type.value, c.c.active.is_(True))
                .order_by(c.c.created_at, c.c.id)
                .limit(1)
            )
        ).first()
        return None if row is None else _entity(row)

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Channel]:
        return await page_of(self._conn, c, [c.c.organization_id == organization_id], SORTABLE, page, _entity)

"""Users' inboxes: every statement is scoped to (organization, recipient)."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.notifications import notifications
from pmsaas.domain.notifications.model import ChannelType, Notification
from pmsaas.domain.notifications.ports import InboxFilter, NotificationRepository
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

n = notifications
SORTABLE = {"created_at": n.c.created_at, "read_at": n.c.read_at, "type": n.c.type}


def _entity(r: Any) -> Notification:
    return Notification(
        id=r.id,
        organization_id=r.organization_id,
        user_id=r.user_id,
        type=r.type,
        title=r.title,
        body=r.body,
        channel=ChannelType(r.channel),
        data=dict(r.data),
        read_at=r.read_at,
        created_by=r.created_by,
        template_id=r.template_id,
        created_at=r.created_at,
    )


def _mine(organization_id: UUID, user_id: UUID) -> sa.ColumnElement[bool]:
    return sa.and_(n.c.organization_id == organization_id, n.c.user_id == user_id)


class SqlNotificationRepository(NotificationRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, notification: Notification) -> None:
        x = notification
        await self._conn.execute(
            n.insert().values(
                id=x.id,
                organization_id=x.organization_id,
                user_id=x.user_id,
                type=x.type,
                title=x.title,
                body=x.body,
                channel=x.channel.value,
                data=x.data,
                read_at=x.read_at,
                created_by=x.created_by,
                template_id=x.template_id,
                created_at=x.created_at,
            )
        )

    async def add_absent(self, notifications: builtins.list[Notification]) -> builtins.list[Notification]:
        if not notifications:
            return []
        ids = [x.id for x in notifications]
        stored = set((await self._conn.execute(sa.select(n.c.id).where(n.c.id.in_(ids)))).scalars())
        fresh = [x for x in notifications if x.id not in stored]
        for x in fresh:  # the relay holds the events' rows: no other relay inserts these ids meanwhile
            await self.add(x)
        return fresh

    async def get(self, organization_id: UUID, user_id: UUID, notification_id: UUID) -> Notification:
        row = (
            await self._conn.execute(n.select().where(_mine(organization_id, user_id), n.c.id == notification_id))
        ).first()
        if row is None:
            raise NotFound("notification", notification_id)
        return _entity(row)

    async def update(self, notification: Notification) -> None:
        x = notification
        await self._conn.execute(
            n.update().where(_mine(x.organization_id, x.user_id), n.c.id == x.id).values(read_at=x.read_at, data=x.data)
        )

    async def delete(self, organization_id: UUID, user_id: UUID, notification_id: UUID) -> None:
        result = await self._conn.execute(n.delete().where(_mine(organization_id, user_id), n.c.id == notification_id))
        if result.rowcount != 1:
            raise NotFound("notification", notification_id)

    async def list(
        self, organization_id: UUID, user_id: UUID, filters: InboxFilter, page: PageRequest
    ) -> Page[Notification]:
        where = [_mine(organization_id, user_id)]
        if filters.read is not None:
            where.append(n.c.read_at.is_not(None) if filters.read else n.c.read_at.is_(None))
        if filters.type is not None:
            where.append(n.c.type == filters.type)
        return await page_of(self._conn, n, where, SORTABLE, page, _entity)

    async def unread_count(self, organization_id: UUID, user_id: UUID) -> int:
        query = sa.select(sa.func.count()).select_from(n).where(_mine(organization_id, user_id), n.c.read_at.is_(None))
        return int((await self._conn.execute(query)).scalar_one())

    async def mark_read(
        self,
        organization_id: UUID,
        user_id: UUID,
        ids: builtins.list[UUID] | None,
        at: datetime,
    ) -> int:
        where = [_mine(organization_id, user_id), n.c.read_at.is_(None)]
        if ids is not None:
            if not ids:
                return 0
            where.append(n.c.id.in_(ids))
        result = await self._conn.execute(n.update().where(*where).values(read_at=at))
        return int(result.rowcount)

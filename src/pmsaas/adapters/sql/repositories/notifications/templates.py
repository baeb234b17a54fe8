"""Message templates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.notifications import templates
from pmsaas.domain.notifications.model import ChannelType, Template
from pmsaas.domain.notifications.ports import TemplateRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

t = templates
SORTABLE = {"created_at": t.c.created_at, "updated_at": t.c.updated_at, "name": t.c.name}
CLASH = "the organization has a template of that name for this channel and locale"


def _row(x: Template) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "name": x.name,
        "channel": x.channel.value,
        "locale": x.locale,
        "event_type": x.event_type,
        "subject": x.subject,
        "body": x.body,
        "active": x.active,
        "dlt_template_id": x.dlt_template_id,
        "whatsapp_name": x.whatsapp_name,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def _entity(r: Any) -> Template:
    return Template(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        channel=ChannelType(r.channel),
        locale=r.locale,
        event_type=r.event_type,
        subject=r.subject,
        body=r.body,
        active=r.active,
        dlt_template_id=r.dlt_template_id,
        whatsapp_name=r.whatsapp_name,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlTemplateRepository(TemplateRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, template: Template) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(t.insert().values(**_row(template)))
        except IntegrityError:
            raise Conflict(CLASH) from None

    async def get(self, organization_id: UUID, template_id: UUID) -> Template:
        row = (
            await self._conn.execute(t.select().where(t.c.organization_id == organization_id, t.c.id == template_id))
        ).first()
        if row is None:
            raise NotFound("template", template_id)
        return _entity(row)

    async def update(self, template: Template) -> None:
        values = _row(template)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    t.update()
                    .where(t.c.organization_id == template.organization_id, t.c.id == template.id)
                    .values(**values)
                )
        except IntegrityError:
            raise Conflict(CLASH) from None

    async def delete(self, organization_id: UUID, template_id: UUID) -> None:
        result = await self._conn.execute(
            t.delete().where(t.c.organization_id == organization_id, t.c.id == template_id)
        )
        if result.rowcount != 1:
            raise NotFound("template", template_id)

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Template]:
        return await page_of(self._conn, t, [t.c.organization_id == organization_id], SORTABLE, page, _entity)

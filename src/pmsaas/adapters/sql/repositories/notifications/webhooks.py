"""Webhook endpoints of both surfaces, and their delivery log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.tables.notifications import webhook_deliveries, webhooks
from pmsaas.domain.notifications.model import Webhook, WebhookDelivery
from pmsaas.domain.notifications.ports import WebhookRepository
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

w, d = webhooks, webhook_deliveries


def _row(x: Webhook) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "url": x.url,
        "events": list(x.events),
        "secret_sealed": x.secret_sealed,
        "description": x.description,
        "active": x.active,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
        "previous_secret_sealed": x.previous_secret_sealed,
        "previous_secret_expires_at": x.previous_secret_expires_at,
        "disabled_reason": x.disabled_reason,
    }


def entity(r: Any) -> Webhook:
    return Webhook(
        id=r.id,
        organization_id=r.organization_id,
        url=r.url,
        events=tuple(r.events),
        secret_sealed=r.secret_sealed,
        description=r.description,
        active=r.active,
        created_at=r.created_at,
        updated_at=r.updated_at,
        previous_secret_sealed=r.previous_secret_sealed,
        previous_secret_expires_at=r.previous_secret_expires_at,
        disabled_reason=r.disabled_reason,
    )


def delivery(r: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=r.id,
        organization_id=r.organization_id,
        webhook_id=r.webhook_id,
        event_id=r.event_id,
        event=r.event,
        attempt=r.attempt,
        attempted_at=r.attempted_at,
        status_code=r.status_code,
        succeeded=r.succeeded,
        error=r.error,
        duration_ms=r.duration_ms,
        message_id=r.message_id,
    )


class SqlWebhookRepository(WebhookRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _one(self, organization_id: UUID, webhook_id: UUID) -> sa.ColumnElement[bool]:
        return sa.and_(w.c.organization_id == organization_id, w.c.id == webhook_id)

    async def add(self, webhook: Webhook) -> None:
        await self._conn.execute(w.insert().values(**_row(webhook)))

    async def get(self, organization_id: UUID, webhook_id: UUID) -> Webhook:
        row = (await self._conn.execute(w.select().where(self._one(organization_id, webhook_id)))).first()
        if row is None:
            raise NotFound("webhook", webhook_id)
        return entity(row)

    async def update(self, webhook: Webhook) -> None:
        values = _row(webhook)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        await self._conn.execute(w.update().where(self._one(webhook.organization_id, webhook.id)).values(**values))

    async def delete(self, organization_id: UUID, webhook_id: UUID) -> None:
        # The log goes with it (explicitly: SQLite enforces the cascade only with foreign keys on).
        await self._conn.execute(d.delete().where(d.c.organization_id == organization_id, d.c.webhook_id == webhook_id))
        result = await self._conn.execute(w.delete().where(self._one(organization_id, webhook_id)))
        if result.rowcount != 1:
            raise NotFound("webhook", webhook_id)

    async def list(self, organization_id: UUID) -> list[Webhook]:
        rows = await self._conn.execute(
            w.select().where(w.c.organization_id == organization_id).order_by(w.c.created_at, w.c.id)
        )
        return [entity(r) for r in rows]

    async def deliveries(self, organization_id: UUID, webhook_id: UUID, page: PageRequest) -> Page[WebhookDelivery]:
        await self.get(organization_id, webhook_id)
        where = [d.c.organization_id == organization_id, d.c.webhook_id == webhook_id]
        newest_first = PageRequest(page.page, page.page_size, "attempted_at", descending=True)
        return await page_of(self._conn, d, where, {"attempted_at": d.c.attempted_at}, newest_first, delivery)

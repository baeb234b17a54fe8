"""The ticketing surface's webhook subscriptions."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.operations import ticket_webhooks
from pmsaas.domain.operations.model import WebhookSubscription
from pmsaas.domain.operations.ports import WebhookRepository


class SqlWebhookRepository(WebhookRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, webhook: WebhookSubscription) -> None:
        await self._conn.execute(
            ticket_webhooks.insert().values(
                id=webhook.id,
                organization_id=webhook.organization_id,
                url=webhook.url,
                events=list(webhook.events),
                secret_sealed=webhook.secret_sealed,
                active=webhook.active,
                created_at=webhook.created_at,
            )
        )

    async def list(self, organization_id: UUID) -> list[WebhookSubscription]:
        w = ticket_webhooks
        rows = await self._conn.execute(
            w.select().where(w.c.organization_id == organization_id).order_by(w.c.created_at, w.c.id)
        )
        return [
            WebhookSubscription(
                id=r.id,
                organization_id=r.organization_id,
                url=r.url,
                events=tuple(r.events),
                secret_sealed=r.secret_sealed,
                active=r.active,
                created_at=r.created_at,
            )
            for r in rows
        ]

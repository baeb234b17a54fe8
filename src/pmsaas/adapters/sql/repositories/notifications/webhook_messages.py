"""Webhook messages (one event for one webhook) and the writing side of their attempt log.

``claim_due`` is the delivery sweep's: across organizations, like the outbox relay. PostgreSQL
skips the rows another worker has locked (FOR UPDATE SKIP LOCKED); SQLite serializes writers
(BEGIN IMMEDIATE), so a second sweep sees the first one's lease and skips those rows."""

from __future__ import annotations

import builtins
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.common import insert_ignore
from pmsaas.adapters.sql.repositories.notifications.webhooks import delivery, entity
from pmsaas.adapters.sql.tables.notifications import webhook_deliveries, webhook_messages, webhooks
from pmsaas.domain.notifications.messages import AttemptResult, WebhookMessage
from pmsaas.domain.notifications.model import Webhook, WebhookDelivery
from pmsaas.domain.notifications.ports import DueMessage, WebhookMessageRepository
from pmsaas.domain.shared.errors import NotFound

m, w, d = webhook_messages, webhooks, webhook_deliveries


def _row(x: WebhookMessage) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "webhook_id": x.webhook_id,
        "event_id": x.event_id,
        "event": x.event,
        "payload": x.payload,
        "status": x.status,
        "attempts": x.attempts,
        "next_attempt_at": x.next_attempt_at,
        "created_at": x.created_at,
        "finished_at": x.finished_at,
    }


def _message(r: Any) -> WebhookMessage:
    return WebhookMessage(
        id=r.id,
        organization_id=r.organization_id,
        webhook_id=r.webhook_id,
        event_id=r.event_id,
        event=r.event,
        payload=r.payload,
        status=r.status,
        attempts=r.attempts,
        next_attempt_at=r.next_attempt_at,
        created_at=r.created_at,
        finished_at=r.finished_at,
    )


def _attempt_row(x: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "webhook_id": x.webhook_id,
        "event_id": x.event_id,
        "event": x.event,
        "attempt": x.attempt,
        "attempted_at": x.attempted_at,
        "status_code": x.status_code,
        "succeeded": x.succeeded,
        "error": x.error,
        "duration_ms": x.duration_ms,
        "message_id": x.message_id,
    }


_WEBHOOK_COLUMNS = [c.label(f"w_{c.name}") for c in w.c]


def _webhook(r: Any) -> Webhook:
    """The webhook half of a message-and-webhook row (its columns are labelled ``w_<name>``)."""
    return entity(SimpleNamespace(**{c.name: getattr(r, f"w_{c.name}") for c in w.c}))


class SqlWebhookMessageRepository(WebhookMessageRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @property
    def _postgres(self) -> bool:
        return self._conn.dialect.name == "postgresql"

    async def subscribed(self, organization_ids: builtins.set[UUID]) -> builtins.list[Webhook]:
        rows = await self._conn.execute(
            w.select()
            .where(w.c.organization_id.in_(list(organization_ids)), w.c.active.is_(True))
            .order_by(w.c.created_at, w.c.id)
        )
        return [entity(r) for r in rows]

    async def add_new(self, messages: builtins.list[WebhookMessage]) -> int:
        if not messages:
            return 0
        inserted = await self._conn.execute(
            insert_ignore(self._conn, m).values([_row(x) for x in messages]).returning(m.c.id)
        )
        return len(inserted.all())

    def _with_webhook(self) -> Any:
        return sa.select(m, *_WEBHOOK_COLUMNS).join(w, w.c.id == m.c.webhook_id)

    async def _lease(self, rows: builtins.list[Any], lease_until: datetime) -> builtins.list[DueMessage]:
        if not rows:
            return []
        await self._conn.execute(
            m.update()
            .where(m.c.id.in_([r.id for r in rows]))
            .values(attempts=m.c.attempts + 1, next_attempt_at=lease_until)
        )
        claimed = []
        for r in rows:
            message = _message(r)
            message.attempts += 1
            message.next_attempt_at = lease_until
            claimed.append(DueMessage(message, _webhook(r)))
        return claimed

    async def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int, organization_id: UUID | None = None
    ) -> builtins.list[DueMessage]:
        query = (
            self._with_webhook()
            .where(m.c.status == "pending", m.c.next_attempt_at <= now, w.c.active.is_(True))
            .order_by(m.c.next_attempt_at, m.c.created_at)
            .limit(limit)
        )
        if organization_id is not None:
            query = query.where(m.c.organization_id == organization_id)
        if self._postgres:
            query = query.with_for_update(of=m, skip_locked=True)
        rows = list((await self._conn.execute(query)).all())
        return await self._lease(rows, lease_until)

    async def claim(self, organization_id: UUID, message_id: UUID, *, lease_until: datetime) -> DueMessage:
        query = self._with_webhook().where(m.c.organization_id == organization_id, m.c.id == message_id)
        if self._postgres:
            query = query.with_for_update(of=m)
        rows = list((await self._conn.execute(query)).all())
        if not rows:
            raise NotFound("webhook message", message_id)
        return (await self._lease(rows, lease_until))[0]

    async def attempt(self, organization_id: UUID, webhook_id: UUID, delivery_id: UUID) -> WebhookDelivery:
        row = (
            await self._conn.execute(
                d.select().where(
                    d.c.organization_id == organization_id, d.c.webhook_id == webhook_id, d.c.id == delivery_id
                )
            )
        ).first()
        if row is None:
            raise NotFound("webhook delivery", delivery_id)
        return delivery(row)

    async def record(self, results: builtins.list[tuple[WebhookMessage, AttemptResult]]) -> None:
        # A webhook deleted while its messages were being sent took them with it: nothing to record.
        hooks = {x.webhook_id for x, _ in results}
        alive = set((await self._conn.execute(sa.select(w.c.id).where(w.c.id.in_(hooks)))).scalars())
        results = [(x, r) for x, r in results if x.webhook_id in alive]
        if not results:
            return
        await self._conn.execute(d.insert(), [_attempt_row(r.delivery) for _, r in results])
        # One executemany (pipelined by psycopg), not a round trip per message.
        await self._conn.execute(
            m.update()
            .where(m.c.organization_id == sa.bindparam("org"), m.c.id == sa.bindparam("mid"))
            .values(
                status=sa.bindparam("new_status"),
                next_attempt_at=sa.bindparam("next_at", type_=m.c.next_attempt_at.type),
                finished_at=sa.bindparam("done_at", type_=m.c.finished_at.type),
            ),
            [
                {
                    "org": x.organization_id,
                    "mid": x.id,
                    "new_status": x.status,
                    "next_at": x.next_attempt_at,
                    "done_at": x.finished_at,
                }
                for x, _ in results
            ],
        )
        for message, result in results:
            if result.disable_reason is not None:
                await self._conn.execute(
                    w.update()
                    .where(w.c.organization_id == message.organization_id, w.c.id == message.webhook_id)
                    .values(active=False, disabled_reason=result.disable_reason)
                )

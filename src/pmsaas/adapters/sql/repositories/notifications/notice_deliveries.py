"""The event notices' outgoing messages (issue 12). ``claim_due`` works across organizations, like
the webhook messages' sweep: PostgreSQL skips rows another worker has locked (FOR UPDATE SKIP
LOCKED); SQLite serializes writers (BEGIN IMMEDIATE), so a second sweep sees the first one's lease."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.common import insert_ignore
from pmsaas.adapters.sql.tables.notifications import notice_deliveries as n
from pmsaas.domain.notifications.notice_delivery import SENT, NoticeDelivery, Outcome
from pmsaas.domain.notifications.ports import NoticeDeliveryRepository


def _row(d: NoticeDelivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "organization_id": d.organization_id,
        "event_id": d.event_id,
        "user_id": d.user_id,
        "channel": d.channel,
        "payload": d.payload,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "last_error": d.last_error,
        "created_at": d.created_at,
        "sent_at": d.sent_at,
    }


def _delivery(r: Any) -> NoticeDelivery:
    return NoticeDelivery(
        organization_id=r.organization_id,
        event_id=r.event_id,
        user_id=r.user_id,
        channel=r.channel,
        payload=dict(r.payload),
        created_at=r.created_at,
        status=r.status,
        attempts=r.attempts,
        next_attempt_at=r.next_attempt_at,
        last_error=r.last_error,
        sent_at=r.sent_at,
    )


class SqlNoticeDeliveryRepository(NoticeDeliveryRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add_absent(self, deliveries: builtins.list[NoticeDelivery]) -> builtins.list[UUID]:
        unique = list({d.id: d for d in deliveries}.values())
        if not unique:
            return []
        inserted = await self._conn.execute(
            insert_ignore(self._conn, n).values([_row(d) for d in unique]).returning(n.c.id)
        )
        return list(inserted.scalars())

    async def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int, ids: builtins.list[UUID] | None = None
    ) -> builtins.list[NoticeDelivery]:
        query = (
            n.select()
            .where(n.c.status == "pending", n.c.next_attempt_at <= now)
            .order_by(n.c.next_attempt_at, n.c.created_at, n.c.id)
            .limit(limit)
        )
        if ids is not None:
            query = query.where(n.c.id.in_(ids))
        if self._conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list((await self._conn.execute(query)).all())
        if not rows:
            return []
        await self._conn.execute(
            n.update()
            .where(n.c.id.in_([r.id for r in rows]))
            .values(attempts=n.c.attempts + 1, next_attempt_at=lease_until)
        )
        claimed = [_delivery(r) for r in rows]
        for d in claimed:
            d.attempts += 1
            d.next_attempt_at = lease_until
        return claimed

    async def record(self, outcomes: builtins.list[Outcome], *, at: datetime) -> None:
        if not outcomes:
            return
        # One executemany; guarded by the status, so an outcome never reopens a row recorded as sent.
        await self._conn.execute(
            n.update()
            .where(n.c.id == sa.bindparam("did"), n.c.status != SENT)
            .values(
                status=sa.bindparam("new_status"),
                next_attempt_at=sa.bindparam("next_at", type_=n.c.next_attempt_at.type),
                last_error=sa.bindparam("error", type_=n.c.last_error.type),
                sent_at=sa.bindparam("done_at", type_=n.c.sent_at.type),
            ),
            [
                {
                    "did": o.delivery.id,
                    "new_status": o.status,
                    "next_at": o.next_attempt_at,
                    "error": o.detail,
                    "done_at": at if o.status == SENT else None,
                }
                for o in outcomes
            ],
        )

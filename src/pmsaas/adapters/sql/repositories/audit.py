"""The audit log over ``identity_audit_events``: insert and select, nothing else (append-only; the
database's trigger refuses UPDATE and DELETE as well)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables.identity import audit_events as t
from pmsaas.domain.identity.ports import AuditEventFilter, AuditEventQuery
from pmsaas.domain.shared.audit import AuditEvent, AuditLog, AuditTarget, RequestInfo
from pmsaas.domain.shared.paging import Page, PageRequest


def _cut(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


class SqlAuditLog(AuditLog, AuditEventQuery):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(self, event: AuditEvent) -> None:
        await self._conn.execute(
            t.insert().values(
                id=event.id,
                organization_id=event.organization_id,
                occurred_at=event.occurred_at,
                action=event.action,
                actor_user_id=event.actor_user_id,
                actor_api_key_id=event.actor_api_key_id,
                target_kind=event.target.kind,
                target_id=_cut(event.target.id, 64),
                target_label=_cut(event.target.label, 254),
                ip=_cut(event.request.ip, 64),
                user_agent=_cut(event.request.user_agent, 300),
                request_id=_cut(event.request.request_id, 128),
                details=dict(event.details),
            )
        )

    async def list(self, organization_id: UUID, filters: AuditEventFilter, page: PageRequest) -> Page[AuditEvent]:
        where: list[Any] = [t.c.organization_id == organization_id]
        if filters.action is not None:
            where.append(t.c.action == filters.action)
        if filters.actor_user_id is not None:
            where.append(t.c.actor_user_id == filters.actor_user_id)
        if filters.occurred_from is not None:
            where.append(t.c.occurred_at >= filters.occurred_from)
        if filters.occurred_to is not None:
            where.append(t.c.occurred_at < filters.occurred_to)
        total = (await self._conn.execute(sa.select(sa.func.count()).select_from(t).where(*where))).scalar_one()
        order = (
            (t.c.occurred_at.asc(), t.c.id.asc()) if not page.descending else (t.c.occurred_at.desc(), t.c.id.desc())
        )
        rows = await self._conn.execute(
            t.select().where(*where).order_by(*order).limit(page.page_size).offset(page.offset)
        )
        return Page([_event(r) for r in rows], int(total), page.page, page.page_size)


def _event(r: Any) -> AuditEvent:
    return AuditEvent(
        id=r.id,
        organization_id=r.organization_id,
        occurred_at=r.occurred_at,
        action=r.action,
        actor_user_id=r.actor_user_id,
        actor_api_key_id=r.actor_api_key_id,
        target=AuditTarget(r.target_kind, r.target_id, r.target_label),
        request=RequestInfo(r.ip, r.user_agent, r.request_id),
        details=dict(r.details or {}),
    )

"""The in-memory audit log: append and read, as the SQL one (no update, no delete)."""

from __future__ import annotations

from uuid import UUID

from fakes.store import FakeDatabase
from pmsaas.domain.identity.ports import AuditEventFilter, AuditEventQuery
from pmsaas.domain.shared.audit import AuditEvent, AuditLog
from pmsaas.domain.shared.paging import Page, PageRequest


class FakeAuditLog(AuditLog, AuditEventQuery):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def append(self, event: AuditEvent) -> None:
        self._db.audit_events.append(event)

    async def list(self, organization_id: UUID, filters: AuditEventFilter, page: PageRequest) -> Page[AuditEvent]:
        found = [
            e
            for e in self._db.audit_events
            if e.organization_id == organization_id
            and (filters.action is None or e.action == filters.action)
            and (filters.actor_user_id is None or e.actor_user_id == filters.actor_user_id)
            and (filters.occurred_from is None or e.occurred_at >= filters.occurred_from)
            and (filters.occurred_to is None or e.occurred_at < filters.occurred_to)
        ]
        found.sort(key=lambda e: (e.occurred_at, str(e.id)), reverse=page.descending)
        return Page(found[page.offset : page.offset + page.page_size], len(found), page.page, page.page_size)

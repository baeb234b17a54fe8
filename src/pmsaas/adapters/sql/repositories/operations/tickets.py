"""Maintenance requests (tickets) with their updates, comments and attachments."""

from __future__ import annotations

import builtins
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from pmsaas.adapters.sql.queries.list_totals import TICKETS
from pmsaas.adapters.sql.repositories.common import SoftDeletedRows, apply_created_range, insert_of, page_of
from pmsaas.adapters.sql.tables.operations import ticket_attachments, ticket_comments, ticket_updates, tickets
from pmsaas.domain.operations.model import Attachment, Comment, Priority, Ticket, TicketStatus, TicketUpdate, UpdateKind
from pmsaas.domain.operations.ports import TicketFilter, TicketRepository
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

t = tickets
TICKET_SORT = {
    "created_at": t.c.created_at,
    "updated_at": t.c.updated_at,
    "priority": t.c.priority_rank,
    "status": t.c.status,
}


def _ticket_row(x: Ticket) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "title": x.title,
        "description": x.description,
        "category": x.category,
        "priority": x.priority.value,
        "priority_rank": x.priority.rank,
        "status": x.status.value,
        "property_id": x.property_id,
        "unit_id": x.unit_id,
        "requester_id": x.requester_id,
        "tenant_id": x.tenant_id,
        "assignee_id": x.assignee_id,
        "responded_at": x.responded_at,
        "resolved_at": x.resolved_at,
        "closed_at": x.closed_at,
        "response_due_at": x.response_due_at,
        "resolution_due_at": x.resolution_due_at,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_ticket(r: Any) -> Ticket:
    return Ticket(
        id=r.id,
        organization_id=r.organization_id,
        title=r.title,
        description=r.description,
        category=r.category,
        priority=Priority(r.priority),
        status=TicketStatus(r.status),
        property_id=r.property_id,
        unit_id=r.unit_id,
        requester_id=r.requester_id,
        tenant_id=r.tenant_id,
        assignee_id=r.assignee_id,
        responded_at=r.responded_at,
        resolved_at=r.resolved_at,
        closed_at=r.closed_at,
        response_due_at=r.response_due_at,
        resolution_due_at=r.resolution_due_at,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _to_update(r: Any) -> TicketUpdate:
    return TicketUpdate(
        id=r.id,
        ticket_id=r.ticket_id,
        organization_id=r.organization_id,
        kind=UpdateKind(r.kind),
        actor_id=r.actor_id,
        from_status=r.from_status,
        to_status=r.to_status,
        note=r.note,
        data=dict(r.data or {}),
        internal=r.internal,
        at=r.at,
        seq=r.seq,
    )


def _to_attachment(r: Any) -> Attachment:
    return Attachment(
        id=r.id,
        ticket_id=r.ticket_id,
        organization_id=r.organization_id,
        filename=r.filename,
        content_type=r.content_type,
        size=r.size,
        storage_key=r.storage_key,
        uploaded_by=r.uploaded_by,
        created_at=r.created_at,
    )


class SqlTicketRepository(SoftDeletedRows[Ticket], TicketRepository):
    table = t
    noun = "ticket"
    _row = staticmethod(_ticket_row)
    _entity = staticmethod(to_ticket)

    async def list(self, organization_id: UUID, filters: TicketFilter, page: PageRequest) -> Page[Ticket]:
        where = [self._live(organization_id)]
        for column, value in (
            (t.c.status, filters.status),
            (t.c.priority, filters.priority),
            (t.c.category, filters.category),
            (t.c.assignee_id, filters.assignee_id),
            (t.c.property_id, filters.property_id),
            (t.c.unit_id, filters.unit_id),
            (t.c.tenant_id, filters.tenant_id),
        ):
            if value is not None:
                where.append(column == value)
        where += apply_created_range(t.c.created_at, filters.created_after, filters.created_before)
        counted = TICKETS.total(
            organization_id,
            others=any(
                value is not None
                for value in (
                    filters.category,
                    filters.assignee_id,
                    filters.property_id,
                    filters.unit_id,
                    filters.tenant_id,
                    filters.created_after,
                    filters.created_before,
                )
            ),
            status=filters.status,
            priority=filters.priority,
        )
        return await page_of(self._conn, t, where, TICKET_SORT, page, to_ticket, counted=counted)

    async def add_update(self, update: TicketUpdate) -> None:
        await self._conn.execute(
            insert_of(ticket_updates),
            {
                "id": update.id,
                "organization_id": update.organization_id,
                "ticket_id": update.ticket_id,
                "kind": update.kind.value,
                "actor_id": update.actor_id,
                "from_status": update.from_status,
                "to_status": update.to_status,
                "note": update.note,
                "data": update.data,
                "internal": update.internal,
                "at": update.at,
                "seq": update.seq,
            },
        )

    async def updates(
        self,
        organization_id: UUID,
        ticket_id: UUID,
        *,
        include_internal: bool,
    ) -> builtins.list[TicketUpdate]:
        u = ticket_updates
        query = u.select().where(u.c.organization_id == organization_id, u.c.ticket_id == ticket_id)
        if not include_internal:
            query = query.where(u.c.internal.is_(False))
        rows = await self._conn.execute(query.order_by(u.c.at, u.c.seq, u.c.id))
        return [_to_update(r) for r in rows]

    async def add_comment(self, comment: Comment) -> None:
        await self._conn.execute(
            ticket_comments.insert().values(
                id=comment.id,
                organization_id=comment.organization_id,
                ticket_id=comment.ticket_id,
                author_id=comment.author_id,
                text=comment.text,
                internal=comment.internal,
                created_at=comment.created_at,
            )
        )

    async def comments(
        self,
        organization_id: UUID,
        ticket_id: UUID,
        *,
        include_internal: bool,
    ) -> builtins.list[Comment]:
        c = ticket_comments
        query = c.select().where(c.c.organization_id == organization_id, c.c.ticket_id == ticket_id)
        if not include_internal:
            query = query.where(c.c.internal.is_(False))
        rows = await self._conn.execute(query.order_by(c.c.created_at, c.c.id))
        return [
            Comment(
                id=r.id,
                ticket_id=r.ticket_id,
                organization_id=r.organization_id,
                author_id=r.author_id,
                text=r.text,
                internal=r.internal,
                created_at=r.created_at,
            )
            for r in rows
        ]

    async def add_attachment(self, attachment: Attachment) -> None:
        a = attachment
        await self._conn.execute(
            ticket_attachments.insert().values(
                id=a.id,
                organization_id=a.organization_id,
                ticket_id=a.ticket_id,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                storage_key=a.storage_key,
                uploaded_by=a.uploaded_by,
                created_at=a.created_at,
            )
        )

    async def attachments(self, organization_id: UUID, ticket_id: UUID) -> builtins.list[Attachment]:
        a = ticket_attachments
        rows = await self._conn.execute(
            a.select()
            .where(a.c.organization_id == organization_id, a.c.ticket_id == ticket_id)
            .order_by(a.c.created_at, a.c.id)
        )
        return [_to_attachment(r) for r in rows]

    async def get_attachment(self, organization_id: UUID, ticket_id: UUID, attachment_id: UUID) -> Attachment:
        a = ticket_attachments
        row = (
            await self._conn.execute(
                a.select().where(
                    a.c.organization_id == organization_id, a.c.ticket_id == ticket_id, a.c.id == attachment_id
                )
            )
        ).first()
        if row is None:
            raise NotFound("attachment", attachment_id)
        return _to_attachment(row)

    async def active_counts(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, int]:
        if not property_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(t.c.property_id, sa.func.count())
            .where(
                self._live(organization_id),
                t.c.property_id.in_(property_ids),
                t.c.status.in_((TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)),
            )
            .group_by(t.c.property_id)
        )
        return {r[0]: r[1] for r in rows}

    async def assignee_properties(
        self,
        organization_id: UUID,
        user_ids: builtins.list[UUID],
    ) -> dict[UUID, builtins.list[UUID]]:
        if not user_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(t.c.assignee_id, t.c.property_id)
            .where(self._live(organization_id), t.c.assignee_id.in_(user_ids))
            .distinct()
        )
        found: dict[UUID, builtins.list[UUID]] = {}
        for r in rows:
            found.setdefault(r.assignee_id, []).append(r.property_id)
        return found

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import SoftDeletedRows, apply_created_range, page_of
from pmsaas.adapters.sql.tables.api_keys import api_keys
from pmsaas.adapters.sql.tables.identity import memberships, users
from pmsaas.adapters.sql.tables.operations import (
    ticket_attachments,
    ticket_categories,
    ticket_comments,
    ticket_updates,
    ticket_webhooks,
    tickets,
    vendors,
    work_orders,
)
from pmsaas.adapters.sql.tables.properties import lease_co_tenants, leases, properties, units
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.operations.model import (
    Attachment,
    Comment,
    Priority,
    TaxIdKind,
    Ticket,
    TicketStatus,
    TicketUpdate,
    UpdateKind,
    Vendor,
    WebhookSubscription,
    WorkOrder,
    WorkOrderStatus,
)
from pmsaas.domain.operations.ports import (
    CategoryRepository,
    ExpenseBook,
    PeopleDirectory,
    PeopleFilter,
    Person,
    PropertyDirectory,
    TicketFilter,
    TicketRepository,
    VendorFilter,
    VendorRepository,
    WebhookRepository,
    WorkOrderFilter,
    WorkOrderRepository,
)
from pmsaas.domain.shared.actor import permission_matches
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

# -- tickets ---------------------------------------------------------------------------------

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
        return await page_of(self._conn, t, where, TICKET_SORT, page, to_ticket)

    async def add_update(self, update: TicketUpdate) -> None:
        await self._conn.execute(
            ticket_updates.insert().values(
                id=update.id,
                organization_id=update.organization_id,
                ticket_id=update.ticket_id,
                kind=update.kind.value,
                actor_id=update.actor_id,
                from_status=update.from_status,
                to_status=update.to_status,
                note=update.note,
                data=update.data,
                internal=update.internal,
                at=update.at,
                seq=update.seq,
            )
        )

    async def updates(self, organization_id: UUID, ticket_id: UUID, *, include_internal: bool) -> list[TicketUpdate]:
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

    async def comments(self, organization_id: UUID, ticket_id: UUID, *, include_internal: bool) -> list[Comment]:
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

    async def attachments(self, organization_id: UUID, ticket_id: UUID) -> list[Attachment]:
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

    async def assignee_properties(self, organization_id: UUID, user_ids: list[UUID]) -> dict[UUID, list[UUID]]:
        if not user_ids:
            return {}
        rows = await self._conn.execute(
            sa.select(t.c.assignee_id, t.c.property_id)
            .where(self._live(organization_id), t.c.assignee_id.in_(user_ids))
            .distinct()
        )
        found: dict[UUID, list[UUID]] = {}
        for r in rows:
            found.setdefault(r.assignee_id, []).append(r.property_id)
        return found


# -- categories, webhooks --------------------------------------------------------------------


class SqlCategoryRepository(CategoryRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def custom(self, organization_id: UUID) -> list[str]:
        c = ticket_categories
        rows = await self._conn.execute(sa.select(c.c.name).where(c.c.organization_id == organization_id))
        return [r.name for r in rows]

    async def add(self, organization_id: UUID, name: str, at: datetime) -> None:
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    ticket_categories.insert().values(organization_id=organization_id, name=name, created_at=at)
                )
        except IntegrityError:
            raise Conflict(f"the category {name!r} exists") from None


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


# -- vendors ---------------------------------------------------------------------------------

v = vendors
VENDOR_SORT = {"name": v.c.name, "created_at": v.c.created_at, "updated_at": v.c.updated_at}


def _vendor_row(x: Vendor) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "name": x.name,
        "email": x.email,
        "phone": x.phone,
        "trades": list(x.trades),
        "service_areas": list(x.service_areas),
        "insurance_expires_on": x.insurance_expires_on,
        "tax_id": x.tax_id,
        "tax_id_kind": x.tax_id_kind.value if x.tax_id_kind else None,
        "active": x.active,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_vendor(r: Any) -> Vendor:
    return Vendor(
        id=r.id,
        organization_id=r.organization_id,
        name=r.name,
        email=r.email,
        phone=r.phone,
        trades=list(r.trades),
        service_areas=list(r.service_areas),
        insurance_expires_on=r.insurance_expires_on,
        tax_id=r.tax_id,
        tax_id_kind=TaxIdKind(r.tax_id_kind) if r.tax_id_kind else None,
        active=r.active,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlVendorRepository(SoftDeletedRows[Vendor], VendorRepository):
    table = v
    noun = "vendor"
    _row = staticmethod(_vendor_row)
    _entity = staticmethod(to_vendor)

    async def list(self, organization_id: UUID, filters: VendorFilter, page: PageRequest) -> Page[Vendor]:
        where = [self._live(organization_id)]
        # Trades and areas are small JSON arrays; a quoted-value match works on both engines.
        if filters.trade:
            where.append(sa.cast(v.c.trades, sa.Text).contains(f'"{filters.trade}"', autoescape=True))
        if filters.service_area:
            where.append(sa.cast(v.c.service_areas, sa.Text).contains(f'"{filters.service_area}"', autoescape=True))
        if filters.active is not None:
            where.append(v.c.active.is_(filters.active))
        if filters.search:
            where.append(sa.func.lower(v.c.name).contains(filters.search.lower(), autoescape=True))
        where += apply_created_range(v.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, v, where, VENDOR_SORT, page, to_vendor)


# -- work orders -----------------------------------------------------------------------------

w = work_orders
WORK_ORDER_SORT = {
    "created_at": w.c.created_at,
    "updated_at": w.c.updated_at,
    "scheduled_start": w.c.scheduled_start,
}


def _work_order_row(x: WorkOrder) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "ticket_id": x.ticket_id,
        "vendor_id": x.vendor_id,
        "description": x.description,
        "status": x.status.value,
        "scheduled_start": x.scheduled_start,
        "scheduled_end": x.scheduled_end,
        "estimated_cost_minor": x.estimated_cost.minor,
        "actual_cost_minor": x.actual_cost.minor if x.actual_cost else None,
        "currency": x.estimated_cost.currency,
        "started_at": x.started_at,
        "completed_at": x.completed_at,
        "cancelled_at": x.cancelled_at,
        "rating": x.rating,
        "rating_comment": x.rating_comment,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_work_order(r: Any) -> WorkOrder:
    return WorkOrder(
        id=r.id,
        organization_id=r.organization_id,
        ticket_id=r.ticket_id,
        vendor_id=r.vendor_id,
        description=r.description,
        status=WorkOrderStatus(r.status),
        scheduled_start=r.scheduled_start,
        scheduled_end=r.scheduled_end,
        estimated_cost=Money.from_minor(r.estimated_cost_minor, r.currency),
        actual_cost=Money.from_minor(r.actual_cost_minor, r.currency) if r.actual_cost_minor is not None else None,
        started_at=r.started_at,
        completed_at=r.completed_at,
        cancelled_at=r.cancelled_at,
        rating=r.rating,
        rating_comment=r.rating_comment,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlWorkOrderRepository(SoftDeletedRows[WorkOrder], WorkOrderRepository):
    table = w
    noun = "work order"
    _row = staticmethod(_work_order_row)
    _entity = staticmethod(to_work_order)

    async def list(self, organization_id: UUID, filters: WorkOrderFilter, page: PageRequest) -> Page[WorkOrder]:
        where = [self._live(organization_id)]
        for column, value in (
            (w.c.status, filters.status),
            (w.c.ticket_id, filters.ticket_id),
            (w.c.vendor_id, filters.vendor_id),
        ):
            if value is not None:
                where.append(column == value)
        where += apply_created_range(w.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, w, where, WORK_ORDER_SORT, page, to_work_order)

    async def for_ticket(self, organization_id: UUID, ticket_id: UUID) -> list[WorkOrder]:
        rows = await self._conn.execute(
            w.select().where(self._live(organization_id), w.c.ticket_id == ticket_id).order_by(w.c.created_at, w.c.id)
        )
        return [to_work_order(r) for r in rows]

    async def finished_for_vendor(
        self, organization_id: UUID, vendor_id: UUID, start: datetime, end: datetime
    ) -> list[WorkOrder]:
        completed = sa.and_(w.c.completed_at >= start, w.c.completed_at < end)
        cancelled = sa.and_(w.c.cancelled_at >= start, w.c.cancelled_at < end)
        rows = await self._conn.execute(
            w.select().where(self._live(organization_id), w.c.vendor_id == vendor_id, sa.or_(completed, cancelled))
        )
        return [to_work_order(r) for r in rows]


# -- directories over other contexts' tables -------------------------------------------------

OCCUPYING_LEASES = ("active", "notice_given")


class SqlPropertyDirectory(PropertyDirectory):
    """Reads the properties context's tables (adapters may; the operations domain may not)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        p = properties
        query = sa.select(p.c.id).where(
            p.c.organization_id == organization_id, p.c.id == property_id, p.c.deleted_at.is_(None)
        )
        return (await self._conn.execute(query)).first() is not None

    async def unit_in_property(self, organization_id: UUID, unit_id: UUID, property_id: UUID) -> bool:
        u = units
        query = sa.select(u.c.id).where(
            u.c.organization_id == organization_id,
            u.c.id == unit_id,
            u.c.property_id == property_id,
            u.c.deleted_at.is_(None),
        )
        return (await self._conn.execute(query)).first() is not None

    async def units_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> set[UUID]:
        le, co = leases, lease_co_tenants
        as_co_tenant = sa.select(co.c.lease_id).where(co.c.tenant_id == tenant_id)
        query = sa.select(le.c.unit_id).where(
            le.c.organization_id == organization_id,
            le.c.status.in_(OCCUPYING_LEASES),
            sa.or_(le.c.tenant_id == tenant_id, le.c.id.in_(as_co_tenant)),
        )
        return {r.unit_id for r in await self._conn.execute(query)}

    async def property_names(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, str]:
        p = properties
        rows = await self._conn.execute(
            sa.select(p.c.id, p.c.name).where(p.c.organization_id == organization_id, p.c.id.in_(property_ids))
        )
        return {r.id: r.name for r in rows}

    async def unit_names(self, organization_id: UUID, unit_ids: set[UUID]) -> dict[UUID, str]:
        u = units
        rows = await self._conn.execute(
            sa.select(u.c.id, u.c.name).where(u.c.organization_id == organization_id, u.c.id.in_(unit_ids))
        )
        return {r.id: r.name for r in rows}


def _to_person(r: Any) -> Person:
    return Person(
        id=r.id,
        name=r.name,
        email=r.email,
        phone=r.phone,
        roles=frozenset(r.roles),
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlPeopleDirectory(PeopleDirectory):
    """Names of the organization's users and API keys; who may work tickets (by role)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def names(self, organization_id: UUID, ids: set[UUID]) -> dict[UUID, str]:
        m = memberships
        rows = await self._conn.execute(
            sa.select(users.c.id, users.c.name)
            .join(m, m.c.user_id == users.c.id)
            .where(m.c.organization_id == organization_id, users.c.id.in_(ids))
        )
        found = {r.id: r.name for r in rows}
        missing = ids - found.keys()
        if missing:
            k = api_keys
            rows = await self._conn.execute(
                sa.select(k.c.id, k.c.name).where(k.c.organization_id == organization_id, k.c.id.in_(missing))
            )
            found.update({r.id: f"API key: {r.name}" for r in rows})
        return found

    async def people(self, organization_id: UUID, filters: PeopleFilter, page: PageRequest) -> Page[Person]:
        m = memberships
        joined = users.join(m, m.c.user_id == users.c.id)
        where = [m.c.organization_id == organization_id, users.c.deleted_at.is_(None)]
        roles_text = sa.cast(m.c.roles, sa.Text)
        # Roles are a small JSON array; a quoted-name match works on both engines.
        if filters.roles_any is not None:
            where.append(sa.or_(sa.false(), *(roles_text.like(f'%"{r}"%') for r in sorted(filters.roles_any))))
        where += [roles_text.not_like(f'%"{r}"%') for r in sorted(filters.roles_none)]
        if filters.assigned_in_property is not None:
            assigned = sa.select(t.c.assignee_id).where(
                t.c.organization_id == organization_id,
                t.c.property_id == filters.assigned_in_property,
                t.c.deleted_at.is_(None),
                t.c.assignee_id.is_not(None),
            )
            where.append(users.c.id.in_(assigned))
        cols = [
            users.c.id,
            users.c.name,
            users.c.email,
            users.c.phone,
            users.c.created_at,
            users.c.updated_at,
            m.c.roles,
        ]
        sortable = {"created_at": users.c.created_at, "name": users.c.name}
        return await page_of(self._conn, joined, where, sortable, page, _to_person, columns=cols, id_column=users.c.id)

    async def person(self, organization_id: UUID, user_id: UUID) -> Person:
        m = memberships
        row = (
            await self._conn.execute(
                sa.select(
                    users.c.id,
                    users.c.name,
                    users.c.email,
                    users.c.phone,
                    users.c.created_at,
                    users.c.updated_at,
                    m.c.roles,
                )
                .join(m, m.c.user_id == users.c.id)
                .where(m.c.organization_id == organization_id, users.c.id == user_id, users.c.deleted_at.is_(None))
            )
        ).first()
        if row is None:
            raise NotFound("user", user_id)
        return _to_person(row)

    async def can_work_tickets(self, organization_id: UUID, user_id: UUID) -> bool | None:
        m = memberships
        row = (
            await self._conn.execute(
                sa.select(m.c.roles)
                .join(users, users.c.id == m.c.user_id)
                .where(m.c.organization_id == organization_id, m.c.user_id == user_id, users.c.deleted_at.is_(None))
            )
        ).first()
        if row is None:
            return None
        granted = permissions_for(frozenset(row.roles))
        return any(permission_matches(g, "maintenance:update") for g in granted)


class SqlExpenseBook(ExpenseBook):
    """Books a completed work order's cost as a pending financial expense, on the same connection
    (so in the same transaction as the completion: never lost, never doubled)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def record_work_order_cost(
        self,
        *,
        organization_id: UUID,
        work_order_id: UUID,
        vendor_name: str,
        property_id: UUID,
        amount: Money,
        on: date,
        at: datetime,
        description: str,
    ) -> DomainEvent | None:
        from pmsaas.adapters.sql.repositories.financial.directories import SqlOrganizationProfiles
        from pmsaas.adapters.sql.repositories.financial.expenses import SqlExpenseRepository
        from pmsaas.domain.financial.expenses import Expense

        profile = await SqlOrganizationProfiles(self._conn).get(organization_id)
        if amount.currency != profile.currency or not amount.is_positive:
            return None
        expense = Expense(
            organization_id=organization_id,
            category="maintenance",
            description=f"Work order {work_order_id}: {description}"[:300],
            amount=amount,
            expense_date=on,
            vendor=vendor_name,
            property_id=property_id,
            created_at=at,
            updated_at=at,
        )
        await SqlExpenseRepository(self._conn).add(expense)
        return expense.event("expense.created", at)

"""Maintenance requests (tickets) and their workflow. Each use case is one transaction on the
unit of work it is given; who sees which ticket is decided in ``access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pmsaas.domain.operations.access import actor_ref, reader_scope, required_text, visible_ticket
from pmsaas.domain.operations.categories import check_category
from pmsaas.domain.operations.model import (
    Attachment,
    Comment,
    Priority,
    Ticket,
    TicketAction,
    TicketStatus,
    TicketUpdate,
    UpdateKind,
    WorkOrderStatus,
)
from pmsaas.domain.operations.ports import Names, OperationsUnitOfWork, TicketFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest


@dataclass(frozen=True)
class TicketDetails:
    ticket: Ticket
    names: Names
    comments: list[Comment]
    attachments: list[Attachment]


async def names_of(uow: OperationsUnitOfWork, organization_id: UUID, tickets: list[Ticket], extra: set[UUID]) -> Names:
    props = {t.property_id for t in tickets}
    units = {t.unit_id for t in tickets if t.unit_id}
    people = {p for t in tickets for p in (t.requester_id, t.assignee_id) if p} | extra
    return Names(
        properties=await uow.property_directory.property_names(organization_id, props) if props else {},
        units=await uow.property_directory.unit_names(organization_id, units) if units else {},
        people=await uow.people_directory.names(organization_id, people) if people else {},
    )


async def ticket_details(uow: OperationsUnitOfWork, actor: Actor, ticket: Ticket) -> TicketDetails:
    internal = reader_scope(actor) is None
    comments = await uow.tickets.comments(actor.org, ticket.id, include_internal=internal)
    attachments = await uow.tickets.attachments(actor.org, ticket.id)
    names = await names_of(uow, actor.org, [ticket], {c.author_id for c in comments if c.author_id})
    return TicketDetails(ticket, names, comments, attachments)


@dataclass(frozen=True)
class NewTicket:
    title: str
    description: str
    category: str
    priority: Priority
    property_id: UUID
    unit_id: UUID | None = None


_KEEP: Any = object()


@dataclass(frozen=True)
class TicketChanges:
    """A PATCH: ``None`` leaves a field alone, except ``assignee_id`` where ``KEEP`` does."""

    title: str | None = None
    description: str | None = None
    category: str | None = None
    priority: Priority | None = None
    status: TicketStatus | None = None
    assignee_id: Any = _KEEP  # UUID to assign, None to unassign, KEEP to leave alone


KEEP = _KEEP


async def _check_place(uow: OperationsUnitOfWork, actor: Actor, property_id: UUID, unit_id: UUID | None) -> None:
    directory = uow.property_directory
    if not await directory.property_exists(actor.org, property_id):
        raise ValidationFailed.single("property_id", "no such property in this organization")
    if unit_id is not None and not await directory.unit_in_property(actor.org, unit_id, property_id):
        raise ValidationFailed.single("unit_id", "no such unit in this property")
    if actor.is_tenant and not actor.can("maintenance:read"):
        if actor.tenant_profile_id is None or unit_id is None:
            raise ValidationFailed.single("unit_id", "a tenant reports requests for its own unit")
        if unit_id not in await directory.units_of_tenant(actor.org, actor.tenant_profile_id):
            raise ValidationFailed.single("unit_id", "a tenant reports requests for its own unit only")


async def create_ticket(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, data: NewTicket) -> TicketDetails:
    if not (actor.can("maintenance:create")):
        raise PermissionDenied("Missing permission maintenance:create")
    now = clock.now()
    title, description = required_text(data.title, "title"), data.description.strip()
    async with uow:
        category = await check_category(uow, actor.org, data.category)
        await _check_place(uow, actor, data.property_id, data.unit_id)
        tenant_reported = actor.is_tenant and not actor.can("maintenance:read")
        ticket = Ticket(
            organization_id=actor.org,
            title=title,
            description=description,
            category=category,
            priority=data.priority,
            property_id=data.property_id,
            unit_id=data.unit_id,
            requester_id=actor_ref(actor),
            tenant_id=actor.tenant_profile_id if tenant_reported else None,
            created_at=now,
            updated_at=now,
        )
        await uow.tickets.add(ticket)
        await uow.tickets.add_update(ticket.created_update(actor_ref(actor)))
        uow.record(ticket.event("ticket.created", now))
        uow.record(ticket.event("maintenance.created", now))
        # A new ticket has no comments or attachments yet: only the names are read.
        details = TicketDetails(ticket, await names_of(uow, actor.org, [ticket], set()), [], [])
        await uow.commit()
    return details


async def get_ticket(*, uow: OperationsUnitOfWork, actor: Actor, ticket_id: UUID) -> TicketDetails:
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        return await ticket_details(uow, actor, ticket)


async def list_tickets(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: TicketFilter, page: PageRequest
) -> tuple[Page[Ticket], Names]:
    tenant = reader_scope(actor)
    if tenant is not None:
        filters = TicketFilter(**{**filters.__dict__, "tenant_id": tenant})
    async with uow.read_only() as reader:  # one statement: the page, its names and its total
        return await reader.ticket_list.page(actor.org, filters, page)


async def active_ticket_counts(*, uow: OperationsUnitOfWork, actor: Actor, property_ids: set[UUID]) -> dict[UUID, int]:
    """Open or in-progress tickets per property (the ticketing seed's ``active_tickets_count``)."""
    async with uow:
        return await uow.tickets.active_counts(actor.org, property_ids)


def record_resolution(uow: OperationsUnitOfWork, ticket: Ticket, at: datetime) -> None:
    uow.record(ticket.event("ticket.resolved", at))
    uow.record(ticket.event("maintenance.completed", at))


async def save_ticket(uow: OperationsUnitOfWork, ticket: Ticket, expected: int, updates: list[TicketUpdate]) -> None:
    await uow.tickets.update(ticket, expected_version=expected)
    for u in updates:
        await uow.tickets.add_update(u)


async def edit_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, data: NewTicket
) -> TicketDetails:
    """The platform PUT: title, description, category, priority (the place is fixed at creation)."""
    actor.require("maintenance:update")
    now = clock.now()
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        if data.property_id != ticket.property_id or data.unit_id != ticket.unit_id:
            raise ValidationFailed.single("property_id", "a request cannot move to another property or unit")
        expected = ticket.version
        category = await check_category(uow, actor.org, data.category)
        edited = ticket.edit(
            now,
            actor_ref(actor),
            title=required_text(data.title, "title"),
            description=data.description.strip(),
            category=category,
            priority=data.priority,
        )
        if edited:
            await save_ticket(uow, ticket, expected, [edited])
            uow.record(ticket.event("ticket.updated", now))
        details = await ticket_details(uow, actor, ticket)
        await uow.commit()
    return details


async def transition_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, action: TicketAction, note: str | None
) -> TicketDetails:
    actor.require("maintenance:update")
    now = clock.now()
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        update = ticket.apply(action, now, actor_ref(actor))
        if note:
            update = TicketUpdate(**{**update.__dict__, "note": note.strip()})
        await save_ticket(uow, ticket, expected, [update])
        uow.record(ticket.event("ticket.updated", now))
        if action is TicketAction.RESOLVE:
            record_resolution(uow, ticket, now)
        details = await ticket_details(uow, actor, ticket)
        await uow.commit()
    return details


async def complete_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, note: str | None
) -> TicketDetails:
    """/complete: resolve the request (starting it first if nobody had yet)."""
    actor.require("maintenance:update")
    now = clock.now()
    who = actor_ref(actor)
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        updates = []
        if ticket.status is TicketStatus.OPEN:
            updates.append(ticket.apply(TicketAction.START, now, who))
        resolved = ticket.apply(TicketAction.RESOLVE, now, who)
        updates.append(TicketUpdate(**{**resolved.__dict__, "note": note.strip() if note else None}))
        await save_ticket(uow, ticket, expected, updates)
        uow.record(ticket.event("ticket.updated", now))
        record_resolution(uow, ticket, now)
        details = await ticket_details(uow, actor, ticket)
        await uow.commit()
    return details


async def delete_ticket(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID) -> None:
    actor.require("maintenance:delete")
    now = clock.now()
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        orders = await uow.work_orders.for_ticket(actor.org, ticket.id)
        if any(o.status is WorkOrderStatus.IN_PROGRESS for o in orders):
            raise Conflict("the ticket has a work order in progress; complete or cancel it first")
        for order in orders:  # work nobody will do any more: the vendor's schedule is freed
            if order.status is WorkOrderStatus.SCHEDULED:
                expected = order.version
                order.cancel(now)
                await uow.work_orders.update(order, expected_version=expected)
                uow.record(order.event("work_order.cancelled", now))
        await uow.tickets.delete(actor.org, ticket_id, now)
        uow.record(ticket.event("ticket.deleted", now))
        await uow.commit()


async def ticket_updates(
    *, uow: OperationsUnitOfWork, actor: Actor, ticket_id: UUID
) -> tuple[list[TicketUpdate], Names]:
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        internal = reader_scope(actor) is None
        updates = await uow.tickets.updates(actor.org, ticket.id, include_internal=internal)
        people = {u.actor_id for u in updates if u.actor_id}
        names = Names(people=await uow.people_directory.names(actor.org, people) if people else {})
    return updates, names


async def add_comment(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, text: str, internal: bool
) -> tuple[Comment, str]:
    """The comment and its author's display name."""
    now = clock.now()
    text = required_text(text, "text")
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        staff = reader_scope(actor) is None
        if internal and not staff:
            raise PermissionDenied("only staff write internal notes")
        if ticket.status is TicketStatus.CLOSED:
            raise Conflict("the ticket is closed")
        comment = Comment(
            ticket_id=ticket.id,
            organization_id=actor.org,
            author_id=actor_ref(actor),
            text=text,
            internal=internal,
            created_at=now,
        )
        await uow.tickets.add_comment(comment)
        expected = ticket.version
        if staff and not internal and ticket.responded_at is None:
            ticket.responded_at = now  # a public answer from staff is a response for the SLA
        ticket.updated_at = now
        ticket.version += 1
        await uow.tickets.update(ticket, expected_version=expected)
        await uow.tickets.add_update(
            TicketUpdate(
                ticket_id=ticket.id,
                organization_id=actor.org,
                kind=UpdateKind.COMMENTED,
                at=now,
                actor_id=actor_ref(actor),
                note=text,
                internal=internal,
                data={"comment_id": str(comment.id)},
            )
        )
        uow.record(ticket.event("ticket.updated", now))
        ref = actor_ref(actor)
        names = await uow.people_directory.names(actor.org, {ref}) if ref else {}
        await uow.commit()
    return comment, names.get(ref, "") if ref else ""

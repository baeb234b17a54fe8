"""Assigning a maintenance request: the operations context's ticket, and the identity context's word
on whether the assignee may work it.

Only a member of the organization whose roles (built-in or the organization's custom ones) grant
``maintenance:update`` may be assigned a request. Identity knows what a member's roles grant
(``Membership.permissions``, its role table and the custom roles' grants); operations knows which
grant working a request takes (``access.may_work_tickets``). Both run here, in the ticket's
transaction, so adapters only load the membership.
"""

from __future__ import annotations

from abc import ABC
from uuid import UUID

from pmsaas.domain.identity.ports import IdentityUnitOfWork
from pmsaas.domain.operations import tickets
from pmsaas.domain.operations.access import actor_ref, may_work_tickets, required_text, visible_ticket
from pmsaas.domain.operations.categories import check_category
from pmsaas.domain.operations.model import TicketAction, TicketUpdate, action_towards
from pmsaas.domain.operations.ports import OperationsUnitOfWork
from pmsaas.domain.operations.tickets import KEEP, TicketChanges, TicketDetails, record_resolution, save_ticket
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound, ValidationFailed


class TicketAssignmentUnitOfWork(IdentityUnitOfWork, OperationsUnitOfWork, ABC):
    """One transaction over the identity and the operations ports."""


async def check_assignee(uow: TicketAssignmentUnitOfWork, actor: Actor, assignee_id: UUID, field_name: str) -> None:
    """A 422 on ``field_name`` unless the assignee is a member here whose roles may work requests."""
    membership = await uow.memberships.find(actor.org, assignee_id)
    if membership is not None:
        try:
            await uow.users.get(assignee_id)  # a deleted account is no member
        except NotFound:
            membership = None
    if membership is None:
        raise ValidationFailed.single(field_name, "no such user in this organization")
    if not may_work_tickets(membership.permissions):
        raise ValidationFailed.single(field_name, "this user's roles may not work maintenance requests")


async def update_ticket(
    *, uow: TicketAssignmentUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, changes: TicketChanges
) -> TicketDetails:
    """The ticketing PATCH: edits, (re)assignment and a status move in one transaction."""
    actor.require("maintenance:update")
    now = clock.now()
    who = actor_ref(actor)
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        updates: list[TicketUpdate] = []
        category = await check_category(uow, actor.org, changes.category) if changes.category is not None else None
        edited = ticket.edit(
            now,
            who,
            title=required_text(changes.title, "title") if changes.title is not None else None,
            description=changes.description.strip() if changes.description is not None else None,
            category=category,
            priority=changes.priority,
        )
        if edited:
            updates.append(edited)
        if changes.assignee_id is not KEEP and changes.assignee_id != ticket.assignee_id:
            actor.require("maintenance:assign")
            if changes.assignee_id is not None:
                await check_assignee(uow, actor, changes.assignee_id, "assigned_to")
            updates.append(ticket.assign(changes.assignee_id, now, who))
        resolved = False
        if changes.status is not None and changes.status != ticket.status:
            action = action_towards(ticket.status, changes.status)
            updates.append(ticket.apply(action, now, who))
            resolved = action is TicketAction.RESOLVE
        if updates:
            await save_ticket(uow, ticket, expected, updates)
            uow.record(ticket.event("ticket.updated", now))
            if resolved:
                record_resolution(uow, ticket, now)
        details = await tickets.ticket_details(uow, actor, ticket)
        await uow.commit()
    return details


async def assign_ticket(
    *, uow: TicketAssignmentUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, assignee_id: UUID
) -> TicketDetails:
    actor.require("maintenance:assign")
    now = clock.now()
    async with uow:
        ticket = await visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        await check_assignee(uow, actor, assignee_id, "assignee_id")
        update = ticket.assign(assignee_id, now, actor_ref(actor))
        await save_ticket(uow, ticket, expected, [update])
        uow.record(ticket.event("ticket.updated", now))
        details = await tickets.ticket_details(uow, actor, ticket)
        await uow.commit()
    return details

"""Work orders: a vendor's scheduled work on a maintenance request. Starting, completing or
cancelling one writes to the request's history (and may move the request itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.operations.access import actor_ref, required_text
from pmsaas.domain.operations.model import (
    Ticket,
    TicketAction,
    TicketStatus,
    TicketUpdate,
    UpdateKind,
    WorkOrder,
    WorkOrderStatus,
)
from pmsaas.domain.operations.ports import OperationsUnitOfWork, WorkOrderFilter
from pmsaas.domain.operations.tickets import record_resolution, save_ticket
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest


@dataclass(frozen=True)
class WorkOrderInput:
    ticket_id: UUID
    vendor_id: UUID
    description: str
    scheduled_start: datetime
    scheduled_end: datetime
    estimated_cost: Money


async def create_work_order(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, data: WorkOrderInput
) -> WorkOrder:
    now = clock.now()
    if data.estimated_cost.amount < 0:
        raise ValidationFailed.single("estimated_cost.amount", "must not be negative")
    async with uow:
        try:
            ticket = await uow.tickets.get(actor.org, data.ticket_id)
        except NotFound:
            raise ValidationFailed.single("maintenance_request_id", "no such maintenance request") from None
        if not ticket.is_active:
            raise Conflict(f"the maintenance request is {ticket.status.value}")
        try:
            vendor = await uow.vendors.get(actor.org, data.vendor_id)
        except NotFound:
            raise ValidationFailed.single("vendor_id", "no such vendor") from None
        if not vendor.active:
            raise ValidationFailed.single("vendor_id", "the vendor is inactive")
        order = WorkOrder(
            organization_id=actor.org,
            ticket_id=ticket.id,
            vendor_id=vendor.id,
            description=required_text(data.description, "description"),
            scheduled_start=data.scheduled_start,
            scheduled_end=data.scheduled_end,
            estimated_cost=data.estimated_cost,
            created_at=now,
            updated_at=now,
        )
        await uow.work_orders.add(order)
        await uow.tickets.add_update(
            TicketUpdate(
                ticket_id=ticket.id,
                organization_id=actor.org,
                kind=UpdateKind.WORK_ORDER,
                at=now,
                actor_id=actor_ref(actor),
                note=f"work order scheduled with {vendor.name}",
                data={"work_order_id": str(order.id), "status": order.status.value},
            )
        )
        uow.record(order.event("work_order.created", now))
        await uow.commit()
    return order


async def update_work_order(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID, data: WorkOrderInput
) -> WorkOrder:
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        if order.status is not WorkOrderStatus.SCHEDULED:
            raise Conflict(f"a work order that is {order.status.value} cannot be changed")
        if data.ticket_id != order.ticket_id:
            raise ValidationFailed.single("maintenance_request_id", "a work order cannot move to another request")
        if data.vendor_id != order.vendor_id:
            vendor = await uow.vendors.get(actor.org, data.vendor_id)
            if not vendor.active:
                raise ValidationFailed.single("vendor_id", "the vendor is inactive")
        expected = order.version
        changed = WorkOrder(
            **{
                **order.__dict__,
                "vendor_id": data.vendor_id,
                "description": required_text(data.description, "description"),
                "scheduled_start": data.scheduled_start,
                "scheduled_end": data.scheduled_end,
                "estimated_cost": data.estimated_cost,
                "updated_at": now,
                "version": order.version + 1,
            }
        )
        await uow.work_orders.update(changed, expected_version=expected)
        await uow.commit()
    return changed


async def get_work_order(*, uow: OperationsUnitOfWork, actor: Actor, order_id: UUID) -> WorkOrder:
    async with uow:
        return await uow.work_orders.get(actor.org, order_id)


async def list_work_orders(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: WorkOrderFilter, page: PageRequest
) -> Page[WorkOrder]:
    async with uow:
        if filters.vendor_id is not None:
            await uow.vendors.get(actor.org, filters.vendor_id)
        return await uow.work_orders.list(actor.org, filters, page)


async def delete_work_order(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID) -> None:
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        if order.status in (WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.COMPLETED):
            raise Conflict(f"a work order that is {order.status.value} is kept; cancel it instead")
        await uow.work_orders.delete(actor.org, order_id, clock.now())
        await uow.commit()


async def _work_order_step(
    uow: OperationsUnitOfWork, actor: Actor, order: WorkOrder, ticket: Ticket, now: datetime, note: str
) -> None:
    await uow.tickets.add_update(
        TicketUpdate(
            ticket_id=ticket.id,
            organization_id=actor.org,
            kind=UpdateKind.WORK_ORDER,
            at=now,
            actor_id=actor_ref(actor),
            note=note,
            data={"work_order_id": str(order.id), "status": order.status.value},
        )
    )


async def start_work_order(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID) -> WorkOrder:
    """Starting work also starts the request if it was still open."""
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        ticket = await uow.tickets.get(actor.org, order.ticket_id)
        expected = order.version
        order.start(now)
        await uow.work_orders.update(order, expected_version=expected)
        await _work_order_step(uow, actor, order, ticket, now, "work order started")
        if ticket.status is TicketStatus.OPEN:
            t_expected = ticket.version
            await save_ticket(uow, ticket, t_expected, [ticket.apply(TicketAction.START, now, actor_ref(actor))])
            uow.record(ticket.event("ticket.updated", now))
        uow.record(order.event("work_order.started", now))
        await uow.commit()
    return order


@dataclass(frozen=True)
class CompletedWork:
    """A work order just completed inside an open unit of work, with its request."""

    order: WorkOrder
    ticket: Ticket


async def record_completion(
    uow: OperationsUnitOfWork, actor: Actor, order_id: UUID, actual_cost: Money, now: datetime
) -> CompletedWork:
    """The first step of completing a work order, inside the caller's open unit of work (no commit):
    the order completed at ``actual_cost`` and the request's history. The cross-context use case
    (``pmsaas.domain.flows.work_order_costs``) books the cost, then calls :func:`resolve_if_last`."""
    order = await uow.work_orders.get(actor.org, order_id)
    ticket = await uow.tickets.get(actor.org, order.ticket_id)
    expected = order.version
    order.complete(now, actual_cost)
    await uow.work_orders.update(order, expected_version=expected)
    await _work_order_step(uow, actor, order, ticket, now, "work order completed")
    uow.record(order.event("work_order.completed", now))
    return CompletedWork(order, ticket)


async def resolve_if_last(uow: OperationsUnitOfWork, actor: Actor, done: CompletedWork, now: datetime) -> None:
    """Completing the last open work order of a request resolves the request (no commit)."""
    ticket = done.ticket
    others = [o for o in await uow.work_orders.for_ticket(actor.org, ticket.id) if o.id != done.order.id]
    if not any(o.is_open for o in others) and ticket.status is TicketStatus.IN_PROGRESS:
        t_expected = ticket.version
        await save_ticket(uow, ticket, t_expected, [ticket.apply(TicketAction.RESOLVE, now, actor_ref(actor))])
        uow.record(ticket.event("ticket.updated", now))
        record_resolution(uow, ticket, now)


async def cancel_work_order(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID) -> WorkOrder:
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        ticket = await uow.tickets.get(actor.org, order.ticket_id)
        expected = order.version
        order.cancel(now)
        await uow.work_orders.update(order, expected_version=expected)
        await _work_order_step(uow, actor, order, ticket, now, "work order cancelled")
        uow.record(order.event("work_order.cancelled", now))
        await uow.commit()
    return order

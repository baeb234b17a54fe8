"""Completing a work order books its cost as a pending maintenance expense.

Operations completes the order (and resolves the request when it was the last open one); the
financial context records the cost as an ``Expense`` awaiting approval, in the same transaction, so
the cost is never lost and never booked twice. Nothing is booked for a zero cost or for a cost in a
currency other than the organization's (an expense is always in the books' currency).
"""

from __future__ import annotations

from abc import ABC
from datetime import datetime
from uuid import UUID

from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.operations import work_orders
from pmsaas.domain.operations.model import WorkOrder
from pmsaas.domain.operations.ports import OperationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.money import Money


class WorkOrderCostsUnitOfWork(OperationsUnitOfWork, FinancialUnitOfWork, ABC):
    """One transaction over the operations and the financial ports."""


async def complete_work_order(
    *, uow: WorkOrderCostsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID, actual_cost: Money
) -> WorkOrder:
    """Complete the work order, book its cost, resolve the request if no work order is left open."""
    now = clock.now()
    async with uow:
        done = await work_orders.record_completion(uow, actor, order_id, actual_cost, now)
        if actual_cost.is_positive:
            await _book_cost(uow, actor.org, done, actual_cost, now)
        await work_orders.resolve_if_last(uow, actor, done, now)
        await uow.commit()
    return done.order


async def _book_cost(
    uow: WorkOrderCostsUnitOfWork, org: UUID, done: work_orders.CompletedWork, cost: Money, now: datetime
) -> None:
    order, ticket = done.order, done.ticket
    vendor = await uow.vendors.get(org, order.vendor_id)
    profile = await uow.organization_profiles.get(org)
    if cost.currency != profile.currency or not cost.is_positive:
        return
    expense = Expense(
        organization_id=org,
        category="maintenance",
        description=f"Work order {order.id}: {ticket.title}: {order.description}"[:300],
        amount=cost,
        expense_date=local_today(profile.time_zone, now),  # the organization's day, as the books
        vendor=vendor.name,
        property_id=ticket.property_id,
        created_at=now,
        updated_at=now,
    )
    await uow.expenses.add(expense)
    uow.record(expense.event("expense.created", now))

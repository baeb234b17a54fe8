"""The work-order cost flow (``pmsaas.domain.flows.work_order_costs``) over the fakes, SQL on SQLite and
SQL on PostgreSQL: completing a work order books its cost in the financial context's expenses, in the
same transaction, through the unit of work's ``expenses`` and ``organization_profiles`` ports.

Unlike the repository suites these tests commit (the flow is a whole use case, one transaction); new
organization ids keep them apart all the same."""

from __future__ import annotations

from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.expenses import ExpenseStatus
from pmsaas.domain.flows import work_order_costs
from pmsaas.domain.operations.model import Ticket, TicketAction, TicketStatus, WorkOrder, WorkOrderStatus
from pmsaas.domain.organizations.model import Organization
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

DONE_AT = b.at(3600)


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _manager(org: UUID) -> Actor:
    return Actor(new_id(), org, frozenset({"PropertyManager"}), frozenset({"workorder:*", "maintenance:*"}))


async def _work_in_progress(make_uow, org: Organization | None, *estimates: Money) -> tuple[Ticket, list[WorkOrder]]:
    """A started request with one started work order per estimate, committed; ``org=None``: the
    organization's row is missing (the operations rows carry an id the books do not know)."""
    org_id = org.id if org is not None else new_id()
    t = b.ticket(org_id, new_id(), title="Leak")
    t.apply(TicketAction.START, b.at(10), None)
    v = b.vendor(org_id, "Aqua")
    orders = [b.work_order(org_id, t.id, v.id, description="Pipe", estimated_cost=e) for e in estimates]
    async with make_uow() as uow:
        if org is not None:
            await uow.organizations.add(org)
        await uow.tickets.add(t)
        await uow.vendors.add(v)
        for o in orders:
            o.start(b.at(20))
            await uow.work_orders.add(o)
        await uow.commit()
    return t, orders


def _noting_commits(uow) -> list[DomainEvent]:  # type: ignore[no-untyped-def]
    """The events the unit of work's commits write to the outbox (a commit empties ``uow.events``)."""
    written: list[DomainEvent] = []
    commit = uow.commit

    async def commit_and_note() -> None:
        written.extend(uow.events)
        await commit()

    uow.commit = commit_and_note
    return written


async def _complete(make_uow, org_id: UUID, order: WorkOrder, cost: Money) -> list[DomainEvent]:  # type: ignore[no-untyped-def]
    uow = make_uow()
    written = _noting_commits(uow)
    await work_order_costs.complete_work_order(
        uow=uow, clock=FixedClock(DONE_AT), actor=_manager(org_id), order_id=order.id, actual_cost=cost
    )
    return written


async def test_a_positive_cost_in_the_books_currency_is_booked_as_a_pending_maintenance_expense(make_uow):
    org = b.organization(country="IN")
    t, [order] = await _work_in_progress(make_uow, org, Money.of("1500.00", "INR"))
    written = await _complete(make_uow, org.id, order, Money.of("1200.00", "INR"))

    [event] = [e for e in written if e.name == "expense.created"]
    assert event.organization_id == org.id and event.occurred_at == DONE_AT
    assert event.data["amount"] == {"amount": "1200.00", "currency": "INR"}
    assert (event.data["category"], event.data["status"]) == ("maintenance", "pending")
    async with make_uow() as uow:
        [expense] = (await uow.expenses.list(org.id, "pending", PageRequest())).items
        assert str(expense.id) == event.data["expense_id"]
        assert expense.amount == Money.of("1200.00", "INR")
        assert (expense.vendor, expense.property_id) == ("Aqua", t.property_id)
        assert (expense.category, expense.status) == ("maintenance", ExpenseStatus.PENDING)
        assert expense.expense_date == DONE_AT.date()
        assert expense.description == f"Work order {order.id}: Leak: Pipe"
        assert (await uow.work_orders.get(org.id, order.id)).status is WorkOrderStatus.COMPLETED
        assert (await uow.tickets.get(org.id, t.id)).status is TicketStatus.RESOLVED  # its last open work


async def test_a_zero_cost_or_one_outside_the_books_currency_books_nothing(make_uow):
    org = b.organization(country="IN")
    costs = (Money.of("0", "INR"), Money.of("90.00", "CAD"))
    _, orders = await _work_in_progress(make_uow, org, *(Money.zero(c.currency) for c in costs))
    for order, cost in zip(orders, costs, strict=True):
        written = await _complete(make_uow, org.id, order, cost)
        assert "work_order.completed" in [e.name for e in written]
        assert "expense.created" not in [e.name for e in written]
    async with make_uow() as uow:
        assert (await uow.expenses.list(org.id, None, PageRequest())).total == 0
        for order in orders:
            assert (await uow.work_orders.get(org.id, order.id)).status is WorkOrderStatus.COMPLETED


async def test_without_the_organizations_books_nothing_is_completed(make_uow):
    t, [order] = await _work_in_progress(make_uow, None, Money.of("1500.00", "INR"))
    with pytest.raises(NotFound):
        await _complete(make_uow, t.organization_id, order, Money.of("1200.00", "INR"))
    async with make_uow() as uow:  # one transaction: the completion went with the failed booking
        assert (await uow.work_orders.get(t.organization_id, order.id)).status is WorkOrderStatus.IN_PROGRESS
        assert (await uow.expenses.list(t.organization_id, None, PageRequest())).total == 0

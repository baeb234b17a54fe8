"""Operations use cases over the in-memory fakes of the ports: one transaction each, events recorded
only on commit, the visibility and assignment rules, work orders resolving their request."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from fakes import builders as b
from pmsaas.domain.financial.expenses import ExpenseStatus
from pmsaas.domain.flows import ticket_assignment, work_order_costs
from pmsaas.domain.operations import tickets, vendors, work_orders
from pmsaas.domain.operations.access import may_work_tickets
from pmsaas.domain.operations.model import Priority, Ticket, TicketStatus
from pmsaas.domain.operations.ports import TicketFilter
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

ORG = uuid.uuid4()
PROPERTY, UNIT_A, UNIT_B = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
TENANT_A, TENANT_B = uuid.uuid4(), uuid.uuid4()
STAFF, GUARD, TENANT_USER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def seeded() -> FakeDatabase:
    """One Indian organization: a property with two let units, a custom category, and three members
    (maintenance staff who may work tickets, a guard and a tenant who may not)."""
    db = FakeDatabase()
    db.organizations[ORG] = b.organization(id=ORG)
    db.properties.put(ORG, PROPERTY, b.prop(ORG, "Seaside Apartments", id=PROPERTY))
    for unit_id, name, tenant_id in ((UNIT_A, "Unit 101", TENANT_A), (UNIT_B, "Unit 102", TENANT_B)):
        unit = b.unit(ORG, PROPERTY, name, id=unit_id)
        db.units.put(ORG, unit_id, unit)
        db.tenants.put(ORG, tenant_id, b.tenant(ORG, PROPERTY, id=tenant_id))
        lease = b.lease(ORG, unit, tenant_id, status=LeaseStatus.ACTIVE)
        db.leases.put(ORG, lease.id, lease)
    for user_id, role in ((STAFF, "MaintenanceStaff"), (GUARD, "SecurityStaff"), (TENANT_USER, "Tenant")):
        db.users[user_id] = b.user(id=user_id)
        db.memberships[(ORG, user_id)] = b.membership(ORG, user_id, role)
    db.ticket_categories[(ORG, "elevator")] = b.T0
    return db


def published(uow: FakeUnitOfWork) -> list[str]:
    return [e.name for e in uow.committed_events]


def stored(uow: FakeUnitOfWork, ticket: Ticket) -> Ticket:
    found = uow.db.tickets.find(ORG, ticket.id)
    assert found is not None
    return found


MANAGER = Actor(
    uuid.uuid4(), ORG, frozenset({"PropertyManager"}), frozenset({"maintenance:*", "workorder:*", "vendor:*"})
)


def tenant(profile=TENANT_A) -> Actor:
    return Actor(TENANT_USER, ORG, frozenset({"Tenant"}), frozenset({"maintenance:create"}), tenant_profile_id=profile)


def new(unit=UNIT_A, **kw) -> tickets.NewTicket:
    values = {"title": "Leak", "description": "", "category": "plumbing", "priority": Priority.HIGH}
    values.update(kw)
    return tickets.NewTicket(property_id=PROPERTY, unit_id=unit, **values)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(seeded())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC))


async def test_create_is_one_transaction_with_both_event_names(uow, clock):
    d = await tickets.create_ticket(uow=uow, clock=clock, actor=tenant(), data=new())
    assert uow.transactions == 1
    assert published(uow) == ["ticket.created", "maintenance.created"]
    assert d.ticket.tenant_id == TENANT_A and d.ticket.requester_id == TENANT_USER
    assert d.names.units[UNIT_A] == "Unit 101"


async def test_a_failed_use_case_publishes_nothing(uow, clock):
    with pytest.raises(ValidationFailed):
        await tickets.create_ticket(uow=uow, clock=clock, actor=tenant(), data=new(unit=UNIT_B))
    with pytest.raises(ValidationFailed):
        await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new(category="unicorns"))
    assert published(uow) == [] and uow.db.tickets.of(ORG) == []
    d = await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new(category="Elevator"))
    assert d.ticket.category == "elevator"  # a custom category


async def test_tenants_see_only_their_own(uow, clock):
    mine = (await tickets.create_ticket(uow=uow, clock=clock, actor=tenant(), data=new())).ticket
    theirs = (await tickets.create_ticket(uow=uow, clock=clock, actor=tenant(TENANT_B), data=new(UNIT_B))).ticket
    page, _ = await tickets.list_tickets(uow=uow, actor=tenant(), filters=TicketFilter(), page=PageRequest())
    assert [t.id for t in page.items] == [mine.id]
    with pytest.raises(NotFound):
        await tickets.get_ticket(uow=uow, actor=tenant(), ticket_id=theirs.id)
    with pytest.raises(PermissionDenied):
        await ticket_assignment.update_ticket(
            uow=uow, clock=clock, actor=tenant(), ticket_id=mine.id, changes=tickets.TicketChanges(title="x")
        )
    outsider = Actor(uuid.uuid4(), ORG, frozenset({"SecurityStaff"}), frozenset({"visitor:*"}))
    with pytest.raises(PermissionDenied):
        await tickets.get_ticket(uow=uow, actor=outsider, ticket_id=mine.id)


async def test_assignment_rules(uow, clock):
    t = (await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new())).ticket
    for who in (GUARD, TENANT_USER, uuid.uuid4()):
        with pytest.raises(ValidationFailed):
            await ticket_assignment.assign_ticket(uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id, assignee_id=who)
    d = await ticket_assignment.assign_ticket(uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id, assignee_id=STAFF)
    assert d.ticket.assignee_id == STAFF and d.ticket.responded_at == clock.now()


@pytest.mark.parametrize(
    ("grants", "works"),
    [
        ({"maintenance:update"}, True),
        ({"maintenance:*"}, True),
        ({"*"}, True),
        ({"maintenance:read", "maintenance:create", "workorder:*"}, False),
        (set(), False),
    ],
)
def test_working_a_request_takes_the_maintenance_update_grant(grants, works):
    assert may_work_tickets(frozenset(grants)) is works


async def test_patch_moves_one_legal_step_and_resolution_publishes(uow, clock):
    t = (await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new())).ticket
    with pytest.raises(Conflict):
        await ticket_assignment.update_ticket(
            uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id,
            changes=tickets.TicketChanges(status=TicketStatus.RESOLVED),
        )  # fmt: skip
    for status in (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED):
        clock.move_to(clock.now() + timedelta(minutes=5))
        await ticket_assignment.update_ticket(
            uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id, changes=tickets.TicketChanges(status=status)
        )
    assert published(uow).count("ticket.resolved") == 1 and published(uow).count("maintenance.completed") == 1
    assert stored(uow, t).status is TicketStatus.RESOLVED


async def test_the_last_open_work_order_resolves_the_request(uow, clock):
    t = (await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new())).ticket
    vendor = await vendors.create_vendor(
        uow=uow, clock=clock, actor=MANAGER,
        data=vendors.VendorInput(name="Aqua", trades=["plumbing"], service_areas=[]),
    )  # fmt: skip
    data = work_orders.WorkOrderInput(
        ticket_id=t.id,
        vendor_id=vendor.id,
        description="Fix",
        scheduled_start=clock.now(),
        scheduled_end=clock.now() + timedelta(hours=4),
        estimated_cost=Money.of("100.00", "INR"),
    )
    a = await work_orders.create_work_order(uow=uow, clock=clock, actor=MANAGER, data=data)
    b = await work_orders.create_work_order(uow=uow, clock=clock, actor=MANAGER, data=data)
    await work_orders.start_work_order(uow=uow, clock=clock, actor=MANAGER, order_id=a.id)
    assert stored(uow, t).status is TicketStatus.IN_PROGRESS
    await work_order_costs.complete_work_order(
        uow=uow, clock=clock, actor=MANAGER, order_id=a.id, actual_cost=Money.of("120.00", "INR")
    )
    assert stored(uow, t).status is TicketStatus.IN_PROGRESS  # b is still open
    await work_orders.start_work_order(uow=uow, clock=clock, actor=MANAGER, order_id=b.id)
    await work_order_costs.complete_work_order(
        uow=uow, clock=clock, actor=MANAGER, order_id=b.id, actual_cost=Money.of("80.00", "INR")
    )
    assert stored(uow, t).status is TicketStatus.RESOLVED
    assert published(uow).count("work_order.completed") == 2 and published(uow).count("ticket.resolved") == 1
    booked = uow.expenses.of(ORG)
    assert [e.amount for e in booked] == [Money.of("120.00", "INR"), Money.of("80.00", "INR")]
    assert booked[0].vendor == "Aqua" and booked[0].property_id == PROPERTY
    assert {(e.category, e.status) for e in booked} == {("maintenance", ExpenseStatus.PENDING)}
    assert published(uow).count("expense.created") == 2
    perf = await vendors.vendor_performance(
        uow=uow,
        actor=MANAGER,
        vendor_id=vendor.id,
        start=clock.now() - timedelta(days=1),
        end=clock.now() + timedelta(days=1),
    )
    assert perf.work_orders_completed == 2 and perf.actual_total == Money.of("200.00", "INR")
    with pytest.raises(Conflict):
        await work_orders.create_work_order(uow=uow, clock=clock, actor=MANAGER, data=data)  # resolved: no new work


async def test_a_cost_outside_the_books_currency_or_zero_books_no_expense(uow, clock):
    t = (await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new())).ticket
    vendor = await vendors.create_vendor(
        uow=uow, clock=clock, actor=MANAGER,
        data=vendors.VendorInput(name="Aqua", trades=["plumbing"], service_areas=[]),
    )  # fmt: skip
    costs = (Money.of("50.00", "USD"), Money.of("0.00", "INR"))
    orders = [
        await work_orders.create_work_order(
            uow=uow,
            clock=clock,
            actor=MANAGER,
            data=work_orders.WorkOrderInput(
                ticket_id=t.id,
                vendor_id=vendor.id,
                description="Fix",
                scheduled_start=clock.now(),
                scheduled_end=clock.now() + timedelta(hours=4),
                estimated_cost=Money.zero(cost.currency),
            ),
        )
        for cost in costs
    ]
    for order, cost in zip(orders, costs, strict=True):
        await work_orders.start_work_order(uow=uow, clock=clock, actor=MANAGER, order_id=order.id)
        await work_order_costs.complete_work_order(
            uow=uow, clock=clock, actor=MANAGER, order_id=order.id, actual_cost=cost
        )
    assert uow.expenses.of(ORG) == [] and "expense.created" not in published(uow)
    assert published(uow).count("work_order.completed") == 2

"""Operations use cases over in-memory fakes of the ports: one transaction each, events recorded
only on commit, the visibility and assignment rules, work orders resolving their request."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from pmsaas.domain.financial.ports import OrganizationProfile
from pmsaas.domain.flows import work_order_costs
from pmsaas.domain.flows.work_order_costs import WorkOrderCostsUnitOfWork
from pmsaas.domain.operations import tickets, vendors, work_orders
from pmsaas.domain.operations.model import Priority, TicketStatus
from pmsaas.domain.operations.ports import (
    CategoryRepository,
    PeopleDirectory,
    PropertyDirectory,
    TicketFilter,
    TicketRepository,
    VendorRepository,
    WorkOrderRepository,
)
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

ORG = uuid.uuid4()
PROPERTY, UNIT_A, UNIT_B = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
TENANT_A, TENANT_B = uuid.uuid4(), uuid.uuid4()
STAFF, GUARD, TENANT_USER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class FakeTickets(TicketRepository):
    def __init__(self) -> None:
        self.rows: dict = {}
        self.history: list = []
        self.notes: list = []
        self.files: list = []

    async def add(self, ticket):
        self.rows[ticket.id] = replace(ticket)

    async def get(self, organization_id, ticket_id):
        t = self.rows.get(ticket_id)
        if t is None or t.organization_id != organization_id:
            raise NotFound("ticket", ticket_id)
        return replace(t)

    async def update(self, ticket, expected_version):
        if self.rows[ticket.id].version != expected_version:
            raise Conflict("stale")
        self.rows[ticket.id] = replace(ticket)

    async def delete(self, organization_id, ticket_id, at):
        del self.rows[ticket_id]

    async def list(self, organization_id, filters, page):
        items = [t for t in self.rows.values() if t.organization_id == organization_id]
        if filters.tenant_id:
            items = [t for t in items if t.tenant_id == filters.tenant_id]
        return Page(items=items, total=len(items), page=1, page_size=page.page_size)

    async def add_update(self, update):
        self.history.append(update)

    async def updates(self, organization_id, ticket_id, *, include_internal):
        return [u for u in self.history if u.ticket_id == ticket_id and (include_internal or not u.internal)]

    async def add_comment(self, comment):
        self.notes.append(comment)

    async def comments(self, organization_id, ticket_id, *, include_internal):
        return [c for c in self.notes if c.ticket_id == ticket_id and (include_internal or not c.internal)]

    async def add_attachment(self, attachment):
        self.files.append(attachment)

    async def attachments(self, organization_id, ticket_id):
        return [a for a in self.files if a.ticket_id == ticket_id]

    async def get_attachment(self, organization_id, ticket_id, attachment_id):
        raise NotFound("attachment", attachment_id)

    async def active_counts(self, organization_id, property_ids):
        return {}

    async def assignee_properties(self, organization_id, user_ids):
        return {}


class FakeWorkOrders(WorkOrderRepository):
    def __init__(self) -> None:
        self.rows: dict = {}

    async def add(self, order):
        self.rows[order.id] = replace(order)

    async def get(self, organization_id, order_id):
        o = self.rows.get(order_id)
        if o is None or o.organization_id != organization_id:
            raise NotFound("work order", order_id)
        return replace(o)

    async def update(self, order, expected_version):
        assert self.rows[order.id].version == expected_version
        self.rows[order.id] = replace(order)

    async def delete(self, organization_id, order_id, at):
        del self.rows[order_id]

    async def list(self, organization_id, filters, page):
        items = [o for o in self.rows.values() if filters.vendor_id in (None, o.vendor_id)]
        return Page(items=items, total=len(items), page=1, page_size=page.page_size)

    async def for_ticket(self, organization_id, ticket_id):
        return [replace(o) for o in self.rows.values() if o.ticket_id == ticket_id]

    async def finished_for_vendor(self, organization_id, vendor_id, start, end):
        return [o for o in self.rows.values() if o.vendor_id == vendor_id]


class FakeVendors(VendorRepository):
    def __init__(self) -> None:
        self.rows: dict = {}

    async def add(self, vendor):
        self.rows[vendor.id] = vendor

    async def get(self, organization_id, vendor_id):
        v = self.rows.get(vendor_id)
        if v is None or v.organization_id != organization_id:
            raise NotFound("vendor", vendor_id)
        return v

    async def update(self, vendor, expected_version):
        self.rows[vendor.id] = vendor

    async def delete(self, organization_id, vendor_id, at):
        del self.rows[vendor_id]

    async def list(self, organization_id, filters, page):
        return Page(items=list(self.rows.values()), total=len(self.rows), page=1, page_size=page.page_size)


class FakeCategories(CategoryRepository):
    async def custom(self, organization_id):
        return ["elevator"]

    async def add(self, organization_id, name, at):
        return None


class FakePlaces(PropertyDirectory):
    async def property_exists(self, organization_id, property_id):
        return organization_id == ORG and property_id == PROPERTY

    async def unit_in_property(self, organization_id, unit_id, property_id):
        return unit_id in (UNIT_A, UNIT_B) and property_id == PROPERTY

    async def units_of_tenant(self, organization_id, tenant_id):
        return {TENANT_A: {UNIT_A}, TENANT_B: {UNIT_B}}.get(tenant_id, set())

    async def property_names(self, organization_id, property_ids):
        return {PROPERTY: "Seaside Apartments"}

    async def unit_names(self, organization_id, unit_ids):
        return {UNIT_A: "Unit 101", UNIT_B: "Unit 102"}


class FakePeople(PeopleDirectory):
    async def names(self, organization_id, ids):
        return {i: "Someone" for i in ids}

    async def can_work_tickets(self, organization_id, user_id):
        return {STAFF: True, GUARD: False, TENANT_USER: False}.get(user_id)

    async def people(self, organization_id, filters, page):
        raise NotImplementedError

    async def person(self, organization_id, user_id):
        raise NotImplementedError


class FakeExpenses:
    """The financial side of a completed work order: the expenses it books."""

    def __init__(self) -> None:
        self.booked: list = []

    async def add(self, expense) -> None:
        self.booked.append(expense)


class FakeProfiles:
    async def get(self, organization_id):
        return OrganizationProfile(organization_id, "IN", "MH", "INR", "INV-{seq}", "RCP-{seq}")


class FakeUow(WorkOrderCostsUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.tickets = FakeTickets()
        self.work_orders = FakeWorkOrders()
        self.vendors = FakeVendors()
        self.ticket_categories = FakeCategories()
        self.property_directory = FakePlaces()
        self.people_directory = FakePeople()
        self.expenses = FakeExpenses()
        self.organization_profiles = FakeProfiles()
        self.transactions = 0
        self.published: list[str] = []

    async def _begin(self):
        self.transactions += 1

    async def commit(self):
        self.published += [e.name for e in self.events]
        self.events = []

    async def rollback(self):
        self.events = []


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
def uow() -> FakeUow:
    return FakeUow()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC))


async def test_create_is_one_transaction_with_both_event_names(uow, clock):
    d = await tickets.create_ticket(uow=uow, clock=clock, actor=tenant(), data=new())
    assert uow.transactions == 1
    assert uow.published == ["ticket.created", "maintenance.created"]
    assert d.ticket.tenant_id == TENANT_A and d.ticket.requester_id == TENANT_USER
    assert d.names.units[UNIT_A] == "Unit 101"


async def test_a_failed_use_case_publishes_nothing(uow, clock):
    with pytest.raises(ValidationFailed):
        await tickets.create_ticket(uow=uow, clock=clock, actor=tenant(), data=new(unit=UNIT_B))
    with pytest.raises(ValidationFailed):
        await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new(category="unicorns"))
    assert uow.published == [] and uow.tickets.rows == {}
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
        await tickets.update_ticket(
            uow=uow, clock=clock, actor=tenant(), ticket_id=mine.id, changes=tickets.TicketChanges(title="x")
        )
    outsider = Actor(uuid.uuid4(), ORG, frozenset({"SecurityStaff"}), frozenset({"visitor:*"}))
    with pytest.raises(PermissionDenied):
        await tickets.get_ticket(uow=uow, actor=outsider, ticket_id=mine.id)


async def test_assignment_rules(uow, clock):
    t = (await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new())).ticket
    for who in (GUARD, TENANT_USER, uuid.uuid4()):
        with pytest.raises(ValidationFailed):
            await tickets.assign_ticket(uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id, assignee_id=who)
    d = await tickets.assign_ticket(uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id, assignee_id=STAFF)
    assert d.ticket.assignee_id == STAFF and d.ticket.responded_at == clock.now()


async def test_patch_moves_one_legal_step_and_resolution_publishes(uow, clock):
    t = (await tickets.create_ticket(uow=uow, clock=clock, actor=MANAGER, data=new())).ticket
    with pytest.raises(Conflict):
        await tickets.update_ticket(
            uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id,
            changes=tickets.TicketChanges(status=TicketStatus.RESOLVED),
        )  # fmt: skip
    for status in (TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED):
        clock.move_to(clock.now() + timedelta(minutes=5))
        await tickets.update_ticket(
            uow=uow, clock=clock, actor=MANAGER, ticket_id=t.id, changes=tickets.TicketChanges(status=status)
        )
    assert uow.published.count("ticket.resolved") == 1 and uow.published.count("maintenance.completed") == 1
    assert uow.tickets.rows[t.id].status is TicketStatus.RESOLVED


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
    assert uow.tickets.rows[t.id].status is TicketStatus.IN_PROGRESS
    await work_order_costs.complete_work_order(
        uow=uow, clock=clock, actor=MANAGER, order_id=a.id, actual_cost=Money.of("120.00", "INR")
    )
    assert uow.tickets.rows[t.id].status is TicketStatus.IN_PROGRESS  # b is still open
    await work_orders.start_work_order(uow=uow, clock=clock, actor=MANAGER, order_id=b.id)
    await work_order_costs.complete_work_order(
        uow=uow, clock=clock, actor=MANAGER, order_id=b.id, actual_cost=Money.of("80.00", "INR")
    )
    assert uow.tickets.rows[t.id].status is TicketStatus.RESOLVED
    assert uow.published.count("work_order.completed") == 2 and uow.published.count("ticket.resolved") == 1
    assert [b.amount for b in uow.expenses.booked] == [Money.of("120.00", "INR"), Money.of("80.00", "INR")]
    assert uow.expenses.booked[0].vendor == "Aqua" and uow.expenses.booked[0].property_id == PROPERTY
    assert uow.published.count("expense.created") == 2
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
    assert uow.expenses.booked == [] and "expense.created" not in uow.published
    assert uow.published.count("work_order.completed") == 2

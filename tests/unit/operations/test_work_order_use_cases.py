"""Work orders and vendors through their use cases on the fakes with a fixed clock: what may be
scheduled, changed or deleted, the cost booked when the work is done, ratings and performance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pmsaas.domain.financial.expenses import ExpenseStatus
from pmsaas.domain.flows import work_order_costs
from pmsaas.domain.operations import tickets, vendors, work_orders
from pmsaas.domain.operations.model import Priority, TicketStatus, UpdateKind, WorkOrderStatus
from pmsaas.domain.operations.ports import VendorFilter, WorkOrderFilter
from pmsaas.domain.shared.errors import Conflict, NotFound, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest


async def _setup(scene, clock, **vendor_kw):
    manager = scene.actor(scene.manager)
    data = tickets.NewTicket("Leak", "", "plumbing", Priority.HIGH, scene.property_id, scene.unit_a)
    t = (await tickets.create_ticket(uow=scene.uow(), clock=clock, actor=manager, data=data)).ticket
    v = await vendors.create_vendor(uow=scene.uow(), clock=clock, actor=manager, data=_vendor_input(**vendor_kw))
    return manager, t, v


def _vendor_input(**kw):
    values = {"name": " Aqua Plumbers ", "trades": ["Plumbing", "plumbing", "hvac"], "service_areas": [" Pune ", ""]}
    return vendors.VendorInput(**{**values, **kw})


def _order(t, v, clock, **kw):
    values = {
        "ticket_id": t.id,
        "vendor_id": v.id,
        "description": "Replace the washer",
        "scheduled_start": clock.now() + timedelta(hours=1),
        "scheduled_end": clock.now() + timedelta(hours=3),
        "estimated_cost": Money.of("800.00", "INR"),
    }
    return work_orders.WorkOrderInput(**{**values, **kw})


async def test_a_vendor_is_normalised_on_the_way_in_and_versioned_on_update(scene, clock):
    manager, _, v = await _setup(scene, clock)
    assert (v.name, v.trades, v.service_areas, v.created_at) == (
        "Aqua Plumbers",
        ["hvac", "plumbing"],
        ["Pune"],
        clock.now(),
    )
    with pytest.raises(ValidationFailed):
        await vendors.create_vendor(uow=scene.uow(), clock=clock, actor=manager, data=_vendor_input(trades=[]))
    clock.move_to(clock.now() + timedelta(seconds=20))  # 1 April: the new fiscal year
    changed = await vendors.update_vendor(
        uow=scene.uow(), clock=clock, actor=manager, vendor_id=v.id, data=_vendor_input(active=False)
    )
    assert changed.version == 2 and changed.updated_at == clock.now() and changed.created_at == v.created_at
    listed = await vendors.list_vendors(uow=scene.uow(), actor=manager, filters=VendorFilter(active=False),
                                        page=PageRequest())  # fmt: skip
    assert [x.id for x in listed.items] == [v.id]
    with pytest.raises(NotFound):
        await vendors.get_vendor(uow=scene.uow(), actor=manager, vendor_id=new_id())


async def test_what_a_work_order_may_be_scheduled_on(scene, clock):
    manager, t, v = await _setup(scene, clock)
    idle = await vendors.create_vendor(uow=scene.uow(), clock=clock, actor=manager, data=_vendor_input(active=False))
    for bad in (
        _order(t, v, clock, ticket_id=new_id()),  # no such request
        _order(t, idle, clock),  # an inactive vendor
        _order(t, v, clock, estimated_cost=Money.of("-1", "INR")),
        _order(t, v, clock, description="  "),
    ):
        with pytest.raises(ValidationFailed):
            await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=bad)
    o = await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=_order(t, v, clock))
    assert o.status is WorkOrderStatus.SCHEDULED and o.created_at == clock.now()
    notes = [u.note for u in scene.db.ticket_updates if u.kind is UpdateKind.WORK_ORDER]
    assert notes == ["work order scheduled with Aqua Plumbers"]
    assert scene.published[-1] == "work_order.created"
    with pytest.raises(NotFound):  # listing by an unknown vendor is not an empty list
        await work_orders.list_work_orders(
            uow=scene.uow(), actor=manager, filters=WorkOrderFilter(vendor_id=new_id()), page=PageRequest()
        )


async def test_only_scheduled_work_is_changed_or_deleted(scene, clock):
    manager, t, v = await _setup(scene, clock)
    o = await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=_order(t, v, clock))
    later = _order(
        t, v, clock, scheduled_start=clock.now() + timedelta(days=2), scheduled_end=clock.now() + timedelta(days=3)
    )
    changed = await work_orders.update_work_order(
        uow=scene.uow(), clock=clock, actor=manager, order_id=o.id, data=later
    )
    assert changed.version == 2 and scene.work_order(o.id).scheduled_start == later.scheduled_start
    fan = tickets.NewTicket("Fan", "", "electrical", Priority.LOW, scene.property_id)
    other = (await tickets.create_ticket(uow=scene.uow(), clock=clock, actor=manager, data=fan)).ticket
    with pytest.raises(ValidationFailed):  # a work order stays with its request
        await work_orders.update_work_order(
            uow=scene.uow(), clock=clock, actor=manager, order_id=o.id, data=_order(other, v, clock)
        )
    await work_orders.start_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=o.id)
    assert scene.ticket(t.id).status is TicketStatus.IN_PROGRESS  # starting the work starts the request
    with pytest.raises(Conflict):
        await work_orders.update_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=o.id, data=later)
    with pytest.raises(Conflict):
        await work_orders.delete_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=o.id)
    spare = await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=_order(t, v, clock))
    await work_orders.delete_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=spare.id)
    with pytest.raises(NotFound):
        await work_orders.get_work_order(uow=scene.uow(), actor=manager, order_id=spare.id)


async def test_finished_work_books_its_cost_on_the_day_it_was_done(scene, clock):
    manager, t, v = await _setup(scene, clock)
    paid = await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=_order(t, v, clock))
    free = await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=_order(t, v, clock))
    for o in (paid, free):
        await work_orders.start_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=o.id)
    await work_order_costs.complete_work_order(
        uow=scene.uow(), clock=clock, actor=manager, order_id=free.id, actual_cost=Money.of("0", "INR")
    )
    assert scene.expenses() == [] and scene.ticket(t.id).status is TicketStatus.IN_PROGRESS
    await work_order_costs.complete_work_order(
        uow=scene.uow(), clock=clock, actor=manager, order_id=paid.id, actual_cost=Money.of("950.00", "INR")
    )
    [booked] = scene.expenses()
    # 23:59:50 UTC on 31 March is 05:29:50 on 1 April in India: the organization's day, fiscal 2031-32.
    assert booked.expense_date == date(2031, 4, 1) and booked.amount == Money.of("950.00", "INR")
    assert booked.description == f"Work order {paid.id}: Leak: Replace the washer" and booked.vendor == "Aqua Plumbers"
    assert (booked.category, booked.status, booked.property_id) == ("maintenance", ExpenseStatus.PENDING, t.property_id)
    assert "expense.created" in scene.published and scene.ticket(t.id).status is TicketStatus.RESOLVED


async def test_vendors_with_open_work_are_kept_and_ratings_go_to_completed_work(scene, clock):
    manager, t, v = await _setup(scene, clock)
    o = await work_orders.create_work_order(uow=scene.uow(), clock=clock, actor=manager, data=_order(t, v, clock))
    _, _, other = await _setup(scene, clock, name="Other Co")

    async def rate(vendor_id, order_id, rating=5):
        return await vendors.rate_vendor(
            uow=scene.uow(), clock=clock, actor=manager, vendor_id=vendor_id, work_order_id=order_id,
            rating=rating, comment=" quick ",
        )  # fmt: skip

    with pytest.raises(Conflict):
        await vendors.delete_vendor(uow=scene.uow(), clock=clock, actor=manager, vendor_id=v.id)
    with pytest.raises(Conflict):
        await rate(v.id, o.id)  # not done yet
    with pytest.raises(ValidationFailed):
        await rate(other.id, o.id)  # not that vendor's work
    with pytest.raises(ValidationFailed):
        await rate(v.id, new_id())
    await work_orders.start_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=o.id)
    clock.move_to(clock.now() + timedelta(hours=2))
    await work_order_costs.complete_work_order(
        uow=scene.uow(), clock=clock, actor=manager, order_id=o.id, actual_cost=Money.of("700.00", "INR")
    )
    rated = await rate(v.id, o.id, rating=4)
    assert (rated.rating, rated.rating_comment, rated.updated_at) == (4, "quick", clock.now())
    with pytest.raises(ValidationFailed):
        await vendors.vendor_performance(
            uow=scene.uow(), actor=manager, vendor_id=v.id, start=clock.now(), end=clock.now()
        )
    perf = await vendors.vendor_performance(
        uow=scene.uow(),
        actor=manager,
        vendor_id=v.id,
        start=clock.now() - timedelta(days=1),
        end=clock.now() + timedelta(seconds=1),
    )
    assert perf.work_orders_completed == 1 and perf.average_rating == 4 and perf.on_time_rate == 1
    await vendors.delete_vendor(uow=scene.uow(), clock=clock, actor=manager, vendor_id=v.id)
    with pytest.raises(NotFound):
        await vendors.get_vendor(uow=scene.uow(), actor=manager, vendor_id=v.id)

"""One suite for the operations context's repositories (tickets with their history, comments and
attachments; work orders; vendors; custom categories) and its views of other contexts' rows (the
property and people directories), over the fakes, SQL on SQLite and SQL on PostgreSQL. Every test
works in one unit of work and never commits. Booking a completed work order's cost is the work-order
cost flow's, tested over the same backends in its own suite; webhooks are the notifications context's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.identity.api_keys import ApiKey
from pmsaas.domain.operations.model import (
    Attachment,
    Comment,
    Priority,
    TaxIdKind,
    TicketAction,
    TicketUpdate,
    UpdateKind,
    WorkOrderStatus,
)
from pmsaas.domain.operations.ports import PeopleFilter, TicketFilter, VendorFilter, WorkOrderFilter
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


# -- tickets -----------------------------------------------------------------------------------


async def test_a_ticket_reads_back_as_written_and_only_in_its_organization(make_uow):
    org, place = new_id(), new_id()
    t = b.ticket(org, place, unit_id=new_id(), requester_id=new_id(), tenant_id=new_id(), assignee_id=new_id())
    t.apply(TicketAction.START, b.at(30), None)
    async with make_uow() as uow:
        await uow.tickets.add(t)
        assert b.same(await uow.tickets.get(org, t.id), t)
        with pytest.raises(NotFound):
            await uow.tickets.get(new_id(), t.id)
        with pytest.raises(NotFound):
            await uow.tickets.get(org, new_id())


async def test_ticket_update_checks_the_version_and_delete_leaves_nothing_to_read(make_uow):
    org = new_id()
    t = b.ticket(org, new_id())
    async with make_uow() as uow:
        await uow.tickets.add(t)
        moved = replace(t, title="Leak in 101", priority=Priority.CRITICAL, version=2, updated_at=b.at(5))
        await uow.tickets.update(moved, expected_version=1)
        assert b.same(await uow.tickets.get(org, t.id), moved)
        with pytest.raises(Conflict):
            await uow.tickets.update(replace(moved, version=3), expected_version=1)
        with pytest.raises(Conflict):  # another organization's ticket is not there to update
            await uow.tickets.update(replace(moved, organization_id=new_id(), version=3), expected_version=2)
        with pytest.raises(NotFound):
            await uow.tickets.delete(new_id(), t.id, b.at(6))
        await uow.tickets.delete(org, t.id, b.at(6))
        with pytest.raises(NotFound):
            await uow.tickets.get(org, t.id)
        with pytest.raises(NotFound):
            await uow.tickets.delete(org, t.id, b.at(7))
        with pytest.raises(Conflict):  # a deleted ticket cannot be updated either
            await uow.tickets.update(replace(moved, version=3), expected_version=2)
        assert (await uow.tickets.list(org, TicketFilter(), PageRequest())).total == 0


async def test_ticket_list_filters_pages_and_sorts(make_uow):
    org, p, q, u, staff, tenant = (new_id() for _ in range(6))
    low = b.ticket(org, p, "Low", b.at(0), priority=Priority.LOW, category="pest")
    crit = b.ticket(org, p, "Crit", b.at(1), priority=Priority.CRITICAL, unit_id=u, tenant_id=tenant)
    mid = b.ticket(org, q, "Mid", b.at(2), priority=Priority.MEDIUM, assignee_id=staff)
    high = b.ticket(org, q, "High", b.at(3))
    mid.apply(TicketAction.START, b.at(20), None)
    async with make_uow() as uow:
        for t in (low, crit, mid, high):
            await uow.tickets.add(t)
        await uow.tickets.add(b.ticket(new_id(), p, "Elsewhere"))  # another organization's

        async def titles(filters=TicketFilter(), page=PageRequest()):
            found = await uow.tickets.list(org, filters, page)
            return [x.title for x in found.items], found.total

        assert await titles() == (["Low", "Crit", "Mid", "High"], 4)
        assert await titles(page=PageRequest(page=2, page_size=3)) == (["High"], 4)
        assert await titles(page=PageRequest(page=3, page_size=3)) == ([], 4)
        by_urgency = PageRequest(sort_by="priority", descending=True)
        assert await titles(page=by_urgency) == (["Crit", "High", "Mid", "Low"], 4)  # by rank, not by name
        assert await titles(page=PageRequest(sort_by="status", page_size=1)) == (["Mid"], 4)  # by the stored text
        assert await titles(page=PageRequest(sort_by="updated_at", descending=True, page_size=1)) == (["Mid"], 4)
        assert await titles(TicketFilter(status="in_progress")) == (["Mid"], 1)
        assert await titles(TicketFilter(status="open", property_id=q)) == (["High"], 1)
        assert await titles(TicketFilter(priority="critical")) == (["Crit"], 1)
        assert await titles(TicketFilter(category="pest")) == (["Low"], 1)
        assert await titles(TicketFilter(assignee_id=staff)) == (["Mid"], 1)
        assert await titles(TicketFilter(property_id=p)) == (["Low", "Crit"], 2)
        assert await titles(TicketFilter(unit_id=u)) == (["Crit"], 1)
        assert await titles(TicketFilter(tenant_id=tenant)) == (["Crit"], 1)
        assert await titles(TicketFilter(created_after=b.at(1), created_before=b.at(2))) == (["Crit", "Mid"], 2)


async def test_ticket_history_comments_and_attachments_stay_with_their_ticket(make_uow):
    org = new_id()
    t, other = b.ticket(org, new_id()), b.ticket(org, new_id(), "Other")
    created = t.created_update(None)
    started = t.apply(TicketAction.START, b.at(0), new_id())  # the same instant: ordered by seq
    note = TicketUpdate(t.id, org, UpdateKind.COMMENTED, b.at(1), None, note="staff only", internal=True)
    public = Comment(t.id, org, new_id(), "On my way", b.at(2))
    private = Comment(t.id, org, None, "Tenant is rude", b.at(1), internal=True)
    photo = Attachment(t.id, org, "leak.jpg", "image/jpeg", 2048, f"{org}/{t.id}/1", b.at(3), uploaded_by=new_id())
    async with make_uow() as uow:
        await uow.tickets.add(t)
        await uow.tickets.add(other)
        for u in (note, started, created):
            await uow.tickets.add_update(u)
        await uow.tickets.add_update(other.created_update(None))
        for c in (public, private):
            await uow.tickets.add_comment(c)
        await uow.tickets.add_attachment(photo)

        everything = await uow.tickets.updates(org, t.id, include_internal=True)
        assert [(u.kind, u.to_status) for u in everything] == [
            (UpdateKind.CREATED, "open"),
            (UpdateKind.STATUS_CHANGED, "in_progress"),
            (UpdateKind.COMMENTED, None),
        ]
        assert everything[1] == started and everything[2] == note
        assert [u.kind for u in await uow.tickets.updates(org, t.id, include_internal=False)] == [
            UpdateKind.CREATED,
            UpdateKind.STATUS_CHANGED,
        ]
        assert await uow.tickets.comments(org, t.id, include_internal=True) == [private, public]
        assert await uow.tickets.comments(org, t.id, include_internal=False) == [public]
        assert await uow.tickets.attachments(org, t.id) == [photo]
        assert await uow.tickets.get_attachment(org, t.id, photo.id) == photo
        for wrong_org, wrong_ticket in ((new_id(), t.id), (org, other.id)):
            with pytest.raises(NotFound):
                await uow.tickets.get_attachment(wrong_org, wrong_ticket, photo.id)
        foreign = new_id()
        assert await uow.tickets.updates(foreign, t.id, include_internal=True) == []
        assert await uow.tickets.comments(foreign, t.id, include_internal=True) == []
        assert await uow.tickets.attachments(foreign, t.id) == []
        assert await uow.tickets.attachments(org, other.id) == []


async def test_active_counts_and_the_properties_each_assignee_works_in(make_uow):
    org, p, q, empty, ana, raj = (new_id() for _ in range(6))
    done = b.ticket(org, p, "Done", assignee_id=ana)
    done.apply(TicketAction.START, b.at(1), None)
    done.apply(TicketAction.RESOLVE, b.at(2), None)
    gone = b.ticket(org, q, "Gone", assignee_id=raj)
    async with make_uow() as uow:
        for t in (
            b.ticket(org, p, "A", assignee_id=ana),
            b.ticket(org, p, "B", assignee_id=ana),
            b.ticket(org, q, "C", assignee_id=ana),
            done,
            gone,
            b.ticket(new_id(), p, "Elsewhere", assignee_id=raj),
        ):
            await uow.tickets.add(t)
        await uow.tickets.delete(org, gone.id, b.at(3))
        assert await uow.tickets.active_counts(org, {p, q, empty}) == {p: 2, q: 1}  # no zero rows
        assert await uow.tickets.active_counts(org, set()) == {}
        assert await uow.tickets.active_counts(new_id(), {p}) == {}
        found = await uow.tickets.assignee_properties(org, [ana, raj])
        assert {user: sorted(places) for user, places in found.items()} == {ana: sorted([p, q])}
        assert await uow.tickets.assignee_properties(org, []) == {}


# -- work orders -------------------------------------------------------------------------------


async def _ticket_and_vendor(uow, org):
    t, v = b.ticket(org, new_id()), b.vendor(org)
    await uow.tickets.add(t)
    await uow.vendors.add(v)
    return t, v


async def test_a_work_order_reads_back_updates_and_deletes_only_in_its_organization(make_uow):
    org = new_id()
    async with make_uow() as uow:
        t, v = await _ticket_and_vendor(uow, org)
        o = b.work_order(org, t.id, v.id, estimated_cost=Money.of("1234.56", "INR"))
        await uow.work_orders.add(o)
        assert b.same(await uow.work_orders.get(org, o.id), o)
        with pytest.raises(NotFound):
            await uow.work_orders.get(new_id(), o.id)
        o.start(b.at(10))
        o.complete(b.at(20), Money.of("1300.00", "INR"))
        o.rate(4, "tidy work")
        await uow.work_orders.update(o, expected_version=1)
        assert b.same(await uow.work_orders.get(org, o.id), o)
        with pytest.raises(Conflict):
            await uow.work_orders.update(o, expected_version=1)
        with pytest.raises(NotFound):
            await uow.work_orders.delete(new_id(), o.id, b.at(30))
        await uow.work_orders.delete(org, o.id, b.at(30))
        with pytest.raises(NotFound):
            await uow.work_orders.get(org, o.id)
        assert await uow.work_orders.for_ticket(org, t.id) == []


async def test_work_order_list_filters_pages_and_sorts(make_uow):
    org = new_id()
    async with make_uow() as uow:
        t1, v1 = await _ticket_and_vendor(uow, org)
        t2, v2 = await _ticket_and_vendor(uow, org)
        soon = b.work_order(org, t1.id, v1.id, b.at(0), description="soon", scheduled_start=b.at(100))
        later = b.work_order(org, t1.id, v2.id, b.at(1), description="later", scheduled_start=b.at(900))
        other = b.work_order(org, t2.id, v1.id, b.at(2), description="other", scheduled_start=b.at(500))
        other.start(b.at(3))
        for o in (soon, later, other):
            await uow.work_orders.add(o)

        async def described(filters=WorkOrderFilter(), page=PageRequest()):
            found = await uow.work_orders.list(org, filters, page)
            return [x.description for x in found.items], found.total

        assert await described() == (["soon", "later", "other"], 3)
        assert await described(page=PageRequest(sort_by="scheduled_start", descending=True)) == (
            ["later", "other", "soon"],
            3,
        )
        assert await described(page=PageRequest(sort_by="updated_at", descending=True, page_size=1)) == (["other"], 3)
        assert await described(page=PageRequest(page=2, page_size=2)) == (["other"], 3)
        assert await described(WorkOrderFilter(status="in_progress")) == (["other"], 1)
        assert await described(WorkOrderFilter(ticket_id=t1.id)) == (["soon", "later"], 2)
        assert await described(WorkOrderFilter(vendor_id=v1.id)) == (["soon", "other"], 2)
        assert await described(WorkOrderFilter(created_after=b.at(1))) == (["later", "other"], 2)
        assert (await uow.work_orders.list(new_id(), WorkOrderFilter(), PageRequest())).total == 0
        assert [o.id for o in await uow.work_orders.for_ticket(org, t1.id)] == [soon.id, later.id]
        assert await uow.work_orders.for_ticket(new_id(), t1.id) == []


async def test_finished_work_orders_of_a_vendor_within_a_window(make_uow):
    org = new_id()
    start, end = b.at(1000), b.at(2000)
    async with make_uow() as uow:
        t, v = await _ticket_and_vendor(uow, org)
        _, someone_else = await _ticket_and_vendor(uow, org)
        orders = {name: b.work_order(org, t.id, v.id, description=name) for name in ("at start", "cancelled", "at end")}
        orders["at start"].start(b.at(0))
        orders["at start"].complete(start, Money.of("10", "INR"))
        orders["cancelled"].cancel(b.at(1500))
        orders["at end"].start(b.at(0))
        orders["at end"].complete(end, Money.of("10", "INR"))  # [start, end): the end is outside
        open_one = b.work_order(org, t.id, v.id, description="open")
        theirs = b.work_order(org, t.id, someone_else.id, description="theirs")
        theirs.cancel(b.at(1500))
        for o in (*orders.values(), open_one, theirs):
            await uow.work_orders.add(o)
        found = await uow.work_orders.finished_for_vendor(org, v.id, start, end)
        assert sorted(o.description for o in found) == ["at start", "cancelled"]
        assert {o.status for o in found} == {WorkOrderStatus.COMPLETED, WorkOrderStatus.CANCELLED}
        assert await uow.work_orders.finished_for_vendor(new_id(), v.id, start, end) == []


# -- vendors -----------------------------------------------------------------------------------


async def test_a_vendor_reads_back_updates_and_deletes_only_in_its_organization(make_uow):
    org = new_id()
    v = b.vendor(
        org,
        trades=["electrical", "plumbing"],
        service_areas=["Bengaluru", "Mysuru"],
        email="aqua@example.com",
        phone="+919876543210",
        insurance_expires_on=date(2031, 3, 31),
        tax_id="27AAPFU0939F1ZV",
        tax_id_kind=TaxIdKind.GSTIN,
    )
    async with make_uow() as uow:
        await uow.vendors.add(v)
        assert b.same(await uow.vendors.get(org, v.id), v)
        with pytest.raises(NotFound):
            await uow.vendors.get(new_id(), v.id)
        moved = replace(v, active=False, trades=["hvac"], version=2, updated_at=b.at(9))
        await uow.vendors.update(moved, expected_version=1)
        assert b.same(await uow.vendors.get(org, v.id), moved)
        with pytest.raises(Conflict):
            await uow.vendors.update(replace(moved, version=3), expected_version=1)
        with pytest.raises(NotFound):
            await uow.vendors.delete(new_id(), v.id, b.at(10))
        await uow.vendors.delete(org, v.id, b.at(10))
        with pytest.raises(NotFound):
            await uow.vendors.get(org, v.id)


async def test_vendor_list_filters_pages_and_sorts(make_uow):
    org = new_id()
    vendors = [
        b.vendor(org, "Zen Electricals", b.at(0), trades=["electrical"], service_areas=["Mysuru"]),
        b.vendor(org, "Aqua Plumbers", b.at(1), trades=["plumbing", "hvac"]),
        b.vendor(org, "Bright Sparks", b.at(2), trades=["electrical"], active=False),
        b.vendor(org, "Plumbline", b.at(3), trades=["plumbing_supplies"], service_areas=["Bengaluru Rural"]),
    ]
    async with make_uow() as uow:
        for v in vendors:
            await uow.vendors.add(v)
        await uow.vendors.add(b.vendor(new_id(), "Aqua Plumbers"))  # another organization's

        async def names(filters=VendorFilter(), page=PageRequest()):
            found = await uow.vendors.list(org, filters, page)
            return [x.name for x in found.items], found.total

        assert await names() == (["Zen Electricals", "Aqua Plumbers", "Bright Sparks", "Plumbline"], 4)
        assert await names(page=PageRequest(sort_by="name", page_size=2)) == (["Aqua Plumbers", "Bright Sparks"], 4)
        assert await names(page=PageRequest(sort_by="name", page=2, page_size=3)) == (["Zen Electricals"], 4)
        assert await names(VendorFilter(trade="plumbing")) == (["Aqua Plumbers"], 1)  # a whole trade, not a prefix
        assert await names(VendorFilter(trade="electrical", active=True)) == (["Zen Electricals"], 1)
        assert await names(VendorFilter(active=False)) == (["Bright Sparks"], 1)
        assert await names(VendorFilter(service_area="Bengaluru")) == (["Aqua Plumbers", "Bright Sparks"], 2)
        assert await names(VendorFilter(search="PLUMB")) == (["Aqua Plumbers", "Plumbline"], 2)  # any case
        assert await names(VendorFilter(created_after=b.at(1), created_before=b.at(2))) == (
            ["Aqua Plumbers", "Bright Sparks"],
            2,
        )


# -- custom categories and webhook subscriptions -----------------------------------------------


async def test_custom_categories_are_per_organization_and_added_once(make_uow):
    org, other = new_id(), new_id()
    async with make_uow() as uow:
        assert await uow.ticket_categories.custom(org) == []
        await uow.ticket_categories.add(org, "elevator", b.at(0))
        await uow.ticket_categories.add(org, "generator", b.at(1))
        with pytest.raises(Conflict):
            await uow.ticket_categories.add(org, "elevator", b.at(2))
        await uow.ticket_categories.add(other, "elevator", b.at(3))  # the transaction goes on after a Conflict
        assert sorted(await uow.ticket_categories.custom(org)) == ["elevator", "generator"]  # no order promised
        assert await uow.ticket_categories.custom(other) == ["elevator"]


# -- directories over other contexts' rows -----------------------------------------------------


async def test_the_property_directory_sees_places_and_the_units_tenants_occupy(make_uow):
    org = new_id()
    p, gone = b.prop(org, "Seaside"), b.prop(org, "Demolished")
    u1, u2, u3, u4 = (b.unit(org, p.id, n) for n in ("101", "102", "103", "104"))
    tara, cora = b.tenant(org, p.id, "Tara T"), b.tenant(org, p.id, "Cora C")
    async with make_uow() as uow:
        await uow.properties.add_many([p, gone])
        await uow.units.add_many([u1, u2, u3, u4])
        await uow.tenants.add_many([tara, cora])
        await uow.leases.add(b.lease(org, u1, tara.id, status=LeaseStatus.ACTIVE))
        await uow.leases.add(b.lease(org, u2, cora.id, co_tenant_ids=(tara.id,), status=LeaseStatus.NOTICE_GIVEN))
        await uow.leases.add(b.lease(org, u3, tara.id, status=LeaseStatus.ENDED))
        await uow.leases.add(b.lease(org, u4, tara.id))  # a draft
        await uow.properties.delete(org, gone.id, b.at(1))
        await uow.units.delete(org, u4.id, b.at(1))
        d = uow.property_directory
        assert await d.property_exists(org, p.id)
        assert not await d.property_exists(org, gone.id) and not await d.property_exists(new_id(), p.id)
        assert await d.unit_in_property(org, u1.id, p.id)
        assert not await d.unit_in_property(org, u1.id, gone.id)
        assert not await d.unit_in_property(org, u4.id, p.id)  # deleted
        assert not await d.unit_in_property(new_id(), u1.id, p.id)
        assert await d.units_of_tenant(org, tara.id) == {u1.id, u2.id}  # occupying leases, main or co-tenant
        assert await d.units_of_tenant(new_id(), tara.id) == set()
        # Names outlive deletion: an old ticket still names its place.
        assert await d.property_names(org, {p.id, gone.id}) == {p.id: "Seaside", gone.id: "Demolished"}
        assert await d.property_names(new_id(), {p.id}) == {}
        assert await d.unit_names(org, {u1.id, u4.id}) == {u1.id: "101", u4.id: "104"}


async def test_the_people_directory_names_members_and_keys(make_uow):
    org = new_id()
    place = new_id()
    staff, guard, manager, outsider = (replace(b.user(), name=n) for n in ("Sam Staff", "Gita Guard", "Mona", "Oscar"))
    key = ApiKey(org, "ci", new_id().hex[:12], "s" * 64, frozenset({"maintenance:*"}), b.T0)
    async with make_uow() as uow:
        for i, (u, role) in enumerate(((staff, "MaintenanceStaff"), (guard, "SecurityStaff"), (manager, None))):
            await uow.users.add(replace(u, created_at=b.at(i), updated_at=b.at(i)))
            await uow.memberships.add(b.membership(org, u.id, *([role] if role else ["PropertyManager", "Tenant"])))
        await uow.users.add(outsider)
        await uow.memberships.add(b.membership(new_id(), outsider.id, "MaintenanceStaff"))
        await uow.api_keys.add(key)
        await uow.tickets.add(b.ticket(org, place, assignee_id=staff.id))
        people = uow.people_directory

        ids = {staff.id, outsider.id, key.id, new_id()}
        assert await people.names(org, ids) == {staff.id: "Sam Staff", key.id: "API key: ci"}
        person = await people.person(org, manager.id)
        assert (person.name, person.email, person.roles) == ("Mona", manager.email, {"PropertyManager", "Tenant"})
        with pytest.raises(NotFound):
            await people.person(org, outsider.id)

        async def names(filters=PeopleFilter(), page=PageRequest()):
            found = await people.people(org, filters, page)
            return [x.name for x in found.items], found.total

        assert await names() == (["Sam Staff", "Gita Guard", "Mona"], 3)
        assert await names(page=PageRequest(sort_by="name", page_size=2)) == (["Gita Guard", "Mona"], 3)
        assert await names(PeopleFilter(roles_any=frozenset({"MaintenanceStaff", "PropertyManager"}))) == (
            ["Sam Staff", "Mona"],
            2,
        )
        assert await names(PeopleFilter(roles_any=frozenset())) == ([], 0)
        assert await names(PeopleFilter(roles_none=frozenset({"Tenant", "SecurityStaff"}))) == (["Sam Staff"], 1)
        assert await names(PeopleFilter(assigned_in_property=place)) == (["Sam Staff"], 1)

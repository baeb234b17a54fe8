"""The ticket use cases end to end on the fakes with a fixed clock: the workflow through PATCH, PUT,
/transition and /complete, comments and history as the tenant and staff see them, attachments,
deletion freeing the vendor's schedule, categories, webhooks and the people list."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fakes import builders as b
from fakes.network import FakeHostResolver
from fakes.operations import FakeAttachmentStorage, PlainSecretBox
from pmsaas.domain.flows import ticket_assignment
from pmsaas.domain.notifications import webhooks
from pmsaas.domain.operations import attachments, categories, people, tickets, work_orders
from pmsaas.domain.operations.model import Priority, TicketAction, TicketStatus, UpdateKind, WorkOrderStatus
from pmsaas.domain.operations.ports import PeopleFilter, TicketFilter
from pmsaas.domain.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

K = UpdateKind
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def _report(scene, clock, who=None, unit=None, **kw):
    data = tickets.NewTicket(
        title=kw.pop("title", "Leak"),
        description=kw.pop("description", "Water from the ceiling"),
        category=kw.pop("category", "plumbing"),
        priority=kw.pop("priority", Priority.HIGH),
        property_id=scene.property_id,
        unit_id=unit or scene.unit_a,
    )
    actor = scene.actor(who or scene.tara)
    return (await tickets.create_ticket(uow=scene.uow(), clock=clock, actor=actor, data=data)).ticket


async def _patch(scene, clock, ticket_id, who=None, **changes):
    actor = scene.actor(who or scene.manager)
    changes_ = tickets.TicketChanges(**changes)
    return await ticket_assignment.update_ticket(
        uow=scene.uow(), clock=clock, actor=actor, ticket_id=ticket_id, changes=changes_
    )


async def test_a_tenants_report_gets_sla_dates_from_the_clock_and_names(scene, clock):
    t = await _report(scene, clock)
    assert t.created_at == clock.now() and t.tenant_id == scene.tenant_a and t.requester_id == scene.tara
    assert t.response_due_at == clock.now() + timedelta(hours=4)
    d = await tickets.get_ticket(uow=scene.uow(), actor=scene.actor(scene.manager), ticket_id=t.id)
    assert d.names.properties == {scene.property_id: "Seaside Apartments"} and d.names.units == {scene.unit_a: "101"}
    assert d.names.people == {scene.tara: "Tara Tenant"}
    assert scene.published == ["ticket.created", "maintenance.created"]


async def test_patch_assigns_moves_and_unassigns_in_one_transaction_each(scene, clock):
    t = await _report(scene, clock)
    clock.move_to(clock.now() + timedelta(minutes=10))  # across midnight into the new fiscal year
    d = await _patch(scene, clock, t.id, assignee_id=scene.staff, status=TicketStatus.IN_PROGRESS, title="Leak!")
    assert (d.ticket.assignee_id, d.ticket.status, d.ticket.title) == (scene.staff, TicketStatus.IN_PROGRESS, "Leak!")
    assert d.ticket.responded_at == clock.now() and d.ticket.version == 4  # edit, assign, start
    with pytest.raises(ValidationFailed):
        await _patch(scene, clock, t.id, assignee_id=scene.guard)  # a guard does not work tickets
    with pytest.raises(ValidationFailed):
        await _patch(scene, clock, t.id, assignee_id=scene.tara)  # nor does a tenant
    d = await _patch(scene, clock, t.id, assignee_id=None)
    assert d.ticket.assignee_id is None and scene.ticket(t.id).assignee_id is None
    d = await _patch(scene, clock, t.id)  # nothing asked, nothing changes
    assert d.ticket.version == 5
    kinds = [u.kind for u in await _history(scene, t.id, scene.manager)]  # by instant, then in sequence
    assert kinds == [K.CREATED, K.EDITED, K.ASSIGNED, K.STATUS_CHANGED, K.UNASSIGNED]
    assert scene.published.count("ticket.updated") == 2


async def _history(scene, ticket_id, who):
    found, _ = await tickets.ticket_updates(uow=scene.uow(), actor=scene.actor(who), ticket_id=ticket_id)
    return found


async def test_put_edits_but_never_moves_the_ticket(scene, clock):
    t = await _report(scene, clock)
    same_place = tickets.NewTicket("Leak", "Water from the ceiling", "plumbing", Priority.CRITICAL, scene.property_id)
    with pytest.raises(ValidationFailed):  # the unit is fixed at creation
        await tickets.edit_ticket(uow=scene.uow(), clock=clock, actor=scene.actor(scene.manager), ticket_id=t.id,
                                  data=same_place)  # fmt: skip
    moved = tickets.NewTicket(**{**same_place.__dict__, "unit_id": scene.unit_a})
    d = await tickets.edit_ticket(
        uow=scene.uow(), clock=clock, actor=scene.actor(scene.manager), ticket_id=t.id, data=moved
    )
    assert d.ticket.priority is Priority.CRITICAL and d.ticket.response_due_at == t.created_at + timedelta(hours=1)
    await tickets.edit_ticket(
        uow=scene.uow(), clock=clock, actor=scene.actor(scene.manager), ticket_id=t.id, data=moved
    )
    assert scene.published.count("ticket.updated") == 1  # the same values again: no change, no event


async def test_transition_and_complete_walk_the_workflow(scene, clock):
    t = await _report(scene, clock)
    manager = scene.actor(scene.manager)

    async def move(action, note=None):
        return await tickets.transition_ticket(
            uow=scene.uow(), clock=clock, actor=manager, ticket_id=t.id, action=action, note=note
        )

    with pytest.raises(Conflict):
        await move(TicketAction.RESOLVE)  # not started
    await move(TicketAction.START)
    await move(TicketAction.RESOLVE, note="  fixed the washer ")
    await move(TicketAction.REOPEN)
    d = await tickets.complete_ticket(uow=scene.uow(), clock=clock, actor=manager, ticket_id=t.id, note="done")
    assert d.ticket.status is TicketStatus.RESOLVED and d.ticket.resolved_at == clock.now()
    await move(TicketAction.CLOSE)
    history = await _history(scene, t.id, scene.manager)
    assert [u.to_status for u in history] == [
        "open",
        "in_progress",
        "resolved",
        "open",
        "in_progress",
        "resolved",
        "closed",
    ]
    assert [u.note for u in history if u.note] == ["fixed the washer", "done"]
    assert scene.published.count("ticket.resolved") == 2 == scene.published.count("maintenance.completed")
    with pytest.raises(Conflict):  # a closed ticket takes no comment
        await tickets.add_comment(
            uow=scene.uow(), clock=clock, actor=manager, ticket_id=t.id, text="late", internal=False
        )


async def test_comments_internal_notes_and_what_the_tenant_sees(scene, clock):
    t = await _report(scene, clock)
    tara, staff = scene.actor(scene.tara), scene.actor(scene.staff)

    async def comment(actor, text, internal=False):
        return await tickets.add_comment(
            uow=scene.uow(), clock=clock, actor=actor, ticket_id=t.id, text=text, internal=internal
        )

    with pytest.raises(PermissionDenied):
        await comment(tara, "psst", internal=True)
    await comment(tara, "Any news?")
    assert scene.ticket(t.id).responded_at is None  # the tenant's own words are no response
    await comment(staff, "Tenant was out", internal=True)
    assert scene.ticket(t.id).responded_at is None  # neither is an internal note
    clock.move_to(clock.now() + timedelta(minutes=3))
    _, name = await comment(staff, "Coming at 10")
    assert name == "Sam Staff" and scene.ticket(t.id).responded_at == clock.now()
    seen_by_tara = await tickets.get_ticket(uow=scene.uow(), actor=tara, ticket_id=t.id)
    assert [c.text for c in seen_by_tara.comments] == ["Any news?", "Coming at 10"]
    seen_by_staff = await tickets.get_ticket(uow=scene.uow(), actor=staff, ticket_id=t.id)
    assert len(seen_by_staff.comments) == 3 and seen_by_staff.names.people[scene.staff] == "Sam Staff"
    assert [u.note for u in await _history(scene, t.id, scene.tara) if u.kind is UpdateKind.COMMENTED] == [
        "Any news?",
        "Coming at 10",
    ]
    with pytest.raises(NotFound):  # another tenant: as if it did not exist
        await comment(scene.actor(scene.ben), "me too")


async def test_tenants_list_their_own_and_staff_count_active_tickets(scene, clock):
    mine = await _report(scene, clock)
    await _report(scene, clock, who=scene.ben, unit=scene.unit_b)
    with pytest.raises(ValidationFailed):  # a tenant reports for its own unit only
        await _report(scene, clock, unit=scene.unit_b)
    page, names = await tickets.list_tickets(
        uow=scene.uow(), actor=scene.actor(scene.tara), filters=TicketFilter(tenant_id=scene.tenant_b),
        page=PageRequest(),
    )  # fmt: skip
    assert [x.id for x in page.items] == [mine.id] and names.units == {scene.unit_a: "101"}
    manager = scene.actor(scene.manager)
    counts = await tickets.active_ticket_counts(uow=scene.uow(), actor=manager, property_ids={scene.property_id})
    assert counts == {scene.property_id: 2}


async def test_deleting_a_ticket_cancels_its_scheduled_work_but_not_work_in_progress(scene, clock):
    t = await _report(scene, clock, who=scene.manager)
    manager = scene.actor(scene.manager)
    vendor_id = await _vendor(scene)
    order = await work_orders.create_work_order(
        uow=scene.uow(), clock=clock, actor=manager, data=_order_input(t.id, vendor_id, clock)
    )
    await work_orders.start_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=order.id)
    with pytest.raises(Conflict):
        await tickets.delete_ticket(uow=scene.uow(), clock=clock, actor=manager, ticket_id=t.id)
    await work_orders.cancel_work_order(uow=scene.uow(), clock=clock, actor=manager, order_id=order.id)
    later = await work_orders.create_work_order(
        uow=scene.uow(), clock=clock, actor=manager, data=_order_input(t.id, vendor_id, clock)
    )
    await tickets.delete_ticket(uow=scene.uow(), clock=clock, actor=manager, ticket_id=t.id)
    assert scene.work_order(later.id).status is WorkOrderStatus.CANCELLED
    assert scene.published[-2:] == ["work_order.cancelled", "ticket.deleted"]
    with pytest.raises(NotFound):
        await tickets.get_ticket(uow=scene.uow(), actor=manager, ticket_id=t.id)


async def _vendor(scene):
    v = b.vendor(scene.org)
    scene.db.vendors.put(scene.org, v.id, v)
    return v.id


def _order_input(ticket_id, vendor_id, clock):
    return work_orders.WorkOrderInput(
        ticket_id=ticket_id,
        vendor_id=vendor_id,
        description="Replace the washer",
        scheduled_start=clock.now() + timedelta(days=1),
        scheduled_end=clock.now() + timedelta(days=1, hours=2),
        estimated_cost=Money.of("800.00", "INR"),
    )


async def test_attachments_keep_the_bytes_and_a_line_of_history(scene, clock):
    t = await _report(scene, clock)
    storage = FakeAttachmentStorage()
    tara = scene.actor(scene.tara)

    async def attach(actor, data, filename="../leak.exe"):
        return await attachments.add_attachment(
            uow=scene.uow(), storage=storage, clock=clock, actor=actor, ticket_id=t.id, filename=filename, data=data
        )

    with pytest.raises(ValidationFailed):
        await attach(tara, b"MZ\x90\x00 not an image")
    a = await attach(tara, PNG)
    assert (a.filename, a.content_type, a.size, a.created_at) == ("leak.png", "image/png", len(PNG), clock.now())
    assert storage.files[a.storage_key] == (PNG, "image/png")
    found, data = await attachments.read_attachment(
        uow=scene.uow(), storage=storage, actor=tara, ticket_id=t.id, attachment_id=a.id
    )
    assert found == a and data == PNG
    with pytest.raises(NotFound):
        await attachments.read_attachment(
            uow=scene.uow(), storage=storage, actor=scene.actor(scene.ben), ticket_id=t.id, attachment_id=a.id
        )
    assert (await _history(scene, t.id, scene.tara))[-1].kind is UpdateKind.ATTACHMENT_ADDED


async def test_custom_categories_come_after_the_built_in_ones(scene, clock):
    manager = scene.actor(scene.manager)
    assert await categories.add_category(uow=scene.uow(), clock=clock, actor=manager, name="Fire Alarm") == "fire_alarm"
    await categories.add_category(uow=scene.uow(), clock=clock, actor=manager, name="elevator")
    for taken in ("Plumbing", "fire-alarm"):
        with pytest.raises(Conflict):
            await categories.add_category(uow=scene.uow(), clock=clock, actor=manager, name=taken)
    listed = await categories.list_categories(uow=scene.uow(), actor=manager)
    assert listed[0] == ("plumbing", False) and listed[-2:] == [("elevator", True), ("fire_alarm", True)]
    assert (await _report(scene, clock, category="Fire Alarm")).category == "fire_alarm"


async def test_webhooks_seal_their_secret_and_refuse_private_targets(scene, clock):
    manager = scene.actor(scene.manager)
    owner = replace(manager, permissions=manager.permissions | {"webhook:*"})
    box = PlainSecretBox()

    async def register(url, events=("ticket.created",), secret="s" * 16):
        return await webhooks.register_ticket_webhook(
            uow=scene.uow(), box=box, resolver=FakeHostResolver(), clock=clock, actor=owner, url=url,
            events=list(events), secret=secret,
        )  # fmt: skip

    for url in ("http://10.0.0.7/hook", "https://localhost/x", "ftp://example.com/"):
        with pytest.raises(ValidationFailed):
            await register(url)
    with pytest.raises(ValidationFailed):
        await register("https://hooks.example.com/", events=("lease.created",))
    w = await register("https://hooks.example.com/", events=("ticket.created", "ticket.created", "ticket.resolved"))
    assert w.events == ("ticket.created", "ticket.resolved") and box.open(w.secret_sealed) == "s" * 16
    # Webhooks are entities (compared by identity): compare every field of what was stored.
    assert [vars(x) for x in await webhooks.list_webhooks(uow=scene.uow(), actor=owner)] == [vars(w)]
    with pytest.raises(PermissionDenied):
        await webhooks.list_webhooks(uow=scene.uow(), actor=manager)


async def test_people_show_where_they_work_tickets(scene, clock):
    t = await _report(scene, clock)
    await _patch(scene, clock, t.id, assignee_id=scene.staff)
    manager = scene.actor(scene.manager)
    found, places = await people.list_people(
        uow=scene.uow(), actor=manager, filters=PeopleFilter(roles_none=frozenset({"Tenant"})),
        page=PageRequest(sort_by="name"),
    )  # fmt: skip
    assert [p.name for p in found.items] == ["Gita Guard", "Mona Manager", "Sam Staff"]
    assert places == {scene.staff: [(scene.property_id, "Seaside Apartments")]}
    person, where = await people.get_person(uow=scene.uow(), actor=manager, user_id=scene.staff)
    assert person.roles == {"MaintenanceStaff"} and where == [(scene.property_id, "Seaside Apartments")]
    with pytest.raises(PermissionDenied):
        await people.get_person(uow=scene.uow(), actor=scene.actor(scene.staff), user_id=scene.staff)

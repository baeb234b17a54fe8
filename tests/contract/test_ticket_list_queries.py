"""One suite for the operations context's TicketListQuery (the ticket list, a hot read) over the fake, SQL on
SQLite (SqliteTicketList) and SQL on PostgreSQL (PostgresTicketList): the same tickets, totals, cursors and
names as the repository's list followed by the directories' names (``TicketListThroughRepositories``, the
path the use case took before), for each filter, sort and page. Nothing is committed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from fakes.operations import TicketListThroughRepositories
from pmsaas.adapters.sql.queries.ticket_list import PostgresTicketList, SqliteTicketList
from pmsaas.domain.identity.api_keys import ApiKey
from pmsaas.domain.operations.model import Priority, TicketAction
from pmsaas.domain.operations.ports import TicketFilter
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest

ADAPTERS = {"fake": TicketListThroughRepositories, "sql-sqlite": SqliteTicketList, "sql-postgres": PostgresTicketList}


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="module")
async def make_uow(backend, database_urls):
    async with uow_factory(backend, database_urls) as factory:
        yield factory


async def test_each_database_gets_its_own_adapter(backend, make_uow):
    async with make_uow() as uow:
        assert type(uow.ticket_list) is ADAPTERS[backend]
    async with make_uow().read_only() as reader:
        assert type(reader.ticket_list) is ADAPTERS[backend]


async def _world(uow, org):
    """Two places (one deleted since), units, a member, an outsider, an API key, and tickets among them."""
    p, gone = b.prop(org, "Seaside"), b.prop(org, "Demolished")
    u1, u2 = b.unit(org, p.id, "101"), b.unit(org, gone.id, "G1")
    staff, outsider = replace(b.user(), name="Sam Staff"), replace(b.user(), name="Oscar Outsider")
    key = ApiKey(org, "ci", new_id().hex[:12], "s" * 64, frozenset({"maintenance:*"}), b.T0)
    await uow.properties.add_many([p, gone])
    await uow.units.add_many([u1, u2])
    await uow.users.add(staff)
    await uow.users.add(outsider)
    await uow.memberships.add(b.membership(org, staff.id, "MaintenanceStaff"))
    await uow.memberships.add(b.membership(new_id(), outsider.id, "MaintenanceStaff"))  # another organization's
    await uow.api_keys.add(key)
    tenant = new_id()
    made = [
        b.ticket(org, p.id, "Low", b.at(0), priority=Priority.LOW, category="pest", requester_id=staff.id),
        b.ticket(org, p.id, "Crit", b.at(1), priority=Priority.CRITICAL, unit_id=u1.id, tenant_id=tenant),
        b.ticket(org, gone.id, "Mid", b.at(2), unit_id=u2.id, requester_id=key.id, assignee_id=staff.id),
        b.ticket(org, gone.id, "High", b.at(3), priority=Priority.HIGH, assignee_id=outsider.id),
        b.ticket(org, p.id, "Later", b.at(4), priority=Priority.MEDIUM, requester_id=new_id(), assignee_id=key.id),
        b.ticket(org, p.id, "Deleted", b.at(5)),
    ]
    made[2].apply(TicketAction.START, b.at(20), None)
    made[1].apply(TicketAction.START, b.at(21), None)
    made[1].apply(TicketAction.RESOLVE, b.at(22), None)
    for t in made:
        await uow.tickets.add(t)
    await uow.tickets.add(b.ticket(new_id(), p.id, "Elsewhere"))  # another organization's
    await uow.tickets.delete(org, made[-1].id, b.at(6))
    await uow.properties.delete(org, gone.id, b.at(7))
    return {"p": p.id, "gone": gone.id, "u1": u1.id, "staff": staff.id, "key": key.id, "tenant": tenant}


async def test_the_list_reads_as_the_repository_and_the_directories_did(make_uow):
    org = new_id()
    async with make_uow() as uow:
        w = await _world(uow, org)
        reference = TicketListThroughRepositories(uow)

        async def same(filters=TicketFilter(), page=PageRequest()):
            found, names = await uow.ticket_list.page(org, filters, page)
            want, want_names = await reference.page(org, filters, page)
            assert [b.same(x, y) for x, y in zip(found.items, want.items, strict=True)] == [True] * len(want.items)
            assert (found.total, found.page, found.page_size, found.next_after) == (
                want.total,
                want.page,
                want.page_size,
                want.next_after,
            )
            assert names == want_names
            return [x.title for x in found.items], found.total

        assert await same() == (["Low", "Crit", "Mid", "High", "Later"], 5)
        assert await same(page=PageRequest(page=2, page_size=2)) == (["Mid", "High"], 5)
        assert await same(page=PageRequest(page=4, page_size=2)) == ([], 5)
        for sort_by in ("created_at", "updated_at", "priority", "status"):
            for descending in (False, True):
                await same(page=PageRequest(sort_by=sort_by, descending=descending, page_size=3))
        assert await same(TicketFilter(status="open")) == (["Low", "High", "Later"], 3)
        assert await same(TicketFilter(status="open", priority="high")) == (["High"], 1)
        assert await same(TicketFilter(priority="critical")) == (["Crit"], 1)
        assert await same(TicketFilter(category="pest")) == (["Low"], 1)
        assert await same(TicketFilter(assignee_id=w["staff"])) == (["Mid"], 1)
        assert await same(TicketFilter(property_id=w["gone"])) == (["Mid", "High"], 2)
        assert await same(TicketFilter(status="open", property_id=w["p"])) == (["Low", "Later"], 2)
        assert await same(TicketFilter(unit_id=w["u1"])) == (["Crit"], 1)
        assert await same(TicketFilter(tenant_id=w["tenant"])) == (["Crit"], 1)
        assert await same(TicketFilter(created_after=b.at(1), created_before=b.at(2))) == (["Crit", "Mid"], 2)
        assert await same(TicketFilter(status="closed")) == ([], 0)
        _, names = await uow.ticket_list.page(org, TicketFilter(), PageRequest())
        assert names.properties == {w["p"]: "Seaside", w["gone"]: "Demolished"}  # deleted places keep their name
        assert names.people == {w["staff"]: "Sam Staff", w["key"]: "API key: ci"}  # no outsider, no stranger
        assert (await uow.ticket_list.page(new_id(), TicketFilter(), PageRequest()))[0].total == 0


async def test_the_keyset_cursor_walks_every_sortable_key(backend, make_uow):
    org = new_id()
    async with make_uow() as uow:
        await _world(uow, org)
        reference = TicketListThroughRepositories(uow)

        async def walk(lister, sort_by, descending):
            walked, after = [], None
            while True:
                page = PageRequest(sort_by=sort_by, descending=descending, page_size=2, after=after)
                found, _ = await lister(org, TicketFilter(), page)
                walked += [x.id for x in found.items]
                after = found.next_after
                if after is None:
                    return walked

        for sort_by in ("created_at", "updated_at", "priority", "status"):
            for descending in (False, True):
                walked = await walk(uow.ticket_list.page, sort_by, descending)
                assert walked == await walk(reference.page, sort_by, descending), (sort_by, descending)
                if backend != "fake":  # the fakes page by offset only (no cursor)
                    whole, _ = await uow.ticket_list.page(
                        org, TicketFilter(), PageRequest(sort_by=sort_by, descending=descending)
                    )
                    assert walked == [x.id for x in whole.items], (sort_by, descending)

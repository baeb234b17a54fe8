"""One suite for the properties context's PropertyListQuery (the property list, a hot read) over the
fake, SQL on SQLite (SqlitePropertyList) and SQL on PostgreSQL (PostgresPropertyList). Rows are
written through the unit of work's PropertyRepository and listed through its ``property_list``.

Every test but the last works in one unit of work and never commits (the query reads that
transaction's rows); new organization ids keep tests apart all the same."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from fakes.properties import FakePropertyList
from pmsaas.adapters.sql.queries.property_list import PostgresPropertyList, SqlitePropertyList
from pmsaas.domain.properties.model import PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertyFilter
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.domain.shared.ports import ReadOnlyUnitOfWorkWrite

ADAPTERS = {"fake": FakePropertyList, "sql-sqlite": SqlitePropertyList, "sql-postgres": PostgresPropertyList}


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="module")
async def make_uow(backend, database_urls):
    async with uow_factory(backend, database_urls) as factory:
        yield factory


async def test_each_database_gets_its_own_adapter(backend, make_uow):
    async with make_uow() as uow:
        assert type(uow.property_list) is ADAPTERS[backend]
    async with make_uow().read_only() as reader:
        assert type(reader.property_list) is ADAPTERS[backend]


async def test_a_deleted_property_is_not_listed(make_uow):
    org = new_id()
    kept, gone = b.prop(org, "Kept"), b.prop(org, "Gone")
    async with make_uow() as uow:
        await uow.properties.add_many([kept, gone])
        await uow.properties.delete(org, gone.id, b.at(1))
        listed = await uow.property_list.page(org, PropertyFilter(), PageRequest())
        assert [x.id for x in listed.items] == [kept.id] and listed.total == 1
        assert (await uow.property_list.page(org, PropertyFilter(search="Gone"), PageRequest())).total == 0


async def test_property_list_filters_pages_and_sorts(make_uow):
    org = new_id()
    props = [
        b.prop(org, "Alder Court", b.at(0)),
        b.prop(org, "Birch House", b.at(10), type=PropertyType.COMMERCIAL),
        b.prop(org, "Cedar Lofts", b.at(20), status=PropertyStatus.INACTIVE),
        b.prop(org, "Dune Towers", b.at(30)),
    ]
    async with make_uow() as uow:
        for p in props:
            await uow.properties.add(p)
        await uow.properties.add(b.prop(new_id(), "Alder Court"))  # another organization's

        async def names(filters=PropertyFilter(), page=PageRequest()):
            found = await uow.property_list.page(org, filters, page)
            return [x.name for x in found.items], found.total

        assert await names() == (["Alder Court", "Birch House", "Cedar Lofts", "Dune Towers"], 4)
        assert await names(page=PageRequest(page=2, page_size=3)) == (["Dune Towers"], 4)
        assert await names(page=PageRequest(page=3, page_size=3)) == ([], 4)
        assert await names(page=PageRequest(sort_by="name", descending=True, page_size=2)) == (
            ["Dune Towers", "Cedar Lofts"],
            4,
        )
        assert await names(PropertyFilter(status="inactive")) == (["Cedar Lofts"], 1)
        assert await names(PropertyFilter(type="commercial")) == (["Birch House"], 1)
        assert await names(PropertyFilter(search="o")) == (
            ["Alder Court", "Birch House", "Cedar Lofts", "Dune Towers"],
            4,
        )
        assert await names(PropertyFilter(search="TOWER")) == (["Dune Towers"], 1)  # any case
        assert await names(PropertyFilter(created_after=b.at(10), created_before=b.at(20))) == (
            ["Birch House", "Cedar Lofts"],
            2,
        )


async def test_ties_on_the_sort_key_are_broken_by_id_in_the_sort_direction(make_uow):
    org = new_id()
    twins = [b.prop(org, "Twin", b.at(5)) for _ in range(4)]
    by_id = sorted(p.id for p in twins)
    async with make_uow() as uow:
        await uow.properties.add_many(twins)
        for sort_by in ("name", "created_at", "updated_at"):
            up = await uow.property_list.page(org, PropertyFilter(), PageRequest(sort_by=sort_by, page_size=3))
            down = await uow.property_list.page(
                org, PropertyFilter(), PageRequest(sort_by=sort_by, descending=True, page_size=3)
            )
            assert [x.id for x in up.items] == by_id[:3] and up.total == 4
            assert [x.id for x in down.items] == by_id[::-1][:3] and down.total == 4


async def test_property_owners_filter_the_list(make_uow):
    org, first, second = new_id(), new_id(), new_id()
    owned = b.prop(org, "Owned", owner_ids=tuple(sorted([first, second])))
    async with make_uow() as uow:
        await uow.properties.add(owned)
        await uow.properties.add(b.prop(org, "Not owned"))
        found = await uow.property_list.page(org, PropertyFilter(owner_id=first), PageRequest())
        assert [x.id for x in found.items] == [owned.id]
        assert found.items[0].owner_ids == tuple(sorted([first, second]))  # every owner, sorted
        await uow.properties.update(replace(owned, owner_ids=(second,), version=2), expected_version=1)
        assert (await uow.property_list.page(org, PropertyFilter(owner_id=first), PageRequest())).total == 0
        found = await uow.property_list.page(org, PropertyFilter(owner_id=second), PageRequest())
        assert [(x.id, x.owner_ids) for x in found.items] == [(owned.id, (second,))]


async def test_another_organizations_rows_never_appear(make_uow):
    ours, theirs, owner = new_id(), new_id(), new_id()
    mine = b.prop(ours, "Lake View", owner_ids=(owner,))
    async with make_uow() as uow:
        await uow.properties.add(mine)
        await uow.properties.add(b.prop(theirs, "Lake View", owner_ids=(owner,)))
        for filters in (PropertyFilter(), PropertyFilter(search="lake"), PropertyFilter(owner_id=owner)):
            found = await uow.property_list.page(ours, filters, PageRequest())
            assert [x.id for x in found.items] == [mine.id] and found.total == 1
            assert all(x.organization_id == ours for x in found.items)
        nobody = await uow.property_list.page(new_id(), PropertyFilter(), PageRequest())
        assert nobody.items == [] and nobody.total == 0


async def test_a_read_only_unit_of_work_lists_what_was_committed_and_stores_nothing(make_uow):
    """The list use cases read through ``uow.read_only()``: it sees committed rows, refuses a commit."""
    org = new_id()
    listed = b.prop(org, "Committed", owner_ids=(new_id(),))
    async with make_uow() as uow:
        await uow.properties.add(listed)
        await uow.commit()
    async with make_uow() as uow:
        await uow.properties.add(b.prop(org, "Rolled back"))  # never committed
    async with make_uow().read_only() as reader:
        found = await reader.property_list.page(org, PropertyFilter(), PageRequest())
        assert [b.same(x, listed) for x in found.items] == [True] and found.total == 1
        with pytest.raises(ReadOnlyUnitOfWorkWrite):
            await reader.commit()

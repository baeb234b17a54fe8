"""One suite for the properties context's PropertyRepository, UnitRepository and TenantRepository,
over the fakes, SQL on SQLite and SQL on PostgreSQL (the property list, a query port of its own, has
its suite in test_property_list_queries.py). Every test works in one unit of work and never
commits, so nothing it writes outlives it (new organization ids keep tests apart all the same)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.properties.model import UnitStatus
from pmsaas.domain.properties.ports import TenantFilter, UnitFilter
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


# -- properties --------------------------------------------------------------------------------


async def test_a_property_reads_back_as_written_and_only_in_its_organization(make_uow):
    org, other = new_id(), new_id()
    p = b.prop(org, owner_ids=(), amenities=("Pool", "Gym"), description="by the lake", year_built=1999)
    async with make_uow() as uow:
        await uow.properties.add(p)
        assert b.same(await uow.properties.get(org, p.id), p)
        with pytest.raises(NotFound):
            await uow.properties.get(other, p.id)
        with pytest.raises(NotFound):
            await uow.properties.get(org, new_id())


async def test_property_update_checks_the_version(make_uow):
    org = new_id()
    p = b.prop(org)
    async with make_uow() as uow:
        await uow.properties.add(p)
        moved = replace(p, name="Lake View II", version=2, updated_at=b.at(60))
        await uow.properties.update(moved, expected_version=1)
        assert b.same(await uow.properties.get(org, p.id), moved)
        with pytest.raises(Conflict):
            await uow.properties.update(replace(moved, version=3), expected_version=1)
        with pytest.raises(Conflict):  # another organization's property is not there to update
            await uow.properties.update(replace(moved, organization_id=new_id(), version=3), expected_version=2)


async def test_a_deleted_property_is_gone_from_reads(make_uow):
    """Its absence from the list is the PropertyListQuery suite's (test_property_list_queries.py)."""
    org = new_id()
    kept, gone = b.prop(org, "Kept"), b.prop(org, "Gone")
    async with make_uow() as uow:
        await uow.properties.add_many([kept, gone])
        with pytest.raises(NotFound):
            await uow.properties.delete(new_id(), gone.id, b.at(1))
        await uow.properties.delete(org, gone.id, b.at(1))
        with pytest.raises(NotFound):
            await uow.properties.get(org, gone.id)
        with pytest.raises(NotFound):
            await uow.properties.delete(org, gone.id, b.at(2))
        assert b.same(await uow.properties.get(org, kept.id), kept)
        assert await uow.properties.find_by_name(org, "Gone") is None


async def test_property_owners_are_kept(make_uow):
    org, first, second = new_id(), new_id(), new_id()
    owned = b.prop(org, "Owned", owner_ids=tuple(sorted([first, second])))
    async with make_uow() as uow:
        await uow.properties.add(owned)
        await uow.properties.add(b.prop(org, "Not owned"))
        assert (await uow.properties.get(org, owned.id)).owner_ids == tuple(sorted([first, second]))
        await uow.properties.update(replace(owned, owner_ids=(second,), version=2), expected_version=1)
        assert (await uow.properties.get(org, owned.id)).owner_ids == (second,)


async def test_properties_found_by_name_and_unit_counts(make_uow):
    org = new_id()
    a, a_later, c = b.prop(org, "A", b.at(0)), b.prop(org, "A", b.at(5)), b.prop(org, "C", b.at(9))
    async with make_uow() as uow:
        await uow.properties.add_many([a_later, a, c])
        assert (await uow.properties.find_by_name(org, "A")).id == a.id  # the oldest of that name
        assert await uow.properties.find_by_name(new_id(), "A") is None
        assert [x.id for x in await uow.properties.find_by_names(org, ["A", "C", "Z"])] == [a.id, a_later.id, c.id]
        await uow.units.add_many([b.unit(org, a.id, "1"), b.unit(org, a.id, "2")])
        dropped = b.unit(org, a.id, "3")
        await uow.units.add(dropped)
        await uow.units.delete(org, dropped.id, b.at(1))
        assert await uow.properties.unit_counts(org, [a.id, c.id]) == {a.id: 2, c.id: 0}
        assert await uow.properties.unit_counts(new_id(), [a.id]) == {a.id: 0}
        assert await uow.properties.unit_counts(org, []) == {}


# -- units -------------------------------------------------------------------------------------


async def test_a_unit_reads_back_as_written_and_only_in_its_organization(make_uow):
    org = new_id()
    p = b.prop(org)
    u = b.unit(org, p.id, bedrooms=2, market_rent=Money.of("18000", "INR"), amenities=("Balcony",), floor="1")
    async with make_uow() as uow:
        await uow.properties.add(p)
        await uow.units.add(u)
        assert b.same(await uow.units.get(org, u.id), u)
        assert b.same(await uow.units.lock(org, u.id), u)
        for read in (uow.units.get, uow.units.lock):
            with pytest.raises(NotFound):
                await read(new_id(), u.id)


async def test_a_live_unit_name_is_unique_within_its_property(make_uow):
    org = new_id()
    p, q = b.prop(org, "P"), b.prop(org, "Q")
    async with make_uow() as uow:
        await uow.properties.add_many([p, q])
        first = b.unit(org, p.id, "101")
        await uow.units.add(first)
        with pytest.raises(Conflict):
            await uow.units.add(b.unit(org, p.id, "101"))
        await uow.units.add(b.unit(org, q.id, "101"))  # another property may use the name
        second = b.unit(org, p.id, "102")
        await uow.units.add(second)
        with pytest.raises(Conflict):
            await uow.units.update(replace(second, name="101", version=2), expected_version=1)
        with pytest.raises(Conflict):
            await uow.units.add_many([b.unit(org, p.id, "201"), b.unit(org, p.id, "101")])
        assert await uow.units.find_by_name(org, p.id, "201") is None  # all or nothing
        await uow.units.delete(org, first.id, b.at(1))
        await uow.units.add(b.unit(org, p.id, "101"))  # a deleted unit's name is free again
        assert (await uow.units.find_by_name(org, p.id, "102")).id == second.id
        assert await uow.units.find_by_name(new_id(), p.id, "102") is None


async def test_unit_update_delete_and_bulk_statuses(make_uow):
    org = new_id()
    p = b.prop(org)
    u = b.unit(org, p.id)
    async with make_uow() as uow:
        await uow.properties.add(p)
        await uow.units.add(u)
        moved = replace(u, floor="2", version=2, updated_at=b.at(5))
        await uow.units.update(moved, expected_version=1)
        assert b.same(await uow.units.get(org, u.id), moved)
        with pytest.raises(Conflict):
            await uow.units.update(replace(moved, version=3), expected_version=1)
        occupied = replace(moved, status=UnitStatus.OCCUPIED, version=3, updated_at=b.at(9))
        await uow.units.set_statuses([occupied])
        assert b.same(await uow.units.get(org, u.id), occupied)
        with pytest.raises(NotFound):
            await uow.units.delete(new_id(), u.id, b.at(10))
        await uow.units.delete(org, u.id, b.at(10))
        with pytest.raises(NotFound):
            await uow.units.get(org, u.id)
        assert await uow.units.for_properties(org, [p.id]) == []


async def test_unit_list_filters_pages_and_sorts(make_uow):
    org = new_id()
    p, q = b.prop(org, "P"), b.prop(org, "Q")
    units = [
        b.unit(org, p.id, "A-1", b.at(0), type="studio"),
        b.unit(org, p.id, "A-2", b.at(1), status=UnitStatus.UNDER_MAINTENANCE),
        b.unit(org, p.id, "B-1", b.at(2), type="studio"),
    ]
    async with make_uow() as uow:
        await uow.properties.add_many([p, q])
        await uow.units.add_many([*units, b.unit(org, q.id, "A-1")])

        async def names(filters=UnitFilter(), page=PageRequest()):
            found = await uow.units.list(org, p.id, filters, page)
            return [x.name for x in found.items], found.total

        assert await names() == (["A-1", "A-2", "B-1"], 3)
        assert await names(page=PageRequest(sort_by="name", descending=True, page_size=1)) == (["B-1"], 3)
        assert await names(UnitFilter(status="under_maintenance")) == (["A-2"], 1)
        assert await names(UnitFilter(type="studio")) == (["A-1", "B-1"], 2)
        assert await names(UnitFilter(search="a-")) == (["A-1", "A-2"], 2)
        assert await names(UnitFilter(created_after=b.at(1))) == (["A-2", "B-1"], 2)
        assert (await uow.units.list(new_id(), p.id, UnitFilter(), PageRequest())).total == 0
        assert {x.name for x in await uow.units.for_properties(org, [p.id, q.id])} == {"A-1", "A-2", "B-1"}


async def test_the_tenant_filter_shows_the_units_of_its_signed_leases(make_uow):
    org = new_id()
    p = b.prop(org)
    mine, co, draft, other = (b.unit(org, p.id, n) for n in ("1", "2", "3", "4"))
    tara, cora = b.tenant(org, p.id, "Tara T"), b.tenant(org, p.id, "Cora C")
    async with make_uow() as uow:
        await uow.properties.add(p)
        await uow.units.add_many([mine, co, draft, other])
        await uow.tenants.add_many([tara, cora])
        await uow.leases.add(b.lease(org, mine, tara.id, status=LeaseStatus.ACTIVE))
        await uow.leases.add(b.lease(org, co, cora.id, co_tenant_ids=(tara.id,), status=LeaseStatus.ENDED))
        await uow.leases.add(b.lease(org, draft, tara.id))  # a draft shows nothing to the tenant
        found = await uow.units.list(org, p.id, UnitFilter(tenant_id=tara.id), PageRequest())
        assert {x.name for x in found.items} == {"1", "2"}


# -- tenants -----------------------------------------------------------------------------------


async def test_a_tenant_reads_back_updates_and_stays_in_its_organization(make_uow):
    org = new_id()
    p = b.prop(org)
    t = b.tenant(org, p.id, phone="+919876543210", pan_number="AAAPL1234C")
    async with make_uow() as uow:
        await uow.properties.add(p)
        await uow.tenants.add(t)
        assert b.same(await uow.tenants.get(org, t.id), t)
        with pytest.raises(NotFound):
            await uow.tenants.get(new_id(), t.id)
        moved = replace(t, name="Tara Two", version=2, updated_at=b.at(3))
        await uow.tenants.update(moved, expected_version=1)
        assert b.same(await uow.tenants.get(org, t.id), moved)
        with pytest.raises(Conflict):
            await uow.tenants.update(replace(moved, version=3), expected_version=1)


async def test_a_deleted_tenant_lets_go_of_its_login(make_uow):
    org, login = new_id(), new_id()
    p = b.prop(org)
    t = b.tenant(org, p.id, user_id=login)
    async with make_uow() as uow:
        await uow.properties.add(p)
        await uow.tenants.add(t)
        assert (await uow.tenants.find_by_user(org, login)).id == t.id
        assert await uow.tenants.find_by_user(new_id(), login) is None
        with pytest.raises(NotFound):
            await uow.tenants.delete(new_id(), t.id, b.at(1))
        await uow.tenants.delete(org, t.id, b.at(1))
        assert await uow.tenants.find_by_user(org, login) is None
        with pytest.raises(NotFound):
            await uow.tenants.get(org, t.id)
        with pytest.raises(NotFound):
            await uow.tenants.delete(org, t.id, b.at(2))


async def test_tenant_list_search_paging_and_lookups(make_uow):
    org = new_id()
    p, q = b.prop(org, "P"), b.prop(org, "Q")
    tara = b.tenant(org, p.id, "Tara Tenant", b.at(0), email="tara@example.com")
    ravi = b.tenant(org, p.id, "Ravi Renter", b.at(1), email="ravi@lessee.in")
    elsewhere = b.tenant(org, q.id, "Tara Tenant", b.at(2), email="tara@example.com")
    async with make_uow() as uow:
        await uow.properties.add_many([p, q])
        await uow.tenants.add_many([tara, ravi, elsewhere])

        async def names(filters=TenantFilter(), page=PageRequest()):
            found = await uow.tenants.list(org, p.id, filters, page)
            return [x.name for x in found.items], found.total

        assert await names() == (["Tara Tenant", "Ravi Renter"], 2)
        assert await names(page=PageRequest(sort_by="name")) == (["Ravi Renter", "Tara Tenant"], 2)
        assert await names(page=PageRequest(page=2, page_size=1)) == (["Ravi Renter"], 2)
        assert await names(TenantFilter(search="TARA")) == (["Tara Tenant"], 1)
        assert await names(TenantFilter(search="lessee")) == (["Ravi Renter"], 1)  # the e-mail too
        assert await names(TenantFilter(only_id=ravi.id)) == (["Ravi Renter"], 1)
        assert await names(TenantFilter(created_after=b.at(1))) == (["Ravi Renter"], 1)
        assert (await uow.tenants.find_by_email(org, q.id, "tara@example.com")).id == elsewhere.id
        assert await uow.tenants.find_by_email(org, q.id, "ravi@lessee.in") is None
        assert await uow.tenants.find_by_email(new_id(), p.id, "tara@example.com") is None
        assert {x.id for x in await uow.tenants.for_properties(org, [p.id])} == {tara.id, ravi.id}
        assert await uow.tenants.for_properties(new_id(), [p.id]) == []

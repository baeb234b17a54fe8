"""One suite for LeaseRepository, OrganizationFacts and TenantAccounts (the properties context's
narrow views of other contexts' rows), over the fakes, SQL on SQLite and SQL on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.properties.ports import LeaseFilter
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest

ACTIVE, NOTICE, ENDED, TERMINATED = (
    LeaseStatus.ACTIVE,
    LeaseStatus.NOTICE_GIVEN,
    LeaseStatus.ENDED,
    LeaseStatus.TERMINATED,
)


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


async def _setup(uow, org, units=1, tenants=1, **prop_kw):
    p = b.prop(org, **prop_kw)
    us = [b.unit(org, p.id, f"U{i}") for i in range(units)]
    ts = [b.tenant(org, p.id, f"T{i} Person") for i in range(tenants)]
    await uow.properties.add(p)
    await uow.units.add_many(us)
    await uow.tenants.add_many(ts)
    return p, us, ts


async def test_a_lease_reads_back_as_written_and_only_in_its_organization(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, [u], [t, co1, co2] = await _setup(uow, org, tenants=3)
        x = b.lease(org, u, t.id, co_tenant_ids=tuple(sorted([co1.id, co2.id])), billing_day=5, grace_days=3)
        await uow.leases.add(x)
        assert b.same(await uow.leases.get(org, x.id), x)
        with pytest.raises(NotFound):
            await uow.leases.get(new_id(), x.id)
        with pytest.raises(NotFound):
            await uow.leases.get(org, new_id())


async def test_lease_update_checks_the_version_and_rewrites_co_tenants(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, [u], [t, co1, co2] = await _setup(uow, org, tenants=3)
        x = b.lease(org, u, t.id, co_tenant_ids=(co1.id,))
        await uow.leases.add(x)
        moved = replace(x, status=ACTIVE, co_tenant_ids=(co2.id,), version=2, updated_at=b.at(5))
        await uow.leases.update(moved, expected_version=1)
        assert b.same(await uow.leases.get(org, x.id), moved)
        with pytest.raises(Conflict):
            await uow.leases.update(replace(moved, version=3), expected_version=1)
        with pytest.raises(Conflict):  # another organization's lease is not there to update
            await uow.leases.update(replace(moved, organization_id=new_id(), version=3), expected_version=2)


async def test_lease_list_filters_pages_and_sorts(make_uow):
    org = new_id()
    owner = new_id()
    async with make_uow() as uow:
        p, [u1, u2], [t1, t2] = await _setup(uow, org, units=2, tenants=2, owner_ids=(owner,))
        q, [u3], [t3] = await _setup(uow, org, name="Other")
        first = b.lease(org, u1, t1.id, date(2030, 1, 1), date(2030, 6, 30), b.at(0), status=ENDED)
        second = b.lease(org, u1, t1.id, date(2030, 7, 1), date(2031, 6, 30), b.at(1), status=ACTIVE)
        shared = b.lease(org, u2, t2.id, date(2030, 3, 1), None, b.at(2), co_tenant_ids=(t1.id,), status=ACTIVE)
        draft = b.lease(org, u3, t3.id, date(2030, 2, 1), date(2030, 12, 31), b.at(3))
        await uow.leases.add_many([first, second, shared, draft])

        async def ids(filters=LeaseFilter(), page=PageRequest()):
            found = await uow.leases.list(org, filters, page)
            return [x.id for x in found.items], found.total

        assert await ids() == ([first.id, second.id, shared.id, draft.id], 4)
        assert await ids(page=PageRequest(page=2, page_size=3)) == ([draft.id], 4)
        assert await ids(page=PageRequest(sort_by="start_date", descending=True, page_size=2)) == (
            [second.id, shared.id],
            4,
        )
        assert await ids(LeaseFilter(status="active")) == ([second.id, shared.id], 2)
        assert await ids(LeaseFilter(statuses=("ended", "draft"))) == ([first.id, draft.id], 2)
        assert await ids(LeaseFilter(property_id=q.id)) == ([draft.id], 1)
        assert await ids(LeaseFilter(property_id=p.id)) == ([first.id, second.id, shared.id], 3)
        assert await ids(LeaseFilter(unit_id=u1.id)) == ([first.id, second.id], 2)
        assert await ids(LeaseFilter(tenant_id=t1.id)) == ([first.id, second.id, shared.id], 3)  # co-tenant too
        assert await ids(LeaseFilter(ending_before=date(2031, 1, 1))) == ([first.id, draft.id], 2)  # never periodic
        assert await ids(LeaseFilter(owner_id=owner)) == ([first.id, second.id, shared.id], 3)
        assert await ids(LeaseFilter(created_after=b.at(1), created_before=b.at(2))) == ([second.id, shared.id], 2)
        assert (await uow.leases.list(new_id(), LeaseFilter(), PageRequest())).total == 0


async def test_lease_lookups_by_unit_tenant_and_day(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, [u1, u2], [t1, t2] = await _setup(uow, org, units=2, tenants=2)
        old = b.lease(org, u1, t1.id, date(2029, 1, 1), date(2029, 12, 31), status=ENDED)
        running = b.lease(org, u1, t1.id, date(2030, 1, 1), date(2030, 12, 31), status=ACTIVE)
        leaving = b.lease(
            org,
            u2,
            t2.id,
            date(2030, 1, 1),
            None,
            status=NOTICE,
            move_out_date=date(2030, 3, 31),
            co_tenant_ids=(t1.id,),
        )
        draft = b.lease(org, u2, t2.id, date(2030, 6, 1), None)
        await uow.leases.add_many([old, running, leaving, draft])

        assert {x.id for x in await uow.leases.occupying(org, u1.id)} == {running.id}
        assert {x.id for x in await uow.leases.occupying(org, u2.id)} == {leaving.id}
        assert await uow.leases.occupying(new_id(), u1.id) == []
        for_t1 = [x.id for x in await uow.leases.for_tenant(org, t1.id)]  # newest start first, co-tenant too
        assert set(for_t1[:2]) == {running.id, leaving.id} and for_t1[2:] == [old.id]
        assert await uow.leases.for_tenant(new_id(), t1.id) == []
        assert {x.id for x in await uow.leases.active_on(org, date(2030, 3, 31))} == {running.id, leaving.id}
        assert {x.id for x in await uow.leases.active_on(org, date(2030, 4, 1))} == {running.id}  # moved out
        assert await uow.leases.active_on(org, date(2029, 6, 1)) == []  # ended leases never run
        assert (await uow.leases.find(org, u1.id, t1.id, date(2030, 1, 1))).id == running.id
        assert await uow.leases.find(org, u1.id, t2.id, date(2030, 1, 1)) is None
        assert await uow.leases.find(new_id(), u1.id, t1.id, date(2030, 1, 1)) is None
        assert {x.id for x in await uow.leases.for_units(org, [u2.id])} == {leaving.id, draft.id}
        assert await uow.leases.unit_has_leases(org, u2.id)
        assert not await uow.leases.unit_has_leases(new_id(), u2.id)


async def test_active_on_orders_by_start_then_id(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, units, [t] = await _setup(uow, org, units=3)
        leases = [
            b.lease(org, units[0], t.id, date(2030, 2, 1), None, status=ACTIVE),
            b.lease(org, units[1], t.id, date(2030, 1, 1), None, status=ACTIVE),
            b.lease(org, units[2], t.id, date(2030, 1, 1), None, status=ACTIVE),
        ]
        await uow.leases.add_many(leases)
        expected = sorted(leases, key=lambda x: (x.start_date, x.id))
        assert [x.id for x in await uow.leases.active_on(org, date(2030, 3, 1))] == [x.id for x in expected]


async def test_a_renewal_is_found_from_the_lease_it_renews_unless_terminated(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, [u], [t] = await _setup(uow, org)
        current = b.lease(org, u, t.id, date(2030, 1, 1), date(2030, 12, 31), status=ACTIVE)
        await uow.leases.add(current)
        assert await uow.leases.renewal_of(org, current.id) is None
        renewal = b.lease(org, u, t.id, date(2031, 1, 1), date(2031, 12, 31), status=ACTIVE, renewed_from_id=current.id)
        await uow.leases.add(renewal)
        assert (await uow.leases.renewal_of(org, current.id)).id == renewal.id
        assert await uow.leases.renewal_of(new_id(), current.id) is None
        dropped = replace(renewal, status=TERMINATED, terminated_on=date(2031, 1, 1), version=2)
        await uow.leases.update(dropped, expected_version=1)
        assert await uow.leases.renewal_of(org, current.id) is None


# -- narrow views ------------------------------------------------------------------------------


async def test_organization_facts_read_the_organization(make_uow):
    org = b.organization(country="CA")
    async with make_uow() as uow:
        await uow.organizations.add(org)
        assert await uow.organization_facts.currency(org.id) == "CAD"
        assert await uow.organization_facts.time_zone(org.id) == "America/Toronto"
        for read in (uow.organization_facts.currency, uow.organization_facts.time_zone):
            with pytest.raises(NotFound):
                await read(new_id())
        await uow.organizations.delete(org.id, b.at(1))
        with pytest.raises(NotFound):
            await uow.organization_facts.currency(org.id)


async def test_tenant_accounts_read_roles_and_link_a_profile(make_uow):
    org = new_id()
    member, stranger = b.user(), b.user()
    async with make_uow() as uow:
        await uow.users.add(member)
        await uow.users.add(stranger)
        await uow.memberships.add(b.membership(org, member.id, "Tenant"))
        assert await uow.tenant_accounts.roles_of(org, member.id) == frozenset({"Tenant"})
        assert await uow.tenant_accounts.roles_of(org, stranger.id) is None
        assert await uow.tenant_accounts.roles_of(new_id(), member.id) is None
        profile = new_id()
        await uow.tenant_accounts.set_tenant_profile(org, member.id, profile)
        assert (await uow.memberships.get(org, member.id)).tenant_profile_id == profile
        await uow.tenant_accounts.set_tenant_profile(org, member.id, None)
        assert (await uow.memberships.get(org, member.id)).tenant_profile_id is None
        await uow.tenant_accounts.set_tenant_profile(org, stranger.id, profile)  # not a member: nothing happens
        assert await uow.memberships.find(org, stranger.id) is None


async def test_overlapping_occupancy_is_refused_by_the_fake_and_postgresql(make_uow, request):
    """The port promises this only on PostgreSQL (an exclusion constraint); SQLite relies on the use
    case's check made under the unit lock, so there the second lease is stored."""
    org = new_id()
    backend = request.node.callspec.params["make_uow"]
    async with make_uow() as uow:
        _, [u], [t] = await _setup(uow, org)
        await uow.leases.add(b.lease(org, u, t.id, date(2030, 1, 1), date(2030, 12, 31), status=ACTIVE))
        clash = b.lease(org, u, t.id, date(2030, 12, 31), None, status=ACTIVE)
        if backend == "sql-sqlite":
            await uow.leases.add(clash)
            assert len(await uow.leases.occupying(org, u.id)) == 2
        else:
            with pytest.raises(Conflict):
                await uow.leases.add(clash)
            assert len(await uow.leases.occupying(org, u.id)) == 1

"""One suite for the properties context's LeaseListQuery (the lease list, a hot read) over the fake, SQL on
SQLite (SqliteLeaseList) and SQL on PostgreSQL (PostgresLeaseList): the same leases, filters, sorts and
pages as ``LeaseRepository.list`` (test_lease_repositories.py), each lease read back whole, co-tenants
included. Rows are written through the unit of work's repositories; nothing is committed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from fakes.properties import FakeLeaseList
from pmsaas.adapters.sql.queries.lease_list import PostgresLeaseList, SqliteLeaseList
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.properties.ports import LeaseFilter
from pmsaas.domain.properties.schedule import Escalation, LateFee
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

ADAPTERS = {"fake": FakeLeaseList, "sql-sqlite": SqliteLeaseList, "sql-postgres": PostgresLeaseList}
ACTIVE, ENDED = LeaseStatus.ACTIVE, LeaseStatus.ENDED


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="module")
async def make_uow(backend, database_urls):
    async with uow_factory(backend, database_urls) as factory:
        yield factory


async def _setup(uow, org, units=1, tenants=1, **prop_kw):
    p = b.prop(org, **prop_kw)
    us = [b.unit(org, p.id, f"U{i}") for i in range(units)]
    ts = [b.tenant(org, p.id, f"T{i} Person") for i in range(tenants)]
    await uow.properties.add(p)
    await uow.units.add_many(us)
    await uow.tenants.add_many(ts)
    return p, us, ts


async def test_each_database_gets_its_own_adapter(backend, make_uow):
    async with make_uow() as uow:
        assert type(uow.lease_list) is ADAPTERS[backend]
    async with make_uow().read_only() as reader:
        assert type(reader.lease_list) is ADAPTERS[backend]


async def test_a_listed_lease_reads_back_whole_with_its_co_tenants(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, [u1, u2], [t, co1, co2] = await _setup(uow, org, units=2, tenants=3)
        full = b.lease(
            org,
            u1,
            t.id,
            co_tenant_ids=tuple(sorted([co1.id, co2.id])),
            billing_day=5,
            grace_days=3,
            security_deposit=Money.of("50000", "INR"),
            late_fee=LateFee("percentage", Decimal("2.5"), Money.of("1000", "INR")),
            escalation=Escalation("amount", Decimal("1500.00")),
            tds_applicable=True,
            status=ACTIVE,
            renewed_from_id=new_id(),
        )
        bare = b.lease(org, u2, co1.id, date(2030, 6, 1), None, b.at(1), rent=Money.of("1250.5", "CAD"))
        await uow.leases.add_many([full, bare])
        found = await uow.lease_list.page(org, LeaseFilter(), PageRequest())
        assert found.total == 2 and [x.id for x in found.items] == [full.id, bare.id]
        assert b.same(found.items[0], await uow.leases.get(org, full.id))
        assert b.same(found.items[1], await uow.leases.get(org, bare.id))
        assert found.items[0].co_tenant_ids == tuple(sorted([co1.id, co2.id])) and found.items[1].co_tenant_ids == ()
        assert str(found.items[1].rent) == "1250.50" and found.items[1].currency == "CAD"


async def test_lease_list_filters_pages_and_sorts_as_the_repository_does(make_uow):
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
            found = await uow.lease_list.page(org, filters, page)
            reference = await uow.leases.list(org, filters, page)
            assert [x.id for x in found.items] == [x.id for x in reference.items]
            assert (found.total, found.next_after) == (reference.total, reference.next_after)
            return [x.id for x in found.items], found.total

        assert await ids() == ([first.id, second.id, shared.id, draft.id], 4)
        assert await ids(page=PageRequest(page=2, page_size=3)) == ([draft.id], 4)
        assert await ids(page=PageRequest(sort_by="start_date", descending=True, page_size=2)) == (
            [second.id, shared.id],
            4,
        )
        for sort_by in ("status", "end_date", "updated_at"):  # ties and NULLs: as the repository orders them
            for descending in (False, True):
                await ids(page=PageRequest(sort_by=sort_by, descending=descending, page_size=3))
        assert await ids(LeaseFilter(status="active")) == ([second.id, shared.id], 2)
        assert await ids(LeaseFilter(statuses=("ended", "draft"))) == ([first.id, draft.id], 2)
        assert await ids(LeaseFilter(status="ended", statuses=("ended", "active"))) == ([first.id], 1)
        assert await ids(LeaseFilter(property_id=q.id)) == ([draft.id], 1)
        assert await ids(LeaseFilter(property_id=p.id)) == ([first.id, second.id, shared.id], 3)
        assert await ids(LeaseFilter(unit_id=u1.id)) == ([first.id, second.id], 2)
        assert await ids(LeaseFilter(tenant_id=t1.id)) == ([first.id, second.id, shared.id], 3)  # co-tenant too
        assert await ids(LeaseFilter(tenant_id=t1.id, statuses=("active",))) == ([second.id, shared.id], 2)
        assert await ids(LeaseFilter(ending_before=date(2031, 1, 1))) == ([first.id, draft.id], 2)  # never periodic
        assert await ids(LeaseFilter(owner_id=owner)) == ([first.id, second.id, shared.id], 3)
        assert await ids(LeaseFilter(created_after=b.at(1), created_before=b.at(2))) == ([second.id, shared.id], 2)
        assert await ids(page=PageRequest(page=3, page_size=2)) == ([], 4)
        assert (await uow.lease_list.page(new_id(), LeaseFilter(), PageRequest())).total == 0


async def test_the_keyset_cursor_walks_every_sortable_key(backend, make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, units, [t] = await _setup(uow, org, units=5)
        statuses = [ACTIVE, ENDED, ACTIVE, LeaseStatus.DRAFT, ENDED]
        made = [
            b.lease(org, u, t.id, date(2030, 1 + i % 3, 1), None, b.at(i), status=statuses[i])
            for i, u in enumerate(units)
        ]
        await uow.leases.add_many(made)

        async def walk(lister, sort_by, descending):
            walked, after = [], None
            while True:
                page = PageRequest(sort_by=sort_by, descending=descending, page_size=2, after=after)
                found = await lister(org, LeaseFilter(), page)
                walked += [x.id for x in found.items]
                after = found.next_after
                if after is None:
                    return walked

        for sort_by in ("created_at", "updated_at", "start_date", "status"):
            for descending in (False, True):
                walked = await walk(uow.lease_list.page, sort_by, descending)
                assert walked == await walk(uow.leases.list, sort_by, descending), (sort_by, descending)
                if backend != "fake":  # the fakes page by offset only (no cursor)
                    whole = await uow.lease_list.page(
                        org, LeaseFilter(), PageRequest(sort_by=sort_by, descending=descending)
                    )
                    assert walked == [x.id for x in whole.items], (sort_by, descending)

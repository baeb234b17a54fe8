"""Property and unit use cases over the fake unit of work and a fixed clock: one transaction each,
events kept only on commit, rules enforced before anything is written, tenancy by organization."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from fakes import builders as b
from pmsaas.domain.properties import services
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.properties.model import PropertyType, UnitStatus
from pmsaas.domain.properties.ports import PropertyFilter, UnitFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import Conflict, IllegalTransition, NotFound, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import PageRequest

NOW = datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC)
ADDRESS = services.AddressInput("12 MG Road", "Bengaluru", "KA", "560001", "IN")


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def manager(org) -> Actor:
    return Actor(
        user_id=new_id(), organization_id=org, roles=frozenset({"PropertyManager"}), permissions=frozenset({"*"})
    )


async def _org(db: FakeDatabase):
    uow = FakeUnitOfWork(db)
    org = b.organization(country="IN")
    async with uow:
        await uow.organizations.add(org)
        await uow.commit()
    return org.id


async def _property(db, clock, actor, name="Lake View"):
    data = services.PropertyInput(name=name, type=PropertyType.RESIDENTIAL, address=ADDRESS)
    return await services.create_property(uow=FakeUnitOfWork(db), clock=clock, actor=actor, data=data)


async def test_create_property_commits_once_with_its_event(db, clock):
    actor = manager(await _org(db))
    uow = FakeUnitOfWork(db)
    data = services.PropertyInput(
        name="  Lake View ", type=PropertyType.RESIDENTIAL, address=ADDRESS, amenities=("Pool", " pool ", "Gym")
    )
    prop = await services.create_property(uow=uow, clock=clock, actor=actor, data=data)
    assert uow.commits == 1
    assert prop.name == "Lake View" and prop.amenities == ("Pool", "Gym") and prop.created_at == NOW
    assert [e.name for e in db.outbox] == ["property.created"]
    found = await services.get_property(uow=FakeUnitOfWork(db), actor=actor, property_id=prop.id)
    assert b.same(found, prop)


async def test_another_organization_cannot_see_or_change_the_property(db, clock):
    ours, theirs = manager(await _org(db)), manager(await _org(db))
    prop = await _property(db, clock, ours)
    with pytest.raises(NotFound):
        await services.get_property(uow=FakeUnitOfWork(db), actor=theirs, property_id=prop.id)
    data = services.PropertyInput(name="Mine now", type=PropertyType.COMMERCIAL, address=ADDRESS)
    with pytest.raises(NotFound):
        await services.update_property(
            uow=FakeUnitOfWork(db), clock=clock, actor=theirs, property_id=prop.id, data=data
        )
    listed = await services.list_properties(
        uow=FakeUnitOfWork(db), actor=theirs, filters=PropertyFilter(), page=PageRequest()
    )
    assert listed.total == 0


async def test_an_owner_who_is_not_a_property_owner_is_refused_and_nothing_is_written(db, clock):
    actor = manager(await _org(db))
    uow = FakeUnitOfWork(db)
    data = services.PropertyInput(name="X", type=PropertyType.RESIDENTIAL, address=ADDRESS, owner_ids=(new_id(),))
    with pytest.raises(ValidationFailed) as failed:
        await services.create_property(uow=uow, clock=clock, actor=actor, data=data)
    assert failed.value.problems[0].field == "owner_ids.0"
    assert uow.commits == 0 and db.outbox == [] and db.properties.of(actor.org) == []


async def test_units_get_unique_names_and_the_organizations_currency(db, clock):
    actor = manager(await _org(db))
    prop = await _property(db, clock, actor)
    add = services.create_unit
    rent = Money.of("18000", "INR")
    unit = await add(
        uow=FakeUnitOfWork(db),
        clock=clock,
        actor=actor,
        property_id=prop.id,
        data=services.UnitInput(name="101", market_rent=rent),
    )
    assert unit.status == UnitStatus.VACANT and unit.market_rent == rent
    with pytest.raises(Conflict):
        await add(
            uow=FakeUnitOfWork(db), clock=clock, actor=actor, property_id=prop.id, data=services.UnitInput(name="101")
        )
    with pytest.raises(ValidationFailed) as failed:
        await add(
            uow=FakeUnitOfWork(db),
            clock=clock,
            actor=actor,
            property_id=prop.id,
            data=services.UnitInput(name="102", market_rent=Money.of("100", "USD")),
        )
    assert failed.value.problems[0].field == "market_rent.currency"
    page = await services.list_units(
        uow=FakeUnitOfWork(db), actor=actor, property_id=prop.id, filters=UnitFilter(), page=PageRequest()
    )
    assert [u.name for u in page.items] == ["101"]


async def test_unit_status_moves_by_hand_only_where_allowed(db, clock):
    actor = manager(await _org(db))
    prop = await _property(db, clock, actor)
    unit = await services.create_unit(
        uow=FakeUnitOfWork(db), clock=clock, actor=actor, property_id=prop.id, data=services.UnitInput(name="101")
    )
    move = services.set_unit_status
    fixed = await move(
        uow=FakeUnitOfWork(db),
        clock=clock,
        actor=actor,
        property_id=prop.id,
        unit_id=unit.id,
        status=UnitStatus.UNDER_MAINTENANCE,
    )
    assert fixed.version == 2 and db.outbox[-1].name == "unit.status_changed"
    with pytest.raises(IllegalTransition):
        await move(
            uow=FakeUnitOfWork(db),
            clock=clock,
            actor=actor,
            property_id=prop.id,
            unit_id=unit.id,
            status=UnitStatus.OCCUPIED,
        )
    uow = FakeUnitOfWork(db)
    same = await move(
        uow=uow, clock=clock, actor=actor, property_id=prop.id, unit_id=unit.id, status=UnitStatus.UNDER_MAINTENANCE
    )
    assert same.version == 2 and uow.commits == 0  # a no-op writes nothing


async def test_a_property_with_a_running_lease_is_not_deleted(db, clock):
    actor = manager(await _org(db))
    prop = await _property(db, clock, actor)
    unit = b.unit(actor.org, prop.id)
    tenant = b.tenant(actor.org, prop.id)
    uow = FakeUnitOfWork(db)
    async with uow:
        await uow.units.add(unit)
        await uow.tenants.add(tenant)
        await uow.leases.add(b.lease(actor.org, unit, tenant.id, status=LeaseStatus.ACTIVE))
        await uow.commit()
    with pytest.raises(Conflict):
        await services.delete_property(uow=FakeUnitOfWork(db), clock=clock, actor=actor, property_id=prop.id)
    with pytest.raises(Conflict):
        await services.delete_unit(
            uow=FakeUnitOfWork(db), clock=clock, actor=actor, property_id=prop.id, unit_id=unit.id
        )
    empty = await _property(db, clock, actor, "Empty")
    await services.delete_property(uow=FakeUnitOfWork(db), clock=clock, actor=actor, property_id=empty.id)
    with pytest.raises(NotFound):
        await services.get_property(uow=FakeUnitOfWork(db), actor=actor, property_id=empty.id)
    assert db.outbox[-1].name == "property.deleted"

"""Organization use cases over the fake unit of work: who sees which organization, settings checked
against the country, deletion removing every member."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from pmsaas.domain.organizations import services
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import PageRequest

CLOCK = FixedClock(datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC))


def user_actor(org=None, user=None) -> Actor:
    return Actor(user_id=user or new_id(), organization_id=org, roles=frozenset({"OrganizationOwner"}))


async def _create(db, actor, name="Acme Rentals", settings=None):
    return await services.create_organization(
        uow=FakeUnitOfWork(db), clock=CLOCK, actor=actor, name=name, settings=settings
    )


async def test_the_creator_owns_the_new_organization():
    db, creator = FakeDatabase(), user_actor()
    uow = FakeUnitOfWork(db)
    org = await services.create_organization(
        uow=uow, clock=CLOCK, actor=creator, name=" Acme ", settings=OrganizationSettings.for_country("IN")
    )
    assert uow.commits == 1 and org.name == "Acme" and org.settings.currency == "INR"
    assert db.memberships[(org.id, creator.user_id)].roles == frozenset({"OrganizationOwner"})
    assert [e.name for e in db.outbox] == ["organization.created"]
    api_key = Actor(user_id=None, organization_id=org.id)
    with pytest.raises(PermissionDenied):
        await _create(db, api_key)


async def test_a_user_sees_only_the_organizations_it_belongs_to():
    db, alice, bob = FakeDatabase(), user_actor(), user_actor()
    mine, theirs = await _create(db, alice, "Mine"), await _create(db, bob, "Theirs")
    listed = await services.list_organizations(uow=FakeUnitOfWork(db), actor=alice, page=PageRequest())
    assert [o.id for o in listed.items] == [mine.id]
    with pytest.raises(NotFound):
        await services.get_organization(uow=FakeUnitOfWork(db), actor=alice, organization_id=theirs.id)
    operator = Actor(user_id=new_id(), organization_id=None, roles=frozenset({"SuperAdmin"}))
    everyone = await services.list_organizations(uow=FakeUnitOfWork(db), actor=operator, page=PageRequest())
    assert {o.id for o in everyone.items} == {mine.id, theirs.id}


async def test_settings_change_only_in_the_selected_organization_and_stay_consistent():
    db, alice = FakeDatabase(), user_actor()
    first, second = await _create(db, alice, "First"), await _create(db, alice, "Second")
    in_first = user_actor(first.id, alice.user_id)
    canada = OrganizationSettings.for_country("CA")
    with pytest.raises(PermissionDenied):  # a member, but X-Organization-ID names the other one
        await services.update_settings(
            uow=FakeUnitOfWork(db), clock=CLOCK, actor=in_first, organization_id=second.id, settings=canada
        )
    updated = await services.update_settings(
        uow=FakeUnitOfWork(db), clock=CLOCK, actor=in_first, organization_id=first.id, settings=canada
    )
    assert (updated.settings.currency, updated.version) == ("CAD", 2)
    uow = FakeUnitOfWork(db)
    wrong = OrganizationSettings("CA", None, "USD", "America/Toronto", "en-CA")
    with pytest.raises(ValidationFailed):
        await services.update_settings(uow=uow, clock=CLOCK, actor=in_first, organization_id=first.id, settings=wrong)
    assert uow.commits == 0 and db.organizations[first.id].settings.currency == "CAD"


async def test_a_deleted_organization_loses_its_members():
    db, alice = FakeDatabase(), user_actor()
    org = await _create(db, alice)
    await services.delete_organization(
        uow=FakeUnitOfWork(db), clock=CLOCK, actor=user_actor(org.id, alice.user_id), organization_id=org.id
    )
    assert not any(key[0] == org.id for key in db.memberships)
    with pytest.raises(NotFound):
        await services.get_organization(uow=FakeUnitOfWork(db), actor=alice, organization_id=org.id)

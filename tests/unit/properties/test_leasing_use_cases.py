"""Tenant and lease use cases over the fake unit of work and a fixed clock: the lease lifecycle moves
its unit's status, occupancy never overlaps, and any run of lease actions keeps both rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes import FakeDatabase, FakeUnitOfWork
from fakes import builders as b
from pmsaas.domain.properties import leases, services, tenants
from pmsaas.domain.properties.lease import OCCUPYING, LeaseStatus
from pmsaas.domain.properties.model import PropertyType, UnitStatus
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import Conflict, DomainError, ValidationFailed
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

# 23:59:50 UTC on 31 March is already 1 April in India: "today" is the organization's local date.
NOW = datetime(2031, 3, 31, 23, 59, 50, tzinfo=UTC)
RENT = Money.of("25000", "INR")


class Flat:
    """One organization with a property, a unit and a tenant, made through the use cases."""

    def __init__(self) -> None:
        self.db = FakeDatabase()
        self.clock = FixedClock(NOW)

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db)

    async def setup(self) -> Flat:
        org = b.organization(country="IN")
        async with self.uow() as uow:
            await uow.organizations.add(org)
            await uow.commit()
        self.actor = Actor(
            user_id=new_id(), organization_id=org.id, roles=frozenset({"PropertyManager"}), permissions=frozenset({"*"})
        )
        kw = {"clock": self.clock, "actor": self.actor}
        address = services.AddressInput("12 MG Road", "Bengaluru", "KA", "560001", "IN")
        self.prop = await services.create_property(
            uow=self.uow(), **kw, data=services.PropertyInput("Lake View", PropertyType.RESIDENTIAL, address)
        )
        self.unit = await services.create_unit(
            uow=self.uow(), **kw, property_id=self.prop.id, data=services.UnitInput(name="101")
        )
        self.tenant = await tenants.create_tenant(
            uow=self.uow(),
            **kw,
            property_id=self.prop.id,
            data=tenants.TenantInput(name="Tara Tenant", email=" Tara@Example.com ", phone="098765 43210"),
        )
        return self

    async def lease(self, start: date, end: date | None):
        data = leases.LeaseInput(unit_id=self.unit.id, start_date=start, end_date=end, rent=RENT)
        return await leases.create_lease(
            uow=self.uow(),
            clock=self.clock,
            actor=self.actor,
            property_id=self.prop.id,
            tenant_id=self.tenant.id,
            data=data,
        )

    async def unit_status(self) -> UnitStatus:
        async with self.uow() as uow:
            return (await uow.units.get(self.actor.org, self.unit.id)).status

    def kw(self) -> dict:
        return {"uow": self.uow(), "clock": self.clock, "actor": self.actor}


@pytest.fixture
async def flat() -> Flat:
    return await Flat().setup()


async def test_a_tenant_is_normalized_for_its_property(flat):
    assert flat.tenant.email == "tara@example.com" and flat.tenant.phone == "+919876543210"
    with pytest.raises(ValidationFailed) as failed:
        await tenants.create_tenant(
            **flat.kw(),
            property_id=flat.prop.id,
            data=tenants.TenantInput(name=" ", email="nope", business_number="123"),
        )
    assert {p.field for p in failed.value.problems} == {"name", "email", "business_number"}


async def test_the_lease_lifecycle_moves_the_units_status(flat):
    draft = await flat.lease(date(2031, 1, 1), date(2031, 12, 31))
    assert draft.status == LeaseStatus.DRAFT and await flat.unit_status() == UnitStatus.VACANT
    active = await leases.activate_lease(**flat.kw(), lease_id=draft.id)
    assert active.status == LeaseStatus.ACTIVE and await flat.unit_status() == UnitStatus.OCCUPIED
    notice = await leases.give_notice(**flat.kw(), lease_id=draft.id, move_out_date=date(2031, 6, 30))
    assert notice.effective_end == date(2031, 6, 30) and await flat.unit_status() == UnitStatus.NOTICE_GIVEN
    gone = await leases.terminate_lease(**flat.kw(), lease_id=draft.id, termination_date=None)
    assert gone.terminated_on == date(2031, 4, 1)  # the organization's today (Asia/Kolkata), not UTC's
    assert await flat.unit_status() == UnitStatus.VACANT
    assert [e.name for e in flat.db.outbox[-7:]] == [
        "lease.created",
        "unit.status_changed",
        "lease.activated",
        "unit.status_changed",
        "lease.notice_given",
        "unit.status_changed",
        "lease.terminated",
    ]


async def test_a_second_lease_of_the_unit_cannot_overlap_and_nothing_is_written(flat):
    first = await flat.lease(date(2031, 1, 1), date(2031, 12, 31))
    await leases.activate_lease(**flat.kw(), lease_id=first.id)
    second = await flat.lease(date(2031, 12, 31), None)  # drafts may overlap
    uow = flat.uow()
    with pytest.raises(Conflict):
        await leases.activate_lease(uow=uow, clock=flat.clock, actor=flat.actor, lease_id=second.id)
    assert uow.commits == 0
    async with flat.uow() as check:
        assert (await check.leases.get(flat.actor.org, second.id)).status == LeaseStatus.DRAFT


async def test_a_renewal_starts_the_next_day_already_active_and_only_once(flat):
    current = await flat.lease(date(2030, 4, 1), date(2031, 3, 31))
    await leases.activate_lease(**flat.kw(), lease_id=current.id)
    renewal = await leases.renew_lease(**flat.kw(), lease_id=current.id)
    assert (renewal.start_date, renewal.end_date, renewal.status) == (date(2031, 4, 1), date(2032, 3, 31), "active")
    assert [e.name for e in flat.db.outbox[-3:]] == ["lease.renewed", "lease.created", "lease.activated"]
    with pytest.raises(Conflict):
        await leases.renew_lease(**flat.kw(), lease_id=current.id)


async def test_a_tenant_with_a_running_lease_is_not_deleted(flat):
    lease = await flat.lease(date(2031, 1, 1), None)
    await leases.activate_lease(**flat.kw(), lease_id=lease.id)
    with pytest.raises(Conflict):
        await tenants.delete_tenant(**flat.kw(), property_id=flat.prop.id, tenant_id=flat.tenant.id)
    await leases.terminate_lease(**flat.kw(), lease_id=lease.id, termination_date=date(2031, 2, 1))
    await tenants.delete_tenant(**flat.kw(), property_id=flat.prop.id, tenant_id=flat.tenant.id)


ACTION = st.sampled_from(["activate", "notice", "end", "terminate", "renew"])
TERMS = st.sampled_from(
    [
        (date(2030, 1, 1), date(2030, 12, 31)),
        (date(2030, 6, 1), None),
        (date(2031, 1, 1), date(2031, 3, 31)),
        (date(2031, 4, 1), date(2032, 3, 31)),
    ]
)


@settings(max_examples=30)
@given(st.lists(TERMS, min_size=1, max_size=3), st.lists(st.tuples(st.integers(0, 2), ACTION), max_size=8))
def test_any_run_of_lease_actions_keeps_occupancy_apart_and_the_unit_in_step(terms, actions):
    asyncio.run(_run(terms, actions))


async def _run(terms, actions):
    flat = await Flat().setup()
    made = [await flat.lease(start, end) for start, end in terms]
    for index, action in actions:
        lease_id = made[index % len(made)].id
        calls = {
            "activate": lambda: leases.activate_lease(**flat.kw(), lease_id=lease_id),
            "notice": lambda: leases.give_notice(**flat.kw(), lease_id=lease_id, move_out_date=date(2031, 3, 31)),
            "end": lambda: leases.end_lease(**flat.kw(), lease_id=lease_id),
            "terminate": lambda: leases.terminate_lease(**flat.kw(), lease_id=lease_id, termination_date=None),
            "renew": lambda: leases.renew_lease(**flat.kw(), lease_id=lease_id),
        }
        try:
            await calls[action]()
        except DomainError:
            pass  # refused: and the fake rolled everything back
    async with flat.uow() as uow:
        every = await uow.leases.for_units(flat.actor.org, [flat.unit.id])
        status = (await uow.units.get(flat.actor.org, flat.unit.id)).status
    occupying = [x for x in every if x.status in OCCUPYING]
    for i, a in enumerate(occupying):
        assert not any(a.overlaps(b_) for b_ in occupying[i + 1 :])
    if any(x.status == LeaseStatus.ACTIVE for x in occupying):
        assert status == UnitStatus.OCCUPIED
    elif occupying:
        assert status == UnitStatus.NOTICE_GIVEN
    else:
        assert status == UnitStatus.VACANT

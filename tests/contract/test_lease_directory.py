"""The financial context's lease directory (what the books know of the properties context's leases,
tenants and properties) over the fakes, SQL on SQLite and SQL on PostgreSQL. Every test works in
one unit of work and never commits; new organization ids keep the tests apart."""

from __future__ import annotations

from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial.ports import LeaseRef, Premises
from pmsaas.domain.properties.lease import Lease, LeaseStatus
from pmsaas.domain.properties.model import Property, PropertyType, Tenant
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


async def _leased(uow, org: UUID, **tenant_kw) -> tuple[Property, Tenant, Lease]:  # type: ignore[no-untyped-def]
    """A commercial property with one unit, a tenant and an active lease on it, in ``org``."""
    p = b.prop(org, type=PropertyType.COMMERCIAL)
    u = b.unit(org, p.id)
    t = b.tenant(org, p.id, "Ravi Retail", **tenant_kw)
    x = b.lease(org, u, t.id, rent=Money.of("90000", "INR"), tds_applicable=True, status=LeaseStatus.ACTIVE)
    await uow.properties.add(p)
    await uow.units.add_many([u])
    await uow.tenants.add_many([t])
    await uow.leases.add(x)
    return p, t, x


async def test_a_lease_reads_as_the_books_see_it_and_only_in_its_organization(make_uow):
    org = new_id()
    async with make_uow() as uow:
        p, t, x = await _leased(uow, org, gstin="29ABCDE1234F1Z5", pan_number="ABCDE1234F")
        ref = await uow.lease_directory.get(org, x.id)
        assert ref == LeaseRef(
            id=x.id,
            organization_id=org,
            tenant_id=t.id,
            property_id=p.id,
            status="active",
            currency="INR",
            property_type="commercial",
            property_region="KA",
            tenant_email=t.email,
            tenant_name="Ravi Retail",
            tenant_gstin="29ABCDE1234F1Z5",
            tenant_pan="ABCDE1234F",
            tds_applicable=True,
        )
        with pytest.raises(NotFound):
            await uow.lease_directory.get(new_id(), x.id)
        with pytest.raises(NotFound):
            await uow.lease_directory.get(org, new_id())


async def test_a_tenant_without_tax_ids_reads_as_none(make_uow):
    org = new_id()
    async with make_uow() as uow:
        _, _, x = await _leased(uow, org)
        ref = await uow.lease_directory.get(org, x.id)
        assert (ref.tenant_gstin, ref.tenant_pan) == (None, None)


async def test_the_tenant_records_of_a_user_are_the_live_ones_of_its_organization(make_uow):
    org, user = new_id(), new_id()
    async with make_uow() as uow:
        p, mine, _ = await _leased(uow, org, user_id=user)
        gone = b.tenant(org, p.id, "Gone Tenant", user_id=user)
        someone_else = b.tenant(org, p.id, "Other Tenant", user_id=new_id())
        elsewhere = b.tenant(new_id(), new_id(), "Elsewhere Tenant", user_id=user)
        await uow.tenants.add_many([gone, someone_else])
        await uow.properties.add(b.prop(elsewhere.organization_id, id=elsewhere.property_id))
        await uow.tenants.add_many([elsewhere])
        await uow.tenants.delete(org, gone.id, b.at(60))
        assert await uow.lease_directory.tenant_ids_of_user(org, user) == {mine.id}
        assert await uow.lease_directory.tenant_ids_of_user(org, new_id()) == set()


async def test_a_property_exists_while_live_and_only_in_its_organization(make_uow):
    org = new_id()
    async with make_uow() as uow:
        p, _, _ = await _leased(uow, org)
        assert await uow.lease_directory.property_exists(org, p.id)
        assert not await uow.lease_directory.property_exists(new_id(), p.id)
        assert not await uow.lease_directory.property_exists(org, new_id())
        await uow.properties.delete(org, p.id, b.at(60))
        assert not await uow.lease_directory.property_exists(org, p.id)


async def test_the_premises_of_a_lease_are_its_unit_and_property_address(make_uow):
    org = new_id()
    async with make_uow() as uow:
        p, _t, x = await _leased(uow, org)
        unit = await uow.units.get(org, x.unit_id)
        premises = await uow.lease_directory.premises(org, x.id)
        a = p.address
        assert premises == Premises(p.name, unit.name, a.street, a.city, a.province, a.postal_code, a.country)
        assert premises.lines("Karnataka (29)")[2] == f"{a.city}, Karnataka (29) {a.postal_code}"
        with pytest.raises(NotFound):
            await uow.lease_directory.premises(new_id(), x.id)
        with pytest.raises(NotFound):
            await uow.lease_directory.premises(org, new_id())

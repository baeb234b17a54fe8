"""In-memory adapters of the properties context's ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from fakes.store import FakeDatabase, contains, created_in, page_of
from pmsaas.domain.properties.lease import OCCUPYING, Lease, LeaseStatus
from pmsaas.domain.properties.model import Property, Tenant, Unit
from pmsaas.domain.properties.ports import (
    LeaseFilter,
    LeaseListQuery,
    LeaseRepository,
    OrganizationFacts,
    PropertyFilter,
    PropertyListQuery,
    PropertyRepository,
    RecurringChargeRepository,
    TenantAccounts,
    TenantFilter,
    TenantRepository,
    UnitFilter,
    UnitRepository,
)
from pmsaas.domain.properties.recurring import RecurringCharge
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_BY_TIME = {"name": lambda x: x.name, "created_at": lambda x: x.created_at, "updated_at": lambda x: x.updated_at}


def _id(x: Property | Unit | Tenant | Lease) -> UUID:
    return x.id


class FakePropertyRepository(PropertyRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, prop: Property) -> None:
        self._db.properties.put(prop.organization_id, prop.id, _owners_deduplicated(prop))

    async def get(self, organization_id: UUID, property_id: UUID) -> Property:
        found = self._db.properties.find(organization_id, property_id)
        if found is None:
            raise NotFound("property", property_id)
        return found

    async def update(self, prop: Property, expected_version: int) -> None:
        current = self._db.properties.find(prop.organization_id, prop.id)
        if current is None or current.version != expected_version:
            # The SQL adapter cannot tell "gone" from "moved on": both are a Conflict.
            raise Conflict("the property was changed by someone else; reload and retry")
        kept = replace(prop, created_at=current.created_at)  # what was created stays created
        self._db.properties.put(prop.organization_id, prop.id, _owners_deduplicated(kept))

    async def delete(self, organization_id: UUID, property_id: UUID, at: datetime) -> None:
        if not self._db.properties.soft_delete(organization_id, property_id, at):
            raise NotFound("property", property_id)

    async def find_by_name(self, organization_id: UUID, name: str) -> Property | None:
        found = [p for p in self._db.properties.of(organization_id) if p.name == name]
        return min(found, key=lambda p: p.created_at) if found else None

    async def find_by_names(self, organization_id: UUID, names: list[str]) -> list[Property]:
        wanted = set(names)
        found = [p for p in self._db.properties.of(organization_id) if p.name in wanted]
        return sorted(found, key=lambda p: p.created_at)

    async def add_many(self, props: list[Property]) -> None:
        for prop in props:
            await self.add(prop)

    async def unit_counts(self, organization_id: UUID, property_ids: list[UUID]) -> dict[UUID, int]:
        counts = dict.fromkeys(property_ids, 0)
        for unit in self._db.units.of(organization_id):
            if unit.property_id in counts:
                counts[unit.property_id] += 1
        return counts


def _owners_deduplicated(prop: Property) -> Property:
    """Owners are a set (a link table keyed by property and user), read back sorted."""
    return replace(prop, owner_ids=tuple(sorted(set(prop.owner_ids))))


class FakePropertyList(PropertyListQuery):
    """The property list over the fake tables: the reference the SQL adapters are held to."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def page(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]:
        f = filters
        items = [
            p
            for p in self._db.properties.of(organization_id)
            if (f.status is None or p.status == f.status)
            and (f.type is None or p.type == f.type)
            and (not f.search or contains(p.name, f.search))
            and (f.owner_id is None or f.owner_id in p.owner_ids)
            and created_in(p.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _BY_TIME, _id)


_NAME_TAKEN = "the property already has a unit with this name"


class FakeUnitRepository(UnitRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _name_taken(self, unit: Unit) -> bool:
        return any(
            u.property_id == unit.property_id and u.name == unit.name and u.id != unit.id
            for u in self._db.units.of(unit.organization_id)
        )

    async def add(self, unit: Unit) -> None:
        if self._name_taken(unit):
            raise Conflict(_NAME_TAKEN)
        self._db.units.put(unit.organization_id, unit.id, unit)

    async def get(self, organization_id: UUID, unit_id: UUID) -> Unit:
        found = self._db.units.find(organization_id, unit_id)
        if found is None:
            raise NotFound("unit", unit_id)
        return found

    async def lock(self, organization_id: UUID, unit_id: UUID) -> Unit:
        return await self.get(organization_id, unit_id)  # one process, one unit of work at a time

    async def update(self, unit: Unit, expected_version: int) -> None:
        if self._name_taken(unit):
            raise Conflict(_NAME_TAKEN)
        current = self._db.units.find(unit.organization_id, unit.id)
        if current is None or current.version != expected_version:
            raise Conflict("the unit was changed by someone else; reload and retry")
        self._db.units.put(
            unit.organization_id, unit.id, replace(unit, property_id=current.property_id, created_at=current.created_at)
        )

    async def delete(self, organization_id: UUID, unit_id: UUID, at: datetime) -> None:
        if not self._db.units.soft_delete(organization_id, unit_id, at):
            raise NotFound("unit", unit_id)

    async def list(
        self, organization_id: UUID, property_id: UUID, filters: UnitFilter, page: PageRequest
    ) -> Page[Unit]:
        f = filters
        leased = _tenant_units(self._db, organization_id, f.tenant_id) if f.tenant_id else None
        items = [
            u
            for u in self._db.units.of(organization_id)
            if u.property_id == property_id
            and (not f.status or u.status == f.status)
            and (not f.type or u.type == f.type)
            and (not f.search or contains(u.name, f.search))
            and (leased is None or u.id in leased)
            and created_in(u.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _BY_TIME, _id)

    async def find_by_name(self, organization_id: UUID, property_id: UUID, name: str) -> Unit | None:
        return next(
            (u for u in self._db.units.of(organization_id) if u.property_id == property_id and u.name == name), None
        )

    async def for_properties(self, organization_id: UUID, property_ids: list[UUID]) -> list[Unit]:
        wanted = set(property_ids)
        return [u for u in self._db.units.of(organization_id) if u.property_id in wanted]

    async def add_many(self, units: list[Unit]) -> None:
        names = [(u.organization_id, u.property_id, u.name) for u in units]
        if len(set(names)) != len(names) or any(self._name_taken(u) for u in units):
            raise Conflict(_NAME_TAKEN)  # all or nothing, as one INSERT
        for unit in units:
            self._db.units.put(unit.organization_id, unit.id, unit)

    async def set_statuses(self, units: list[Unit]) -> None:
        for changed in units:
            current = self._db.units.find(changed.organization_id, changed.id, live=False)
            if current is not None:
                moved = replace(current, status=changed.status, version=changed.version, updated_at=changed.updated_at)
                self._db.units.put(changed.organization_id, changed.id, moved)


def _tenant_leases(db: FakeDatabase, organization_id: UUID, tenant_id: UUID) -> list[Lease]:
    return [x for x in db.leases.of(organization_id) if tenant_id == x.tenant_id or tenant_id in x.co_tenant_ids]


def _tenant_units(db: FakeDatabase, organization_id: UUID, tenant_id: UUID) -> set[UUID]:
    return {x.unit_id for x in _tenant_leases(db, organization_id, tenant_id) if x.status != LeaseStatus.DRAFT}


class FakeTenantRepository(TenantRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, tenant: Tenant) -> None:
        self._db.tenants.put(tenant.organization_id, tenant.id, tenant)

    async def get(self, organization_id: UUID, tenant_id: UUID) -> Tenant:
        found = self._db.tenants.find(organization_id, tenant_id)
        if found is None:
            raise NotFound("tenant", tenant_id)
        return found

    async def update(self, tenant: Tenant, expected_version: int) -> None:
        current = self._db.tenants.find(tenant.organization_id, tenant.id)
        if current is None or current.version != expected_version:
            raise Conflict("the tenant was changed by someone else; reload and retry")
        self._db.tenants.put(
            tenant.organization_id,
            tenant.id,
            replace(tenant, property_id=current.property_id, created_at=current.created_at),
        )

    async def delete(self, organization_id: UUID, tenant_id: UUID, at: datetime) -> None:
        current = self._db.tenants.find(organization_id, tenant_id)
        if current is None:
            raise NotFound("tenant", tenant_id)
        # The deleted profile lets go of its login, so the account can be linked to another profile.
        self._db.tenants.put(organization_id, tenant_id, replace(current, user_id=None))
        self._db.tenants.soft_delete(organization_id, tenant_id, at)

    async def list(
        self, organization_id: UUID, property_id: UUID, filters: TenantFilter, page: PageRequest
    ) -> Page[Tenant]:
        f = filters
        items = [
            x
            for x in self._db.tenants.of(organization_id)
            if x.property_id == property_id
            and (not f.search or contains(x.name, f.search) or contains(x.email, f.search))
            and (not f.only_id or x.id == f.only_id)
            and created_in(x.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _BY_TIME, _id)

    async def find_by_email(self, organization_id: UUID, property_id: UUID, email: str) -> Tenant | None:
        return next(
            (x for x in self._db.tenants.of(organization_id) if x.property_id == property_id and x.email == email), None
        )

    async def find_by_user(self, organization_id: UUID, user_id: UUID) -> Tenant | None:
        return next((x for x in self._db.tenants.of(organization_id) if x.user_id == user_id), None)

    async def for_properties(self, organization_id: UUID, property_ids: list[UUID]) -> list[Tenant]:
        wanted = set(property_ids)
        return [x for x in self._db.tenants.of(organization_id) if x.property_id in wanted]

    async def add_many(self, tenants: list[Tenant]) -> None:
        for tenant in tenants:
            await self.add(tenant)


_LEASE_SORT = {
    **_BY_TIME,
    "start_date": lambda x: x.start_date,
    "end_date": lambda x: x.end_date,
    "status": lambda x: x.status.value,
}
_OVERLAP = "the unit is already leased for part of this period; leases of one unit may not overlap"


class FakeLeaseRepository(LeaseRepository):
    """Keeps the occupancy rule the PostgreSQL exclusion constraint keeps: two occupying leases of one
    unit never share a day (the SQLite adapter relies on the use case's check under the unit lock)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _clashes(self, lease: Lease) -> bool:
        return lease.occupies and any(
            other.id != lease.id and other.unit_id == lease.unit_id and other.occupies and lease.overlaps(other)
            for other in self._db.leases.of(lease.organization_id)
        )

    def _store(self, lease: Lease) -> None:
        co = tuple(sorted(set(lease.co_tenant_ids)))
        self._db.leases.put(lease.organization_id, lease.id, replace(lease, co_tenant_ids=co))

    async def add(self, lease: Lease) -> None:
        if self._clashes(lease):
            raise Conflict(_OVERLAP)
        self._store(lease)

    async def get(self, organization_id: UUID, lease_id: UUID) -> Lease:
        found = self._db.leases.find(organization_id, lease_id)
        if found is None:
            raise NotFound("lease", lease_id)
        return found

    async def update(self, lease: Lease, expected_version: int) -> None:
        if self._clashes(lease):
            raise Conflict(_OVERLAP)
        current = self._db.leases.find(lease.organization_id, lease.id)
        if current is None or current.version != expected_version:
            raise Conflict("the lease was changed by someone else; reload and retry")
        self._store(replace(lease, created_at=current.created_at))

    async def list(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]:
        f = filters
        mine = {x.id for x in _tenant_leases(self._db, organization_id, f.tenant_id)} if f.tenant_id else None
        owned = _owned_properties(self._db, organization_id, f.owner_id) if f.owner_id else None
        items = [
            x
            for x in self._db.leases.of(organization_id)
            if (not f.status or x.status == f.status)
            and (f.statuses is None or x.status in f.statuses)
            and (not f.property_id or x.property_id == f.property_id)
            and (not f.unit_id or x.unit_id == f.unit_id)
            and (mine is None or x.id in mine)
            and (not f.ending_before or (x.effective_end is not None and x.effective_end < f.ending_before))
            and (owned is None or x.property_id in owned)
            and created_in(x.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _LEASE_SORT, _id)

    async def occupying(self, organization_id: UUID, unit_id: UUID) -> list[Lease]:
        return [x for x in self._db.leases.of(organization_id) if x.unit_id == unit_id and x.status in OCCUPYING]

    async def for_tenant(self, organization_id: UUID, tenant_id: UUID) -> list[Lease]:
        found = sorted(_tenant_leases(self._db, organization_id, tenant_id), key=lambda x: x.id)
        return sorted(found, key=lambda x: x.start_date, reverse=True)  # stable: ties keep id order

    async def active_on(self, organization_id: UUID, day: date) -> list[Lease]:
        found = [
            x
            for x in self._db.leases.of(organization_id)
            if x.status in OCCUPYING and x.start_date <= day and (x.effective_end is None or x.effective_end >= day)
        ]
        return sorted(found, key=lambda x: (x.start_date, x.id))

    async def find(self, organization_id: UUID, unit_id: UUID, tenant_id: UUID, start_date: date) -> Lease | None:
        return next(
            (
                x
                for x in self._db.leases.of(organization_id)
                if (x.unit_id, x.tenant_id, x.start_date) == (unit_id, tenant_id, start_date)
            ),
            None,
        )

    async def for_units(self, organization_id: UUID, unit_ids: list[UUID]) -> list[Lease]:
        wanted = set(unit_ids)
        return [x for x in self._db.leases.of(organization_id) if x.unit_id in wanted]

    async def add_many(self, leases: list[Lease]) -> None:
        pending: list[Lease] = []
        for lease in leases:
            if self._clashes(lease) or any(
                lease.occupies and p.occupies and p.unit_id == lease.unit_id and lease.overlaps(p) for p in pending
            ):
                raise Conflict(_OVERLAP)  # all or nothing, as one INSERT
            pending.append(lease)
        for lease in pending:
            self._store(lease)

    async def renewal_of(self, organization_id: UUID, lease_id: UUID) -> Lease | None:
        return next(
            (
                x
                for x in self._db.leases.of(organization_id)
                if x.renewed_from_id == lease_id and x.status != LeaseStatus.TERMINATED
            ),
            None,
        )

    async def unit_has_leases(self, organization_id: UUID, unit_id: UUID) -> bool:
        return any(x.unit_id == unit_id for x in self._db.leases.of(organization_id))


class FakeLeaseList(LeaseListQuery):
    """The lease list over the fake tables: the repository's list (the reference the SQL adapters are held to)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._leases = FakeLeaseRepository(db)

    async def page(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]:
        return await self._leases.list(organization_id, filters, page)


def _owned_properties(db: FakeDatabase, organization_id: UUID, owner_id: UUID) -> set[UUID]:
    return {p.id for p in db.properties.of(organization_id, live=False) if owner_id in p.owner_ids}


class FakeOrganizationFacts(OrganizationFacts):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _org(self, organization_id: UUID, *, live: bool):  # type: ignore[no-untyped-def]
        org = self._db.organizations.get(organization_id)
        if org is None or (live and organization_id in self._db.organizations_deleted):
            raise NotFound("organization", organization_id)
        return org

    async def currency(self, organization_id: UUID) -> str:
        return str(self._org(organization_id, live=True).settings.currency)

    async def time_zone(self, organization_id: UUID) -> str:
        # As the SQL adapter: a deleted organization still has a time zone (its currency is NotFound).
        return str(self._org(organization_id, live=False).settings.time_zone)


class FakeTenantAccounts(TenantAccounts):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def roles_of(self, organization_id: UUID, user_id: UUID) -> frozenset[str] | None:
        membership = self._db.memberships.get((organization_id, user_id))
        return None if membership is None else frozenset(membership.roles)

    async def set_tenant_profile(self, organization_id: UUID, user_id: UUID, tenant_id: UUID | None) -> None:
        membership = self._db.memberships.get((organization_id, user_id))
        if membership is not None:
            self._db.memberships[(organization_id, user_id)] = replace(membership, tenant_profile_id=tenant_id)


class FakeRecurringChargeRepository(RecurringChargeRepository):
    """A lease's recurring charges, kept on the fake database (no rollback: unit tests use none)."""

    def __init__(self, db: Any) -> None:
        if not hasattr(db, "recurring_charges_rows"):
            db.recurring_charges_rows = {}
        self._rows: dict[UUID, RecurringCharge] = db.recurring_charges_rows

    async def add(self, charge: RecurringCharge) -> None:
        self._rows[charge.id] = charge

    async def get(self, organization_id: UUID, lease_id: UUID, charge_id: UUID) -> RecurringCharge:
        c = self._rows.get(charge_id)
        if c is None or c.organization_id != organization_id or c.lease_id != lease_id:
            raise NotFound("recurring charge", charge_id)
        return c

    async def for_lease(self, organization_id: UUID, lease_id: UUID) -> list[RecurringCharge]:
        found = [c for c in self._rows.values() if c.organization_id == organization_id and c.lease_id == lease_id]
        return sorted(found, key=lambda c: (c.start_date, c.created_at))

    async def update(self, charge: RecurringCharge, expected_version: int) -> None:
        self._rows[charge.id] = charge

    async def delete(self, organization_id: UUID, charge_id: UUID) -> None:
        self._rows.pop(charge_id, None)

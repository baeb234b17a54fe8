"""Ports of the properties context: repositories, the unit of work, and two narrow views of other
contexts' data (organization currency, member accounts) that the SQL adapter implements, so this
context never imports another one."""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.properties.lease import Lease
from pmsaas.domain.properties.model import Property, Tenant, Unit
from pmsaas.domain.properties.recurring import RecurringCharge
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import PlanAllowance
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class PropertyFilter:
    status: str | None = None
    type: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    search: str | None = None
    owner_id: UUID | None = None  # only properties this user owns (PropertyOwner scope)


class PropertyRepository(ABC):
    @abstractmethod
    async def add(self, prop: Property) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, property_id: UUID) -> Property:
        """Raises NotFound for an unknown or foreign id."""

    @abstractmethod
    async def update(self, prop: Property, expected_version: int) -> None:
        """Raises Conflict when the stored version moved on."""

    @abstractmethod
    async def delete(self, organization_id: UUID, property_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def find_by_name(self, organization_id: UUID, name: str) -> Property | None: ...

    @abstractmethod
    async def find_by_names(self, organization_id: UUID, names: builtins.list[str]) -> builtins.list[Property]: ...

    @abstractmethod
    async def add_many(self, props: builtins.list[Property]) -> None:
        """Bulk insert (imports)."""

    @abstractmethod
    async def unit_counts(self, organization_id: UUID, property_ids: builtins.list[UUID]) -> dict[UUID, int]:
        """Live units per property (0 for a property without units)."""


class PropertyListQuery(ABC):
    """The property list, a hot read, as one query: a page of live properties, each with its owners,
    and the total of the filtered list. Adapters per database (one statement where the database can);
    every adapter returns the same rows in the same order."""

    @abstractmethod
    async def page(self, organization_id: UUID, filters: PropertyFilter, page: PageRequest) -> Page[Property]: ...


@dataclass(frozen=True)
class UnitFilter:
    status: str | None = None
    type: str | None = None
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    tenant_id: UUID | None = None  # only units this tenant leases (Tenant scope)


class UnitRepository(ABC):
    @abstractmethod
    async def add(self, unit: Unit) -> None:
        """Raises Conflict when the property already has a unit of that name."""

    @abstractmethod
    async def get(self, organization_id: UUID, unit_id: UUID) -> Unit:
        """Raises NotFound for an unknown, deleted or foreign id."""

    @abstractmethod
    async def lock(self, organization_id: UUID, unit_id: UUID) -> Unit:
        """``get`` that also locks the unit row until the transaction ends (SELECT ... FOR UPDATE on
        PostgreSQL; SQLite transactions are already serialized). Lease activation holds it while
        checking for overlaps, so two concurrent activations cannot both win."""

    @abstractmethod
    async def update(self, unit: Unit, expected_version: int) -> None:
        """Raises Conflict on a stale version or a name clash."""

    @abstractmethod
    async def delete(self, organization_id: UUID, unit_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(
        self, organization_id: UUID, property_id: UUID, filters: UnitFilter, page: PageRequest
    ) -> Page[Unit]: ...

    @abstractmethod
    async def find_by_name(self, organization_id: UUID, property_id: UUID, name: str) -> Unit | None: ...

    @abstractmethod
    async def for_properties(self, organization_id: UUID, property_ids: builtins.list[UUID]) -> builtins.list[Unit]: ...

    @abstractmethod
    async def add_many(self, units: builtins.list[Unit]) -> None:
        """Bulk insert (imports); Conflict on a name clash."""

    @abstractmethod
    async def set_statuses(self, units: builtins.list[Unit]) -> None:
        """Bulk write of ``status``/``version``/``updated_at`` (imports)."""


@dataclass(frozen=True)
class TenantFilter:
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    only_id: UUID | None = None  # a Tenant user sees only its own profile


class TenantRepository(ABC):
    @abstractmethod
    async def add(self, tenant: Tenant) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, tenant_id: UUID) -> Tenant:
        """Raises NotFound for an unknown, deleted or foreign id."""

    @abstractmethod
    async def update(self, tenant: Tenant, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, tenant_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(
        self, organization_id: UUID, property_id: UUID, filters: TenantFilter, page: PageRequest
    ) -> Page[Tenant]: ...

    @abstractmethod
    async def find_by_email(self, organization_id: UUID, property_id: UUID, email: str) -> Tenant | None: ...

    @abstractmethod
    async def find_by_user(self, organization_id: UUID, user_id: UUID) -> Tenant | None: ...

    @abstractmethod
    async def for_properties(
        self,
        organization_id: UUID,
        property_ids: builtins.list[UUID],
    ) -> builtins.list[Tenant]: ...

    @abstractmethod
    async def add_many(self, tenants: builtins.list[Tenant]) -> None:
        """Bulk insert (imports)."""


@dataclass(frozen=True)
class LeaseFilter:
    status: str | None = None
    property_id: UUID | None = None
    unit_id: UUID | None = None
    tenant_id: UUID | None = None  # main tenant or co-tenant
    ending_before: date | None = None  # effective end strictly before this date (periodic never)
    created_after: datetime | None = None
    created_before: datetime | None = None
    owner_id: UUID | None = None  # only leases of properties this user owns (PropertyOwner scope)
    statuses: tuple[str, ...] | None = None  # any of these (the Tenant scope: never drafts)


class LeaseListQuery(ABC):
    """The lease list, a hot read, as one query: a page of the organization's leases, each with its
    co-tenants, and the total of the filtered list (``LeaseRepository.list``'s filters and sorts). Adapters
    per database; every adapter returns the same rows in the same order."""

    @abstractmethod
    async def page(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]: ...


class RecurringChargeRepository(ABC):
    @abstractmethod
    async def add(self, charge: RecurringCharge) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, lease_id: UUID, charge_id: UUID) -> RecurringCharge:
        """Raises NotFound for an unknown charge or one of another lease."""

    @abstractmethod
    async def for_lease(self, organization_id: UUID, lease_id: UUID) -> list[RecurringCharge]:
        """Ordered by start date, then creation."""

    @abstractmethod
    async def update(self, charge: RecurringCharge, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, charge_id: UUID) -> None: ...


class LeaseRepository(ABC):
    @abstractmethod
    async def add(self, lease: Lease) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, lease_id: UUID) -> Lease:
        """Raises NotFound for an unknown or foreign id."""

    @abstractmethod
    async def update(self, lease: Lease, expected_version: int) -> None:
        """Raises Conflict on a stale version (or, on PostgreSQL, an overlapping occupancy)."""

    @abstractmethod
    async def list(self, organization_id: UUID, filters: LeaseFilter, page: PageRequest) -> Page[Lease]: ...

    @abstractmethod
    async def occupying(self, organization_id: UUID, unit_id: UUID) -> builtins.list[Lease]:
        """The unit's ``active`` and ``notice_given`` leases."""

    @abstractmethod
    async def for_tenant(self, organization_id: UUID, tenant_id: UUID) -> builtins.list[Lease]:
        """Every lease where the tenant is the main tenant or a co-tenant, newest start first."""

    @abstractmethod
    async def active_on(self, organization_id: UUID, day: date) -> builtins.list[Lease]:
        """Leases that run on ``day``: status ``active``/``notice_given`` and
        ``start_date <= day <= effective end``. What the billing run invoices."""

    @abstractmethod
    async def find(self, organization_id: UUID, unit_id: UUID, tenant_id: UUID, start_date: date) -> Lease | None:
        """The lease of that unit and main tenant starting that day, if any (imports match on it)."""

    @abstractmethod
    async def for_units(self, organization_id: UUID, unit_ids: builtins.list[UUID]) -> builtins.list[Lease]: ...

    @abstractmethod
    async def add_many(self, leases: builtins.list[Lease]) -> None:
        """Bulk insert (imports); Conflict if the database refuses an overlapping occupancy."""

    @abstractmethod
    async def renewal_of(self, organization_id: UUID, lease_id: UUID) -> Lease | None: ...

    @abstractmethod
    async def unit_has_leases(self, organization_id: UUID, unit_id: UUID) -> bool: ...


class OrganizationFacts(ABC):
    """What this context needs to know about an organization (read from its table by the adapter)."""

    @abstractmethod
    async def currency(self, organization_id: UUID) -> str:
        """The ISO 4217 currency the organization bills in. NotFound for an unknown organization."""

    @abstractmethod
    async def time_zone(self, organization_id: UUID) -> str:
        """The organization's IANA time zone: lease dates ("today") are its local dates."""


class TenantAccounts(ABC):
    """Member accounts of an organization, as far as this context needs them."""

    @abstractmethod
    async def roles_of(self, organization_id: UUID, user_id: UUID) -> frozenset[str] | None:
        """The user's roles in the organization, or None when the user is not a member."""

    @abstractmethod
    async def set_tenant_profile(self, organization_id: UUID, user_id: UUID, tenant_id: UUID | None) -> None:
        """Link (or unlink, with None) the member's login to a tenant profile: the JWT then carries
        ``tenant_profile_id``."""


class PropertiesUnitOfWork(UnitOfWork):
    properties: PropertyRepository
    property_list: PropertyListQuery
    units: UnitRepository
    tenants: TenantRepository
    leases: LeaseRepository
    lease_list: LeaseListQuery
    recurring_charges: RecurringChargeRepository
    organization_facts: OrganizationFacts
    tenant_accounts: TenantAccounts
    plan_allowance: PlanAllowance  # properties and units

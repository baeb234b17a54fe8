from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pmsaas.domain.operations.model import (
    Attachment,
    Comment,
    Ticket,
    TicketUpdate,
    Vendor,
    WorkOrder,
)
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import PlanAllowance
from pmsaas.domain.shared.ports import UnitOfWork


@dataclass(frozen=True)
class TicketFilter:
    status: str | None = None
    priority: str | None = None
    category: str | None = None
    assignee_id: UUID | None = None
    property_id: UUID | None = None
    unit_id: UUID | None = None
    tenant_id: UUID | None = None  # a tenant sees only the tickets it reported
    created_after: datetime | None = None
    created_before: datetime | None = None


@dataclass(frozen=True)
class Names:
    """What a ticket's ids are called: its property, unit, and the people (members, API keys) on it."""

    properties: dict[UUID, str] = field(default_factory=dict)
    units: dict[UUID, str] = field(default_factory=dict)
    people: dict[UUID, str] = field(default_factory=dict)


class TicketListQuery(ABC):
    """The ticket list, a hot read, as one query: a page of the organization's live tickets with the names
    of their properties, units, requesters and assignees, and the total of the filtered list
    (``TicketRepository.list``'s filters and sorts, the names as the directories give them). Adapters per
    database; every adapter returns the same rows in the same order and the same names."""

    @abstractmethod
    async def page(
        self, organization_id: UUID, filters: TicketFilter, page: PageRequest
    ) -> tuple[Page[Ticket], Names]: ...


class TicketRepository(ABC):
    """Tickets with their comments, attachments and history (one aggregate)."""

    @abstractmethod
    async def add(self, ticket: Ticket) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, ticket_id: UUID) -> Ticket:
        """Raises NotFound for an unknown, deleted or foreign id."""

    @abstractmethod
    async def update(self, ticket: Ticket, expected_version: int) -> None:
        """Raises Conflict when the stored version moved on."""

    @abstractmethod
    async def delete(self, organization_id: UUID, ticket_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, filters: TicketFilter, page: PageRequest) -> Page[Ticket]: ...

    @abstractmethod
    async def add_update(self, update: TicketUpdate) -> None: ...

    @abstractmethod
    async def updates(
        self, organization_id: UUID, ticket_id: UUID, *, include_internal: bool
    ) -> builtins.list[TicketUpdate]: ...

    @abstractmethod
    async def add_comment(self, comment: Comment) -> None: ...

    @abstractmethod
    async def comments(
        self,
        organization_id: UUID,
        ticket_id: UUID,
        *,
        include_internal: bool,
    ) -> builtins.list[Comment]: ...

    @abstractmethod
    async def add_attachment(self, attachment: Attachment) -> None: ...

    @abstractmethod
    async def attachments(self, organization_id: UUID, ticket_id: UUID) -> builtins.list[Attachment]: ...

    @abstractmethod
    async def get_attachment(self, organization_id: UUID, ticket_id: UUID, attachment_id: UUID) -> Attachment: ...

    @abstractmethod
    async def active_counts(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, int]:
        """Open or in-progress tickets per property."""

    @abstractmethod
    async def assignee_properties(
        self,
        organization_id: UUID,
        user_ids: builtins.list[UUID],
    ) -> dict[UUID, builtins.list[UUID]]:
        """The properties each user has (live) tickets assigned in: the ticketing seed's user.properties."""


@dataclass(frozen=True)
class WorkOrderFilter:
    status: str | None = None
    ticket_id: UUID | None = None
    vendor_id: UUID | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class WorkOrderRepository(ABC):
    @abstractmethod
    async def add(self, order: WorkOrder) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, order_id: UUID) -> WorkOrder: ...

    @abstractmethod
    async def update(self, order: WorkOrder, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, order_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, filters: WorkOrderFilter, page: PageRequest) -> Page[WorkOrder]: ...

    @abstractmethod
    async def for_ticket(self, organization_id: UUID, ticket_id: UUID) -> builtins.list[WorkOrder]: ...

    @abstractmethod
    async def finished_for_vendor(
        self, organization_id: UUID, vendor_id: UUID, start: datetime, end: datetime
    ) -> builtins.list[WorkOrder]:
        """Work orders of the vendor completed or cancelled within [start, end)."""


@dataclass(frozen=True)
class VendorFilter:
    trade: str | None = None
    service_area: str | None = None
    active: bool | None = None
    search: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class VendorRepository(ABC):
    @abstractmethod
    async def add(self, vendor: Vendor) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, vendor_id: UUID) -> Vendor: ...

    @abstractmethod
    async def update(self, vendor: Vendor, expected_version: int) -> None: ...

    @abstractmethod
    async def delete(self, organization_id: UUID, vendor_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def list(self, organization_id: UUID, filters: VendorFilter, page: PageRequest) -> Page[Vendor]: ...


class CategoryRepository(ABC):
    """Per-organization custom ticket categories (on top of the built-in ones)."""

    @abstractmethod
    async def custom(self, organization_id: UUID) -> list[str]: ...

    @abstractmethod
    async def add(self, organization_id: UUID, name: str, at: datetime) -> None:
        """Raises Conflict when it exists."""


class PropertyDirectory(ABC):
    """What operations needs to know about properties, units and tenants (owned elsewhere)."""

    @abstractmethod
    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool: ...

    @abstractmethod
    async def unit_in_property(self, organization_id: UUID, unit_id: UUID, property_id: UUID) -> bool: ...

    @abstractmethod
    async def units_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> set[UUID]:
        """Units the tenant currently rents (or is attached to)."""

    @abstractmethod
    async def property_names(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, str]: ...

    @abstractmethod
    async def unit_names(self, organization_id: UUID, unit_ids: set[UUID]) -> dict[UUID, str]: ...


@dataclass(frozen=True)
class Person:
    """A user as the ticketing surface shows it (read model over the identity context's tables)."""

    id: UUID
    name: str
    email: str
    phone: str | None
    roles: frozenset[str]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PeopleFilter:
    roles_any: frozenset[str] | None = None  # has one of these roles…
    roles_none: frozenset[str] = frozenset()  # …and none of these
    assigned_in_property: UUID | None = None  # has (live) tickets assigned in this property


class PeopleDirectory(ABC):
    """Display names of users and API keys, and the users list. (Who may be assigned a request is
    the ``domain/flows/ticket_assignment.py`` flow's question, asked of identity's memberships.)"""

    @abstractmethod
    async def people(self, organization_id: UUID, filters: PeopleFilter, page: PageRequest) -> Page[Person]: ...

    @abstractmethod
    async def person(self, organization_id: UUID, user_id: UUID) -> Person:
        """Raises NotFound when not a member of the organization."""

    @abstractmethod
    async def names(self, organization_id: UUID, ids: set[UUID]) -> dict[UUID, str]: ...


class AttachmentStorage(ABC):
    """Where uploaded files live (filesystem in embedded mode, S3-compatible in production)."""

    @abstractmethod
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    async def get(self, key: str) -> bytes:
        """Raises NotFound when missing."""

    @abstractmethod
    async def delete(self, key: str) -> None: ...


class OperationsUnitOfWork(UnitOfWork):
    tickets: TicketRepository
    ticket_list: TicketListQuery
    work_orders: WorkOrderRepository
    vendors: VendorRepository
    ticket_categories: CategoryRepository
    property_directory: PropertyDirectory
    people_directory: PeopleDirectory
    plan_allowance: PlanAllowance  # storage

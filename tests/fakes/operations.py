"""In-memory adapters of the operations context's ports: tickets (with their history, comments and
attachments), work orders, vendors, custom categories; the directories over
other contexts' rows, attachment storage and a secret box."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from fakes.store import FakeDatabase, OrgTable, contains, created_in, page_of
from pmsaas.domain.identity.model import Membership, User
from pmsaas.domain.operations import tickets as ticket_use_cases
from pmsaas.domain.operations.model import (
    Attachment,
    Comment,
    Ticket,
    TicketStatus,
    TicketUpdate,
    Vendor,
    WorkOrder,
)
from pmsaas.domain.operations.ports import (
    AttachmentStorage,
    CategoryRepository,
    Names,
    OperationsUnitOfWork,
    PeopleDirectory,
    PeopleFilter,
    Person,
    PropertyDirectory,
    TicketFilter,
    TicketListQuery,
    TicketRepository,
    VendorFilter,
    VendorRepository,
    WorkOrderFilter,
    WorkOrderRepository,
)
from pmsaas.domain.properties.lease import OCCUPYING
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import SecretBox

E = TypeVar("E", Ticket, WorkOrder, Vendor)


class _SoftDeletedRows(Generic[E]):
    """add/get/update/delete as the SQL adapters' ``SoftDeletedRows``: every read stays in one
    organization, an update needs the stored version, a delete leaves a tombstone."""

    table_name: ClassVar[str]
    noun: ClassVar[str]

    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    @property
    def _rows(self) -> OrgTable[E]:
        table: OrgTable[E] = getattr(self._db, self.table_name)  # looked up anew: a rollback swaps tables
        return table

    async def add(self, entity: E) -> None:
        self._rows.put(entity.organization_id, entity.id, entity)

    async def get(self, organization_id: UUID, entity_id: UUID) -> E:
        found = self._rows.find(organization_id, entity_id)
        if found is None:
            raise NotFound(self.noun, entity_id)
        return found

    async def update(self, entity: E, expected_version: int) -> None:
        current = self._rows.find(entity.organization_id, entity.id)
        if current is None or current.version != expected_version:
            # The SQL adapter cannot tell "gone" from "moved on": both are a Conflict.
            raise Conflict(f"the {self.noun} was changed by someone else; reload and retry")
        self._rows.put(entity.organization_id, entity.id, replace(entity, created_at=current.created_at))

    async def delete(self, organization_id: UUID, entity_id: UUID, at: datetime) -> None:
        if not self._rows.soft_delete(organization_id, entity_id, at):
            raise NotFound(self.noun, entity_id)


def _id(x: Ticket | WorkOrder | Vendor) -> UUID:
    return x.id


_TICKET_SORT = {
    "created_at": lambda t: t.created_at,
    "updated_at": lambda t: t.updated_at,
    "priority": lambda t: t.priority.rank,
    "status": lambda t: t.status.value,
}
_ACTIVE = (TicketStatus.OPEN, TicketStatus.IN_PROGRESS)


class FakeTicketRepository(_SoftDeletedRows[Ticket], TicketRepository):
    table_name = "tickets"
    noun = "ticket"

    async def list(self, organization_id: UUID, filters: TicketFilter, page: PageRequest) -> Page[Ticket]:
        f = filters
        wanted = {
            "status": f.status,
            "priority": f.priority,
            "category": f.category,
            "assignee_id": f.assignee_id,
            "property_id": f.property_id,
            "unit_id": f.unit_id,
            "tenant_id": f.tenant_id,
        }
        items = [
            t
            for t in self._db.tickets.of(organization_id)
            if all(value is None or getattr(t, name) == value for name, value in wanted.items())
            and created_in(t.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _TICKET_SORT, _id)

    # History, comments and attachments belong to the ticket's organization; like the SQL adapter,
    # they are read by ticket id without asking whether the ticket itself is still live.

    def _of(self, rows: list[Any], organization_id: UUID, ticket_id: UUID) -> list[Any]:
        return [copy.deepcopy(r) for r in rows if (r.organization_id, r.ticket_id) == (organization_id, ticket_id)]

    async def add_update(self, update: TicketUpdate) -> None:
        self._db.ticket_updates.append(copy.deepcopy(update))

    async def updates(self, organization_id: UUID, ticket_id: UUID, *, include_internal: bool) -> list[TicketUpdate]:
        found = self._of(self._db.ticket_updates, organization_id, ticket_id)
        return sorted((u for u in found if include_internal or not u.internal), key=lambda u: (u.at, u.seq, u.id))

    async def add_comment(self, comment: Comment) -> None:
        self._db.ticket_comments.append(copy.deepcopy(comment))

    async def comments(self, organization_id: UUID, ticket_id: UUID, *, include_internal: bool) -> list[Comment]:
        found = self._of(self._db.ticket_comments, organization_id, ticket_id)
        return sorted((c for c in found if include_internal or not c.internal), key=lambda c: (c.created_at, c.id))

    async def add_attachment(self, attachment: Attachment) -> None:
        self._db.ticket_attachments.append(copy.deepcopy(attachment))

    async def attachments(self, organization_id: UUID, ticket_id: UUID) -> list[Attachment]:
        found = self._of(self._db.ticket_attachments, organization_id, ticket_id)
        return sorted(found, key=lambda a: (a.created_at, a.id))

    async def get_attachment(self, organization_id: UUID, ticket_id: UUID, attachment_id: UUID) -> Attachment:
        found = [a for a in await self.attachments(organization_id, ticket_id) if a.id == attachment_id]
        if not found:
            raise NotFound("attachment", attachment_id)
        return found[0]

    async def active_counts(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, int]:
        counts: dict[UUID, int] = {}  # as the SQL GROUP BY: a property without active tickets is absent
        for t in self._db.tickets.of(organization_id):
            if t.property_id in property_ids and t.status in _ACTIVE:
                counts[t.property_id] = counts.get(t.property_id, 0) + 1
        return counts

    async def assignee_properties(self, organization_id: UUID, user_ids: list[UUID]) -> dict[UUID, list[UUID]]:
        wanted = set(user_ids)
        found: dict[UUID, list[UUID]] = {}
        for t in self._db.tickets.of(organization_id):
            if t.assignee_id is not None and t.assignee_id in wanted:
                places = found.setdefault(t.assignee_id, [])
                if t.property_id not in places:  # SELECT DISTINCT
                    places.append(t.property_id)
        return found


_WORK_ORDER_SORT = {
    "created_at": lambda o: o.created_at,
    "updated_at": lambda o: o.updated_at,
    "scheduled_start": lambda o: o.scheduled_start,
}


class FakeWorkOrderRepository(_SoftDeletedRows[WorkOrder], WorkOrderRepository):
    table_name = "work_orders"
    noun = "work order"

    async def list(self, organization_id: UUID, filters: WorkOrderFilter, page: PageRequest) -> Page[WorkOrder]:
        f = filters
        items = [
            o
            for o in self._db.work_orders.of(organization_id)
            if (f.status is None or o.status == f.status)
            and (f.ticket_id is None or o.ticket_id == f.ticket_id)
            and (f.vendor_id is None or o.vendor_id == f.vendor_id)
            and created_in(o.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _WORK_ORDER_SORT, _id)

    async def for_ticket(self, organization_id: UUID, ticket_id: UUID) -> list[WorkOrder]:
        found = [o for o in self._db.work_orders.of(organization_id) if o.ticket_id == ticket_id]
        return sorted(found, key=lambda o: (o.created_at, o.id))

    async def finished_for_vendor(
        self, organization_id: UUID, vendor_id: UUID, start: datetime, end: datetime
    ) -> list[WorkOrder]:
        def within(at: datetime | None) -> bool:
            return at is not None and start <= at < end

        found = [
            o
            for o in self._db.work_orders.of(organization_id)
            if o.vendor_id == vendor_id and (within(o.completed_at) or within(o.cancelled_at))
        ]
        return sorted(found, key=lambda o: (o.created_at, o.id))  # the port promises no order


_VENDOR_SORT = {"name": lambda v: v.name, "created_at": lambda v: v.created_at, "updated_at": lambda v: v.updated_at}


class FakeVendorRepository(_SoftDeletedRows[Vendor], VendorRepository):
    table_name = "vendors"
    noun = "vendor"

    async def list(self, organization_id: UUID, filters: VendorFilter, page: PageRequest) -> Page[Vendor]:
        f = filters
        items = [
            v
            for v in self._db.vendors.of(organization_id)
            # One trade or area equal to the filter (SQLite's LIKE would also match another case).
            if (not f.trade or f.trade in v.trades)
            and (not f.service_area or f.service_area in v.service_areas)
            and (f.active is None or v.active is f.active)
            and (not f.search or contains(v.name, f.search))
            and created_in(v.created_at, f.created_after, f.created_before)
        ]
        return page_of(items, page, _VENDOR_SORT, _id)


class FakeCategoryRepository(CategoryRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def custom(self, organization_id: UUID) -> list[str]:
        return [name for org, name in self._db.ticket_categories if org == organization_id]

    async def add(self, organization_id: UUID, name: str, at: datetime) -> None:
        if (organization_id, name) in self._db.ticket_categories:
            raise Conflict(f"the category {name!r} exists")  # SQL: the primary key (organization, name)
        self._db.ticket_categories[(organization_id, name)] = at


class TicketListThroughRepositories(TicketListQuery):
    """The ticket list as the use case read it before its query port: the repository's page, then the
    directories' names (four round trips on SQL). The fakes' own list, and the reference the SQL adapters
    (``queries/ticket_list.py``) are held to."""

    def __init__(self, uow: OperationsUnitOfWork) -> None:
        self._uow = uow

    async def page(self, organization_id: UUID, filters: TicketFilter, page: PageRequest) -> tuple[Page[Ticket], Names]:
        found = await self._uow.tickets.list(organization_id, filters, page)
        return found, await ticket_use_cases.names_of(self._uow, organization_id, found.items, set())


# -- what operations reads of other contexts, and where it books costs --------------------------


class FakePropertyDirectory(PropertyDirectory):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def property_exists(self, organization_id: UUID, property_id: UUID) -> bool:
        return self._db.properties.find(organization_id, property_id) is not None

    async def unit_in_property(self, organization_id: UUID, unit_id: UUID, property_id: UUID) -> bool:
        unit = self._db.units.find(organization_id, unit_id)
        return unit is not None and unit.property_id == property_id

    async def units_of_tenant(self, organization_id: UUID, tenant_id: UUID) -> set[UUID]:
        # As the SQL adapter: the units of the tenant's occupying leases (main or co-tenant).
        return {
            x.unit_id
            for x in self._db.leases.of(organization_id)
            if x.status in OCCUPYING and (x.tenant_id == tenant_id or tenant_id in x.co_tenant_ids)
        }

    async def property_names(self, organization_id: UUID, property_ids: set[UUID]) -> dict[UUID, str]:
        # Deleted ones too: an old ticket still names its place.
        return {p.id: p.name for p in self._db.properties.of(organization_id, live=False) if p.id in property_ids}

    async def unit_names(self, organization_id: UUID, unit_ids: set[UUID]) -> dict[UUID, str]:
        return {u.id: u.name for u in self._db.units.of(organization_id, live=False) if u.id in unit_ids}


def _person(user: User, membership: Membership) -> Person:
    return Person(
        id=user.id,
        name=user.name,
        email=user.email,
        phone=user.phone,
        roles=frozenset(membership.roles),
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


_PEOPLE_SORT = {"created_at": lambda p: p.created_at, "name": lambda p: p.name}


class FakePeopleDirectory(PeopleDirectory):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _members(self, organization_id: UUID) -> list[tuple[User, Membership]]:
        return [
            (self._db.users[user], m)
            for (org, user), m in self._db.memberships.items()
            if org == organization_id and user in self._db.users
        ]

    async def names(self, organization_id: UUID, ids: set[UUID]) -> dict[UUID, str]:
        found = {u.id: u.name for u, _ in self._members(organization_id) if u.id in ids}
        for key in self._db.api_keys.rows.get(organization_id, {}).values():  # revoked keys still have a name
            if key.id in ids and key.id not in found:
                found[key.id] = f"API key: {key.name}"
        return found

    async def people(self, organization_id: UUID, filters: PeopleFilter, page: PageRequest) -> Page[Person]:
        f = filters
        assigned = None
        if f.assigned_in_property is not None:
            tickets = self._db.tickets.of(organization_id)
            assigned = {t.assignee_id for t in tickets if t.property_id == f.assigned_in_property}
        items = [
            _person(u, m)
            for u, m in self._members(organization_id)
            if (f.roles_any is None or m.roles & f.roles_any)
            and not m.roles & f.roles_none
            and (assigned is None or u.id in assigned)
        ]
        return page_of(items, page, _PEOPLE_SORT, lambda p: p.id)

    async def person(self, organization_id: UUID, user_id: UUID) -> Person:
        found = [_person(u, m) for u, m in self._members(organization_id) if u.id == user_id]
        if not found:
            raise NotFound("user", user_id)
        return found[0]


class FakeAttachmentStorage(AttachmentStorage):
    """Files in a dict (outside any transaction, as a bucket is)."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.files[key] = (data, content_type)

    async def get(self, key: str) -> bytes:
        if key not in self.files:
            raise NotFound("attachment", key)
        return self.files[key][0]

    async def delete(self, key: str) -> None:
        self.files.pop(key, None)


class PlainSecretBox(SecretBox):
    """Reversible and readable: tests see what would have been sealed."""

    def seal(self, plaintext: str) -> str:
        return "sealed:" + plaintext

    def open(self, sealed: str) -> str:
        return sealed.removeprefix("sealed:")

"""Operations use cases. Each one is one transaction on the unit of work it is given.

Who sees what: an actor with ``maintenance:read`` sees every ticket of the organization; a
tenant (``maintenance:create`` only) sees the tickets it reported and nothing else.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from stdnum.ca import bn as stdnum_bn
from stdnum.in_ import gstin as stdnum_gstin

from pmsaas.domain.operations.files import MAX_ATTACHMENT_BYTES, safe_filename, sniff_content_type
from pmsaas.domain.operations.model import (
    BUILTIN_CATEGORIES,
    TICKET_EVENTS,
    Attachment,
    Comment,
    Priority,
    TaxIdKind,
    Ticket,
    TicketAction,
    TicketStatus,
    TicketUpdate,
    UpdateKind,
    Vendor,
    VendorPerformance,
    WebhookSubscription,
    WorkOrder,
    WorkOrderStatus,
    action_towards,
    normalize_category,
    performance_of,
)
from pmsaas.domain.operations.ports import (
    AttachmentStorage,
    OperationsUnitOfWork,
    PeopleFilter,
    Person,
    SecretBox,
    TicketFilter,
    VendorFilter,
    WorkOrderFilter,
)
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

# -- who sees what ---------------------------------------------------------------------------


def _reader_scope(actor: Actor) -> UUID | None:
    """None: the whole organization; a UUID: only the tickets of that tenant."""
    if actor.can("maintenance:read"):
        return None
    if actor.is_tenant and actor.tenant_profile_id is not None and actor.can("maintenance:create"):
        return actor.tenant_profile_id
    raise PermissionDenied("Missing permission maintenance:read")


async def _visible_ticket(uow: OperationsUnitOfWork, actor: Actor, ticket_id: UUID) -> Ticket:
    tenant = _reader_scope(actor)
    ticket = await uow.tickets.get(actor.org, ticket_id)
    if tenant is not None and ticket.tenant_id != tenant:
        raise NotFound("ticket", ticket_id)  # someone else's ticket: as if it did not exist
    return ticket


def _actor_ref(actor: Actor) -> UUID | None:
    return actor.user_id or actor.api_key_id


# -- read model ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    properties: dict[UUID, str] = field(default_factory=dict)
    units: dict[UUID, str] = field(default_factory=dict)
    people: dict[UUID, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketDetails:
    ticket: Ticket
    names: Names
    comments: list[Comment]
    attachments: list[Attachment]


async def _names(uow: OperationsUnitOfWork, organization_id: UUID, tickets: list[Ticket], extra: set[UUID]) -> Names:
    props = {t.property_id for t in tickets}
    units = {t.unit_id for t in tickets if t.unit_id}
    people = {p for t in tickets for p in (t.requester_id, t.assignee_id) if p} | extra
    return Names(
        properties=await uow.property_directory.property_names(organization_id, props) if props else {},
        units=await uow.property_directory.unit_names(organization_id, units) if units else {},
        people=await uow.people_directory.names(organization_id, people) if people else {},
    )


async def _details(uow: OperationsUnitOfWork, actor: Actor, ticket: Ticket) -> TicketDetails:
    internal = _reader_scope(actor) is None
    comments = await uow.tickets.comments(actor.org, ticket.id, include_internal=internal)
    attachments = await uow.tickets.attachments(actor.org, ticket.id)
    names = await _names(uow, actor.org, [ticket], {c.author_id for c in comments if c.author_id})
    return TicketDetails(ticket, names, comments, attachments)


# -- categories ------------------------------------------------------------------------------


async def _check_category(uow: OperationsUnitOfWork, organization_id: UUID, raw: str) -> str:
    value = normalize_category(raw)
    if value in BUILTIN_CATEGORIES or value in await uow.ticket_categories.custom(organization_id):
        return value
    raise ValidationFailed.single("category", f"unknown category {value!r}; add it as a custom category first")


async def list_categories(*, uow: OperationsUnitOfWork, actor: Actor) -> list[tuple[str, bool]]:
    """(name, custom) pairs: the built-in ones first."""
    async with uow:
        custom = await uow.ticket_categories.custom(actor.org)
    return [(c, False) for c in BUILTIN_CATEGORIES] + [(c, True) for c in sorted(custom)]


async def add_category(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, name: str) -> str:
    value = normalize_category(name, "name")
    if value in BUILTIN_CATEGORIES:
        raise Conflict(f"{value!r} is a built-in category")
    async with uow:
        await uow.ticket_categories.add(actor.org, value, clock.now())
        await uow.commit()
    return value


# -- tickets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewTicket:
    title: str
    description: str
    category: str
    priority: Priority
    property_id: UUID
    unit_id: UUID | None = None


_KEEP: Any = object()


@dataclass(frozen=True)
class TicketChanges:
    """A PATCH: ``None`` leaves a field alone, except ``assignee_id`` where ``KEEP`` does."""

    title: str | None = None
    description: str | None = None
    category: str | None = None
    priority: Priority | None = None
    status: TicketStatus | None = None
    assignee_id: Any = _KEEP  # UUID to assign, None to unassign, KEEP to leave alone


KEEP = _KEEP


def _text(value: str, field_name: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed.single(field_name, "must not be blank")
    return value


async def _check_place(uow: OperationsUnitOfWork, actor: Actor, property_id: UUID, unit_id: UUID | None) -> None:
    directory = uow.property_directory
    if not await directory.property_exists(actor.org, property_id):
        raise ValidationFailed.single("property_id", "no such property in this organization")
    if unit_id is not None and not await directory.unit_in_property(actor.org, unit_id, property_id):
        raise ValidationFailed.single("unit_id", "no such unit in this property")
    if actor.is_tenant and not actor.can("maintenance:read"):
        if actor.tenant_profile_id is None or unit_id is None:
            raise ValidationFailed.single("unit_id", "a tenant reports requests for its own unit")
        if unit_id not in await directory.units_of_tenant(actor.org, actor.tenant_profile_id):
            raise ValidationFailed.single("unit_id", "a tenant reports requests for its own unit only")


async def create_ticket(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, data: NewTicket) -> TicketDetails:
    if not (actor.can("maintenance:create")):
        raise PermissionDenied("Missing permission maintenance:create")
    now = clock.now()
    title, description = _text(data.title, "title"), data.description.strip()
    async with uow:
        category = await _check_category(uow, actor.org, data.category)
        await _check_place(uow, actor, data.property_id, data.unit_id)
        tenant_reported = actor.is_tenant and not actor.can("maintenance:read")
        ticket = Ticket(
            organization_id=actor.org,
            title=title,
            description=description,
            category=category,
            priority=data.priority,
            property_id=data.property_id,
            unit_id=data.unit_id,
            requester_id=_actor_ref(actor),
            tenant_id=actor.tenant_profile_id if tenant_reported else None,
            created_at=now,
            updated_at=now,
        )
        await uow.tickets.add(ticket)
        await uow.tickets.add_update(ticket.created_update(_actor_ref(actor)))
        uow.record(ticket.event("ticket.created", now))
        uow.record(ticket.event("maintenance.created", now))
        # A new ticket has no comments or attachments yet: only the names are read.
        details = TicketDetails(ticket, await _names(uow, actor.org, [ticket], set()), [], [])
        await uow.commit()
    return details


async def get_ticket(*, uow: OperationsUnitOfWork, actor: Actor, ticket_id: UUID) -> TicketDetails:
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        return await _details(uow, actor, ticket)


async def list_tickets(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: TicketFilter, page: PageRequest
) -> tuple[Page[Ticket], Names]:
    tenant = _reader_scope(actor)
    if tenant is not None:
        filters = TicketFilter(**{**filters.__dict__, "tenant_id": tenant})
    async with uow:
        result = await uow.tickets.list(actor.org, filters, page)
        names = await _names(uow, actor.org, result.items, set())
    return result, names


async def active_ticket_counts(*, uow: OperationsUnitOfWork, actor: Actor, property_ids: set[UUID]) -> dict[UUID, int]:
    """Open or in-progress tickets per property (the ticketing seed's ``active_tickets_count``)."""
    async with uow:
        return await uow.tickets.active_counts(actor.org, property_ids)


async def _check_assignee(uow: OperationsUnitOfWork, actor: Actor, assignee_id: UUID, field_name: str) -> None:
    allowed = await uow.people_directory.can_work_tickets(actor.org, assignee_id)
    if allowed is None:
        raise ValidationFailed.single(field_name, "no such user in this organization")
    if not allowed:
        raise ValidationFailed.single(field_name, "this user's roles may not work maintenance requests")


def _resolution_events(uow: OperationsUnitOfWork, ticket: Ticket, at: datetime) -> None:
    uow.record(ticket.event("ticket.resolved", at))
    uow.record(ticket.event("maintenance.completed", at))


async def _save(uow: OperationsUnitOfWork, ticket: Ticket, expected: int, updates: list[TicketUpdate]) -> None:
    await uow.tickets.update(ticket, expected_version=expected)
    for u in updates:
        await uow.tickets.add_update(u)


async def update_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, changes: TicketChanges
) -> TicketDetails:
    """The ticketing PATCH: edits, (re)assignment and a status move in one transaction."""
    actor.require("maintenance:update")
    now = clock.now()
    who = _actor_ref(actor)
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        updates: list[TicketUpdate] = []
        category = await _check_category(uow, actor.org, changes.category) if changes.category is not None else None
        edited = ticket.edit(
            now,
            who,
            title=_text(changes.title, "title") if changes.title is not None else None,
            description=changes.description.strip() if changes.description is not None else None,
            category=category,
            priority=changes.priority,
        )
        if edited:
            updates.append(edited)
        if changes.assignee_id is not KEEP and changes.assignee_id != ticket.assignee_id:
            actor.require("maintenance:assign")
            if changes.assignee_id is not None:
                await _check_assignee(uow, actor, changes.assignee_id, "assigned_to")
            updates.append(ticket.assign(changes.assignee_id, now, who))
        resolved = False
        if changes.status is not None and changes.status != ticket.status:
            action = action_towards(ticket.status, changes.status)
            updates.append(ticket.apply(action, now, who))
            resolved = action is TicketAction.RESOLVE
        if updates:
            await _save(uow, ticket, expected, updates)
            uow.record(ticket.event("ticket.updated", now))
            if resolved:
                _resolution_events(uow, ticket, now)
        details = await _details(uow, actor, ticket)
        await uow.commit()
    return details


async def edit_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, data: NewTicket
) -> TicketDetails:
    """The platform PUT: title, description, category, priority (the place is fixed at creation)."""
    actor.require("maintenance:update")
    now = clock.now()
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        if data.property_id != ticket.property_id or data.unit_id != ticket.unit_id:
            raise ValidationFailed.single("property_id", "a request cannot move to another property or unit")
        expected = ticket.version
        category = await _check_category(uow, actor.org, data.category)
        edited = ticket.edit(
            now,
            _actor_ref(actor),
            title=_text(data.title, "title"),
            description=data.description.strip(),
            category=category,
            priority=data.priority,
        )
        if edited:
            await _save(uow, ticket, expected, [edited])
            uow.record(ticket.event("ticket.updated", now))
        details = await _details(uow, actor, ticket)
        await uow.commit()
    return details


async def assign_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, assignee_id: UUID
) -> TicketDetails:
    actor.require("maintenance:assign")
    now = clock.now()
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        await _check_assignee(uow, actor, assignee_id, "assignee_id")
        update = ticket.assign(assignee_id, now, _actor_ref(actor))
        await _save(uow, ticket, expected, [update])
        uow.record(ticket.event("ticket.updated", now))
        details = await _details(uow, actor, ticket)
        await uow.commit()
    return details


async def transition_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, action: TicketAction, note: str | None
) -> TicketDetails:
    actor.require("maintenance:update")
    now = clock.now()
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        update = ticket.apply(action, now, _actor_ref(actor))
        if note:
            update = TicketUpdate(**{**update.__dict__, "note": note.strip()})
        await _save(uow, ticket, expected, [update])
        uow.record(ticket.event("ticket.updated", now))
        if action is TicketAction.RESOLVE:
            _resolution_events(uow, ticket, now)
        details = await _details(uow, actor, ticket)
        await uow.commit()
    return details


async def complete_ticket(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, note: str | None
) -> TicketDetails:
    """/complete: resolve the request (starting it first if nobody had yet)."""
    actor.require("maintenance:update")
    now = clock.now()
    who = _actor_ref(actor)
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        expected = ticket.version
        updates = []
        if ticket.status is TicketStatus.OPEN:
            updates.append(ticket.apply(TicketAction.START, now, who))
        resolved = ticket.apply(TicketAction.RESOLVE, now, who)
        updates.append(TicketUpdate(**{**resolved.__dict__, "note": note.strip() if note else None}))
        await _save(uow, ticket, expected, updates)
        uow.record(ticket.event("ticket.updated", now))
        _resolution_events(uow, ticket, now)
        details = await _details(uow, actor, ticket)
        await uow.commit()
    return details


async def delete_ticket(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID) -> None:
    actor.require("maintenance:delete")
    now = clock.now()
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        orders = await uow.work_orders.for_ticket(actor.org, ticket.id)
        if any(o.status is WorkOrderStatus.IN_PROGRESS for o in orders):
            raise Conflict("the ticket has a work order in progress; complete or cancel it first")
        for order in orders:  # work nobody will do any more: the vendor's schedule is freed
            if order.status is WorkOrderStatus.SCHEDULED:
                expected = order.version
                order.cancel(now)
                await uow.work_orders.update(order, expected_version=expected)
                uow.record(order.event("work_order.cancelled", now))
        await uow.tickets.delete(actor.org, ticket_id, now)
        uow.record(ticket.event("ticket.deleted", now))
        await uow.commit()


async def ticket_updates(
    *, uow: OperationsUnitOfWork, actor: Actor, ticket_id: UUID
) -> tuple[list[TicketUpdate], Names]:
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        internal = _reader_scope(actor) is None
        updates = await uow.tickets.updates(actor.org, ticket.id, include_internal=internal)
        people = {u.actor_id for u in updates if u.actor_id}
        names = Names(people=await uow.people_directory.names(actor.org, people) if people else {})
    return updates, names


async def add_comment(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, ticket_id: UUID, text: str, internal: bool
) -> tuple[Comment, str]:
    """The comment and its author's display name."""
    now = clock.now()
    text = _text(text, "text")
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        staff = _reader_scope(actor) is None
        if internal and not staff:
            raise PermissionDenied("only staff write internal notes")
        if ticket.status is TicketStatus.CLOSED:
            raise Conflict("the ticket is closed")
        comment = Comment(
            ticket_id=ticket.id,
            organization_id=actor.org,
            author_id=_actor_ref(actor),
            text=text,
            internal=internal,
            created_at=now,
        )
        await uow.tickets.add_comment(comment)
        expected = ticket.version
        if staff and not internal and ticket.responded_at is None:
            ticket.responded_at = now  # a public answer from staff is a response for the SLA
        ticket.updated_at = now
        ticket.version += 1
        await uow.tickets.update(ticket, expected_version=expected)
        await uow.tickets.add_update(
            TicketUpdate(
                ticket_id=ticket.id,
                organization_id=actor.org,
                kind=UpdateKind.COMMENTED,
                at=now,
                actor_id=_actor_ref(actor),
                note=text,
                internal=internal,
                data={"comment_id": str(comment.id)},
            )
        )
        uow.record(ticket.event("ticket.updated", now))
        ref = _actor_ref(actor)
        names = await uow.people_directory.names(actor.org, {ref}) if ref else {}
        await uow.commit()
    return comment, names.get(ref, "") if ref else ""


# -- attachments -----------------------------------------------------------------------------


async def add_attachment(
    *,
    uow: OperationsUnitOfWork,
    storage: AttachmentStorage,
    clock: Clock,
    actor: Actor,
    ticket_id: UUID,
    filename: str,
    data: bytes,
) -> Attachment:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.single("file", f"must be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    if not data:
        raise ValidationFailed.single("file", "is empty")
    content_type = sniff_content_type(data)
    if content_type is None:
        raise ValidationFailed.single("file", "must be a JPEG, PNG, GIF, WebP, HEIC image or a PDF")
    now = clock.now()
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        if ticket.status is TicketStatus.CLOSED:
            raise Conflict("the ticket is closed")
        attachment = Attachment(
            ticket_id=ticket.id,
            organization_id=actor.org,
            filename=safe_filename(filename, content_type),
            content_type=content_type,
            size=len(data),
            storage_key="",
            created_at=now,
            uploaded_by=_actor_ref(actor),
        )
        attachment = Attachment(**{**attachment.__dict__, "storage_key": f"{actor.org}/{ticket.id}/{attachment.id}"})
        # The bytes first: a stored file without a row is garbage, a row without a file is a bug.
        await storage.put(attachment.storage_key, data, content_type)
        await uow.tickets.add_attachment(attachment)
        await uow.tickets.add_update(
            TicketUpdate(
                ticket_id=ticket.id,
                organization_id=actor.org,
                kind=UpdateKind.ATTACHMENT_ADDED,
                at=now,
                actor_id=_actor_ref(actor),
                data={"attachment_id": str(attachment.id), "filename": attachment.filename},
            )
        )
        uow.record(ticket.event("ticket.updated", now))
        await uow.commit()
    return attachment


async def read_attachment(
    *, uow: OperationsUnitOfWork, storage: AttachmentStorage, actor: Actor, ticket_id: UUID, attachment_id: UUID
) -> tuple[Attachment, bytes]:
    async with uow:
        ticket = await _visible_ticket(uow, actor, ticket_id)
        attachment = await uow.tickets.get_attachment(actor.org, ticket.id, attachment_id)
    return attachment, await storage.get(attachment.storage_key)


# -- people (the ticketing surface's users) --------------------------------------------------


async def list_people(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: PeopleFilter, page: PageRequest
) -> tuple[Page[Person], dict[UUID, list[tuple[UUID, str]]]]:
    """Users of the organization with the properties they work tickets in."""
    actor.require("user:read")
    async with uow:
        result = await uow.people_directory.people(actor.org, filters, page)
        places = await _assigned_places(uow, actor.org, [p.id for p in result.items])
    return result, places


async def get_person(
    *, uow: OperationsUnitOfWork, actor: Actor, user_id: UUID
) -> tuple[Person, list[tuple[UUID, str]]]:
    actor.require("user:read")
    async with uow:
        person = await uow.people_directory.person(actor.org, user_id)
        places = await _assigned_places(uow, actor.org, [person.id])
    return person, places.get(person.id, [])


async def _assigned_places(
    uow: OperationsUnitOfWork, organization_id: UUID, user_ids: list[UUID]
) -> dict[UUID, list[tuple[UUID, str]]]:
    by_user = await uow.tickets.assignee_properties(organization_id, user_ids)
    all_ids = {p for ids in by_user.values() for p in ids}
    names = await uow.property_directory.property_names(organization_id, all_ids) if all_ids else {}
    return {
        user: sorted(((p, names[p]) for p in ids if p in names), key=lambda x: (x[1], str(x[0])))
        for user, ids in by_user.items()
    }


# -- webhooks (ticketing) --------------------------------------------------------------------


def check_webhook_url(url: str) -> None:
    """An http(s) URL to a public host: deliveries must not be aimed at our own network (SSRF)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationFailed.single("url", "must be an http(s) URL")
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        raise ValidationFailed.single("url", "must point to a public host")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return
    if not ip.is_global:
        raise ValidationFailed.single("url", "must point to a public address")


async def register_webhook(
    *, uow: OperationsUnitOfWork, box: SecretBox, clock: Clock, actor: Actor, url: str, events: list[str], secret: str
) -> WebhookSubscription:
    actor.require("webhook:create")
    check_webhook_url(url)
    unknown = [e for e in events if e not in TICKET_EVENTS]
    if unknown:
        raise ValidationFailed.single("events", f"unknown events: {', '.join(unknown)}")
    if not events:
        raise ValidationFailed.single("events", "at least one event is required")
    if len(secret) < 16:
        raise ValidationFailed.single("secret", "must be at least 16 characters")
    webhook = WebhookSubscription(
        organization_id=actor.org,
        url=url,
        events=tuple(dict.fromkeys(events)),
        secret_sealed=box.seal(secret),
        created_at=clock.now(),
    )
    async with uow:
        await uow.ticket_webhooks.add(webhook)
        await uow.commit()
    return webhook


async def list_webhooks(*, uow: OperationsUnitOfWork, actor: Actor) -> list[WebhookSubscription]:
    actor.require("webhook:read")
    async with uow:
        return await uow.ticket_webhooks.list(actor.org)


# -- vendors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VendorInput:
    name: str
    trades: list[str]
    service_areas: list[str]
    email: str | None = None
    phone: str | None = None
    insurance_expires_on: date | None = None
    tax_id: str | None = None
    tax_id_kind: TaxIdKind | None = None
    active: bool = True


def check_tax_id(kind: TaxIdKind | None, raw: str | None) -> str | None:
    if raw is None and kind is None:
        return None
    if raw is None or kind is None:
        raise ValidationFailed.single("tax_id_type", "tax_id and tax_id_type go together")
    if kind is TaxIdKind.GSTIN:
        value = stdnum_gstin.compact(raw)
        if not stdnum_gstin.is_valid(value):
            raise ValidationFailed.single("tax_id", "is not a valid GSTIN")
        return value
    value = stdnum_bn.compact(raw)
    if not stdnum_bn.is_valid(value):
        raise ValidationFailed.single("tax_id", "is not a valid Canadian business number")
    return value


def _vendor_fields(data: VendorInput) -> dict[str, Any]:
    trades = sorted({normalize_category(t, "trades") for t in data.trades})
    if not trades:
        raise ValidationFailed.single("trades", "at least one trade is required")
    areas = sorted({a.strip() for a in data.service_areas if a.strip()})
    return {
        "name": _text(data.name, "name"),
        "trades": trades,
        "service_areas": areas,
        "email": data.email.strip().lower() if data.email else None,
        "phone": data.phone.strip() if data.phone else None,
        "insurance_expires_on": data.insurance_expires_on,
        "tax_id": check_tax_id(data.tax_id_kind, data.tax_id),
        "tax_id_kind": data.tax_id_kind,
        "active": data.active,
    }


async def create_vendor(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, data: VendorInput) -> Vendor:
    now = clock.now()
    vendor = Vendor(organization_id=actor.org, created_at=now, updated_at=now, **_vendor_fields(data))
    async with uow:
        await uow.vendors.add(vendor)
        await uow.commit()
    return vendor


async def update_vendor(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, vendor_id: UUID, data: VendorInput
) -> Vendor:
    fields = _vendor_fields(data)
    now = clock.now()
    async with uow:
        vendor = await uow.vendors.get(actor.org, vendor_id)
        expected = vendor.version
        for k, v in fields.items():
            setattr(vendor, k, v)
        vendor.updated_at = now
        vendor.version += 1
        await uow.vendors.update(vendor, expected_version=expected)
        await uow.commit()
    return vendor


async def get_vendor(*, uow: OperationsUnitOfWork, actor: Actor, vendor_id: UUID) -> Vendor:
    async with uow:
        return await uow.vendors.get(actor.org, vendor_id)


async def list_vendors(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: VendorFilter, page: PageRequest
) -> Page[Vendor]:
    async with uow:
        return await uow.vendors.list(actor.org, filters, page)


async def delete_vendor(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, vendor_id: UUID) -> None:
    async with uow:
        await uow.vendors.get(actor.org, vendor_id)
        page = await uow.work_orders.list(
            actor.org, WorkOrderFilter(vendor_id=vendor_id), PageRequest(page=1, page_size=100)
        )
        if any(o.is_open for o in page.items):
            raise Conflict("the vendor has open work orders; complete or cancel them first")
        await uow.vendors.delete(actor.org, vendor_id, clock.now())
        await uow.commit()


async def rate_vendor(
    *,
    uow: OperationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    vendor_id: UUID,
    work_order_id: UUID,
    rating: int,
    comment: str | None,
) -> WorkOrder:
    now = clock.now()
    async with uow:
        await uow.vendors.get(actor.org, vendor_id)
        try:
            order = await uow.work_orders.get(actor.org, work_order_id)
        except NotFound:
            raise ValidationFailed.single("work_order_id", "no such work order") from None
        if order.vendor_id != vendor_id:
            raise ValidationFailed.single("work_order_id", "this work order is not the vendor's")
        expected = order.version
        order.rate(rating, comment.strip() if comment else None)
        order.updated_at = now
        order.version += 1
        await uow.work_orders.update(order, expected_version=expected)
        await uow.commit()
    return order


async def vendor_performance(
    *, uow: OperationsUnitOfWork, actor: Actor, vendor_id: UUID, start: datetime, end: datetime
) -> VendorPerformance:
    if end <= start:
        raise ValidationFailed.single("to", "must be after from")
    async with uow:
        await uow.vendors.get(actor.org, vendor_id)
        orders = await uow.work_orders.finished_for_vendor(actor.org, vendor_id, start, end)
    return performance_of(vendor_id, start, end, orders)


# -- work orders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkOrderInput:
    ticket_id: UUID
    vendor_id: UUID
    description: str
    scheduled_start: datetime
    scheduled_end: datetime
    estimated_cost: Money


async def create_work_order(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, data: WorkOrderInput
) -> WorkOrder:
    now = clock.now()
    if data.estimated_cost.amount < 0:
        raise ValidationFailed.single("estimated_cost.amount", "must not be negative")
    async with uow:
        try:
            ticket = await uow.tickets.get(actor.org, data.ticket_id)
        except NotFound:
            raise ValidationFailed.single("maintenance_request_id", "no such maintenance request") from None
        if not ticket.is_active:
            raise Conflict(f"the maintenance request is {ticket.status.value}")
        try:
            vendor = await uow.vendors.get(actor.org, data.vendor_id)
        except NotFound:
            raise ValidationFailed.single("vendor_id", "no such vendor") from None
        if not vendor.active:
            raise ValidationFailed.single("vendor_id", "the vendor is inactive")
        order = WorkOrder(
            organization_id=actor.org,
            ticket_id=ticket.id,
            vendor_id=vendor.id,
            description=_text(data.description, "description"),
            scheduled_start=data.scheduled_start,
            scheduled_end=data.scheduled_end,
            estimated_cost=data.estimated_cost,
            created_at=now,
            updated_at=now,
        )
        await uow.work_orders.add(order)
        await uow.tickets.add_update(
            TicketUpdate(
                ticket_id=ticket.id,
                organization_id=actor.org,
                kind=UpdateKind.WORK_ORDER,
                at=now,
                actor_id=_actor_ref(actor),
                note=f"work order scheduled with {vendor.name}",
                data={"work_order_id": str(order.id), "status": order.status.value},
            )
        )
        uow.record(order.event("work_order.created", now))
        await uow.commit()
    return order


async def update_work_order(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID, data: WorkOrderInput
) -> WorkOrder:
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        if order.status is not WorkOrderStatus.SCHEDULED:
            raise Conflict(f"a work order that is {order.status.value} cannot be changed")
        if data.ticket_id != order.ticket_id:
            raise ValidationFailed.single("maintenance_request_id", "a work order cannot move to another request")
        if data.vendor_id != order.vendor_id:
            vendor = await uow.vendors.get(actor.org, data.vendor_id)
            if not vendor.active:
                raise ValidationFailed.single("vendor_id", "the vendor is inactive")
        expected = order.version
        changed = WorkOrder(
            **{
                **order.__dict__,
                "vendor_id": data.vendor_id,
                "description": _text(data.description, "description"),
                "scheduled_start": data.scheduled_start,
                "scheduled_end": data.scheduled_end,
                "estimated_cost": data.estimated_cost,
                "updated_at": now,
                "version": order.version + 1,
            }
        )
        await uow.work_orders.update(changed, expected_version=expected)
        await uow.commit()
    return changed


async def get_work_order(*, uow: OperationsUnitOfWork, actor: Actor, order_id: UUID) -> WorkOrder:
    async with uow:
        return await uow.work_orders.get(actor.org, order_id)


async def list_work_orders(
    *, uow: OperationsUnitOfWork, actor: Actor, filters: WorkOrderFilter, page: PageRequest
) -> Page[WorkOrder]:
    async with uow:
        if filters.vendor_id is not None:
            await uow.vendors.get(actor.org, filters.vendor_id)
        return await uow.work_orders.list(actor.org, filters, page)


async def delete_work_order(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID) -> None:
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        if order.status in (WorkOrderStatus.IN_PROGRESS, WorkOrderStatus.COMPLETED):
            raise Conflict(f"a work order that is {order.status.value} is kept; cancel it instead")
        await uow.work_orders.delete(actor.org, order_id, clock.now())
        await uow.commit()


async def _work_order_step(
    uow: OperationsUnitOfWork, actor: Actor, order: WorkOrder, ticket: Ticket, now: datetime, note: str
) -> None:
    await uow.tickets.add_update(
        TicketUpdate(
            ticket_id=ticket.id,
            organization_id=actor.org,
            kind=UpdateKind.WORK_ORDER,
            at=now,
            actor_id=_actor_ref(actor),
            note=note,
            data={"work_order_id": str(order.id), "status": order.status.value},
        )
    )


async def start_work_order(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID) -> WorkOrder:
    """Starting work also starts the request if it was still open."""
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        ticket = await uow.tickets.get(actor.org, order.ticket_id)
        expected = order.version
        order.start(now)
        await uow.work_orders.update(order, expected_version=expected)
        await _work_order_step(uow, actor, order, ticket, now, "work order started")
        if ticket.status is TicketStatus.OPEN:
            t_expected = ticket.version
            await _save(uow, ticket, t_expected, [ticket.apply(TicketAction.START, now, _actor_ref(actor))])
            uow.record(ticket.event("ticket.updated", now))
        uow.record(order.event("work_order.started", now))
        await uow.commit()
    return order


async def complete_work_order(
    *, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID, actual_cost: Money
) -> WorkOrder:
    """Completing the last open work order of a request resolves the request."""
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        ticket = await uow.tickets.get(actor.org, order.ticket_id)
        expected = order.version
        order.complete(now, actual_cost)
        await uow.work_orders.update(order, expected_version=expected)
        await _work_order_step(uow, actor, order, ticket, now, "work order completed")
        uow.record(order.event("work_order.completed", now))
        if actual_cost.is_positive:
            vendor = await uow.vendors.get(actor.org, order.vendor_id)
            booked = await uow.expense_book.record_work_order_cost(
                organization_id=actor.org,
                work_order_id=order.id,
                vendor_name=vendor.name,
                property_id=ticket.property_id,
                amount=actual_cost,
                on=now.date(),
                at=now,
                description=f"{ticket.title}: {order.description}",
            )
            if booked is not None:
                uow.record(booked)
        others = [o for o in await uow.work_orders.for_ticket(actor.org, ticket.id) if o.id != order.id]
        if not any(o.is_open for o in others) and ticket.status is TicketStatus.IN_PROGRESS:
            t_expected = ticket.version
            await _save(uow, ticket, t_expected, [ticket.apply(TicketAction.RESOLVE, now, _actor_ref(actor))])
            uow.record(ticket.event("ticket.updated", now))
            _resolution_events(uow, ticket, now)
        await uow.commit()
    return order


async def cancel_work_order(*, uow: OperationsUnitOfWork, clock: Clock, actor: Actor, order_id: UUID) -> WorkOrder:
    now = clock.now()
    async with uow:
        order = await uow.work_orders.get(actor.org, order_id)
        ticket = await uow.tickets.get(actor.org, order.ticket_id)
        expected = order.version
        order.cancel(now)
        await uow.work_orders.update(order, expected_version=expected)
        await _work_order_step(uow, actor, order, ticket, now, "work order cancelled")
        uow.record(order.event("work_order.cancelled", now))
        await uow.commit()
    return order

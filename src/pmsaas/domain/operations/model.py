"""Operations: tickets (= maintenance requests) and their workflow, work orders, vendors.

Everything here is pure: the workflow is a table of transitions, SLA targets are a table per
priority, and the entities only change through methods that check the rules.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from pmsaas.domain.shared.errors import Conflict, IllegalTransition, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

# -- tickets ---------------------------------------------------------------------------------


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketAction(StrEnum):
    START = "start"  # open → in_progress
    RESOLVE = "resolve"  # in_progress → resolved
    CLOSE = "close"  # resolved → closed
    REOPEN = "reopen"  # resolved → open


# The whole workflow. Anything not in this table is an illegal transition (409).
TRANSITIONS: dict[tuple[TicketStatus, TicketAction], TicketStatus] = {
    (TicketStatus.OPEN, TicketAction.START): TicketStatus.IN_PROGRESS,
    (TicketStatus.IN_PROGRESS, TicketAction.RESOLVE): TicketStatus.RESOLVED,
    (TicketStatus.RESOLVED, TicketAction.CLOSE): TicketStatus.CLOSED,
    (TicketStatus.RESOLVED, TicketAction.REOPEN): TicketStatus.OPEN,
}


def next_status(current: TicketStatus, action: TicketAction) -> TicketStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalTransition("ticket", current.value, action.value) from None


def action_towards(current: TicketStatus, target: TicketStatus) -> TicketAction:
    """The action that moves ``current`` to ``target`` (a PATCH names the target status)."""
    for (source, action), result in TRANSITIONS.items():
        if source == current and result == target:
            return action
    raise Conflict(f"a ticket cannot go from {current.value} to {target.value}")


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """For sorting by urgency: low=1 … critical=4."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.CRITICAL: 4}


@dataclass(frozen=True)
class SlaTarget:
    response: timedelta  # from creation to the first response (work started or assigned)
    resolution: timedelta  # from creation to resolved


SLA_TARGETS: dict[Priority, SlaTarget] = {
    Priority.CRITICAL: SlaTarget(response=timedelta(hours=1), resolution=timedelta(hours=24)),
    Priority.HIGH: SlaTarget(response=timedelta(hours=4), resolution=timedelta(hours=72)),
    Priority.MEDIUM: SlaTarget(response=timedelta(hours=24), resolution=timedelta(days=7)),
    Priority.LOW: SlaTarget(response=timedelta(hours=72), resolution=timedelta(days=14)),
}

BUILTIN_CATEGORIES = ("plumbing", "electrical", "hvac", "appliance", "pest", "security", "cleaning", "other")
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def normalize_category(raw: str, field_name: str = "category") -> str:
    value = raw.strip().lower().replace(" ", "_").replace("-", "_")
    if not _CATEGORY.match(value):
        raise ValidationFailed.single(field_name, "must be 2-40 lower-case letters, digits or underscores")
    return value


@dataclass(frozen=True)
class Sla:
    response_due_at: datetime
    resolution_due_at: datetime
    responded_at: datetime | None
    resolved_at: datetime | None

    def response_breached(self, now: datetime) -> bool:
        return (self.responded_at or now) > self.response_due_at

    def resolution_breached(self, now: datetime) -> bool:
        return (self.resolved_at or now) > self.resolution_due_at

    def due_at(self) -> datetime:
        """The next deadline that matters: the response one until answered, then resolution."""
        return self.response_due_at if self.responded_at is None else self.resolution_due_at


_UPDATE_SEQ = itertools.count(1)


class UpdateKind(StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    EDITED = "edited"
    COMMENTED = "commented"
    ATTACHMENT_ADDED = "attachment_added"
    WORK_ORDER = "work_order"


@dataclass(frozen=True)
class TicketUpdate:
    """One line of a ticket's history (GET .../maintenance-requests/{id}/updates)."""

    ticket_id: UUID
    organization_id: UUID
    kind: UpdateKind
    at: datetime
    actor_id: UUID | None
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    internal: bool = False  # hidden from the tenant (internal comments, for instance)
    # Orders updates recorded at the same instant (one transaction) in the order they happened.
    seq: int = field(default_factory=lambda: next(_UPDATE_SEQ))
    id: UUID = field(default_factory=new_id)


@dataclass(eq=False)
class Ticket:
    organization_id: UUID
    title: str
    description: str
    category: str
    priority: Priority
    property_id: UUID
    created_at: datetime
    updated_at: datetime
    unit_id: UUID | None = None
    requester_id: UUID | None = None  # the user (or API key) that reported it
    tenant_id: UUID | None = None  # set when a tenant reported it: they see it
    assignee_id: UUID | None = None
    status: TicketStatus = TicketStatus.OPEN
    responded_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def __post_init__(self) -> None:
        if self.response_due_at is None or self.resolution_due_at is None:
            self._set_due_dates()

    def _set_due_dates(self) -> None:
        target = SLA_TARGETS[self.priority]
        self.response_due_at = self.created_at + target.response
        self.resolution_due_at = self.created_at + target.resolution

    @property
    def sla(self) -> Sla:
        assert self.response_due_at is not None and self.resolution_due_at is not None
        return Sla(self.response_due_at, self.resolution_due_at, self.responded_at, self.resolved_at)

    @property
    def is_active(self) -> bool:
        return self.status in (TicketStatus.OPEN, TicketStatus.IN_PROGRESS)

    def apply(self, action: TicketAction, at: datetime, actor_id: UUID | None) -> TicketUpdate:
        before = self.status
        self.status = next_status(before, action)
        if action is TicketAction.START:
            self.responded_at = self.responded_at or at
        elif action is TicketAction.RESOLVE:
            self.resolved_at = at
        elif action is TicketAction.CLOSE:
            self.closed_at = at
        elif action is TicketAction.REOPEN:
            self.resolved_at = None
            self.closed_at = None
        self._touch(at)
        return self._update(UpdateKind.STATUS_CHANGED, at, actor_id, from_status=before.value, to_status=self.status)

    def assign(self, assignee_id: UUID | None, at: datetime, actor_id: UUID | None) -> TicketUpdate:
        if self.status is TicketStatus.CLOSED:
            raise IllegalTransition("ticket", self.status.value, "assign")
        self.assignee_id = assignee_id
        if assignee_id is not None:
            self.responded_at = self.responded_at or at
        self._touch(at)
        kind = UpdateKind.ASSIGNED if assignee_id else UpdateKind.UNASSIGNED
        return self._update(kind, at, actor_id, data={"assignee_id": str(assignee_id) if assignee_id else None})

    def edit(
        self,
        at: datetime,
        actor_id: UUID | None,
        *,
        title: str | None = None,
        description: str | None = None,
        category: str | None = None,
        priority: Priority | None = None,
    ) -> TicketUpdate | None:
        if self.status is TicketStatus.CLOSED:
            raise IllegalTransition("ticket", self.status.value, "edit")
        changed: dict[str, Any] = {}
        for name, value in (("title", title), ("description", description), ("category", category)):
            if value is not None and value != getattr(self, name):
                setattr(self, name, value)
                changed[name] = value
        if priority is not None and priority != self.priority:
            self.priority = priority
            self._set_due_dates()  # the SLA follows the priority, measured from creation
            changed["priority"] = priority.value
        if not changed:
            return None
        self._touch(at)
        return self._update(UpdateKind.EDITED, at, actor_id, data=changed)

    def _touch(self, at: datetime) -> None:
        self.updated_at = at
        self.version += 1

    def _update(self, kind: UpdateKind, at: datetime, actor_id: UUID | None, **kw: Any) -> TicketUpdate:
        return TicketUpdate(
            ticket_id=self.id, organization_id=self.organization_id, kind=kind, at=at, actor_id=actor_id, **kw
        )

    def created_update(self, actor_id: UUID | None) -> TicketUpdate:
        return self._update(UpdateKind.CREATED, self.created_at, actor_id, to_status=self.status.value)

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "ticket_id": str(self.id),
                "maintenance_request_id": str(self.id),
                "title": self.title,
                "status": self.status.value,
                "priority": self.priority.value,
                "category": self.category,
                "property_id": str(self.property_id),
                "unit_id": str(self.unit_id) if self.unit_id else None,
                "assignee_id": str(self.assignee_id) if self.assignee_id else None,
                "organization_id": str(self.organization_id),
            },
        )


@dataclass(frozen=True)
class Comment:
    ticket_id: UUID
    organization_id: UUID
    author_id: UUID | None
    text: str
    created_at: datetime
    internal: bool = False  # staff-only note, never shown to the tenant
    id: UUID = field(default_factory=new_id)


@dataclass(frozen=True)
class Attachment:
    ticket_id: UUID
    organization_id: UUID
    filename: str
    content_type: str
    size: int
    storage_key: str
    created_at: datetime
    uploaded_by: UUID | None = None
    id: UUID = field(default_factory=new_id)


# -- work orders -----------------------------------------------------------------------------


class WorkOrderStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


WORK_ORDER_TRANSITIONS: dict[tuple[WorkOrderStatus, str], WorkOrderStatus] = {
    (WorkOrderStatus.SCHEDULED, "start"): WorkOrderStatus.IN_PROGRESS,
    (WorkOrderStatus.IN_PROGRESS, "complete"): WorkOrderStatus.COMPLETED,
    (WorkOrderStatus.SCHEDULED, "cancel"): WorkOrderStatus.CANCELLED,
    (WorkOrderStatus.IN_PROGRESS, "cancel"): WorkOrderStatus.CANCELLED,
}


@dataclass(eq=False)
class WorkOrder:
    organization_id: UUID
    ticket_id: UUID
    vendor_id: UUID
    description: str
    scheduled_start: datetime
    scheduled_end: datetime
    estimated_cost: Money
    created_at: datetime
    updated_at: datetime
    status: WorkOrderStatus = WorkOrderStatus.SCHEDULED
    actual_cost: Money | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    rating: int | None = None
    rating_comment: str | None = None
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def __post_init__(self) -> None:
        if self.scheduled_end <= self.scheduled_start:
            raise ValidationFailed.single("scheduled_end", "must be after scheduled_start")

    @property
    def is_open(self) -> bool:
        return self.status in (WorkOrderStatus.SCHEDULED, WorkOrderStatus.IN_PROGRESS)

    def _move(self, action: str) -> None:
        target = WORK_ORDER_TRANSITIONS.get((self.status, action))
        if target is None:
            raise IllegalTransition("work order", self.status.value, action)
        self.status = target

    def start(self, at: datetime) -> None:
        self._move("start")
        self.started_at = at
        self._touch(at)

    def complete(self, at: datetime, actual_cost: Money) -> None:
        if actual_cost.currency != self.estimated_cost.currency:
            raise ValidationFailed.single("actual_cost.currency", "must be the estimate's currency")
        if actual_cost.amount < 0:
            raise ValidationFailed.single("actual_cost.amount", "must not be negative")
        self._move("complete")
        self.completed_at = at
        self.actual_cost = actual_cost
        self._touch(at)

    def cancel(self, at: datetime) -> None:
        self._move("cancel")
        self.cancelled_at = at
        self._touch(at)

    def rate(self, rating: int, comment: str | None) -> None:
        if self.status is not WorkOrderStatus.COMPLETED:
            raise Conflict("only a completed work order can be rated")
        if self.rating is not None:
            raise Conflict("this work order is already rated")
        if not 1 <= rating <= 5:
            raise ValidationFailed.single("rating", "must be between 1 and 5")
        self.rating = rating
        self.rating_comment = comment

    @property
    def on_time(self) -> bool | None:
        if self.completed_at is None:
            return None
        return self.completed_at <= self.scheduled_end

    def _touch(self, at: datetime) -> None:
        self.updated_at = at
        self.version += 1

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "work_order_id": str(self.id),
                "ticket_id": str(self.ticket_id),
                "vendor_id": str(self.vendor_id),
                "status": self.status.value,
                "estimated_cost": {"amount": str(self.estimated_cost), "currency": self.estimated_cost.currency},
                # What a financial subscriber books as the vendor's expense once the work is done.
                "actual_cost": (
                    {"amount": str(self.actual_cost), "currency": self.actual_cost.currency}
                    if self.actual_cost is not None
                    else None
                ),
                "organization_id": str(self.organization_id),
            },
        )


# -- vendors ---------------------------------------------------------------------------------


class TaxIdKind(StrEnum):
    GSTIN = "gstin"  # India
    BN = "bn"  # Canada, business number


@dataclass(eq=False)
class Vendor:
    organization_id: UUID
    name: str
    trades: list[str]
    service_areas: list[str]
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    phone: str | None = None
    insurance_expires_on: date | None = None
    tax_id: str | None = None
    tax_id_kind: TaxIdKind | None = None
    active: bool = True
    id: UUID = field(default_factory=new_id)
    version: int = 1

    def insured_on(self, day: date) -> bool:
        return self.insurance_expires_on is not None and day <= self.insurance_expires_on



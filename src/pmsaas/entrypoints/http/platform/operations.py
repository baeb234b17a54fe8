"""/api/v1/operations: maintenance requests (the same tickets as /v1/tickets), work orders, vendors.

Extensions beyond the seed's list (documented in docs/operations.md): ``/start``, ``/close``,
``/reopen``, ``/comments`` and ``/attachments`` under a request, and ``/api/v1/operations/categories``
for per-organization custom categories.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.operations import services
from pmsaas.domain.operations.model import (
    Attachment,
    Comment,
    Priority,
    TaxIdKind,
    Ticket,
    TicketAction,
    TicketUpdate,
    Vendor,
    VendorPerformance,
    WorkOrder,
)
from pmsaas.domain.operations.ports import TicketFilter, VendorFilter, WorkOrderFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import AppContainer, CurrentActor, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut
from pmsaas.entrypoints.http.ticketing.tickets import (
    UPLOAD_BODY_LIMIT,
    CategoryName,
    PriorityName,
    StatusName,
    Text,
    Title,
    download_response,
    read_upload,
    upload_of,
)

Note = Annotated[str, msgspec.Meta(max_length=2000)]


def requires_any(*permissions: str) -> Any:
    """A guard: any one of the permissions (tenants read their own requests with maintenance:create)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = connection.scope.get("user")
        if not isinstance(actor, Actor):
            raise AuthenticationFailed("Authentication required")
        if not any(actor.can(p) for p in permissions):
            raise PermissionDenied(f"Missing permission {permissions[0]}")

    guard.__name__ = f"requires_any_{'_'.join(p.replace(':', '_') for p in permissions)}"
    return guard


READ_REQUESTS = requires_any("maintenance:read", "maintenance:create")

# -- maintenance requests --------------------------------------------------------------------


class SlaOut(msgspec.Struct, kw_only=True):
    response_due_at: datetime
    resolution_due_at: datetime
    due_at: datetime
    responded_at: datetime | None
    response_breached: bool
    resolution_breached: bool
    breached: bool


class CommentOut(msgspec.Struct, kw_only=True):
    id: UUID
    text: str
    internal: bool
    author_id: UUID | None
    author_name: str | None
    created_at: datetime


class AttachmentOut(msgspec.Struct, kw_only=True):
    id: UUID
    filename: str
    url: str
    size: int
    content_type: str
    created_at: datetime


class RequestOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: UUID
    organization_id: UUID
    title: str
    description: str
    category: str
    priority: str
    status: str
    property_id: UUID
    property_name: str | None
    unit_id: UUID | None
    unit_name: str | None
    requester_id: UUID | None
    requester_name: str | None
    tenant_id: UUID | None
    assignee_id: UUID | None
    assignee_name: str | None
    sla: SlaOut
    resolved_at: datetime | None
    closed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    comments: list[CommentOut] | msgspec.UnsetType = msgspec.UNSET
    attachments: list[AttachmentOut] | msgspec.UnsetType = msgspec.UNSET


def _attachment_path(a: Attachment) -> str:
    return f"/api/v1/operations/maintenance-requests/{a.ticket_id}/attachments/{a.id}"


def request_out(
    t: Ticket,
    names: services.Names,
    now: datetime,
    comments: list[Comment] | None = None,
    attachments: list[Attachment] | None = None,
) -> RequestOut:
    sla = t.sla
    response_breached, resolution_breached = sla.response_breached(now), sla.resolution_breached(now)
    out = RequestOut(
        id=t.id,
        organization_id=t.organization_id,
        title=t.title,
        description=t.description,
        category=t.category,
        priority=t.priority.value,
        status=t.status.value,
        property_id=t.property_id,
        property_name=names.properties.get(t.property_id),
        unit_id=t.unit_id,
        unit_name=names.units.get(t.unit_id) if t.unit_id else None,
        requester_id=t.requester_id,
        requester_name=names.people.get(t.requester_id) if t.requester_id else None,
        tenant_id=t.tenant_id,
        assignee_id=t.assignee_id,
        assignee_name=names.people.get(t.assignee_id) if t.assignee_id else None,
        sla=SlaOut(
            response_due_at=sla.response_due_at,
            resolution_due_at=sla.resolution_due_at,
            due_at=sla.due_at(),
            responded_at=sla.responded_at,
            response_breached=response_breached,
            resolution_breached=resolution_breached,
            breached=response_breached or resolution_breached,
        ),
        resolved_at=t.resolved_at,
        closed_at=t.closed_at,
        version=t.version,
        created_at=t.created_at,
        updated_at=t.updated_at,
    )
    if comments is not None:
        out.comments = [
            CommentOut(
                id=c.id,
                text=c.text,
                internal=c.internal,
                author_id=c.author_id,
                author_name=names.people.get(c.author_id) if c.author_id else None,
                created_at=c.created_at,
            )
            for c in comments
        ]
    if attachments is not None:
        out.attachments = [
            AttachmentOut(
                id=a.id,
                filename=a.filename,
                url=_attachment_path(a),
                size=a.size,
                content_type=a.content_type,
                created_at=a.created_at,
            )
            for a in attachments
        ]
    return out


def details_out(d: services.TicketDetails, now: datetime) -> RequestOut:
    return request_out(d.ticket, d.names, now, d.comments, d.attachments)


class RequestIn(Input):
    title: Title
    property_id: UUID
    description: Text = ""
    category: CategoryName = "other"
    priority: PriorityName = "medium"
    unit_id: UUID | None = None

    def to_input(self) -> services.NewTicket:
        return services.NewTicket(
            title=self.title,
            description=self.description,
            category=self.category,
            priority=Priority(self.priority),
            property_id=self.property_id,
            unit_id=self.unit_id,
        )


class AssignIn(Input):
    assignee_id: UUID


class NoteIn(Input):
    note: Note | None = None


class CommentIn(Input):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    internal: bool = False


class UpdateOut(msgspec.Struct, kw_only=True):
    id: UUID
    kind: str
    at: datetime
    actor_id: UUID | None
    actor_name: str | None
    from_status: str | None
    to_status: str | None
    note: str | None
    data: dict[str, Any]
    internal: bool

    @classmethod
    def of(cls, u: TicketUpdate, names: services.Names) -> UpdateOut:
        return cls(
            id=u.id,
            kind=u.kind.value,
            at=u.at,
            actor_id=u.actor_id,
            actor_name=names.people.get(u.actor_id) if u.actor_id else None,
            from_status=u.from_status,
            to_status=u.to_status,
            note=u.note,
            data=u.data,
            internal=u.internal,
        )


class MaintenanceRequestController(Controller):
    path = "/api/v1/operations/maintenance-requests"
    tags = ["Operations"]
    dependencies = {"listing": Provide(list_query(("created_at", "updated_at", "priority", "status")))}

    @get("/", guards=[READ_REQUESTS], summary="List maintenance requests (a tenant sees its own)")
    async def list_requests(
        self,
        container: AppContainer,
        actor: CurrentActor,
        listing: Listing,
        status: FromQuery[StatusName | None] = None,
        priority: FromQuery[PriorityName | None] = None,
        category: Annotated[str | None, QueryParameter(max_length=40)] = None,
        property_id: FromQuery[UUID | None] = None,
        unit_id: FromQuery[UUID | None] = None,
        assignee_id: FromQuery[UUID | None] = None,
    ) -> Paginated[RequestOut]:
        filters = TicketFilter(
            status=status,
            priority=priority,
            category=category,
            property_id=property_id,
            unit_id=unit_id,
            assignee_id=assignee_id,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page, names = await services.list_tickets(uow=container.uow(), actor=actor, filters=filters, page=listing.page)
        now = container.clock().now()
        return paginated(page, [request_out(t, names, now) for t in page.items])

    @post("/", guards=[requires("maintenance:create")], status_code=HTTP_201_CREATED, summary="Report a request")
    async def create_request(
        self, container: AppContainer, actor: CurrentActor, data: JSONBody[RequestIn]
    ) -> Ok[RequestOut]:
        clock = container.clock()
        d = await services.create_ticket(uow=container.uow(), clock=clock, actor=actor, data=data.to_input())
        return ok(details_out(d, clock.now()))

    @get("/{request_id:uuid}", guards=[READ_REQUESTS], summary="Get a maintenance request")
    async def get_request(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID]
    ) -> Ok[RequestOut]:
        d = await services.get_ticket(uow=container.uow(), actor=actor, ticket_id=request_id)
        return ok(details_out(d, container.clock().now()))

    @put("/{request_id:uuid}", guards=[requires("maintenance:update")], summary="Edit a maintenance request")
    async def update_request(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[RequestIn]
    ) -> Ok[RequestOut]:
        clock = container.clock()
        d = await services.edit_ticket(
            uow=container.uow(), clock=clock, actor=actor, ticket_id=request_id, data=data.to_input()
        )
        return ok(details_out(d, clock.now()))

    @delete(
        "/{request_id:uuid}",
        guards=[requires("maintenance:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a maintenance request",
    )
    async def delete_request(self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID]) -> None:
        await services.delete_ticket(uow=container.uow(), clock=container.clock(), actor=actor, ticket_id=request_id)

    @post(
        "/{request_id:uuid}/assign",
        guards=[requires("maintenance:assign")],
        status_code=HTTP_200_OK,
        summary="Assign to a user who works requests",
    )
    async def assign(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[AssignIn]
    ) -> Ok[RequestOut]:
        clock = container.clock()
        d = await services.assign_ticket(
            uow=container.uow(), clock=clock, actor=actor, ticket_id=request_id, assignee_id=data.assignee_id
        )
        return ok(details_out(d, clock.now()))

    @post(
        "/{request_id:uuid}/complete",
        guards=[requires("maintenance:update")],
        status_code=HTTP_200_OK,
        summary="Complete (resolve) a request",
    )
    async def complete(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[NoteIn]
    ) -> Ok[RequestOut]:
        clock = container.clock()
        d = await services.complete_ticket(
            uow=container.uow(), clock=clock, actor=actor, ticket_id=request_id, note=data.note
        )
        return ok(details_out(d, clock.now()))

    async def _transition(
        self, container: Any, actor: Actor, request_id: UUID, action: TicketAction, note: str | None
    ) -> Ok[RequestOut]:
        clock = container.clock()
        d = await services.transition_ticket(
            uow=container.uow(), clock=clock, actor=actor, ticket_id=request_id, action=action, note=note
        )
        return ok(details_out(d, clock.now()))

    @post("/{request_id:uuid}/start", guards=[requires("maintenance:update")], status_code=HTTP_200_OK, summary="Start")
    async def start(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[NoteIn]
    ) -> Ok[RequestOut]:
        return await self._transition(container, actor, request_id, TicketAction.START, data.note)

    @post("/{request_id:uuid}/close", guards=[requires("maintenance:update")], status_code=HTTP_200_OK, summary="Close")
    async def close(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[NoteIn]
    ) -> Ok[RequestOut]:
        return await self._transition(container, actor, request_id, TicketAction.CLOSE, data.note)

    @post(
        "/{request_id:uuid}/reopen", guards=[requires("maintenance:update")], status_code=HTTP_200_OK, summary="Reopen"
    )
    async def reopen(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[NoteIn]
    ) -> Ok[RequestOut]:
        return await self._transition(container, actor, request_id, TicketAction.REOPEN, data.note)

    @get("/{request_id:uuid}/updates", guards=[READ_REQUESTS], summary="The request's history")
    async def updates(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID]
    ) -> Ok[list[UpdateOut]]:
        updates, names = await services.ticket_updates(uow=container.uow(), actor=actor, ticket_id=request_id)
        return ok([UpdateOut.of(u, names) for u in updates])

    @post(
        "/{request_id:uuid}/comments",
        guards=[READ_REQUESTS],
        status_code=HTTP_201_CREATED,
        summary="Comment (internal notes are staff-only)",
    )
    async def comment(
        self, container: AppContainer, actor: CurrentActor, request_id: FromPath[UUID], data: JSONBody[CommentIn]
    ) -> Ok[CommentOut]:
        c, author = await services.add_comment(
            uow=container.uow(),
            clock=container.clock(),
            actor=actor,
            ticket_id=request_id,
            text=data.text,
            internal=data.internal,
        )
        return ok(
            CommentOut(
                id=c.id,
                text=c.text,
                internal=c.internal,
                author_id=c.author_id,
                author_name=author or None,
                created_at=c.created_at,
            )
        )

    @post(
        "/{request_id:uuid}/attachments",
        guards=[READ_REQUESTS],
        status_code=HTTP_201_CREATED,
        summary="Attach a file (multipart field 'file'; JPEG, PNG, GIF, WebP, HEIC or PDF, at most 10 MB)",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def upload(
        self,
        container: AppContainer,
        actor: CurrentActor,
        request_id: FromPath[UUID],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Ok[AttachmentOut]:
        file = upload_of(data)
        a = await services.add_attachment(
            uow=container.uow(),
            storage=container.attachment_storage(),
            clock=container.clock(),
            actor=actor,
            ticket_id=request_id,
            filename=file.filename or "file",
            data=await read_upload(file),
        )
        return ok(
            AttachmentOut(
                id=a.id,
                filename=a.filename,
                url=_attachment_path(a),
                size=a.size,
                content_type=a.content_type,
                created_at=a.created_at,
            )
        )

    @get(
        "/{request_id:uuid}/attachments/{attachment_id:uuid}", guards=[READ_REQUESTS], summary="Download an attachment"
    )
    async def download(
        self,
        container: AppContainer,
        actor: CurrentActor,
        request_id: FromPath[UUID],
        attachment_id: FromPath[UUID],
    ) -> Response[bytes]:
        return await download_response(container, actor, request_id, attachment_id)


class CategoryOut(msgspec.Struct, kw_only=True):
    name: str
    custom: bool


class CategoryIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=40)]


class CategoryController(Controller):
    path = "/api/v1/operations/categories"
    tags = ["Operations"]

    @get("/", guards=[READ_REQUESTS], summary="Request categories (built-in and this organization's own)")
    async def list_categories(self, container: AppContainer, actor: CurrentActor) -> Ok[list[CategoryOut]]:
        found = await services.list_categories(uow=container.uow(), actor=actor)
        return ok([CategoryOut(name=n, custom=c) for n, c in found])

    @post("/", guards=[requires("maintenance:update")], status_code=HTTP_201_CREATED, summary="Add a custom category")
    async def add_category(
        self, container: AppContainer, actor: CurrentActor, data: JSONBody[CategoryIn]
    ) -> Ok[CategoryOut]:
        name = await services.add_category(uow=container.uow(), clock=container.clock(), actor=actor, name=data.name)
        return ok(CategoryOut(name=name, custom=True))


# -- work orders -----------------------------------------------------------------------------

WorkOrderStatusName = Literal["scheduled", "in_progress", "completed", "cancelled"]


class WorkOrderOut(msgspec.Struct, kw_only=True):
    id: UUID
    maintenance_request_id: UUID
    vendor_id: UUID
    description: str
    status: str
    scheduled_start: datetime
    scheduled_end: datetime
    estimated_cost: MoneyOut
    actual_cost: MoneyOut | None
    started_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    on_time: bool | None
    rating: int | None
    rating_comment: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, o: WorkOrder) -> WorkOrderOut:
        return cls(
            id=o.id,
            maintenance_request_id=o.ticket_id,
            vendor_id=o.vendor_id,
            description=o.description,
            status=o.status.value,
            scheduled_start=o.scheduled_start,
            scheduled_end=o.scheduled_end,
            estimated_cost=MoneyOut.of(o.estimated_cost),
            actual_cost=MoneyOut.of(o.actual_cost) if o.actual_cost else None,
            started_at=o.started_at,
            completed_at=o.completed_at,
            cancelled_at=o.cancelled_at,
            on_time=o.on_time,
            rating=o.rating,
            rating_comment=o.rating_comment,
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )


class WorkOrderIn(Input):
    maintenance_request_id: UUID
    vendor_id: UUID
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    scheduled_start: datetime
    scheduled_end: datetime
    estimated_cost: MoneyIn

    def to_input(self) -> services.WorkOrderInput:
        for name in ("scheduled_start", "scheduled_end"):
            if getattr(self, name).tzinfo is None:
                raise ValidationFailed.single(name, "must carry a time zone (e.g. 2026-11-24T09:00:00Z)")
        return services.WorkOrderInput(
            ticket_id=self.maintenance_request_id,
            vendor_id=self.vendor_id,
            description=self.description,
            scheduled_start=self.scheduled_start,
            scheduled_end=self.scheduled_end,
            estimated_cost=self.estimated_cost.to_money("estimated_cost.amount"),
        )


class CompleteWorkOrderIn(Input):
    actual_cost: MoneyIn


class WorkOrderController(Controller):
    path = "/api/v1/operations/work-orders"
    tags = ["Operations"]
    dependencies = {"listing": Provide(list_query(("created_at", "updated_at", "scheduled_start")))}

    @get("/", guards=[requires("workorder:read")], summary="List work orders")
    async def list_orders(
        self,
        container: AppContainer,
        actor: CurrentActor,
        listing: Listing,
        status: FromQuery[WorkOrderStatusName | None] = None,
        maintenance_request_id: FromQuery[UUID | None] = None,
        vendor_id: FromQuery[UUID | None] = None,
    ) -> Paginated[WorkOrderOut]:
        filters = WorkOrderFilter(
            status=status,
            ticket_id=maintenance_request_id,
            vendor_id=vendor_id,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await services.list_work_orders(uow=container.uow(), actor=actor, filters=filters, page=listing.page)
        return paginated(page, [WorkOrderOut.of(o) for o in page.items])

    @post("/", guards=[requires("workorder:create")], status_code=HTTP_201_CREATED, summary="Create a work order")
    async def create_order(
        self, container: AppContainer, actor: CurrentActor, data: JSONBody[WorkOrderIn]
    ) -> Ok[WorkOrderOut]:
        order = await services.create_work_order(
            uow=container.uow(), clock=container.clock(), actor=actor, data=data.to_input()
        )
        return ok(WorkOrderOut.of(order))

    @get("/{order_id:uuid}", guards=[requires("workorder:read")], summary="Get a work order")
    async def get_order(
        self, container: AppContainer, actor: CurrentActor, order_id: FromPath[UUID]
    ) -> Ok[WorkOrderOut]:
        return ok(WorkOrderOut.of(await services.get_work_order(uow=container.uow(), actor=actor, order_id=order_id)))

    @put("/{order_id:uuid}", guards=[requires("workorder:update")], summary="Reschedule or re-estimate a work order")
    async def update_order(
        self, container: AppContainer, actor: CurrentActor, order_id: FromPath[UUID], data: JSONBody[WorkOrderIn]
    ) -> Ok[WorkOrderOut]:
        order = await services.update_work_order(
            uow=container.uow(), clock=container.clock(), actor=actor, order_id=order_id, data=data.to_input()
        )
        return ok(WorkOrderOut.of(order))

    @delete(
        "/{order_id:uuid}",
        guards=[requires("workorder:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a work order",
    )
    async def delete_order(self, container: AppContainer, actor: CurrentActor, order_id: FromPath[UUID]) -> None:
        await services.delete_work_order(uow=container.uow(), clock=container.clock(), actor=actor, order_id=order_id)

    @post("/{order_id:uuid}/start", guards=[requires("workorder:update")], status_code=HTTP_200_OK, summary="Start")
    async def start(self, container: AppContainer, actor: CurrentActor, order_id: FromPath[UUID]) -> Ok[WorkOrderOut]:
        order = await services.start_work_order(
            uow=container.uow(), clock=container.clock(), actor=actor, order_id=order_id
        )
        return ok(WorkOrderOut.of(order))

    @post(
        "/{order_id:uuid}/complete",
        guards=[requires("workorder:update")],
        status_code=HTTP_200_OK,
        summary="Complete (the last open work order resolves its request)",
    )
    async def complete(
        self,
        container: AppContainer,
        actor: CurrentActor,
        order_id: FromPath[UUID],
        data: JSONBody[CompleteWorkOrderIn],
    ) -> Ok[WorkOrderOut]:
        order = await services.complete_work_order(
            uow=container.uow(),
            clock=container.clock(),
            actor=actor,
            order_id=order_id,
            actual_cost=data.actual_cost.to_money("actual_cost.amount"),
        )
        return ok(WorkOrderOut.of(order))

    @post("/{order_id:uuid}/cancel", guards=[requires("workorder:update")], status_code=HTTP_200_OK, summary="Cancel")
    async def cancel(self, container: AppContainer, actor: CurrentActor, order_id: FromPath[UUID]) -> Ok[WorkOrderOut]:
        order = await services.cancel_work_order(
            uow=container.uow(), clock=container.clock(), actor=actor, order_id=order_id
        )
        return ok(WorkOrderOut.of(order))


# -- vendors ---------------------------------------------------------------------------------

Trade = Annotated[str, msgspec.Meta(min_length=2, max_length=40)]
Area = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class VendorIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    trades: Annotated[list[Trade], msgspec.Meta(min_length=1, max_length=20)]
    service_areas: Annotated[list[Area], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    email: Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    phone: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    insurance_expires_on: date | None = None
    tax_id: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    tax_id_type: Literal["gstin", "bn"] | None = None
    active: bool = True

    def to_input(self) -> services.VendorInput:
        return services.VendorInput(
            name=self.name,
            trades=self.trades,
            service_areas=self.service_areas,
            email=self.email,
            phone=self.phone,
            insurance_expires_on=self.insurance_expires_on,
            tax_id=self.tax_id,
            tax_id_kind=TaxIdKind(self.tax_id_type) if self.tax_id_type else None,
            active=self.active,
        )


class VendorOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    trades: list[str]
    service_areas: list[str]
    email: str | None
    phone: str | None
    insurance_expires_on: date | None
    insurance_valid: bool
    tax_id: str | None
    tax_id_type: str | None
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, v: Vendor, today: date) -> VendorOut:
        return cls(
            id=v.id,
            name=v.name,
            trades=v.trades,
            service_areas=v.service_areas,
            email=v.email,
            phone=v.phone,
            insurance_expires_on=v.insurance_expires_on,
            insurance_valid=v.insured_on(today),
            tax_id=v.tax_id,
            tax_id_type=v.tax_id_kind.value if v.tax_id_kind else None,
            active=v.active,
            version=v.version,
            created_at=v.created_at,
            updated_at=v.updated_at,
        )


class RateIn(Input):
    work_order_id: UUID
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    comment: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class PeriodOut(msgspec.Struct, kw_only=True):
    start: datetime
    end: datetime


class PerformanceOut(msgspec.Struct, kw_only=True):
    vendor_id: UUID
    period: PeriodOut
    work_orders_completed: int
    work_orders_cancelled: int
    on_time_rate: float | None  # a rate, 0..1 (rates are numbers; money never is)
    average_hours_to_complete: float | None
    average_rating: float | None
    ratings_count: int
    estimated_cost: MoneyOut | None
    actual_cost: MoneyOut | None
    cost_variance: MoneyOut | None  # actual - estimated
    cost_vs_estimate: float | None  # actual / estimated

    @classmethod
    def of(cls, p: VendorPerformance) -> PerformanceOut:
        def num(d: Decimal | None) -> float | None:
            return None if d is None else float(d)

        variance: Money | None = None
        if p.actual_total is not None and p.estimated_total is not None:
            variance = p.actual_total - p.estimated_total
        return cls(
            vendor_id=p.vendor_id,
            period=PeriodOut(start=p.period_start, end=p.period_end),
            work_orders_completed=p.work_orders_completed,
            work_orders_cancelled=p.work_orders_cancelled,
            on_time_rate=num(p.on_time_rate),
            average_hours_to_complete=num(p.average_hours_to_complete),
            average_rating=num(p.average_rating),
            ratings_count=p.ratings_count,
            estimated_cost=MoneyOut.of(p.estimated_total) if p.estimated_total is not None else None,
            actual_cost=MoneyOut.of(p.actual_total) if p.actual_total is not None else None,
            cost_variance=MoneyOut.of(variance) if variance is not None else None,
            cost_vs_estimate=num(p.cost_vs_estimate),
        )


class VendorController(Controller):
    path = "/api/v1/operations/vendors"
    tags = ["Operations"]
    dependencies = {"listing": Provide(list_query(("name", "created_at", "updated_at"), default_sort="name"))}

    @get("/", guards=[requires("vendor:read")], summary="List vendors")
    async def list_vendors(
        self,
        container: AppContainer,
        actor: CurrentActor,
        listing: Listing,
        trade: Annotated[str | None, QueryParameter(max_length=40)] = None,
        service_area: Annotated[str | None, QueryParameter(max_length=100)] = None,
        active: FromQuery[bool | None] = None,
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[VendorOut]:
        filters = VendorFilter(
            trade=trade.lower() if trade else None,
            service_area=service_area,
            active=active,
            search=search,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await services.list_vendors(uow=container.uow(), actor=actor, filters=filters, page=listing.page)
        today = container.clock().today()
        return paginated(page, [VendorOut.of(v, today) for v in page.items])

    @post("/", guards=[requires("vendor:create")], status_code=HTTP_201_CREATED, summary="Add a vendor")
    async def create_vendor(
        self, container: AppContainer, actor: CurrentActor, data: JSONBody[VendorIn]
    ) -> Ok[VendorOut]:
        clock = container.clock()
        vendor = await services.create_vendor(uow=container.uow(), clock=clock, actor=actor, data=data.to_input())
        return ok(VendorOut.of(vendor, clock.today()))

    @get("/{vendor_id:uuid}", guards=[requires("vendor:read")], summary="Get a vendor")
    async def get_vendor(
        self, container: AppContainer, actor: CurrentActor, vendor_id: FromPath[UUID]
    ) -> Ok[VendorOut]:
        vendor = await services.get_vendor(uow=container.uow(), actor=actor, vendor_id=vendor_id)
        return ok(VendorOut.of(vendor, container.clock().today()))

    @put("/{vendor_id:uuid}", guards=[requires("vendor:update")], summary="Replace a vendor")
    async def update_vendor(
        self, container: AppContainer, actor: CurrentActor, vendor_id: FromPath[UUID], data: JSONBody[VendorIn]
    ) -> Ok[VendorOut]:
        clock = container.clock()
        vendor = await services.update_vendor(
            uow=container.uow(), clock=clock, actor=actor, vendor_id=vendor_id, data=data.to_input()
        )
        return ok(VendorOut.of(vendor, clock.today()))

    @delete("/{vendor_id:uuid}", guards=[requires("vendor:delete")], status_code=HTTP_204_NO_CONTENT, summary="Delete")
    async def delete_vendor(self, container: AppContainer, actor: CurrentActor, vendor_id: FromPath[UUID]) -> None:
        await services.delete_vendor(uow=container.uow(), clock=container.clock(), actor=actor, vendor_id=vendor_id)

    @get("/{vendor_id:uuid}/performance", guards=[requires("vendor:read")], summary="Performance over a period")
    async def performance(
        self,
        container: AppContainer,
        actor: CurrentActor,
        vendor_id: FromPath[UUID],
        start: Annotated[
            datetime | None, QueryParameter(name="from", description="ISO 8601; default 90 days ago")
        ] = None,
        end: Annotated[datetime | None, QueryParameter(name="to", description="ISO 8601; default now")] = None,
    ) -> Ok[PerformanceOut]:
        now = container.clock().now()
        for name, value in (("from", start), ("to", end)):
            if value is not None and value.tzinfo is None:
                raise ValidationFailed.single(name, "must carry a time zone (e.g. 2026-11-01T00:00:00Z)")
        end = end or now
        start = start or end - timedelta(days=90)
        perf = await services.vendor_performance(
            uow=container.uow(), actor=actor, vendor_id=vendor_id, start=start, end=end
        )
        return ok(PerformanceOut.of(perf))

    @get(
        "/{vendor_id:uuid}/work-orders",
        guards=[requires("workorder:read")],
        summary="The vendor's work orders",
        dependencies={"listing": Provide(list_query(("created_at", "updated_at", "scheduled_start")))},
    )
    async def work_orders(
        self,
        container: AppContainer,
        actor: CurrentActor,
        listing: Listing,
        vendor_id: FromPath[UUID],
        status: FromQuery[WorkOrderStatusName | None] = None,
    ) -> Paginated[WorkOrderOut]:
        filters = WorkOrderFilter(vendor_id=vendor_id, status=status)
        page = await services.list_work_orders(uow=container.uow(), actor=actor, filters=filters, page=listing.page)
        return paginated(page, [WorkOrderOut.of(o) for o in page.items])

    @post(
        "/{vendor_id:uuid}/rate",
        guards=[requires("vendor:update")],
        status_code=HTTP_200_OK,
        summary="Rate a completed work order of this vendor (1-5, once)",
    )
    async def rate(
        self, container: AppContainer, actor: CurrentActor, vendor_id: FromPath[UUID], data: JSONBody[RateIn]
    ) -> Ok[WorkOrderOut]:
        order = await services.rate_vendor(
            uow=container.uow(),
            clock=container.clock(),
            actor=actor,
            vendor_id=vendor_id,
            work_order_id=data.work_order_id,
            rating=data.rating,
            comment=data.comment,
        )
        return ok(WorkOrderOut.of(order))

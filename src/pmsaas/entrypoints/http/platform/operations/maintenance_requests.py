"""/api/v1/operations/maintenance-requests: the same tickets as /v1/tickets.

Extensions beyond the seed's list (documented in docs/operations.md): ``/start``, ``/close``,
``/reopen``, ``/comments`` and ``/attachments`` under a request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.flows import ticket_assignment
from pmsaas.domain.operations import attachments, tickets
from pmsaas.domain.operations.model import Attachment, Comment, Priority, Ticket, TicketAction, TicketUpdate
from pmsaas.domain.operations.ports import Names, TicketFilter
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING, list_query
from pmsaas.entrypoints.http.platform.operations.common import READ_REQUESTS
from pmsaas.entrypoints.http.structs import Input
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
    names: Names,
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


def details_out(d: tickets.TicketDetails, now: datetime) -> RequestOut:
    return request_out(d.ticket, d.names, now, d.comments, d.attachments)


class RequestIn(Input):
    title: Title
    property_id: UUID
    description: Text = ""
    category: CategoryName = "other"
    priority: PriorityName = "medium"
    unit_id: UUID | None = None

    def to_input(self) -> tickets.NewTicket:
        return tickets.NewTicket(
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
    def of(cls, u: TicketUpdate, names: Names) -> UpdateOut:
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

    @get("/", guards=[READ_REQUESTS], opt=READS_ONLY, summary="List maintenance requests (a tenant sees its own)")
    async def list_requests(
        self,
        listing: Listing,
        status: FromQuery[StatusName | None] = None,
        priority: FromQuery[PriorityName | None] = None,
        category: Annotated[str | None, QueryParameter(max_length=40)] = None,
        property_id: FromQuery[UUID | None] = None,
        unit_id: FromQuery[UUID | None] = None,
        assignee_id: FromQuery[UUID | None] = None,
    ) -> Paginated[RequestOut]:
        ctx = listing.ctx
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
        page, names = await tickets.list_tickets(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        now = ctx.clock.now()
        return paginated(page, [request_out(t, names, now) for t in page.items])

    @post("/", guards=[requires("maintenance:create")], status_code=HTTP_201_CREATED, summary="Report a request")
    async def create_request(self, ctx: Context, data: JSONBody[RequestIn]) -> Ok[RequestOut]:
        clock = ctx.clock
        d = await tickets.create_ticket(uow=ctx.uow(), clock=clock, actor=ctx.actor, data=data.to_input())
        return ok(details_out(d, clock.now()))

    @get("/{request_id:uuid}", guards=[READ_REQUESTS], summary="Get a maintenance request")
    async def get_request(self, ctx: Context, request_id: FromPath[UUID]) -> Ok[RequestOut]:
        d = await tickets.get_ticket(uow=ctx.uow(), actor=ctx.actor, ticket_id=request_id)
        return ok(details_out(d, ctx.clock.now()))

    @put("/{request_id:uuid}", guards=[requires("maintenance:update")], summary="Edit a maintenance request")
    async def update_request(
        self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[RequestIn]
    ) -> Ok[RequestOut]:
        clock = ctx.clock
        d = await tickets.edit_ticket(
            uow=ctx.uow(), clock=clock, actor=ctx.actor, ticket_id=request_id, data=data.to_input()
        )
        return ok(details_out(d, clock.now()))

    @delete(
        "/{request_id:uuid}",
        guards=[requires("maintenance:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a maintenance request",
    )
    async def delete_request(self, ctx: Context, request_id: FromPath[UUID]) -> None:
        await tickets.delete_ticket(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, ticket_id=request_id)

    @post(
        "/{request_id:uuid}/assign",
        guards=[requires("maintenance:assign")],
        status_code=HTTP_200_OK,
        summary="Assign to a user who works requests",
    )
    async def assign(self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[AssignIn]) -> Ok[RequestOut]:
        clock = ctx.clock
        d = await ticket_assignment.assign_ticket(
            uow=ctx.uow(), clock=clock, actor=ctx.actor, ticket_id=request_id, assignee_id=data.assignee_id
        )
        return ok(details_out(d, clock.now()))

    @post(
        "/{request_id:uuid}/complete",
        guards=[requires("maintenance:update")],
        status_code=HTTP_200_OK,
        summary="Complete (resolve) a request",
    )
    async def complete(self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[NoteIn]) -> Ok[RequestOut]:
        clock = ctx.clock
        d = await tickets.complete_ticket(
            uow=ctx.uow(), clock=clock, actor=ctx.actor, ticket_id=request_id, note=data.note
        )
        return ok(details_out(d, clock.now()))

    async def _transition(
        self, ctx: Context, request_id: UUID, action: TicketAction, note: str | None
    ) -> Ok[RequestOut]:
        clock = ctx.clock
        d = await tickets.transition_ticket(
            uow=ctx.uow(), clock=clock, actor=ctx.actor, ticket_id=request_id, action=action, note=note
        )
        return ok(details_out(d, clock.now()))

    @post("/{request_id:uuid}/start", guards=[requires("maintenance:update")], status_code=HTTP_200_OK, summary="Start")
    async def start(self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[NoteIn]) -> Ok[RequestOut]:
        return await self._transition(ctx, request_id, TicketAction.START, data.note)

    @post("/{request_id:uuid}/close", guards=[requires("maintenance:update")], status_code=HTTP_200_OK, summary="Close")
    async def close(self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[NoteIn]) -> Ok[RequestOut]:
        return await self._transition(ctx, request_id, TicketAction.CLOSE, data.note)

    @post(
        "/{request_id:uuid}/reopen", guards=[requires("maintenance:update")], status_code=HTTP_200_OK, summary="Reopen"
    )
    async def reopen(self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[NoteIn]) -> Ok[RequestOut]:
        return await self._transition(ctx, request_id, TicketAction.REOPEN, data.note)

    @get("/{request_id:uuid}/updates", guards=[READ_REQUESTS], dependencies=PAGING, summary="The request's history")
    async def updates(self, request_id: FromPath[UUID], paging: Paged) -> Paginated[UpdateOut]:
        ctx = paging.ctx
        updates, names = await tickets.ticket_updates(uow=ctx.uow(), actor=ctx.actor, ticket_id=request_id)
        return paginated_all([UpdateOut.of(u, names) for u in updates], paging.page)

    @post(
        "/{request_id:uuid}/comments",
        guards=[READ_REQUESTS],
        status_code=HTTP_201_CREATED,
        summary="Comment (internal notes are staff-only)",
    )
    async def comment(self, ctx: Context, request_id: FromPath[UUID], data: JSONBody[CommentIn]) -> Ok[CommentOut]:
        c, author = await tickets.add_comment(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
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
        ctx: Context,
        request_id: FromPath[UUID],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Ok[AttachmentOut]:
        file = upload_of(data)
        a = await attachments.add_attachment(
            uow=ctx.uow(),
            storage=ctx.attachment_storage,
            clock=ctx.clock,
            actor=ctx.actor,
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
        self, ctx: Context, request_id: FromPath[UUID], attachment_id: FromPath[UUID]
    ) -> Response[bytes]:
        return await download_response(ctx, request_id, attachment_id)

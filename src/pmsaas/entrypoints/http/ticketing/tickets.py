"""/v1/tickets: the ticketing seed's ticket resource, over the operations domain.

Shapes are the seed's, field for field: the list and PATCH carry ``assigned_to`` (null when
nobody is assigned), POST leaves it out (a new ticket is never assigned), GET of one ticket adds
``attachments`` and ``comments``. Extensions (documented in docs/operations.md): comments and
attachment upload/download under the ticket.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from pmsaas.domain.flows import ticket_assignment
from pmsaas.domain.identity.scopes import has_scope
from pmsaas.domain.operations import attachments, tickets
from pmsaas.domain.operations.files import MAX_ATTACHMENT_BYTES
from pmsaas.domain.operations.model import Attachment, Comment, Priority, Ticket, TicketStatus
from pmsaas.domain.operations.ports import Names, OperationsUnitOfWork, TicketFilter
from pmsaas.domain.shared.errors import PermissionDenied, ValidationFailed
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.entrypoints.http.auth import READS_ONLY
from pmsaas.entrypoints.http.context import public_base_url
from pmsaas.entrypoints.http.cursor import decode_cursor
from pmsaas.entrypoints.http.deps import Context, RequestContext
from pmsaas.entrypoints.http.structs import Input
from pmsaas.entrypoints.http.ticketing.common import (
    Page_,
    PerPage,
    TicketingItem,
    TicketingList,
    item,
    page_of,
    scope_guard,
    ts,
)

StatusName = Literal["open", "in_progress", "resolved", "closed"]
PriorityName = Literal["low", "medium", "high", "critical"]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
CategoryName = Annotated[str, msgspec.Meta(min_length=2, max_length=40)]

READ = scope_guard("tickets:read", "maintenance:read", "maintenance:create")
WRITE = scope_guard("tickets:write", "maintenance:update")
CREATE = scope_guard("tickets:write", "maintenance:create")
DELETE = scope_guard("tickets:write", "maintenance:delete")


class Ref(msgspec.Struct, kw_only=True):
    id: str
    name: str


class AttachmentOut(msgspec.Struct, kw_only=True):
    id: str
    filename: str
    url: str
    size: int
    content_type: str
    created_at: str


class CommentOut(msgspec.Struct, kw_only=True):
    id: str
    text: str
    user: Ref | None
    created_at: str


class TicketOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: str
    title: str
    description: str
    status: str
    priority: str
    category: str
    created_at: str
    updated_at: str
    property: Ref
    unit: Ref | None
    requester: Ref | None
    assigned_to: Ref | msgspec.UnsetType | None = msgspec.UNSET
    attachments: list[AttachmentOut] | msgspec.UnsetType = msgspec.UNSET
    comments: list[CommentOut] | msgspec.UnsetType = msgspec.UNSET


def _ref(ident: Any, names: dict[Any, str]) -> Ref | None:
    if ident is None:
        return None
    return Ref(id=str(ident), name=names.get(ident, ""))


def attachment_url(request: Request[Any, Any, Any], a: Attachment) -> str:
    return f"{public_base_url(request)}/v1/tickets/{a.ticket_id}/attachments/{a.id}"


def ticket_out(
    t: Ticket,
    names: Names,
    *,
    assigned: bool = True,
    request: Request[Any, Any, Any] | None = None,
    comments: list[Comment] | None = None,
    attachments: list[Attachment] | None = None,
) -> TicketOut:
    out = TicketOut(
        id=str(t.id),
        title=t.title,
        description=t.description,
        status=t.status.value,
        priority=t.priority.value,
        category=t.category,
        created_at=ts(t.created_at),
        updated_at=ts(t.updated_at),
        property=Ref(id=str(t.property_id), name=names.properties.get(t.property_id, "")),
        unit=_ref(t.unit_id, names.units),
        requester=_ref(t.requester_id, names.people),
    )
    if assigned:
        out.assigned_to = _ref(t.assignee_id, names.people)
    if request is not None and attachments is not None:
        out.attachments = [
            AttachmentOut(
                id=str(a.id),
                filename=a.filename,
                url=attachment_url(request, a),
                size=a.size,
                content_type=a.content_type,
                created_at=ts(a.created_at),
            )
            for a in attachments
        ]
    if comments is not None:
        out.comments = [
            CommentOut(id=str(c.id), text=c.text, user=_ref(c.author_id, names.people), created_at=ts(c.created_at))
            for c in comments
        ]
    return out


class TicketIn(Input):
    title: Title
    property_id: UUID
    description: Text = ""
    priority: PriorityName = "medium"
    category: CategoryName = "other"
    unit_id: UUID | None = None


class TicketPatch(Input):
    title: Title | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    status: StatusName | msgspec.UnsetType = msgspec.UNSET
    priority: PriorityName | msgspec.UnsetType = msgspec.UNSET
    category: CategoryName | msgspec.UnsetType = msgspec.UNSET
    assigned_to: UUID | msgspec.UnsetType | None = msgspec.UNSET


class CommentIn(Input):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    internal: bool = False


def _set(value: Any) -> Any:
    return None if value is msgspec.UNSET else value


def upload_of(data: dict[str, Any]) -> UploadFile:
    file = data.get("file")
    if not isinstance(file, UploadFile):
        raise ValidationFailed.single("file", "a multipart/form-data part named 'file' is required")
    return file


async def read_upload(file: UploadFile) -> bytes:
    content = await file.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.single("file", f"must be at most {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB")
    return content


# multipart bodies carry the file plus framing: allow a little over the attachment limit
UPLOAD_BODY_LIMIT = MAX_ATTACHMENT_BYTES + 64 * 1024


class TicketController(Controller):
    path = "/v1/tickets"
    tags = ["Ticketing"]

    # READS_ONLY: the list's use case only reads (read-only units of work), so its gate may run next to it.
    @get("/", guards=[READ], opt=READS_ONLY, summary="List tickets")
    async def list_tickets(
        self,
        ctx: Context,
        request: Request[Any, Any, Any],
        status: FromQuery[StatusName | None] = None,
        priority: FromQuery[PriorityName | None] = None,
        assigned_to: FromQuery[UUID | None] = None,
        property_id: FromQuery[UUID | None] = None,
        page: Page_ = 1,
        per_page: PerPage = 10,
        sort: FromQuery[Literal["created_at", "updated_at", "priority"]] = "created_at",
        order: FromQuery[Literal["asc", "desc"]] = "desc",
        cursor: Annotated[
            str | None,
            QueryParameter(
                max_length=512,
                description="next_cursor of the last page; empty for the first page (opts into next_cursor)",
            ),
        ] = None,
    ) -> TicketingList[TicketOut]:
        uow: OperationsUnitOfWork = ctx.uow()  # read-only (READS_ONLY)
        filters = TicketFilter(status=status, priority=priority, assignee_id=assigned_to, property_id=property_id)
        after = decode_cursor(cursor, sort, order == "desc") if cursor else None  # "": the first page
        request_page = PageRequest(page=page, page_size=per_page, sort_by=sort, descending=order == "desc", after=after)
        result, names = await tickets.list_tickets(uow=uow, actor=ctx.actor, filters=filters, page=request_page)
        return page_of(request, result, [ticket_out(t, names) for t in result.items])

    @post("/", guards=[CREATE], status_code=HTTP_201_CREATED, summary="Create a ticket")
    async def create_ticket(self, ctx: Context, data: JSONBody[TicketIn]) -> TicketingItem[TicketOut]:
        details = await tickets.create_ticket(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            data=tickets.NewTicket(
                title=data.title,
                description=data.description,
                category=data.category,
                priority=Priority(data.priority),
                property_id=data.property_id,
                unit_id=data.unit_id,
            ),
        )
        return item(ticket_out(details.ticket, details.names, assigned=False))

    @get("/{ticket_id:uuid}", guards=[READ], summary="Get a ticket")
    async def get_ticket(
        self, ctx: Context, request: Request[Any, Any, Any], ticket_id: FromPath[UUID]
    ) -> TicketingItem[TicketOut]:
        d = await tickets.get_ticket(uow=ctx.uow(), actor=ctx.actor, ticket_id=ticket_id)
        return item(ticket_out(d.ticket, d.names, request=request, comments=d.comments, attachments=d.attachments))

    @patch("/{ticket_id:uuid}", guards=[WRITE], summary="Update a ticket (status, assignment, fields)")
    async def update_ticket(
        self, ctx: Context, ticket_id: FromPath[UUID], data: JSONBody[TicketPatch]
    ) -> TicketingItem[TicketOut]:
        changes = tickets.TicketChanges(
            title=_set(data.title),
            description=_set(data.description),
            category=_set(data.category),
            priority=Priority(data.priority) if data.priority is not msgspec.UNSET else None,
            status=TicketStatus(data.status) if data.status is not msgspec.UNSET else None,
            assignee_id=tickets.KEEP if data.assigned_to is msgspec.UNSET else data.assigned_to,
        )
        d = await ticket_assignment.update_ticket(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, ticket_id=ticket_id, changes=changes
        )
        return item(ticket_out(d.ticket, d.names))

    @delete("/{ticket_id:uuid}", guards=[DELETE], status_code=HTTP_200_OK, summary="Delete a ticket")
    async def delete_ticket(self, ctx: Context, ticket_id: FromPath[UUID]) -> TicketingItem[None]:
        await tickets.delete_ticket(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, ticket_id=ticket_id)
        return TicketingItem(data=None)

    @post("/{ticket_id:uuid}/comments", guards=[READ], status_code=HTTP_201_CREATED, summary="Comment on a ticket")
    async def add_comment(
        self, ctx: Context, ticket_id: FromPath[UUID], data: JSONBody[CommentIn]
    ) -> TicketingItem[CommentOut]:
        if ctx.actor.delegated and not has_scope(ctx.actor, "tickets:write"):
            raise PermissionDenied("This API key or OAuth token lacks the tickets:write scope")
        c, author = await tickets.add_comment(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            ticket_id=ticket_id,
            text=data.text,
            internal=data.internal,
        )
        user = Ref(id=str(c.author_id), name=author) if c.author_id else None
        return item(CommentOut(id=str(c.id), text=c.text, user=user, created_at=ts(c.created_at)))

    @post(
        "/{ticket_id:uuid}/attachments",
        guards=[READ],
        status_code=HTTP_201_CREATED,
        summary="Attach a file (multipart field 'file'; JPEG, PNG, GIF, WebP, HEIC or PDF, at most 10 MB)",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def upload(
        self,
        ctx: Context,
        request: Request[Any, Any, Any],
        ticket_id: FromPath[UUID],
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> TicketingItem[AttachmentOut]:
        if ctx.actor.delegated and not has_scope(ctx.actor, "tickets:write"):
            raise PermissionDenied("This API key or OAuth token lacks the tickets:write scope")
        file = upload_of(data)
        a = await attachments.add_attachment(
            uow=ctx.uow(),
            storage=ctx.attachment_storage,
            clock=ctx.clock,
            actor=ctx.actor,
            ticket_id=ticket_id,
            filename=file.filename or "file",
            data=await read_upload(file),
        )
        return item(
            AttachmentOut(
                id=str(a.id),
                filename=a.filename,
                url=attachment_url(request, a),
                size=a.size,
                content_type=a.content_type,
                created_at=ts(a.created_at),
            )
        )

    @get("/{ticket_id:uuid}/attachments/{attachment_id:uuid}", guards=[READ], summary="Download an attachment")
    async def download(self, ctx: Context, ticket_id: FromPath[UUID], attachment_id: FromPath[UUID]) -> Response[bytes]:
        return await download_response(ctx, ticket_id, attachment_id)


async def download_response(ctx: RequestContext, ticket_id: UUID, attachment_id: UUID) -> Response[bytes]:
    a, content = await attachments.read_attachment(
        uow=ctx.uow(),
        storage=ctx.attachment_storage,
        actor=ctx.actor,
        ticket_id=ticket_id,
        attachment_id=attachment_id,
    )
    safe = a.filename.replace('"', "")
    return Response(
        content=content,
        media_type=a.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )

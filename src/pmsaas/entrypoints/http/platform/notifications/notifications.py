"""/api/v1/notifications: the caller's inbox, and notifications sent to a member of the organization."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.notifications import inbox
from pmsaas.domain.notifications.model import ChannelType, Notification
from pmsaas.domain.notifications.ports import InboxFilter
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.notifications.common import Body, ChannelName, EventType, Title, check_data
from pmsaas.entrypoints.http.structs import Input


class NotificationIn(Input):
    user_id: UUID
    type: EventType
    title: Title
    body: Body
    channel: ChannelName = "in_app"
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class NotificationUpdate(Input):
    """The recipient's part of a notification: whether it is read (its content is fixed once sent)."""

    read: bool


class BulkMarkRead(Input):
    ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=inbox.MAX_BULK)] | None = None
    all: bool = False


class NotificationOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    user_id: UUID
    type: str
    title: str
    body: str
    channel: str
    data: dict[str, Any]
    read: bool
    read_at: datetime | None
    template_id: UUID | None
    created_by: UUID | None
    created_at: datetime

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(
            id=n.id,
            organization_id=n.organization_id,
            user_id=n.user_id,
            type=n.type,
            title=n.title,
            body=n.body,
            channel=n.channel.value,
            data=n.data,
            read=n.read,
            read_at=n.read_at,
            template_id=n.template_id,
            created_by=n.created_by,
            created_at=n.created_at,
        )


class UnreadCountOut(msgspec.Struct, kw_only=True):
    unread_count: int


class MarkedOut(msgspec.Struct, kw_only=True):
    marked: int
    unread_count: int


class NotificationController(Controller):
    path = "/api/v1/notifications"
    tags = ["Notifications"]
    dependencies = {"listing": Provide(list_query(("created_at", "read_at", "type"), default_sort="created_at"))}

    @get("/", guards=[requires("notification:read")], opt=READS_ONLY, summary="List my notifications")
    async def list_notifications(
        self,
        listing: Listing,
        read: FromQuery[bool | None] = None,
        type: FromQuery[EventType | None] = None,
    ) -> Paginated[NotificationOut]:
        ctx = listing.ctx
        page = await inbox.list_notifications(
            uow=ctx.uow(), actor=ctx.actor, filters=InboxFilter(read=read, type=type), page=listing.page
        )
        return paginated(page, [NotificationOut.of(n) for n in page.items])

    @post(
        "/",
        guards=[requires("notification:create")],
        status_code=HTTP_201_CREATED,
        summary="Send a notification to a member",
    )
    async def create_notification(self, ctx: Context, data: JSONBody[NotificationIn]) -> Ok[NotificationOut]:
        n = await inbox.create_notification(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            data=inbox.NotificationInput(
                user_id=data.user_id,
                type=data.type,
                title=data.title,
                body=data.body,
                channel=ChannelType(data.channel),
                data=check_data(data.data),
            ),
        )
        return ok(NotificationOut.of(n))

    @get("/unread-count", guards=[requires("notification:read")], opt=READS_ONLY, summary="My unread count")
    async def unread_count(self, ctx: Context) -> Ok[UnreadCountOut]:
        return ok(UnreadCountOut(unread_count=await inbox.unread_count(uow=ctx.uow(), actor=ctx.actor)))

    @post(
        "/bulk-mark-read",
        guards=[requires("notification:update")],
        status_code=HTTP_200_OK,
        summary="Mark several (or all) of my notifications read",
    )
    async def bulk_mark_read(self, ctx: Context, data: JSONBody[BulkMarkRead]) -> Ok[MarkedOut]:
        if data.all == (data.ids is not None):
            raise ValidationFailed.single("ids", "give either ids or all: true")
        marked = await inbox.mark_many_read(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, ids=data.ids)
        count = await inbox.unread_count(uow=ctx.uow(), actor=ctx.actor)
        return ok(MarkedOut(marked=marked, unread_count=count))

    @get(
        "/{notification_id:uuid}",
        guards=[requires("notification:read")],
        opt=READS_ONLY,
        summary="Get one of my notifications",
    )
    async def get_notification(self, ctx: Context, notification_id: FromPath[UUID]) -> Ok[NotificationOut]:
        n = await inbox.get_notification(uow=ctx.uow(), actor=ctx.actor, notification_id=notification_id)
        return ok(NotificationOut.of(n))

    @put("/{notification_id:uuid}", guards=[requires("notification:update")], summary="Update my notification")
    async def update_notification(
        self, ctx: Context, notification_id: FromPath[UUID], data: JSONBody[NotificationUpdate]
    ) -> Ok[NotificationOut]:
        n = await inbox.set_read(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, notification_id=notification_id, read=data.read
        )
        return ok(NotificationOut.of(n))

    @post(
        "/{notification_id:uuid}/mark-read",
        guards=[requires("notification:update")],
        status_code=HTTP_200_OK,
        summary="Mark my notification read",
    )
    async def mark_read(self, ctx: Context, notification_id: FromPath[UUID]) -> Ok[NotificationOut]:
        n = await inbox.set_read(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, notification_id=notification_id, read=True
        )
        return ok(NotificationOut.of(n))

    @delete(
        "/{notification_id:uuid}",
        guards=[requires("notification:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Dismiss my notification",
    )
    async def delete_notification(self, ctx: Context, notification_id: FromPath[UUID]) -> None:
        await inbox.delete_notification(uow=ctx.uow(), actor=ctx.actor, notification_id=notification_id)

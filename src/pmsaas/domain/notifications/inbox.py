"""A user's inbox: each user reads, marks and dismisses only their own notifications; managers and
owners send notifications to members of their organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from pmsaas.domain.notifications.model import ChannelType, Notification
from pmsaas.domain.notifications.ports import InboxFilter, NotificationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import PermissionDenied, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest

MAX_BULK = 500


def reader(actor: Actor, permission: str = "notification:read") -> UUID:
    """The user whose inbox this is: an API key acts for an organization and has none."""
    actor.require(permission)
    if actor.user_id is None:
        raise PermissionDenied("an API key has no inbox: sign in as a user")
    return actor.user_id


@dataclass(frozen=True)
class NotificationInput:
    user_id: UUID
    type: str
    title: str
    body: str
    channel: ChannelType = ChannelType.IN_APP
    data: dict[str, Any] = field(default_factory=dict)


def notification_created(n: Notification) -> DomainEvent:
    # Real-time channels (SSE, WebSocket) relay it to the recipient as a "notification" message.
    return DomainEvent(
        "notification.created",
        n.organization_id,
        n.created_at,
        {"notification_id": str(n.id), "user_id": str(n.user_id), "type": n.type, "title": n.title},
    )


async def create_notification(
    *, uow: NotificationsUnitOfWork, clock: Clock, actor: Actor, data: NotificationInput
) -> Notification:
    actor.require("notification:create")
    async with uow:
        if data.user_id not in await uow.recipients.find(actor.org, [data.user_id]):
            raise ValidationFailed.single("user_id", "no such user in this organization")
        n = Notification(
            organization_id=actor.org,
            user_id=data.user_id,
            type=data.type,
            title=data.title,
            body=data.body,
            channel=data.channel,
            data=dict(data.data),
            created_at=clock.now(),
            created_by=actor.user_id,
        )
        await uow.notifications.add(n)
        uow.record(notification_created(n))
        await uow.commit()
    return n


async def list_notifications(
    *, uow: NotificationsUnitOfWork, actor: Actor, filters: InboxFilter, page: PageRequest
) -> Page[Notification]:
    user = reader(actor)
    async with uow:
        return await uow.notifications.list(actor.org, user, filters, page)


async def get_notification(*, uow: NotificationsUnitOfWork, actor: Actor, notification_id: UUID) -> Notification:
    user = reader(actor)
    async with uow:
        return await uow.notifications.get(actor.org, user, notification_id)


async def set_read(
    *, uow: NotificationsUnitOfWork, clock: Clock, actor: Actor, notification_id: UUID, read: bool
) -> Notification:
    """PUT and mark-read: the recipient owns the read state; a notification's content is fixed once sent."""
    user = reader(actor, "notification:update")
    async with uow:
        n = await uow.notifications.get(actor.org, user, notification_id)
        if read:
            n.mark_read(clock.now())
        else:
            n.mark_unread()
        await uow.notifications.update(n)
        await uow.commit()
    return n


async def mark_many_read(*, uow: NotificationsUnitOfWork, clock: Clock, actor: Actor, ids: list[UUID] | None) -> int:
    """``ids`` None: every unread notification of the caller. Ids not in the caller's inbox are ignored."""
    user = reader(actor, "notification:update")
    if ids is not None and len(ids) > MAX_BULK:
        raise ValidationFailed.single("ids", f"at most {MAX_BULK} ids at once")
    async with uow:
        marked = await uow.notifications.mark_read(actor.org, user, ids, clock.now())
        await uow.commit()
    return marked


async def unread_count(*, uow: NotificationsUnitOfWork, actor: Actor) -> int:
    user = reader(actor)
    async with uow:
        return await uow.notifications.unread_count(actor.org, user)


async def delete_notification(*, uow: NotificationsUnitOfWork, actor: Actor, notification_id: UUID) -> None:
    user = reader(actor, "notification:delete")
    async with uow:
        await uow.notifications.delete(actor.org, user, notification_id)
        await uow.commit()

"""Real-time messages: which domain events reach open SSE/WebSocket streams, as what, and for whom.

The platform seed names three message types, ``{type, data}``: ``maintenance_update``,
``payment_received`` and ``notification``. Each message carries its audience; a stream delivers it
only to a viewer the audience admits: the one recipient of a notification; a tenant, only what is
about its own requests and payments; staff, what their permissions let them read in their
organization (the channel itself is per organization, so another organization never sees it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.events import DomainEvent

if TYPE_CHECKING:
    from pmsaas.domain.notifications.ports import RealtimeBroadcaster

MAINTENANCE_UPDATE = "maintenance_update"
PAYMENT_RECEIVED = "payment_received"
NOTIFICATION = "notification"
MESSAGE_TYPES = (MAINTENANCE_UPDATE, PAYMENT_RECEIVED, NOTIFICATION)

# Domain event name -> (message type, the permission that lets staff see it organization-wide).
_ROUTES: dict[str, tuple[str, str]] = {
    "ticket.created": (MAINTENANCE_UPDATE, "maintenance:read"),
    "ticket.updated": (MAINTENANCE_UPDATE, "maintenance:read"),
    "ticket.resolved": (MAINTENANCE_UPDATE, "maintenance:read"),
    "payment.received": (PAYMENT_RECEIVED, "payment:read"),
    "notification.created": (NOTIFICATION, "notification:read"),
}


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may receive a message, inside its organization."""

    permission: str  # staff (not tenants) who hold it see the message
    tenant_id: UUID | None = None  # the tenant profile the message is about: that tenant sees it too
    user_id: UUID | None = None  # set: that user alone (an inbox notification)


@dataclass(frozen=True, slots=True)
class RealtimeMessage:
    type: str
    organization_id: UUID
    data: dict[str, Any]
    audience: Audience
    event_id: UUID | None = None  # the domain event it came from (consumers dedupe by it)


def admits(audience: Audience, viewer: Actor) -> bool:
    """Whether ``viewer`` (already known to act for the message's organization) may receive it."""
    if audience.user_id is not None:
        return viewer.user_id == audience.user_id
    if viewer.is_tenant:
        return audience.tenant_id is not None and viewer.tenant_profile_id == audience.tenant_id
    return viewer.can(audience.permission)


def message_for(event: DomainEvent) -> RealtimeMessage | None:
    """The real-time message of a domain event, or None when streams are not told about it."""
    route = _ROUTES.get(event.name)
    if route is None:
        return None
    kind, permission = route
    data = {"event": event.name, "occurred_at": event.occurred_at.isoformat(), **event.data}
    if kind == NOTIFICATION:
        audience = Audience(permission, user_id=_uuid(event.data.get("user_id")))
        if audience.user_id is None:
            return None  # a notification without its recipient reaches no one
    else:
        audience = Audience(permission, tenant_id=_uuid(event.data.get("tenant_id")))
    return RealtimeMessage(kind, event.organization_id, data, audience, event_id=event.id)


async def publish_event(*, event: DomainEvent, broadcaster: RealtimeBroadcaster) -> bool:
    """The outbox relay's hook for real time: map the event and broadcast it. Returns whether it was sent."""
    message = message_for(event)
    if message is None:
        return False
    await broadcaster.broadcast(message)
    return True


def _uuid(raw: object) -> UUID | None:
    if not isinstance(raw, str):
        return None
    try:
        return UUID(raw)
    except ValueError:
        return None

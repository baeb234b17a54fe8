"""What the operations endpoints share: the read guard and the work order as answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from pmsaas.domain.operations.model import WorkOrder
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import AuthenticationFailed, PermissionDenied
from pmsaas.entrypoints.http.structs import MoneyOut


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

"""Work orders: a vendor's scheduled work on a maintenance request."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa

from pmsaas.adapters.sql.repositories.common import SoftDeletedRows, apply_created_range, page_of
from pmsaas.adapters.sql.tables.operations import work_orders
from pmsaas.domain.operations.model import WorkOrder, WorkOrderStatus
from pmsaas.domain.operations.ports import WorkOrderFilter, WorkOrderRepository
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

w = work_orders
WORK_ORDER_SORT = {
    "created_at": w.c.created_at,
    "updated_at": w.c.updated_at,
    "scheduled_start": w.c.scheduled_start,
}


def _work_order_row(x: WorkOrder) -> dict[str, Any]:
    return {
        "id": x.id,
        "organization_id": x.organization_id,
        "ticket_id": x.ticket_id,
        "vendor_id": x.vendor_id,
        "description": x.description,
        "status": x.status.value,
        "scheduled_start": x.scheduled_start,
        "scheduled_end": x.scheduled_end,
        "estimated_cost_minor": x.estimated_cost.minor,
        "actual_cost_minor": x.actual_cost.minor if x.actual_cost else None,
        "currency": x.estimated_cost.currency,
        "started_at": x.started_at,
        "completed_at": x.completed_at,
        "cancelled_at": x.cancelled_at,
        "rating": x.rating,
        "rating_comment": x.rating_comment,
        "version": x.version,
        "created_at": x.created_at,
        "updated_at": x.updated_at,
    }


def to_work_order(r: Any) -> WorkOrder:
    return WorkOrder(
        id=r.id,
        organization_id=r.organization_id,
        ticket_id=r.ticket_id,
        vendor_id=r.vendor_id,
        description=r.description,
        status=WorkOrderStatus(r.status),
        scheduled_start=r.scheduled_start,
        scheduled_end=r.scheduled_end,
        estimated_cost=Money.from_minor(r.estimated_cost_minor, r.currency),
        actual_cost=Money.from_minor(r.actual_cost_minor, r.currency) if r.actual_cost_minor is not None else None,
        started_at=r.started_at,
        completed_at=r.completed_at,
        cancelled_at=r.cancelled_at,
        rating=r.rating,
        rating_comment=r.rating_comment,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlWorkOrderRepository(SoftDeletedRows[WorkOrder], WorkOrderRepository):
    table = w
    noun = "work order"
    _row = staticmethod(_work_order_row)
    _entity = staticmethod(to_work_order)

    async def list(self, organization_id: UUID, filters: WorkOrderFilter, page: PageRequest) -> Page[WorkOrder]:
        where = [self._live(organization_id)]
        for column, value in (
            (w.c.status, filters.status),
            (w.c.ticket_id, filters.ticket_id),
            (w.c.vendor_id, filters.vendor_id),
        ):
            if value is not None:
                where.append(column == value)
        where += apply_created_range(w.c.created_at, filters.created_after, filters.created_before)
        return await page_of(self._conn, w, where, WORK_ORDER_SORT, page, to_work_order)

    async def for_ticket(self, organization_id: UUID, ticket_id: UUID) -> builtins.list[WorkOrder]:
        rows = await self._conn.execute(
            w.select().where(self._live(organization_id), w.c.ticket_id == ticket_id).order_by(w.c.created_at, w.c.id)
        )
        return [to_work_order(r) for r in rows]

    async def finished_for_vendor(
        self, organization_id: UUID, vendor_id: UUID, start: datetime, end: datetime
    ) -> builtins.list[WorkOrder]:
        completed = sa.and_(w.c.completed_at >= start, w.c.completed_at < end)
        cancelled = sa.and_(w.c.cancelled_at >= start, w.c.cancelled_at < end)
        rows = await self._conn.execute(
            w.select().where(self._live(organization_id), w.c.vendor_id == vendor_id, sa.or_(completed, cancelled))
        )
        return [to_work_order(r) for r in rows]

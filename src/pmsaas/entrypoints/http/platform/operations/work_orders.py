"""/api/v1/operations/work-orders: a vendor's scheduled work on a maintenance request."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.flows import work_order_costs
from pmsaas.domain.operations import work_orders
from pmsaas.domain.operations.ports import WorkOrderFilter
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.operations.common import WorkOrderOut, WorkOrderStatusName
from pmsaas.entrypoints.http.structs import Input, MoneyIn


class WorkOrderIn(Input):
    maintenance_request_id: UUID
    vendor_id: UUID
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
    scheduled_start: datetime
    scheduled_end: datetime
    estimated_cost: MoneyIn

    def to_input(self) -> work_orders.WorkOrderInput:
        for name in ("scheduled_start", "scheduled_end"):
            if getattr(self, name).tzinfo is None:
                raise ValidationFailed.single(name, "must carry a time zone (e.g. 2026-11-24T09:00:00Z)")
        return work_orders.WorkOrderInput(
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
        listing: Listing,
        status: FromQuery[WorkOrderStatusName | None] = None,
        maintenance_request_id: FromQuery[UUID | None] = None,
        vendor_id: FromQuery[UUID | None] = None,
    ) -> Paginated[WorkOrderOut]:
        ctx = listing.ctx
        filters = WorkOrderFilter(
            status=status,
            ticket_id=maintenance_request_id,
            vendor_id=vendor_id,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await work_orders.list_work_orders(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [WorkOrderOut.of(o) for o in page.items])

    @post("/", guards=[requires("workorder:create")], status_code=HTTP_201_CREATED, summary="Create a work order")
    async def create_order(self, ctx: Context, data: JSONBody[WorkOrderIn]) -> Ok[WorkOrderOut]:
        order = await work_orders.create_work_order(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=data.to_input()
        )
        return ok(WorkOrderOut.of(order))

    @get("/{order_id:uuid}", guards=[requires("workorder:read")], summary="Get a work order")
    async def get_order(self, ctx: Context, order_id: FromPath[UUID]) -> Ok[WorkOrderOut]:
        order = await work_orders.get_work_order(uow=ctx.uow(), actor=ctx.actor, order_id=order_id)
        return ok(WorkOrderOut.of(order))

    @put("/{order_id:uuid}", guards=[requires("workorder:update")], summary="Reschedule or re-estimate a work order")
    async def update_order(
        self, ctx: Context, order_id: FromPath[UUID], data: JSONBody[WorkOrderIn]
    ) -> Ok[WorkOrderOut]:
        order = await work_orders.update_work_order(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, order_id=order_id, data=data.to_input()
        )
        return ok(WorkOrderOut.of(order))

    @delete(
        "/{order_id:uuid}",
        guards=[requires("workorder:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a work order",
    )
    async def delete_order(self, ctx: Context, order_id: FromPath[UUID]) -> None:
        await work_orders.delete_work_order(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, order_id=order_id)

    @post("/{order_id:uuid}/start", guards=[requires("workorder:update")], status_code=HTTP_200_OK, summary="Start")
    async def start(self, ctx: Context, order_id: FromPath[UUID]) -> Ok[WorkOrderOut]:
        order = await work_orders.start_work_order(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, order_id=order_id)
        return ok(WorkOrderOut.of(order))

    @post(
        "/{order_id:uuid}/complete",
        guards=[requires("workorder:update")],
        status_code=HTTP_200_OK,
        summary="Complete (the last open work order resolves its request)",
    )
    async def complete(
        self, ctx: Context, order_id: FromPath[UUID], data: JSONBody[CompleteWorkOrderIn]
    ) -> Ok[WorkOrderOut]:
        order = await work_order_costs.complete_work_order(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            order_id=order_id,
            actual_cost=data.actual_cost.to_money("actual_cost.amount"),
        )
        return ok(WorkOrderOut.of(order))

    @post("/{order_id:uuid}/cancel", guards=[requires("workorder:update")], status_code=HTTP_200_OK, summary="Cancel")
    async def cancel(self, ctx: Context, order_id: FromPath[UUID]) -> Ok[WorkOrderOut]:
        order = await work_orders.cancel_work_order(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, order_id=order_id)
        return ok(WorkOrderOut.of(order))

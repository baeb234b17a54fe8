"""/api/v1/operations/vendors: vendors, their performance, their work orders and ratings."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.operations import vendors, work_orders
from pmsaas.domain.operations.model import TaxIdKind, Vendor
from pmsaas.domain.operations.performance import VendorPerformance
from pmsaas.domain.operations.ports import VendorFilter, WorkOrderFilter
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.operations.common import WorkOrderOut, WorkOrderStatusName
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import Input, MoneyOut

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

    def to_input(self) -> vendors.VendorInput:
        return vendors.VendorInput(
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
        listing: Listing,
        trade: Annotated[str | None, QueryParameter(max_length=40)] = None,
        service_area: Annotated[str | None, QueryParameter(max_length=100)] = None,
        active: FromQuery[bool | None] = None,
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[VendorOut]:
        ctx = listing.ctx
        filters = VendorFilter(
            trade=trade.lower() if trade else None,
            service_area=service_area,
            active=active,
            search=search,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await vendors.list_vendors(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        today = await organization_today(ctx)
        return paginated(page, [VendorOut.of(v, today) for v in page.items])

    @post("/", guards=[requires("vendor:create")], status_code=HTTP_201_CREATED, summary="Add a vendor")
    async def create_vendor(self, ctx: Context, data: JSONBody[VendorIn]) -> Ok[VendorOut]:
        clock = ctx.clock
        vendor = await vendors.create_vendor(uow=ctx.uow(), clock=clock, actor=ctx.actor, data=data.to_input())
        return ok(VendorOut.of(vendor, await organization_today(ctx)))

    @get("/{vendor_id:uuid}", guards=[requires("vendor:read")], summary="Get a vendor")
    async def get_vendor(self, ctx: Context, vendor_id: FromPath[UUID]) -> Ok[VendorOut]:
        vendor = await vendors.get_vendor(uow=ctx.uow(), actor=ctx.actor, vendor_id=vendor_id)
        return ok(VendorOut.of(vendor, await organization_today(ctx)))

    @put("/{vendor_id:uuid}", guards=[requires("vendor:update")], summary="Replace a vendor")
    async def update_vendor(self, ctx: Context, vendor_id: FromPath[UUID], data: JSONBody[VendorIn]) -> Ok[VendorOut]:
        clock = ctx.clock
        vendor = await vendors.update_vendor(
            uow=ctx.uow(), clock=clock, actor=ctx.actor, vendor_id=vendor_id, data=data.to_input()
        )
        return ok(VendorOut.of(vendor, await organization_today(ctx)))

    @delete("/{vendor_id:uuid}", guards=[requires("vendor:delete")], status_code=HTTP_204_NO_CONTENT, summary="Delete")
    async def delete_vendor(self, ctx: Context, vendor_id: FromPath[UUID]) -> None:
        await vendors.delete_vendor(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, vendor_id=vendor_id)

    @get("/{vendor_id:uuid}/performance", guards=[requires("vendor:read")], summary="Performance over a period")
    async def performance(
        self,
        ctx: Context,
        vendor_id: FromPath[UUID],
        start: Annotated[
            datetime | None, QueryParameter(name="from", description="ISO 8601; default 90 days ago")
        ] = None,
        end: Annotated[datetime | None, QueryParameter(name="to", description="ISO 8601; default now")] = None,
    ) -> Ok[PerformanceOut]:
        now = ctx.clock.now()
        for name, value in (("from", start), ("to", end)):
            if value is not None and value.tzinfo is None:
                raise ValidationFailed.single(name, "must carry a time zone (e.g. 2026-11-01T00:00:00Z)")
        end = end or now
        start = start or end - timedelta(days=90)
        perf = await vendors.vendor_performance(
            uow=ctx.uow(), actor=ctx.actor, vendor_id=vendor_id, start=start, end=end
        )
        return ok(PerformanceOut.of(perf))

    @get(
        "/{vendor_id:uuid}/work-orders",
        guards=[requires("workorder:read")],
        summary="The vendor's work orders",
        dependencies={"listing": Provide(list_query(("created_at", "updated_at", "scheduled_start")))},
    )
    async def work_orders(
        self, listing: Listing, vendor_id: FromPath[UUID], status: FromQuery[WorkOrderStatusName | None] = None
    ) -> Paginated[WorkOrderOut]:
        ctx = listing.ctx
        filters = WorkOrderFilter(vendor_id=vendor_id, status=status)
        page = await work_orders.list_work_orders(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [WorkOrderOut.of(o) for o in page.items])

    @post(
        "/{vendor_id:uuid}/rate",
        guards=[requires("vendor:update")],
        status_code=HTTP_200_OK,
        summary="Rate a completed work order of this vendor (1-5, once)",
    )
    async def rate(self, ctx: Context, vendor_id: FromPath[UUID], data: JSONBody[RateIn]) -> Ok[WorkOrderOut]:
        order = await vendors.rate_vendor(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            vendor_id=vendor_id,
            work_order_id=data.work_order_id,
            rating=data.rating,
            comment=data.comment,
        )
        return ok(WorkOrderOut.of(order))

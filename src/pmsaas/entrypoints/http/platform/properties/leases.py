"""/api/v1/leases: the organization's leases, their actions and rent schedules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from pmsaas.domain.properties import leases
from pmsaas.domain.properties.lease import Lease
from pmsaas.domain.properties.ports import LeaseFilter
from pmsaas.domain.properties.schedule import Charge, Escalation, LateFee
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import AmountText, Input, MoneyIn, MoneyOut

LeaseStatusName = Literal["draft", "active", "notice_given", "ended", "terminated"]


class LateFeeIn(Input):
    kind: Literal["flat", "percentage"]
    value: AmountText  # flat: an amount in the lease currency; percentage: e.g. "5" for 5 %
    cap: MoneyIn | None = None


class EscalationIn(Input):
    kind: Literal["percentage", "amount"]
    value: AmountText  # percentage per year, or an amount added each year


class LeaseIn(Input):
    unit_id: UUID
    start_date: date
    rent: MoneyIn
    end_date: date | None = None  # null: periodic (month to month)
    co_tenant_ids: Annotated[list[UUID], msgspec.Meta(max_length=10)] = msgspec.field(default_factory=list)
    billing_day: Annotated[int, msgspec.Meta(ge=1, le=31)] = 1
    grace_days: Annotated[int, msgspec.Meta(ge=0, le=60)] | None = None  # null: the property's policy
    security_deposit: MoneyIn | None = None
    late_fee: LateFeeIn | None = None  # null: the property's late-fee policy, if any
    escalation: EscalationIn | None = None
    tds_applicable: bool = False  # India: the tenant deducts TDS on rent

    def to_input(self) -> leases.LeaseInput:
        fee, esc = self.late_fee, self.escalation
        return leases.LeaseInput(
            unit_id=self.unit_id,
            start_date=self.start_date,
            end_date=self.end_date,
            rent=self.rent.to_money("rent.amount"),
            co_tenant_ids=tuple(self.co_tenant_ids),
            billing_day=self.billing_day,
            grace_days=self.grace_days,
            security_deposit=None
            if self.security_deposit is None
            else self.security_deposit.to_money("security_deposit.amount"),
            late_fee=None
            if fee is None
            else LateFee(
                fee.kind, Decimal(fee.value), None if fee.cap is None else fee.cap.to_money("late_fee.cap.amount")
            ),
            escalation=None if esc is None else Escalation(esc.kind, Decimal(esc.value)),
            tds_applicable=self.tds_applicable,
        )


class LateFeeOut(msgspec.Struct, kw_only=True):
    kind: str
    value: str
    cap: MoneyOut | None


class EscalationOut(msgspec.Struct, kw_only=True):
    kind: str
    value: str


class LeaseOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    property_id: UUID
    unit_id: UUID
    tenant_id: UUID
    co_tenant_ids: list[UUID]
    status: str
    start_date: date
    end_date: date | None
    move_out_date: date | None
    terminated_on: date | None
    ended_on: date | None
    rent: MoneyOut
    billing_day: int
    grace_days: int
    security_deposit: MoneyOut | None
    late_fee: LateFeeOut | None
    escalation: EscalationOut | None
    tds_applicable: bool
    renewed_from_id: UUID | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, x: Lease) -> LeaseOut:
        fee, esc = x.late_fee, x.escalation
        return cls(
            id=x.id,
            organization_id=x.organization_id,
            property_id=x.property_id,
            unit_id=x.unit_id,
            tenant_id=x.tenant_id,
            co_tenant_ids=list(x.co_tenant_ids),
            status=x.status.value,
            start_date=x.start_date,
            end_date=x.end_date,
            move_out_date=x.move_out_date,
            terminated_on=x.terminated_on,
            ended_on=x.ended_on,
            rent=MoneyOut.of(x.rent),
            billing_day=x.billing_day,
            grace_days=x.grace_days,
            security_deposit=None if x.security_deposit is None else MoneyOut.of(x.security_deposit),
            late_fee=None
            if fee is None
            else LateFeeOut(kind=fee.kind, value=str(fee.value), cap=None if fee.cap is None else MoneyOut.of(fee.cap)),
            escalation=None if esc is None else EscalationOut(kind=esc.kind, value=str(esc.value)),
            tds_applicable=x.tds_applicable,
            renewed_from_id=x.renewed_from_id,
            version=x.version,
            created_at=x.created_at,
            updated_at=x.updated_at,
        )


class NoticeIn(Input):
    move_out_date: date


class TerminateIn(Input):
    termination_date: date | None = None  # default: today


class RenewIn(Input):
    end_date: date | None = None  # default: a term as long as the current one
    rent: MoneyIn | None = None  # default: the current rent, escalated per the lease


class ChargeOut(msgspec.Struct, kw_only=True):
    type: str
    period_start: date
    period_end: date
    due_date: date
    amount: MoneyOut
    description: str
    supply_type: str | None = None  # a recurring charge's tax treatment

    @classmethod
    def of(cls, c: Charge) -> ChargeOut:
        return cls(
            type=c.type,
            period_start=c.period_start,
            period_end=c.period_end,
            due_date=c.due_date,
            amount=MoneyOut.of(c.amount),
            description=c.description,
            supply_type=c.supply_type,
        )


class LeaseController(Controller):
    path = "/api/v1/leases"
    tags = ["Leases"]
    dependencies = {"listing": Provide(list_query(("created_at", "updated_at", "start_date", "end_date", "status")))}

    @get("/", guards=[requires("lease:read")], opt=READS_ONLY, summary="List the organization's leases")
    async def list_leases(
        self,
        listing: Listing,
        status: FromQuery[LeaseStatusName | None] = None,
        property_id: FromQuery[UUID | None] = None,
        unit_id: FromQuery[UUID | None] = None,
        tenant_id: FromQuery[UUID | None] = None,
        ending_before: Annotated[
            date | None, QueryParameter(description="Leases whose occupancy ends before this date (YYYY-MM-DD)")
        ] = None,
    ) -> Paginated[LeaseOut]:
        ctx = listing.ctx
        filters = LeaseFilter(
            status=status,
            property_id=property_id,
            unit_id=unit_id,
            tenant_id=tenant_id,
            ending_before=ending_before,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await leases.list_leases(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [LeaseOut.of(x) for x in page.items])

    @get("/{lease_id:uuid}", guards=[requires("lease:read")], summary="Get a lease")
    async def get_lease(self, ctx: Context, lease_id: FromPath[UUID]) -> Ok[LeaseOut]:
        return ok(LeaseOut.of(await leases.get_lease(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id)))

    @put("/{lease_id:uuid}", guards=[requires("lease:update")], summary="Replace a lease (drafts fully)")
    async def update_lease(self, ctx: Context, lease_id: FromPath[UUID], data: JSONBody[LeaseIn]) -> Ok[LeaseOut]:
        lease = await leases.update_lease(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id, data=data.to_input()
        )
        return ok(LeaseOut.of(lease))

    @post("/{lease_id:uuid}/activate", guards=[requires("lease:update")], status_code=200, summary="Activate")
    async def activate(self, ctx: Context, lease_id: FromPath[UUID]) -> Ok[LeaseOut]:
        return ok(
            LeaseOut.of(await leases.activate_lease(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id))
        )

    @post("/{lease_id:uuid}/notice", guards=[requires("lease:update")], status_code=200, summary="Give notice")
    async def notice(self, ctx: Context, lease_id: FromPath[UUID], data: JSONBody[NoticeIn]) -> Ok[LeaseOut]:
        lease = await leases.give_notice(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id, move_out_date=data.move_out_date
        )
        return ok(LeaseOut.of(lease))

    @post("/{lease_id:uuid}/end", guards=[requires("lease:update")], status_code=200, summary="End (moved out)")
    async def end(self, ctx: Context, lease_id: FromPath[UUID]) -> Ok[LeaseOut]:
        return ok(
            LeaseOut.of(await leases.end_lease(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id))
        )

    @post("/{lease_id:uuid}/terminate", guards=[requires("lease:update")], status_code=200, summary="Terminate")
    async def terminate(
        self, ctx: Context, lease_id: FromPath[UUID], data: JSONBody[TerminateIn | None] = None
    ) -> Ok[LeaseOut]:
        when = None if data is None else data.termination_date
        lease = await leases.terminate_lease(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id, termination_date=when
        )
        return ok(LeaseOut.of(lease))

    @post(
        "/{lease_id:uuid}/renew",
        guards=[requires("lease:update")],
        status_code=200,
        summary="Renew: returns the new (active) lease",
    )
    async def renew(
        self, ctx: Context, lease_id: FromPath[UUID], data: JSONBody[RenewIn | None] = None
    ) -> Ok[LeaseOut]:
        body = data or RenewIn()
        lease = await leases.renew_lease(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            lease_id=lease_id,
            end_date=body.end_date,
            rent=None if body.rent is None else body.rent.to_money("rent.amount"),
        )
        return ok(LeaseOut.of(lease))

    @get("/{lease_id:uuid}/schedule", guards=[requires("lease:read")], summary="The lease's rent schedule")
    async def schedule(
        self,
        ctx: Context,
        lease_id: FromPath[UUID],
        from_date: Annotated[date, QueryParameter(name="from", description="First day (YYYY-MM-DD)")],
        to_date: Annotated[date, QueryParameter(name="to", description="Last day, inclusive (YYYY-MM-DD)")],
    ) -> Ok[list[ChargeOut]]:
        _, charges = await leases.lease_schedule(
            uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id, from_date=from_date, to_date=to_date
        )
        return ok([ChargeOut.of(c) for c in charges])

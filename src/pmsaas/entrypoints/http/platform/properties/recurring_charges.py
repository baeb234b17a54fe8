"""/api/v1/leases/{lease_id}/recurring-charges[/{id}]: a lease's recurring charges (maintenance,
parking, CAM, utilities), billed with its rent and taxed per ``supply_type``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.properties import recurring_charges as uc
from pmsaas.domain.properties.recurring import RecurringCharge, RecurringChargeInput
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING
from pmsaas.entrypoints.http.platform.financial.tax import SupplyTypeName
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut

KindName = Literal["maintenance", "parking", "cam", "utilities", "reserve_fund", "other"]
FrequencyName = Literal["monthly", "quarterly", "yearly"]
Description = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]


class RecurringChargeIn(Input):
    kind: KindName
    description: Description
    amount: MoneyIn  # the lease's currency
    start_date: date
    frequency: FrequencyName = "monthly"
    end_date: date | None = None
    supply_type: SupplyTypeName | None = None  # its tax treatment (docs/tax-rules.md)

    def to_input(self) -> RecurringChargeInput:
        return RecurringChargeInput(
            kind=self.kind,
            description=self.description,
            amount=self.amount.to_money("amount.amount"),
            frequency=self.frequency,
            start_date=self.start_date,
            end_date=self.end_date,
            supply_type=self.supply_type,
        )


class RecurringChargeOut(msgspec.Struct, kw_only=True):
    id: UUID
    lease_id: UUID
    kind: str
    description: str
    amount: MoneyOut
    frequency: str
    start_date: date
    end_date: date | None
    supply_type: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: RecurringCharge) -> RecurringChargeOut:
        return cls(
            id=c.id,
            lease_id=c.lease_id,
            kind=c.kind,
            description=c.description,
            amount=MoneyOut.of(c.amount),
            frequency=c.frequency,
            start_date=c.start_date,
            end_date=c.end_date,
            supply_type=c.supply_type,
            version=c.version,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class RecurringChargeController(Controller):
    path = "/api/v1/leases/{lease_id:uuid}/recurring-charges"
    tags = ["Leases"]

    @get(
        "/",
        guards=[requires("lease:read")],
        opt=READS_ONLY,
        dependencies=PAGING,
        summary="A lease's recurring charges",
    )
    async def list_charges(self, lease_id: FromPath[UUID], paging: Paged) -> Paginated[RecurringChargeOut]:
        ctx = paging.ctx
        charges = await uc.list_recurring(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id)
        return paginated_all([RecurringChargeOut.of(c) for c in charges], paging.page)

    @post("/", guards=[requires("lease:update")], status_code=HTTP_201_CREATED, summary="Add a recurring charge")
    async def add_charge(
        self, ctx: Context, lease_id: FromPath[UUID], data: JSONBody[RecurringChargeIn]
    ) -> Ok[RecurringChargeOut]:
        charge = await uc.add_recurring(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id, data=data.to_input()
        )
        return ok(RecurringChargeOut.of(charge))

    @get("/{charge_id:uuid}", guards=[requires("lease:read")], opt=READS_ONLY, summary="A recurring charge")
    async def get_charge(
        self, ctx: Context, lease_id: FromPath[UUID], charge_id: FromPath[UUID]
    ) -> Ok[RecurringChargeOut]:
        charge = await uc.get_recurring(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id, charge_id=charge_id)
        return ok(RecurringChargeOut.of(charge))

    @put("/{charge_id:uuid}", guards=[requires("lease:update")], summary="Replace a recurring charge")
    async def replace_charge(
        self, ctx: Context, lease_id: FromPath[UUID], charge_id: FromPath[UUID], data: JSONBody[RecurringChargeIn]
    ) -> Ok[RecurringChargeOut]:
        charge = await uc.replace_recurring(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            lease_id=lease_id,
            charge_id=charge_id,
            data=data.to_input(),
        )
        return ok(RecurringChargeOut.of(charge))

    @delete(
        "/{charge_id:uuid}",
        guards=[requires("lease:update")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a recurring charge",
    )
    async def remove_charge(self, ctx: Context, lease_id: FromPath[UUID], charge_id: FromPath[UUID]) -> None:
        await uc.remove_recurring(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id, charge_id=charge_id)

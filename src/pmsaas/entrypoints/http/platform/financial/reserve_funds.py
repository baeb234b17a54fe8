"""POST /api/v1/financial/reserve-funds/{property_id}/opening-balance: a condominium's reserve fund
as the manager takes it over, posted once to the ledger (``Dr cash / Cr reserve_fund:<property>``)
and written to the audit log. Contributions and spending need no endpoint of their own: invoice lines
of charge type ``reserve_fund`` and expenses of the category ``reserve_fund`` post to the fund."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import Controller, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.financial import reserve_fund
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut


class OpeningBalanceIn(Input):
    amount: MoneyIn
    as_of: date  # the date of the reserve fund statement taken over


class OpeningBalanceOut(msgspec.Struct, kw_only=True):
    property_id: UUID
    account: str
    amount: MoneyOut
    as_of: date
    entry_id: UUID

    @classmethod
    def of(cls, o: reserve_fund.OpeningBalance) -> OpeningBalanceOut:
        return cls(
            property_id=o.property_id,
            account=o.account,
            amount=MoneyOut.of(o.amount),
            as_of=o.as_of,
            entry_id=o.entry_id,
        )


class ReserveFundController(Controller):
    path = "/api/v1/financial/reserve-funds"
    tags = ["Financial: ledger"]

    @post(
        "/{property_id:uuid}/opening-balance",
        guards=[requires("financial:create")],
        status_code=HTTP_201_CREATED,
        summary="Record a property's reserve fund opening balance (once)",
    )
    async def opening_balance(
        self, ctx: Context, property_id: FromPath[UUID], data: JSONBody[OpeningBalanceIn]
    ) -> Ok[OpeningBalanceOut]:
        recorded = await reserve_fund.record_opening_balance(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            property_id=property_id,
            amount=data.amount.to_money("amount.amount"),
            as_of=data.as_of,
            request=ctx.request_info,
        )
        return ok(OpeningBalanceOut.of(recorded))

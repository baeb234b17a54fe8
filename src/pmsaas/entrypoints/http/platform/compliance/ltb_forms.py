"""POST /api/v1/financial/ltb-forms: Ontario LTB notices from the tenant ledger (issue 16 item 4).

``form`` chooses the notice: ``N4`` (non-payment of rent: the rent owing per rental period as the
ledger stood on ``as_of``, default the service date) or ``N1`` (rent increase: 90 days' notice, the
year's guideline). Nothing is stored: 200 with the notice's figures, or the notice as a PDF when the
request asks for ``Accept: application/pdf``. Bad input is 422, an N4 without arrears 409, another
organization's lease 404, and nothing is written either way.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.compliance import ltb_forms
from pmsaas.domain.compliance.ltb import N1Notice, N4Notice
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.platform.compliance.common import answer
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut


class LtbFormIn(Input):
    form: Literal["N4", "N1"]
    lease_id: UUID
    service_date: date
    as_of: date | None = None  # N4: the ledger's date (default: the service date)
    termination_date: date | None = None  # N4: default the earliest lawful one
    new_rent: MoneyIn | None = None  # N1
    effective_date: date | None = None  # N1
    unit_first_occupied_on: date | None = None  # N1: decides the post-2018 exemption


class RentPeriodOut(msgspec.Struct, kw_only=True):
    period_from: date
    period_to: date
    rent_charged: MoneyOut
    rent_paid: MoneyOut
    rent_owing: MoneyOut


class LtbFormOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    form: str
    lease_id: UUID
    province: str
    tenant_name: str
    landlord_name: str
    rental_unit: str
    service_date: date
    rent_period: str
    # N4
    as_of: date | None = None
    termination_date: date | None = None
    earliest_termination_date: date | None = None
    periods: list[RentPeriodOut] | None = None
    total_owing: MoneyOut | None = None
    # N1
    effective_date: date | None = None
    current_rent: MoneyOut | None = None
    new_rent: MoneyOut | None = None
    increase: MoneyOut | None = None
    increase_percent: str | None = None
    guideline_percent: str | None = None
    guideline_applies: bool | None = None
    maximum_rent: MoneyOut | None = None

    @classmethod
    def of(cls, notice: N4Notice | N1Notice, form: str) -> LtbFormOut:
        t = notice.tenancy
        out = cls(
            form=form,
            lease_id=t.lease_id,
            province=t.province,
            tenant_name=t.tenant_name,
            landlord_name=t.landlord_name,
            rental_unit=", ".join(t.unit_address),
            service_date=notice.served_on,
            rent_period=t.rent_period,
        )
        if isinstance(notice, N4Notice):
            out.as_of, out.termination_date = notice.as_of, notice.termination_on
            out.earliest_termination_date = notice.earliest_termination_on
            out.periods = [
                RentPeriodOut(
                    period_from=p.start,
                    period_to=p.end,
                    rent_charged=MoneyOut.of(p.charged),
                    rent_paid=MoneyOut.of(p.paid),
                    rent_owing=MoneyOut.of(p.owing),
                )
                for p in notice.periods
            ]
            out.total_owing = MoneyOut.of(notice.total_owing)
            return out
        out.effective_date = notice.effective_on
        out.current_rent, out.new_rent = MoneyOut.of(notice.current_rent), MoneyOut.of(notice.new_rent)
        out.increase, out.increase_percent = MoneyOut.of(notice.increase), str(notice.increase_percent)
        out.guideline_percent, out.guideline_applies = _percent(notice.guideline_percent), notice.guideline_applies
        out.maximum_rent = MoneyOut.of(notice.maximum_rent) if notice.maximum_rent is not None else None
        return out


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _required(value: Any, name: str, form: str) -> Any:
    if value is None:
        raise ValidationFailed.single(name, f"is required for an {form}")
    return value


class LtbFormController(Controller):
    path = "/api/v1/financial"
    tags = ["Compliance: Ontario LTB notices"]

    @post(
        "/ltb-forms",
        guards=[requires("financial:create")],
        opt=READS_ONLY,
        status_code=HTTP_200_OK,
        summary="An Ontario N4 (non-payment of rent) or N1 (rent increase) from the tenant ledger, as JSON or PDF",
    )
    async def ltb_form(
        self,
        ctx: Context,
        data: JSONBody[LtbFormIn],
        accept: Annotated[str | None, HeaderParameter(name="Accept")] = None,
    ) -> Response[Any]:
        notice: N4Notice | N1Notice
        if data.form == "N4":
            notice = await ltb_forms.issue_n4(
                uow=ctx.uow(),
                actor=ctx.actor,
                lease_id=data.lease_id,
                served_on=data.service_date,
                as_of=data.as_of,
                termination_on=data.termination_date,
            )
        else:
            new_rent = _required(data.new_rent, "new_rent", "N1").to_money("new_rent.amount")
            notice = await ltb_forms.issue_n1(
                uow=ctx.uow(),
                actor=ctx.actor,
                lease_id=data.lease_id,
                served_on=data.service_date,
                effective_on=_required(data.effective_date, "effective_date", "N1"),
                new_rent=new_rent,
                first_occupied_on=data.unit_first_occupied_on,
            )
        return await answer(notice, LtbFormOut.of(notice, data.form), accept=accept, renderer=ctx.document_renderer)

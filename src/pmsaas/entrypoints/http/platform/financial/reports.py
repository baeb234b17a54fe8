"""/api/v1/financial/gst-returns: monthly tax-return figures, JSON or CSV."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromQuery, QueryParameter

from pmsaas.domain.financial import books
from pmsaas.domain.financial.reports import TaxReturnRow, to_csv
from pmsaas.domain.shared.errors import PermissionDenied, ValidationFailed
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import ok
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import MoneyOut

MonthText = Annotated[str, msgspec.Meta(max_length=7)]


class TaxReturnOut(msgspec.Struct, kw_only=True):
    period: str
    currency: str
    invoices: int
    taxable_value: MoneyOut
    exempt_value: MoneyOut
    reverse_charge_value: MoneyOut
    tax: dict[str, MoneyOut]  # exact sums of the invoices' heads
    total_tax: MoneyOut
    tax_payable: dict[str, MoneyOut]  # per head, rounded to the rupee in India (CGST s.170)
    total_tax_payable: MoneyOut

    @classmethod
    def of(cls, r: TaxReturnRow) -> TaxReturnOut:
        payable = r.tax_payable
        return cls(
            period=r.period,
            currency=r.currency,
            invoices=r.invoices,
            taxable_value=MoneyOut.of(r.money(r.taxable_value)),
            exempt_value=MoneyOut.of(r.money(r.exempt_value)),
            reverse_charge_value=MoneyOut.of(r.money(r.reverse_charge_value)),
            tax={head: MoneyOut.of(r.money(v)) for head, v in sorted(r.tax.items())},
            total_tax=MoneyOut.of(r.money(sum(r.tax.values()))),
            tax_payable={head: MoneyOut.of(r.money(v)) for head, v in sorted(payable.items())},
            total_tax_payable=MoneyOut.of(r.money(sum(payable.values()))),
        )


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _months(first: str, last: str) -> list[str]:
    for name, value in (("from", first), ("to", last)):
        if not _MONTH.match(value):
            raise ValidationFailed.single(name, "must be a month YYYY-MM")
    y, m = (int(x) for x in first.split("-"))
    ly, lm = (int(x) for x in last.split("-"))
    if (ly, lm) < (y, m):
        raise ValidationFailed.single("to", "must not be before from")
    out: list[str] = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if len(out) > 36:
            raise ValidationFailed.single("to", "at most 36 months at a time")
    return out


class ReportController(Controller):
    path = "/api/v1/financial"
    tags = ["Financial: reports"]

    @get(
        "/gst-returns",
        guards=[requires("financial:read")],
        summary="Monthly tax-return figures (taxable, exempt, reverse-charge value; tax per head); CSV with format=csv",
    )
    async def gst_returns(
        self,
        ctx: Context,
        from_: Annotated[MonthText | None, QueryParameter(name="from")] = None,
        to: FromQuery[MonthText | None] = None,
        format: FromQuery[Literal["json", "csv"]] = "json",
    ) -> Any:
        if ctx.actor.is_tenant:
            raise PermissionDenied("tenants do not see the organization's returns")
        this_month = (await organization_today(ctx)).strftime("%Y-%m")
        months = _months(from_ or to or this_month, to or from_ or this_month)
        rows = await books.gst_returns(uow=ctx.uow(), actor=ctx.actor, months=months)
        if format == "csv":
            return Response(
                to_csv(rows),
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="gst-returns-{months[0]}-{months[-1]}.csv"'},
            )
        return ok([TaxReturnOut.of(r) for r in rows])

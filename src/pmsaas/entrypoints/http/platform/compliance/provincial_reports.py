"""GET /api/v1/compliance/provincial-reports: Canada's GST/HST return lines (101, 103, 106, 109) per
month and province, and Quebec's QST return separately, from the issued invoices (issue 16 item 4); as a PDF with
``Accept: application/pdf``.

Query ``from`` and ``to`` (``YYYY-MM``, at most 24 months; default: the current month). Tenants are
refused (403): the returns are the organization's books.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.params import HeaderParameter, QueryParameter

from pmsaas.domain.compliance.provincial_reports import GstHstReturn, ProvincialReport, QstReturn, provincial_reports
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.platform.compliance.common import answer
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import MoneyOut

Month = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class GstHstLinesOut(msgspec.Struct, kw_only=True):
    line_101: MoneyOut  # sales and other revenue
    line_103: MoneyOut  # GST/HST collected or collectible
    line_106: MoneyOut  # input tax credits
    line_109: MoneyOut  # net tax


class GstHstReturnOut(msgspec.Struct, kw_only=True):
    period: str
    province: str
    lines: GstHstLinesOut

    @classmethod
    def of(cls, r: GstHstReturn) -> GstHstReturnOut:
        lines = GstHstLinesOut(
            line_101=MoneyOut.of(r.line_101),
            line_103=MoneyOut.of(r.line_103),
            line_106=MoneyOut.of(r.line_106),
            line_109=MoneyOut.of(r.line_109),
        )
        return cls(period=r.period, province=r.province, lines=lines)


class QstReturnOut(msgspec.Struct, kw_only=True):
    period: str
    sales: MoneyOut
    qst_collected: MoneyOut
    input_tax_refunds: MoneyOut
    net_qst: MoneyOut

    @classmethod
    def of(cls, r: QstReturn) -> QstReturnOut:
        return cls(
            period=r.period,
            sales=MoneyOut.of(r.sales),
            qst_collected=MoneyOut.of(r.qst_collected),
            input_tax_refunds=MoneyOut.of(r.input_tax_refunds),
            net_qst=MoneyOut.of(r.net_qst),
        )


class ProvincialReportOut(msgspec.Struct, kw_only=True):
    period_start: date
    period_end: date
    currency: str
    gst_hst: list[GstHstReturnOut]
    qst: list[QstReturnOut]

    @classmethod
    def of(cls, r: ProvincialReport) -> ProvincialReportOut:
        return cls(
            period_start=r.start,
            period_end=r.end,
            currency=r.currency,
            gst_hst=[GstHstReturnOut.of(x) for x in r.gst_hst],
            qst=[QstReturnOut.of(x) for x in r.qst],
        )


class ProvincialReportController(Controller):
    path = "/api/v1/compliance"
    tags = ["Compliance: Canadian sales tax returns"]

    @get(
        "/provincial-reports",
        guards=[requires("financial:read")],
        opt=READS_ONLY,
        summary="GST/HST return lines per month and province, and QST for Quebec, from the invoices",
    )
    async def provincial_reports(
        self,
        ctx: Context,
        from_: Annotated[Month | None, QueryParameter(name="from")] = None,
        to: Annotated[Month | None, QueryParameter()] = None,
        accept: Annotated[str | None, HeaderParameter(name="Accept")] = None,
        format: Annotated[Literal["json", "csv"], QueryParameter()] = "json",
    ) -> Response[Any]:
        this_month = (await organization_today(ctx)).strftime("%Y-%m")
        first = from_ or to or this_month
        result = await provincial_reports(uow=ctx.uow(), actor=ctx.actor, first=first, last=to or first)
        if format == "csv":
            return Response(
                _csv(result),
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="sales-tax-{result.start}-{result.end}.csv"'},
            )
        return await answer(result, ProvincialReportOut.of(result), accept=accept, renderer=ctx.document_renderer)


CSV_HEADER = ["return", "period", "province", "sales", "tax_collected", "input_tax_credits", "net_tax", "currency"]


def _csv(report: ProvincialReport) -> str:
    """GST/HST rows (lines 101, 103, 106, 109) and QST rows (sales, collected, refunds, net), as JSON has them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for g in report.gst_hst:
        figures = (g.line_101, g.line_103, g.line_106, g.line_109)
        writer.writerow(["GST/HST", g.period, g.province, *map(str, figures), report.currency])
    for q in report.qst:
        figures = (q.sales, q.qst_collected, q.input_tax_refunds, q.net_qst)
        writer.writerow(["QST", q.period, "QC", *map(str, figures), report.currency])
    return out.getvalue()

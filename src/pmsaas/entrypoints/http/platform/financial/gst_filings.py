"""/api/v1/financial/reports/gstr1 and /gstr3b: India's GST returns for whole months (from, to:
YYYY-MM). JSON in the envelope; CSV with ``format=csv`` (GSTR-1: one ``section`` at a time)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Response, get
from litestar.params import FromQuery

from pmsaas.domain.financial import gst_filings as G
from pmsaas.domain.financial import manager_reports as M
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import ok
from pmsaas.entrypoints.http.platform.financial import gst_filing_tables as F
from pmsaas.entrypoints.http.platform.financial import report_tables as T
from pmsaas.entrypoints.http.platform.financial.monthly_reports import GUARD, Format, FromMonth, _months

Section = Literal["b2b", "b2cl", "b2cs", "cdnr", "cdnur", "nil", "hsn", "doc_issue", "at", "txpd"]


def _csv(name: str, rows: list[T.Row], header: list[str]) -> Response[str]:
    return Response(
        T.as_csv(rows, header),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


class GstFilingController(Controller):
    path = "/api/v1/financial/reports"
    tags = ["Financial: reports"]

    @get("/gstr1", guards=GUARD, summary="GSTR-1 in the GSTN offline tool's shape (from, to: YYYY-MM); CSV per section")
    async def gstr1(
        self,
        ctx: Context,
        from_: FromMonth = None,
        to: FromQuery[str | None] = None,
        format: FromQuery[Format] = "json",
        section: FromQuery[Section | None] = None,
    ) -> Any:
        M.require_manager(ctx.actor)
        start, end = _months(from_, to)
        if format == "csv" and section is None:
            raise ValidationFailed.single("section", "is required with format=csv: one of " + ", ".join(F.SECTIONS))
        ret = await G.gstr1_return(uow=ctx.uow(), actor=ctx.actor, start=start, end=end, now=ctx.clock.now())
        if format == "csv" and section is not None:
            header = T.HEADERS["gstr1-b2b"] if section == "b2b" else F.HEADERS[section]
            return _csv(f"gstr1-{section}-{ret.start}-{ret.end}", F.flat(ret, section), header)
        t = ret.tables
        summary = {
            "outside_return": _money(t.outside_minor, ret.currency),
            "reverse_charge_supplies": _money(t.reverse_charge_minor, ret.currency),
        }
        return ok(
            {
                "report": "gstr1",
                "currency": ret.currency,
                "from": str(ret.start),
                "to": str(ret.end),
                "gstr1": F.document(ret),
                "summary": summary,
            }
        )

    @get("/gstr3b", guards=GUARD, summary="GSTR-3B tables 3.1 and 4 (from, to: YYYY-MM) from invoices and bills")
    async def gstr3b(
        self,
        ctx: Context,
        from_: FromMonth = None,
        to: FromQuery[str | None] = None,
        format: FromQuery[Format] = "json",
    ) -> Any:
        M.require_manager(ctx.actor)
        start, end = _months(from_, to)
        ret = await G.gstr3b_return(uow=ctx.uow(), actor=ctx.actor, start=start, end=end, now=ctx.clock.now())
        if format == "csv":
            return _csv(f"gstr3b-{ret.start}-{ret.end}", F.gstr3b_rows(ret), F.GSTR3B_HEADER)
        return ok(
            {
                "report": "gstr3b",
                "currency": ret.currency,
                "from": str(ret.start),
                "to": str(ret.end),
                "gstr3b": F.gstr3b_document(ret),
                "rows": T.as_json(F.gstr3b_rows(ret)),
            }
        )


def _money(minor: int, currency: str) -> dict[str, str]:
    return {"amount": str(Money.from_minor(minor, currency)), "currency": currency}

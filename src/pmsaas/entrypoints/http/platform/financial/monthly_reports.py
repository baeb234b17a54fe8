"""/api/v1/financial/reports/...: the reports a property manager runs every month (issue 10 item 6).

Every report answers JSON in the envelope (``data``: the parameters, ``rows`` and column ``totals``)
or, with ``?format=csv``, a CSV file of the same rows (header row, money as plain decimals). The
format is chosen by the query parameter only, as ``gst-returns`` and ``tds-reports`` do.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromQuery, QueryParameter

from pmsaas.domain.financial import manager_reports as M
from pmsaas.domain.financial.periods import parse_period
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import ok
from pmsaas.entrypoints.http.platform.financial import report_tables as T

Format = Literal["json", "csv"]
DateText = Annotated[str, msgspec.Meta(max_length=10)]
FromDate = Annotated[DateText | None, QueryParameter(name="from")]
FromMonth = Annotated[str | None, QueryParameter(name="from", max_length=7)]
GUARD = [requires("financial:read")]


def _answer(name: str, report: M.Report[Any], rows: list[T.Row], fmt: Format, **params: Any) -> Any:
    if fmt == "csv":
        span = report.as_of.isoformat() if report.as_of else f"{report.start}-{report.end}"
        return Response(
            T.as_csv(rows, T.HEADERS[name]),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}-{span}.csv"'},
        )
    head: dict[str, Any] = {"report": name, "currency": report.currency}
    if report.as_of:
        head["as_of"] = report.as_of.isoformat()
    else:
        head["from"], head["to"] = str(report.start), str(report.end)
    head.update({k: str(v) if v is not None else None for k, v in params.items()})
    return ok({**head, "rows": T.as_json(rows), "totals": T.totals(rows, report.currency)})


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value: str | None, field: str) -> date | None:
    """A ``YYYY-MM-DD`` query parameter, reported under its own name (``from``, not ``from_``)."""
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.single(field, "must be a date YYYY-MM-DD") from None


def _months(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    start = parse_period(first, "from")[0] if first else None
    end = parse_period(last, "to")[1] if last else None
    if start is not None and end is None:
        end = parse_period(first or "", "from")[1]
    return start, end


class ManagerReportController(Controller):
    path = "/api/v1/financial/reports"
    tags = ["Financial: reports"]

    @get("/arrears-aging", guards=GUARD, summary="Arrears per tenant by days past due (0-30, 31-60, 61-90, 90+)")
    async def arrears_aging(
        self, ctx: Context, as_of: FromQuery[DateText | None] = None, format: FromQuery[Format] = "json"
    ) -> Any:
        report = await M.aging_report(uow=ctx.uow(), actor=ctx.actor, as_of=_date(as_of, "as_of"), now=ctx.clock.now())
        return _answer("arrears-aging", report, [T.aging_row(r, report.currency) for r in report.rows], format)

    @get("/rent-roll", guards=GUARD, summary="Leases in effect: unit, tenant, dates, rent, deposit held, balance")
    async def rent_roll(
        self,
        ctx: Context,
        as_of: FromQuery[DateText | None] = None,
        property_id: FromQuery[UUID | None] = None,
        format: FromQuery[Format] = "json",
    ) -> Any:
        report = await M.rent_roll(
            uow=ctx.uow(), actor=ctx.actor, as_of=_date(as_of, "as_of"), property_id=property_id, now=ctx.clock.now()
        )
        rows = [T.rent_roll_row(p, report.currency) for p in report.rows]
        return _answer("rent-roll", report, rows, format, property_id=property_id)

    @get("/deposits-held", guards=GUARD, summary="Security deposits held per lease (the deposits_held account)")
    async def deposits_held(
        self,
        ctx: Context,
        as_of: FromQuery[DateText | None] = None,
        property_id: FromQuery[UUID | None] = None,
        format: FromQuery[Format] = "json",
    ) -> Any:
        report = await M.deposits_held(
            uow=ctx.uow(), actor=ctx.actor, as_of=_date(as_of, "as_of"), property_id=property_id, now=ctx.clock.now()
        )
        rows = [T.deposit_row(p, report.currency) for p in report.rows]
        return _answer("deposits-held", report, rows, format, property_id=property_id)

    @get("/income-expenses", guards=GUARD, summary="Income and expenses by property and month (from, to: dates)")
    async def income_expenses(
        self,
        ctx: Context,
        from_: FromDate = None,
        to: FromQuery[DateText | None] = None,
        property_id: FromQuery[UUID | None] = None,
        format: FromQuery[Format] = "json",
    ) -> Any:
        report = await M.income_expenses(
            uow=ctx.uow(),
            actor=ctx.actor,
            start=_date(from_, "from"),
            end=_date(to, "to"),
            property_id=property_id,
            now=ctx.clock.now(),
        )
        rows = [T.income_expense_row(r, report.currency) for r in report.rows]
        return _answer("income-expenses", report, rows, format, property_id=property_id)

    @get("/owner-statements", guards=GUARD, summary="Owner statement per property for a period (from, to: dates)")
    async def owner_statements(
        self,
        ctx: Context,
        from_: FromDate = None,
        to: FromQuery[DateText | None] = None,
        property_id: FromQuery[UUID | None] = None,
        format: FromQuery[Format] = "json",
    ) -> Any:
        report = await M.owner_statements(
            uow=ctx.uow(),
            actor=ctx.actor,
            start=_date(from_, "from"),
            end=_date(to, "to"),
            property_id=property_id,
            now=ctx.clock.now(),
        )
        rows = [T.owner_statement_row(s, report.currency) for s in report.rows]
        return _answer("owner-statements", report, rows, format, property_id=property_id)

    @get("/gstr1-b2b", guards=GUARD, summary="GSTR-1 B2B rows per invoice and rate (from, to: YYYY-MM)")
    async def gstr1_b2b(
        self,
        ctx: Context,
        from_: FromMonth = None,
        to: FromQuery[str | None] = None,
        format: FromQuery[Format] = "json",
    ) -> Any:
        M.require_manager(ctx.actor)
        start, end = _months(from_, to)
        report = await M.gstr1_b2b(uow=ctx.uow(), actor=ctx.actor, start=start, end=end, now=ctx.clock.now())
        rows = [T.b2b_row(r, report.currency) for r in report.rows]
        return _answer("gstr1-b2b", report, rows, format)

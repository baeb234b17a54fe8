"""GET /api/v1/financial/reports/form-16a: Form 16A data per deductee and quarter for the TDS the
organization withheld (fy=2026-27, quarter=Q1..Q4), JSON or CSV (one row per deduction)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromQuery

from pmsaas.domain.financial.form16a import Certificate, Form16AReport, form16a_report
from pmsaas.domain.financial.tds_report import TdsReportRow
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import ok
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import MoneyOut

CSV_HEADER = [
    "fy",
    "quarter",
    "deductor_name",
    "deductor_tan",
    "deductor_pan",
    "deductee_name",
    "deductee_pan",
    "tds_section",
    "date",
    "amount_paid",
    "tds_rate",
    "tds_amount",
    "currency",
    "tds_certificate_number",
    "source_type",
    "source_id",
]


class DeductionOut(msgspec.Struct, kw_only=True):
    tds_section: str
    section_ref: str | None
    date: date  # of the payment or credit (the expense's approval date)
    amount_paid: MoneyOut
    tds_rate: float | None
    tds_amount: MoneyOut
    tds_certificate_number: str | None
    source_type: str
    source_id: str

    @classmethod
    def of(cls, r: TdsReportRow) -> DeductionOut:
        return cls(
            tds_section=r.section,
            section_ref=r.section_ref,
            date=r.deduction_date,
            amount_paid=MoneyOut.of(r.amount),
            tds_rate=None if r.rate is None else float(r.rate),
            tds_amount=MoneyOut.of(r.tds),
            tds_certificate_number=r.certificate_number,
            source_type=r.source_type,
            source_id=str(r.source_id),
        )


class CertificateOut(msgspec.Struct, kw_only=True):
    fy: str
    quarter: str
    deductee_name: str | None
    deductee_pan: str | None
    deductions: list[DeductionOut]
    amount_paid: MoneyOut
    tds_amount: MoneyOut

    @classmethod
    def of(cls, c: Certificate) -> CertificateOut:
        return cls(
            fy=c.fy,
            quarter=c.quarter,
            deductee_name=c.deductee_name,
            deductee_pan=c.deductee_pan,
            deductions=[DeductionOut.of(r) for r in c.rows],
            amount_paid=MoneyOut.of(c.amount_paid),
            tds_amount=MoneyOut.of(c.tds),
        )


class DeductorOut(msgspec.Struct, kw_only=True):
    name: str
    tan_number: str | None
    pan_number: str | None
    address: str | None


class Form16AOut(msgspec.Struct, kw_only=True):
    fy: str
    quarter: str | None
    from_: date = msgspec.field(name="from")
    to: date
    currency: str
    deductor: DeductorOut
    certificates: list[CertificateOut]


def _csv(report: Form16AReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    d = report.deductor
    for c in report.certificates:
        for r in c.rows:
            rate = "" if r.rate is None else format(Decimal(r.rate).normalize(), "f")
            writer.writerow(
                [
                    *(c.fy, c.quarter, d.name, d.tan or "", d.pan or ""),
                    *(c.deductee_name or "", c.deductee_pan or "", r.section, r.deduction_date.isoformat()),
                    *(str(r.amount), rate, str(r.tds), r.tds.currency, r.certificate_number or ""),
                    *(r.source_type, str(r.source_id)),
                ]
            )
    return out.getvalue()


FyText = Annotated[str, msgspec.Meta(max_length=7)]


class Form16AController(Controller):
    path = "/api/v1/financial/reports"
    tags = ["Financial: reports"]

    @get(
        "/form-16a",
        guards=[requires("financial:read")],
        summary="Form 16A data per deductee and quarter for the TDS the organization withheld; format=csv",
    )
    async def form_16a(
        self,
        ctx: Context,
        fy: FromQuery[FyText | None] = None,
        quarter: FromQuery[Literal["Q1", "Q2", "Q3", "Q4"] | None] = None,
        format: FromQuery[Literal["json", "csv"]] = "json",
    ) -> Any:
        report = await form16a_report(
            uow=ctx.uow(), actor=ctx.actor, fy=fy, quarter=quarter, today=await organization_today(ctx)
        )
        if format == "csv":
            name = f"form-16a-{report.fy}-{report.quarter or 'FY'}.csv"
            return Response(
                _csv(report),
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        d = report.deductor
        return ok(
            Form16AOut(
                fy=report.fy,
                quarter=report.quarter,
                from_=report.start,
                to=report.end,
                currency=report.currency,
                deductor=DeductorOut(name=d.name, tan_number=d.tan, pan_number=d.pan, address=d.address),
                certificates=[CertificateOut.of(c) for c in report.certificates],
            )
        )

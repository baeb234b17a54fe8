"""India TDS on the wire: the ``tds`` block of payments and expenses, and
``GET /api/v1/financial/tds-reports`` (per quarter of the April–March year, JSON or CSV).

Field names follow seed 000 ("TDS Management"): ``tds_section``, ``tds_rate`` (a number, percent),
``pan_number``, ``tds_certificate_number``; amounts are Money objects.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, get
from litestar.params import FromQuery

from pmsaas.domain.financial.tds import TdsRequest
from pmsaas.domain.financial.tds_record import TdsDeduction
from pmsaas.domain.financial.tds_report import TdsReportRow, TdsTotal, tds_report, to_csv
from pmsaas.domain.shared.errors import PermissionDenied
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import ok
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut

SectionText = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
PanText = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
CertificateText = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class PaymentTdsIn(Input):
    """TDS the tenant withheld: ``tds_amount`` omitted → computed by the engine."""

    tds_section: SectionText  # 194-I(a), 194-I(b), 194-IB
    tds_amount: MoneyIn | None = None
    tds_rate: Decimal | None = None
    pan_number: PanText | None = None  # the tenant's (deductor's); default: the tenant record's
    tds_certificate_number: CertificateText | None = None

    def to_request(self) -> TdsRequest:
        return TdsRequest(
            section=self.tds_section,
            amount=self.tds_amount.to_money(field="tds.tds_amount.amount") if self.tds_amount else None,
            rate=self.tds_rate,
            pan_number=self.pan_number,
            certificate_number=self.tds_certificate_number,
        )


class ExpenseTdsIn(Input):
    """TDS the organization withholds from the payee; computed at approval."""

    tds_section: SectionText  # a section (194C, 194-I(a), 194-I(b)) or a payment kind (contract_work …)
    pan_number: PanText | None = None  # the payee's; none (or malformed) → s.206AA
    payee_kind: Literal["individual_huf", "other"] | None = None  # default: from the PAN
    tds_certificate_number: CertificateText | None = None

    def to_request(self) -> TdsRequest:
        return TdsRequest(
            section=self.tds_section,
            pan_number=self.pan_number,
            payee_kind=self.payee_kind,
            certificate_number=self.tds_certificate_number,
        )


def _rate(rate: Decimal | None) -> float | None:
    return None if rate is None else float(rate)


class TdsOut(msgspec.Struct, kw_only=True):
    direction: str  # received (the tenant withheld it) | deducted (the organization withholds it)
    requested: str
    tds_section: str | None
    tds_rate: float | None
    tds_amount: MoneyOut | None  # null until computed (a pending expense)
    gross_amount: MoneyOut  # paid or credited: cash + TDS on a payment, the expense amount
    net_amount: MoneyOut | None  # cash received (payment) / payable to the payee (expense)
    act_version: str | None
    section_ref: str | None
    payment_code: str | None
    pan_number: str | None
    payee_kind: str | None
    tds_certificate_number: str | None
    computed: bool
    reason: str | None
    deduction_date: date | None
    warnings: list[str]  # in the answer that records it, e.g. a declared TDS below the threshold

    @classmethod
    def of(cls, d: TdsDeduction | None) -> TdsOut | None:
        if d is None:
            return None
        return cls(
            direction=d.direction.value,
            requested=d.requested,
            tds_section=d.section,
            tds_rate=_rate(d.rate),
            tds_amount=MoneyOut.of(d.amount) if d.amount is not None else None,
            gross_amount=MoneyOut.of(d.gross),
            net_amount=MoneyOut.of(d.net) if d.amount is not None else None,
            act_version=d.act_version,
            section_ref=d.section_ref,
            payment_code=d.payment_code,
            pan_number=d.pan_number,
            payee_kind=d.payee_kind,
            tds_certificate_number=d.certificate_number,
            computed=d.computed,
            reason=d.reason,
            deduction_date=d.deduction_date,
            warnings=list(d.warnings),
        )


class TdsReportRowOut(msgspec.Struct, kw_only=True):
    direction: str
    quarter: str
    date: date
    party_name: str | None
    pan_number: str | None
    tds_section: str
    act_version: str | None
    section_ref: str | None
    amount: MoneyOut
    tds_rate: float | None
    tds_amount: MoneyOut
    tds_certificate_number: str | None
    source_type: str
    source_id: UUID

    @classmethod
    def of(cls, r: TdsReportRow) -> TdsReportRowOut:
        return cls(
            direction=r.direction,
            quarter=r.quarter,
            date=r.deduction_date,
            party_name=r.party_name,
            pan_number=r.pan_number,
            tds_section=r.section,
            act_version=r.act_version,
            section_ref=r.section_ref,
            amount=MoneyOut.of(r.amount),
            tds_rate=_rate(r.rate),
            tds_amount=MoneyOut.of(r.tds),
            tds_certificate_number=r.certificate_number,
            source_type=r.source_type,
            source_id=r.source_id,
        )


class TdsTotalOut(msgspec.Struct, kw_only=True):
    direction: str
    tds_section: str
    count: int
    amount: MoneyOut
    tds_amount: MoneyOut

    @classmethod
    def of(cls, t: TdsTotal) -> TdsTotalOut:
        return cls(
            direction=t.direction,
            tds_section=t.section,
            count=t.count,
            amount=MoneyOut.of(t.amount),
            tds_amount=MoneyOut.of(t.tds),
        )


class TdsReportOut(msgspec.Struct, kw_only=True):
    fy: str
    quarter: str | None
    from_: date = msgspec.field(name="from")
    to: date
    currency: str
    rows: list[TdsReportRowOut]
    totals: list[TdsTotalOut]
    total_tds: dict[str, MoneyOut]  # per direction


FyText = Annotated[str, msgspec.Meta(max_length=7)]


class TdsReportController(Controller):
    path = "/api/v1/financial"
    tags = ["Financial: reports"]

    @get(
        "/tds-reports",
        guards=[requires("financial:read")],
        summary="TDS per quarter (fy=2026-27, quarter=Q1..Q4, direction=deducted|received) from the ledger; format=csv",
    )
    async def tds_reports(
        self,
        ctx: Context,
        fy: FromQuery[FyText | None] = None,
        quarter: FromQuery[Literal["Q1", "Q2", "Q3", "Q4"] | None] = None,
        direction: FromQuery[Literal["deducted", "received"] | None] = None,
        format: FromQuery[Literal["json", "csv"]] = "json",
    ) -> Any:
        if ctx.actor.is_tenant:
            raise PermissionDenied("tenants do not see the organization's TDS returns")
        report = await tds_report(
            uow=ctx.uow(),
            actor=ctx.actor,
            fy=fy,
            quarter=quarter,
            direction=direction,
            today=await organization_today(ctx),
        )
        if format == "csv":
            name = f"tds-{report.fy}-{report.quarter or 'FY'}{'-' + direction if direction else ''}.csv"
            return Response(
                to_csv(report.rows),
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        by_direction: dict[str, Money] = {}
        for r in report.rows:
            by_direction[r.direction] = by_direction.get(r.direction, Money.zero(report.currency)) + r.tds
        return ok(
            TdsReportOut(
                fy=report.fy,
                quarter=report.quarter,
                from_=report.start,
                to=report.end,
                currency=report.currency,
                rows=[TdsReportRowOut.of(r) for r in report.rows],
                totals=[TdsTotalOut.of(t) for t in report.totals],
                total_tds={k: MoneyOut.of(v) for k, v in sorted(by_direction.items())},
            )
        )

"""GET /api/v1/compliance/status-certificate: a condominium unit's status certificate (Ontario) or
strata Form B (British Columbia) from the books (issue 16 item 4).

Query: ``unit_id`` (required), ``request_date`` (default the organization's today, in its time
zone), ``as_of`` (the ledger's date, default the request date), ``pages`` (BC: pages of copies, priced
per page). JSON in the envelope, or the certificate as a PDF with ``Accept: application/pdf``.
Another organization's unit is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get
from litestar.params import HeaderParameter, QueryParameter

from pmsaas.domain.compliance.status_certificate import StatusCertificate, status_certificate
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.platform.compliance.common import answer
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import MoneyOut


class BudgetCategoryOut(msgspec.Struct, kw_only=True):
    name: str
    amount: MoneyOut


class BudgetOut(msgspec.Struct, kw_only=True):
    name: str
    period_start: date
    period_end: date
    categories: list[BudgetCategoryOut]
    total: MoneyOut


class StatusCertificateOut(msgspec.Struct, kw_only=True):
    unit_id: UUID
    property_id: UUID
    province: str
    certificate_type: str  # ontario_status_certificate | bc_form_b
    title: str
    corporation_name: str
    owner_name: str | None
    unit: str
    request_date: date
    as_of: date
    due_by: date
    fee: MoneyOut
    fee_basis: str
    pages: int
    common_expenses: MoneyOut
    arrears: MoneyOut
    reserve_fund: MoneyOut | None  # the budget's planned contribution (its reserve fund category)
    reserve_fund_balance: MoneyOut | None  # the ledger's reserve fund account at reserve_fund_as_of
    reserve_fund_as_of: date | None  # Ontario: the end of the last month; BC: as_of
    budget: BudgetOut | None

    @classmethod
    def of(cls, c: StatusCertificate) -> StatusCertificateOut:
        a, b = c.account, c.budget
        budget = None
        if b is not None:
            categories = [BudgetCategoryOut(name=n, amount=MoneyOut.of(m)) for n, m in b.categories]
            budget = BudgetOut(
                name=b.name,
                period_start=b.period_start,
                period_end=b.period_end,
                categories=categories,
                total=MoneyOut.of(b.total),
            )
        return cls(
            unit_id=a.unit_id,
            property_id=a.property_id,
            province=a.province,
            certificate_type=c.kind,
            title=c.title,
            corporation_name=a.corporation_name,
            owner_name=a.owner_name,
            unit=", ".join(a.unit_address),
            request_date=c.requested_on,
            as_of=c.as_of,
            due_by=c.due_by,
            fee=MoneyOut.of(c.fee),
            fee_basis=c.fee_basis,
            pages=c.pages,
            common_expenses=MoneyOut.of(a.common_expenses),
            arrears=MoneyOut.of(c.arrears),
            reserve_fund=MoneyOut.of(c.reserve_fund) if c.reserve_fund is not None else None,
            reserve_fund_balance=MoneyOut.of(c.reserve_fund_balance) if c.reserve_fund_balance is not None else None,
            reserve_fund_as_of=c.reserve_fund_as_of,
            budget=budget,
        )


class StatusCertificateController(Controller):
    path = "/api/v1/compliance"
    tags = ["Compliance: condominium status certificates"]

    @get(
        "/status-certificate",
        guards=[requires("financial:read")],
        opt=READS_ONLY,
        summary="A condominium unit's status certificate (Ontario) or strata Form B (BC), from the ledger",
    )
    async def status_certificate(
        self,
        ctx: Context,
        unit_id: Annotated[UUID, QueryParameter()],
        request_date: Annotated[date | None, QueryParameter()] = None,
        as_of: Annotated[date | None, QueryParameter()] = None,
        pages: Annotated[int, QueryParameter(ge=0, le=1000)] = 0,
        accept: Annotated[str | None, HeaderParameter(name="Accept")] = None,
    ) -> Response[Any]:
        certificate = await status_certificate(
            uow=ctx.uow(),
            actor=ctx.actor,
            unit_id=unit_id,
            requested_on=request_date or await organization_today(ctx),
            as_of=as_of,
            pages=pages,
        )
        return await answer(
            certificate, StatusCertificateOut.of(certificate), accept=accept, renderer=ctx.document_renderer
        )

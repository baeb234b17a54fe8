"""POST /api/v1/compliance/society-filing: the annual filing of an Indian co-operative housing
society, computed from its books (issue 16 item 3). The registration particulars follow the platform
seed's names (``society_registration_number``, ``registrar_office``, ``bye_laws_version``,
``compliance_status``). Nothing is stored: 200 with the filing, or its PDF with ``Accept:
application/pdf``. A property that is not a society's is 422; another organization's 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.compliance.society_filing import SocietyFiling, SocietyParticulars, society_filing
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.platform.compliance.common import answer
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut

Particular = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class SocietyFilingIn(Input):
    property_id: UUID
    financial_year: Annotated[str, msgspec.Meta(max_length=7)]  # "2025-26"
    society_registration_number: Particular
    registrar_office: Particular
    bye_laws_version: Particular
    construction_cost: MoneyIn
    audit_status: Literal["completed", "in_progress", "not_started"]
    audit_completed_on: date | None = None
    agm_date: date | None = None


class SocietyFilingOut(msgspec.Struct, kw_only=True):
    property_id: UUID
    society_name: str
    society_registration_number: str
    registrar_office: str
    bye_laws_version: str
    compliance_status: str  # compliant | non_compliant
    financial_year: str
    year_start: date
    year_end: date
    members: int
    construction_cost: MoneyOut
    sinking_fund_contributions: MoneyOut
    sinking_fund_required: MoneyOut
    repairs_and_maintenance_fund: MoneyOut
    audit_status: str
    audit_completed_on: date | None
    audit_due_by: date
    agm_date: date | None
    agm_due_by: date
    findings: list[str]
    sources: list[str]

    @classmethod
    def of(cls, f: SocietyFiling) -> SocietyFilingOut:
        p, b = f.particulars, f.books
        return cls(
            property_id=b.property_id,
            society_name=b.society_name,
            society_registration_number=p.registration_number,
            registrar_office=p.registrar_office,
            bye_laws_version=p.bye_laws_version,
            compliance_status=f.compliance_status,
            financial_year=p.financial_year,
            year_start=f.year_start,
            year_end=f.year_end,
            members=b.members,
            construction_cost=MoneyOut.of(p.construction_cost),
            sinking_fund_contributions=MoneyOut.of(b.sinking_fund),
            sinking_fund_required=MoneyOut.of(f.sinking_fund_required),
            repairs_and_maintenance_fund=MoneyOut.of(b.repairs_fund),
            audit_status=p.audit_status,
            audit_completed_on=p.audit_completed_on,
            audit_due_by=f.audit_due_by,
            agm_date=p.agm_date,
            agm_due_by=f.agm_due_by,
            findings=list(f.findings),
            sources=list(f.sources),
        )


class SocietyFilingController(Controller):
    path = "/api/v1/compliance"
    tags = ["Compliance: Indian housing societies"]

    @post(
        "/society-filing",
        guards=[requires("financial:create")],
        opt=READS_ONLY,
        status_code=HTTP_200_OK,
        summary="A co-operative housing society's annual filing from its books, as JSON or PDF",
    )
    async def society_filing(
        self,
        ctx: Context,
        data: JSONBody[SocietyFilingIn],
        accept: Annotated[str | None, HeaderParameter(name="Accept")] = None,
    ) -> Response[Any]:
        particulars = SocietyParticulars(
            registration_number=data.society_registration_number,
            registrar_office=data.registrar_office,
            bye_laws_version=data.bye_laws_version,
            financial_year=data.financial_year,
            construction_cost=data.construction_cost.to_money("construction_cost.amount"),
            audit_status=data.audit_status,
            audit_completed_on=data.audit_completed_on,
            agm_date=data.agm_date,
        )
        filing = await society_filing(
            uow=ctx.uow(), actor=ctx.actor, property_id=data.property_id, particulars=particulars
        )
        return await answer(filing, SocietyFilingOut.of(filing), accept=accept, renderer=ctx.document_renderer)

"""/api/v1/financial/invoices/{id}/credit-notes: credit notes against an issued invoice (CGST Act
s.34 in India; a reduction of the GST/HST collected in Canada), their list, one note, its PDF."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.financial import crediting
from pmsaas.domain.financial.credit_notes import CreditNote, CreditNoteLine
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING
from pmsaas.entrypoints.http.platform.financial.invoices import TaxOut
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut

PDF = "application/pdf"


class CreditLineIn(Input):
    line: Annotated[int, msgspec.Meta(ge=0, le=99)]  # the invoice line's position, 0-based
    amount: MoneyIn  # the taxable value to take off (before tax)


class CreditNoteIn(Input):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    lines: Annotated[list[CreditLineIn], msgspec.Meta(min_length=1, max_length=100)]


class CreditNoteLineOut(msgspec.Struct, kw_only=True):
    line: int
    description: str
    charge_type: str
    supply_type: str | None
    amount: MoneyOut
    taxes: list[TaxOut]
    tax: MoneyOut
    total: MoneyOut

    @classmethod
    def of(cls, x: CreditNoteLine) -> CreditNoteLineOut:
        return cls(
            line=x.line,
            description=x.description,
            charge_type=x.charge_type.value,
            supply_type=x.supply_type,
            amount=MoneyOut.of(x.amount),
            taxes=[TaxOut.of(t) for t in x.taxes],
            tax=MoneyOut.of(x.tax_charged),
            total=MoneyOut.of(x.amount + x.tax_charged),
        )


class CreditNoteOut(msgspec.Struct, kw_only=True):
    id: UUID
    number: str
    invoice_id: UUID
    invoice_number: str
    invoice_date: date
    lease_id: UUID
    tenant_id: UUID
    issue_date: date
    reason: str
    currency: str
    lines: list[CreditNoteLineOut]
    subtotal: MoneyOut
    tax_total: MoneyOut
    total: MoneyOut
    created_at: datetime

    @classmethod
    def of(cls, n: CreditNote) -> CreditNoteOut:
        return cls(
            id=n.id,
            number=n.number,
            invoice_id=n.invoice_id,
            invoice_number=n.invoice_number,
            invoice_date=n.invoice_date,
            lease_id=n.lease_id,
            tenant_id=n.tenant_id,
            issue_date=n.issue_date,
            reason=n.reason,
            currency=n.currency,
            lines=[CreditNoteLineOut.of(x) for x in n.lines],
            subtotal=MoneyOut.of(n.subtotal),
            tax_total=MoneyOut.of(n.tax_total),
            total=MoneyOut.of(n.total),
            created_at=n.created_at,
        )


def _input(body: CreditNoteIn) -> crediting.CreditNoteInput:
    return crediting.CreditNoteInput(
        reason=body.reason,
        lines=[
            crediting.CreditLineInput(x.line, x.amount.to_money(field=f"lines.{i}.amount.amount"))
            for i, x in enumerate(body.lines)
        ],
    )


class CreditNoteController(Controller):
    path = "/api/v1/financial/invoices/{invoice_id:uuid}/credit-notes"
    tags = ["Financial: invoices"]

    @get(
        "/",
        guards=[requires("financial:read")],
        dependencies=PAGING,
        summary="The credit notes issued against an invoice",
    )
    async def list_credit_notes(self, invoice_id: FromPath[UUID], paging: Paged) -> Paginated[CreditNoteOut]:
        ctx = paging.ctx
        notes = await crediting.list_credit_notes(uow=ctx.uow(), actor=ctx.actor, invoice_id=invoice_id)
        return paginated_all([CreditNoteOut.of(n) for n in notes], paging.page)

    @post(
        "/",
        guards=[requires("financial:update")],
        status_code=HTTP_201_CREATED,
        summary="Issue a credit note: value and tax taken off the invoice's lines, posted to the ledger",
    )
    async def create_credit_note(
        self, ctx: Context, invoice_id: FromPath[UUID], data: JSONBody[CreditNoteIn]
    ) -> Ok[CreditNoteOut]:
        note = await crediting.create_credit_note(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, invoice_id=invoice_id, data=_input(data)
        )
        return ok(CreditNoteOut.of(note))

    @get("/{note_id:uuid}", guards=[requires("financial:read")], summary="Get a credit note")
    async def get_credit_note(
        self, ctx: Context, invoice_id: FromPath[UUID], note_id: FromPath[UUID]
    ) -> Ok[CreditNoteOut]:
        note = await crediting.get_credit_note(uow=ctx.uow(), actor=ctx.actor, invoice_id=invoice_id, note_id=note_id)
        return ok(CreditNoteOut.of(note))

    @get(
        "/{note_id:uuid}/pdf",
        guards=[requires("financial:read")],
        opt=READS_ONLY,
        media_type=PDF,
        summary="The credit note as a PDF (CGST rule 53 particulars in India)",
    )
    async def credit_note_pdf(
        self, ctx: Context, invoice_id: FromPath[UUID], note_id: FromPath[UUID]
    ) -> Response[bytes]:
        printed = await crediting.print_credit_note(
            uow=ctx.uow(), actor=ctx.actor, invoice_id=invoice_id, note_id=note_id, renderer=ctx.document_renderer
        )
        return Response(
            printed.content,
            media_type=PDF,
            headers={"Content-Disposition": f'attachment; filename="{printed.file_name}"'},
        )

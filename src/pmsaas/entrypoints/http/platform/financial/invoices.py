"""/api/v1/financial/invoices: drafts, issue, send, cancel, and the payments applied to an invoice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.financial import invoicing
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceTax
from pmsaas.domain.financial.ports import InvoiceFilter
from pmsaas.domain.flows import billing_mail
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING, list_query
from pmsaas.entrypoints.http.platform.financial.common import Description
from pmsaas.entrypoints.http.platform.financial.payments import PaymentOut
from pmsaas.entrypoints.http.platform.financial.tax import SupplyTypeName
from pmsaas.entrypoints.http.platform.organization_day import organization_today
from pmsaas.entrypoints.http.structs import Input, LongText, MoneyIn, MoneyOut

ChargeTypeName = Literal["rent", "deposit", "late_fee", "other", "reserve_fund"]
InvoiceStatusName = Literal["draft", "issued", "sent", "partially_paid", "paid", "cancelled", "overdue"]


# -- bodies ----------------------------------------------------------------------------------


class InvoiceLineIn(Input):
    description: Description
    amount: MoneyIn
    charge_type: ChargeTypeName = "other"
    supply_type: SupplyTypeName | None = None


class InvoiceIn(Input):
    lease_id: UUID
    issue_date: date
    due_date: date
    lines: Annotated[list[InvoiceLineIn], msgspec.Meta(min_length=1, max_length=100)]
    notes: LongText | None = None
    # The month whose rent the invoice bills (YYYY-MM); default: the due date's month when a line is rent.
    period: Annotated[str, msgspec.Meta(max_length=7)] | None = None


class InvoiceCreateIn(InvoiceIn):
    issue: bool = False  # true: issue at once (number + ledger posting); false: a draft


def _invoice_input(body: InvoiceIn) -> invoicing.InvoiceInput:
    return invoicing.InvoiceInput(
        lease_id=body.lease_id,
        issue_date=body.issue_date,
        due_date=body.due_date,
        notes=body.notes,
        period=body.period,
        lines=[
            invoicing.LineInput(
                description=line.description,
                amount=line.amount.to_money(field=f"lines.{i}.amount.amount"),
                charge_type=ChargeType(line.charge_type),
                supply_type=line.supply_type,
            )
            for i, line in enumerate(body.lines)
        ],
    )


# -- responses -------------------------------------------------------------------------------


class TaxOut(msgspec.Struct, kw_only=True):
    tax: str
    rate: float
    amount: MoneyOut
    payable_by: str
    jurisdiction: str | None

    @classmethod
    def of(cls, t: InvoiceTax) -> TaxOut:
        """An invoice line's or a credit note line's tax head (the same fields)."""
        return cls(
            tax=t.tax,
            rate=float(t.rate),
            amount=MoneyOut.of(t.amount),
            payable_by=t.payable_by,
            jurisdiction=t.jurisdiction,
        )


class InvoiceLineOut(msgspec.Struct, kw_only=True):
    description: str
    charge_type: str
    supply_type: str | None
    amount: MoneyOut
    taxes: list[TaxOut]
    tax: MoneyOut
    total: MoneyOut

    @classmethod
    def of(cls, line: InvoiceLine) -> InvoiceLineOut:
        return cls(
            description=line.description,
            charge_type=line.charge_type.value,
            supply_type=line.supply_type,
            amount=MoneyOut.of(line.amount),
            taxes=[TaxOut.of(t) for t in line.taxes],
            tax=MoneyOut.of(line.tax_charged),
            total=MoneyOut.of(line.amount + line.tax_charged),
        )


class InvoiceOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    number: str | None
    lease_id: UUID
    tenant_id: UUID
    status: str
    issue_date: date
    due_date: date
    period: str | None
    currency: str
    lines: list[InvoiceLineOut]
    subtotal: MoneyOut
    tax_total: MoneyOut
    round_off: MoneyOut  # India: the rounding to the rupee decided at issue (zero on drafts); in total
    total: MoneyOut
    amount_paid: MoneyOut
    amount_credited: MoneyOut  # taken off by credit notes (/credit-notes)
    balance_due: MoneyOut
    notes: str | None
    issued_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, inv: Invoice, today: date) -> InvoiceOut:
        return cls(
            id=inv.id,
            organization_id=inv.organization_id,
            number=inv.number,
            lease_id=inv.lease_id,
            tenant_id=inv.tenant_id,
            status=inv.display_status(today),
            issue_date=inv.issue_date,
            due_date=inv.due_date,
            period=inv.service_period,
            currency=inv.currency,
            lines=[InvoiceLineOut.of(line) for line in inv.lines],
            subtotal=MoneyOut.of(inv.subtotal),
            tax_total=MoneyOut.of(inv.tax_total),
            round_off=MoneyOut.of(inv.round_off or Money.zero(inv.currency)),
            total=MoneyOut.of(inv.total),
            amount_paid=MoneyOut.of(inv.amount_paid),
            amount_credited=MoneyOut.of(inv.amount_credited),
            balance_due=MoneyOut.of(inv.balance_due),
            notes=inv.notes,
            issued_at=inv.issued_at,
            sent_at=inv.sent_at,
            cancelled_at=inv.cancelled_at,
            version=inv.version,
            created_at=inv.created_at,
            updated_at=inv.updated_at,
        )


async def _today(ctx: Context) -> date:
    """The organization's today decides "overdue": at 00:30 UTC an invoice due on the 7th is not yet
    overdue in Toronto, where it is still the 7th."""
    return await organization_today(ctx)


# -- controllers -----------------------------------------------------------------------------


class InvoiceController(Controller):
    path = "/api/v1/financial/invoices"
    tags = ["Financial: invoices"]
    dependencies = {"listing": Provide(list_query(("created_at", "due_date", "issue_date", "number", "total")))}

    @get("/", guards=[requires("financial:read")], opt=READS_ONLY, summary="List invoices")
    async def list_invoices(
        self,
        listing: Listing,
        status: FromQuery[InvoiceStatusName | None] = None,
        lease_id: FromQuery[UUID | None] = None,
    ) -> Paginated[InvoiceOut]:
        ctx = listing.ctx
        today = await _today(ctx)
        filters = InvoiceFilter(status=status, lease_id=lease_id, overdue_on=today)
        page = await invoicing.list_invoices(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [InvoiceOut.of(i, today) for i in page.items])

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Create an invoice")
    async def create_invoice(self, ctx: Context, data: JSONBody[InvoiceCreateIn]) -> Ok[InvoiceOut]:
        invoice = await invoicing.create_invoice(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=_invoice_input(data), issue=data.issue
        )
        return ok(InvoiceOut.of(invoice, await _today(ctx)))

    @get("/{invoice_id:uuid}", guards=[requires("financial:read")], summary="Get an invoice")
    async def get_invoice(self, ctx: Context, invoice_id: FromPath[UUID]) -> Ok[InvoiceOut]:
        invoice = await invoicing.get_invoice(uow=ctx.uow(), actor=ctx.actor, invoice_id=invoice_id)
        return ok(InvoiceOut.of(invoice, await _today(ctx)))

    @put("/{invoice_id:uuid}", guards=[requires("financial:update")], summary="Replace a draft invoice")
    async def update_invoice(
        self, ctx: Context, invoice_id: FromPath[UUID], data: JSONBody[InvoiceIn]
    ) -> Ok[InvoiceOut]:
        invoice = await invoicing.update_invoice(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, invoice_id=invoice_id, data=_invoice_input(data)
        )
        return ok(InvoiceOut.of(invoice, await _today(ctx)))

    @delete(
        "/{invoice_id:uuid}",
        guards=[requires("financial:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a draft invoice",
    )
    async def delete_invoice(self, ctx: Context, invoice_id: FromPath[UUID]) -> None:
        await invoicing.delete_invoice(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, invoice_id=invoice_id)

    @post(
        "/{invoice_id:uuid}/issue",
        guards=[requires("financial:update")],
        status_code=HTTP_200_OK,
        summary="Issue a draft: number it and post it to the ledger",
    )
    async def issue_invoice(self, ctx: Context, invoice_id: FromPath[UUID]) -> Ok[InvoiceOut]:
        invoice = await invoicing.issue_invoice(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, invoice_id=invoice_id)
        return ok(InvoiceOut.of(invoice, await _today(ctx)))

    @post(
        "/{invoice_id:uuid}/send",
        guards=[requires("financial:update")],
        status_code=HTTP_200_OK,
        summary="E-mail the invoice (PDF attached); a draft is issued first",
    )
    async def send_invoice(self, ctx: Context, invoice_id: FromPath[UUID]) -> Ok[InvoiceOut]:
        invoice = await billing_mail.send_invoice(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            invoice_id=invoice_id,
            mail=billing_mail.InvoiceMail(first_attempt=ctx.first_mail_attempt),
        )
        return ok(InvoiceOut.of(invoice, await _today(ctx)))

    @post(
        "/{invoice_id:uuid}/cancel",
        guards=[requires("financial:update")],
        status_code=HTTP_200_OK,
        summary="Cancel an invoice (an issued one gets a reversing ledger entry)",
    )
    async def cancel_invoice(self, ctx: Context, invoice_id: FromPath[UUID]) -> Ok[InvoiceOut]:
        invoice = await invoicing.cancel_invoice(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, invoice_id=invoice_id)
        return ok(InvoiceOut.of(invoice, await _today(ctx)))

    @get(
        "/{invoice_id:uuid}/payments",
        guards=[requires("financial:read")],
        dependencies=PAGING,
        summary="Payments applied to an invoice",
    )
    async def invoice_payments(self, invoice_id: FromPath[UUID], paging: Paged) -> Paginated[PaymentOut]:
        ctx = paging.ctx
        payments = await invoicing.invoice_payments(uow=ctx.uow(), actor=ctx.actor, invoice_id=invoice_id)
        return paginated_all([PaymentOut.of(p) for p in payments], paging.page)

"""/api/v1/financial/expenses: record, approve or reject, attachments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.financial import expenses
from pmsaas.domain.financial.input_tax import InputTax, InputTaxLine
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING, list_query
from pmsaas.entrypoints.http.platform.financial.common import Description, not_tenant
from pmsaas.entrypoints.http.platform.financial.tds import ExpenseTdsIn, TdsOut
from pmsaas.entrypoints.http.structs import Input, MoneyIn, MoneyOut


class AttachmentIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"^https?://")]
    content_type: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class InputTaxLineIn(Input):
    tax: Literal["IGST", "CGST", "SGST", "UTGST", "CESS", "GST", "HST", "QST"]
    amount: MoneyIn
    rate: Decimal | None = None  # percent; 0-100 (checked with the lines)


class InputTaxIn(Input):
    """The tax on the vendor's bill, on top of ``amount``: claimed as an input tax credit at approval."""

    lines: Annotated[list[InputTaxLineIn], msgspec.Meta(min_length=1, max_length=5)]
    reverse_charge: bool = False  # India: the organization pays the tax itself (GSTR-3B 3.1(d))
    claimable: bool = True  # false: a blocked credit, the tax is part of the cost
    supplier_tax_id: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    region: Annotated[str, msgspec.Meta(min_length=2, max_length=10)] | None = None  # default: the property's

    def to_domain(self) -> InputTax:
        return InputTax(
            lines=tuple(
                InputTaxLine(t.tax, t.amount.to_money(field=f"input_tax.lines.{i}.amount.amount"), t.rate)
                for i, t in enumerate(self.lines)
            ),
            reverse_charge=self.reverse_charge,
            claimable=self.claimable,
            supplier_tax_id=self.supplier_tax_id.strip().upper() if self.supplier_tax_id else None,
            region=self.region.strip().upper() if self.region else None,
        )


class InputTaxLineOut(msgspec.Struct, kw_only=True):
    tax: str
    amount: MoneyOut
    rate: float | None


class InputTaxOut(msgspec.Struct, kw_only=True):
    lines: list[InputTaxLineOut]
    total: MoneyOut
    reverse_charge: bool
    claimable: bool
    supplier_tax_id: str | None
    region: str | None

    @classmethod
    def of(cls, t: InputTax | None, currency: str) -> InputTaxOut | None:
        if t is None:
            return None
        return cls(
            lines=[
                InputTaxLineOut(tax=x.tax, amount=MoneyOut.of(x.amount), rate=None if x.rate is None else float(x.rate))
                for x in t.lines
            ],
            total=MoneyOut.of(t.total(currency)),
            reverse_charge=t.reverse_charge,
            claimable=t.claimable,
            supplier_tax_id=t.supplier_tax_id,
            region=t.region,
        )


class ExpenseIn(Input):
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    description: Description
    amount: MoneyIn
    expense_date: date
    vendor: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    property_id: UUID | None = None
    attachments: Annotated[list[AttachmentIn], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    tds: ExpenseTdsIn | None = None  # India: TDS the organization withholds (computed at approval)
    input_tax: InputTaxIn | None = None  # GST/HST/QST or India's GST heads on the bill, on top of amount

    def to_input(self) -> expenses.ExpenseInput:
        return expenses.ExpenseInput(
            category=self.category,
            description=self.description,
            amount=self.amount.to_money(field="amount.amount"),
            expense_date=self.expense_date,
            vendor=self.vendor,
            property_id=self.property_id,
            attachments=tuple(expenses.Attachment(a.name, a.url, a.content_type) for a in self.attachments),
            tds=self.tds.to_request() if self.tds else None,
            input_tax=self.input_tax.to_domain() if self.input_tax else None,
        )


class RejectIn(Input):
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class AttachmentOut(msgspec.Struct, kw_only=True):
    name: str
    url: str
    content_type: str | None


class ExpenseOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    property_id: UUID | None
    category: str
    description: str
    vendor: str | None
    amount: MoneyOut
    expense_date: date
    status: str
    attachments: list[AttachmentOut]
    decided_by: UUID | None
    decided_at: datetime | None
    rejection_reason: str | None
    tds: TdsOut | None
    input_tax: InputTaxOut | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, e: expenses.Expense) -> ExpenseOut:
        return cls(
            id=e.id,
            organization_id=e.organization_id,
            property_id=e.property_id,
            category=e.category,
            description=e.description,
            vendor=e.vendor,
            amount=MoneyOut.of(e.amount),
            expense_date=e.expense_date,
            status=e.status.value,
            attachments=[AttachmentOut(name=a.name, url=a.url, content_type=a.content_type) for a in e.attachments],
            decided_by=e.decided_by,
            decided_at=e.decided_at,
            rejection_reason=e.rejection_reason,
            tds=TdsOut.of(e.tds),
            input_tax=InputTaxOut.of(e.input_tax, e.amount.currency),
            version=e.version,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class ExpenseController(Controller):
    path = "/api/v1/financial/expenses"
    tags = ["Financial: expenses"]
    dependencies = {"listing": Provide(list_query(("created_at", "expense_date", "amount")))}

    @get("/", guards=[requires("financial:read")], summary="List expenses")
    async def list_expenses(
        self, listing: Listing, status: FromQuery[Literal["pending", "approved", "rejected"] | None] = None
    ) -> Paginated[ExpenseOut]:
        ctx = listing.ctx
        not_tenant(ctx.actor)
        page = await expenses.list_expenses(uow=ctx.uow(), actor=ctx.actor, status=status, page=listing.page)
        return paginated(page, [ExpenseOut.of(e) for e in page.items])

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Record an expense")
    async def create_expense(self, ctx: Context, data: JSONBody[ExpenseIn]) -> Ok[ExpenseOut]:
        return ok(
            ExpenseOut.of(
                await expenses.create_expense(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=data.to_input())
            )
        )

    @get("/{expense_id:uuid}", guards=[requires("financial:read")], summary="Get an expense")
    async def get_expense(self, ctx: Context, expense_id: FromPath[UUID]) -> Ok[ExpenseOut]:
        not_tenant(ctx.actor)
        return ok(ExpenseOut.of(await expenses.get_expense(uow=ctx.uow(), actor=ctx.actor, expense_id=expense_id)))

    @put("/{expense_id:uuid}", guards=[requires("financial:update")], summary="Replace a pending expense")
    async def update_expense(
        self, ctx: Context, expense_id: FromPath[UUID], data: JSONBody[ExpenseIn]
    ) -> Ok[ExpenseOut]:
        expense = await expenses.update_expense(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, expense_id=expense_id, data=data.to_input()
        )
        return ok(ExpenseOut.of(expense))

    @delete(
        "/{expense_id:uuid}",
        guards=[requires("financial:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a pending expense",
    )
    async def delete_expense(self, ctx: Context, expense_id: FromPath[UUID]) -> None:
        await expenses.delete_expense(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, expense_id=expense_id)

    @post(
        "/{expense_id:uuid}/approve",
        guards=[requires("financial:approve")],
        status_code=HTTP_200_OK,
        summary="Approve: posts Dr expenses / Cr accounts payable",
    )
    async def approve(self, ctx: Context, expense_id: FromPath[UUID]) -> Ok[ExpenseOut]:
        expense = await expenses.decide_expense(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, expense_id=expense_id, approve=True
        )
        return ok(ExpenseOut.of(expense))

    @post(
        "/{expense_id:uuid}/reject",
        guards=[requires("financial:approve")],
        status_code=HTTP_200_OK,
        summary="Reject a pending expense",
    )
    async def reject(
        self, ctx: Context, expense_id: FromPath[UUID], data: JSONBody[RejectIn | None] = None
    ) -> Ok[ExpenseOut]:
        expense = await expenses.decide_expense(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            expense_id=expense_id,
            approve=False,
            reason=data.reason if data else None,
        )
        return ok(ExpenseOut.of(expense))

    @get(
        "/{expense_id:uuid}/attachments",
        guards=[requires("financial:read")],
        dependencies=PAGING,
        summary="An expense's attachments",
    )
    async def attachments(self, expense_id: FromPath[UUID], paging: Paged) -> Paginated[AttachmentOut]:
        ctx = paging.ctx
        not_tenant(ctx.actor)
        e = await expenses.get_expense(uow=ctx.uow(), actor=ctx.actor, expense_id=expense_id)
        found = [AttachmentOut(name=a.name, url=a.url, content_type=a.content_type) for a in e.attachments]
        return paginated_all(found, paging.page)

"""/api/v1/financial: invoices, payments, payment methods, trial balance; /api/v1/leases/{id}/ledger.

Money is ``{"amount": "1180.00", "currency": "INR"}`` both ways. Payment and refund creation
require an ``Idempotency-Key`` header (400 without); the generic middleware replays responses, and
the domain enforces exactly-once on its own too (unique key per organization in the database).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.financial import budgets, expenses, services
from pmsaas.domain.financial.ledger import TrialBalanceRow
from pmsaas.domain.financial.model import Allocation, ChargeType, Invoice, InvoiceLine, Payment, PaymentMethod, Refund
from pmsaas.domain.financial.ports import (
    FinancialUnitOfWork,
    InvoiceFilter,
    LedgerLineView,
    PaymentFilter,
    PaymentMethodRecord,
)
from pmsaas.domain.financial.reports import TaxReturnRow, to_csv
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import AppContainer, CurrentActor, CurrentClock, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.errors import ApiError
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.financial_tax import SupplyTypeName
from pmsaas.entrypoints.http.platform.financial_tds import CertificateText, ExpenseTdsIn, PaymentTdsIn, TdsOut
from pmsaas.entrypoints.http.structs import Input, LongText, MoneyIn, MoneyOut
from pmsaas.settings import Settings

ChargeTypeName = Literal["rent", "deposit", "late_fee", "other"]
InvoiceStatusName = Literal["draft", "issued", "sent", "partially_paid", "paid", "cancelled", "overdue"]
PaymentStatusName = Literal["pending", "succeeded", "failed", "refunded", "partially_refunded"]
MethodName = Literal["card", "cash", "cheque", "bank_transfer", "upi", "interac"]
Description = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Reference = Annotated[str, msgspec.Meta(max_length=200)]
CardNumber = Annotated[str, msgspec.Meta(min_length=12, max_length=23, pattern=r"^[0-9 ]+$")]
# A card tokenized by the gateway's client library (Stripe.js: a PaymentMethod id), so the card never reaches us.
PaymentToken = Annotated[str, msgspec.Meta(max_length=100, pattern=r"^pm_[A-Za-z0-9_]+$")]


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


class InvoiceCreateIn(InvoiceIn):
    issue: bool = False  # true: issue at once (number + ledger posting); false: a draft


def _invoice_input(body: InvoiceIn) -> services.InvoiceInput:
    return services.InvoiceInput(
        lease_id=body.lease_id,
        issue_date=body.issue_date,
        due_date=body.due_date,
        notes=body.notes,
        lines=[
            services.LineInput(
                description=line.description,
                amount=line.amount.to_money(field=f"lines.{i}.amount.amount"),
                charge_type=ChargeType(line.charge_type),
                supply_type=line.supply_type,
            )
            for i, line in enumerate(body.lines)
        ],
    )


class PaymentIn(Input):
    lease_id: UUID
    amount: MoneyIn
    method: MethodName
    invoice_ids: Annotated[list[UUID], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    reference: Reference | None = None
    notes: LongText | None = None
    card_number: CardNumber | None = None  # sandbox test cards (and Stripe's test cards)
    payment_token: PaymentToken | None = None  # production card payments: the gateway's token instead of a number
    tds: PaymentTdsIn | None = None  # India: TDS the tenant withheld; amount stays the cash received


class PaymentUpdateIn(Input):
    reference: Reference | None = None
    notes: LongText | None = None
    # Omitted: kept; null: cleared (the certificate, Form 16A/16C, usually comes after the payment).
    tds_certificate_number: CertificateText | msgspec.UnsetType | None = msgspec.UNSET


class RefundIn(Input):
    amount: MoneyIn
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class PaymentMethodIn(Input):
    type: MethodName
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    enabled: bool = True
    details: dict[str, str] = msgspec.field(default_factory=dict)


# -- responses -------------------------------------------------------------------------------


class TaxOut(msgspec.Struct, kw_only=True):
    tax: str
    rate: float
    amount: MoneyOut
    payable_by: str
    jurisdiction: str | None


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
            taxes=[
                TaxOut(
                    tax=t.tax,
                    rate=float(t.rate),
                    amount=MoneyOut.of(t.amount),
                    payable_by=t.payable_by,
                    jurisdiction=t.jurisdiction,
                )
                for t in line.taxes
            ],
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
            period=inv.period,
            currency=inv.currency,
            lines=[InvoiceLineOut.of(line) for line in inv.lines],
            subtotal=MoneyOut.of(inv.subtotal),
            tax_total=MoneyOut.of(inv.tax_total),
            round_off=MoneyOut.of(inv.round_off or Money.zero(inv.currency)),
            total=MoneyOut.of(inv.total),
            amount_paid=MoneyOut.of(inv.amount_paid),
            balance_due=MoneyOut.of(inv.balance_due),
            notes=inv.notes,
            issued_at=inv.issued_at,
            sent_at=inv.sent_at,
            cancelled_at=inv.cancelled_at,
            version=inv.version,
            created_at=inv.created_at,
            updated_at=inv.updated_at,
        )


class AllocationOut(msgspec.Struct, kw_only=True):
    invoice_id: UUID
    amount: MoneyOut

    @classmethod
    def of(cls, a: Allocation) -> AllocationOut:
        return cls(invoice_id=a.invoice_id, amount=MoneyOut.of(a.amount))


class PaymentOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    lease_id: UUID
    tenant_id: UUID
    amount: MoneyOut
    method: str
    status: str
    reference: str | None
    notes: str | None
    receipt_number: str | None
    gateway: str | None
    gateway_payment_id: str | None
    failure_reason: str | None
    received_at: datetime | None
    allocations: list[AllocationOut]
    unallocated: MoneyOut  # kept as tenant credit
    refunded: MoneyOut
    tds: TdsOut | None  # India: TDS withheld by the tenant (allocated on top of the cash amount)
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: Payment) -> PaymentOut:
        settled = p.receipt_number is not None
        return cls(
            id=p.id,
            organization_id=p.organization_id,
            lease_id=p.lease_id,
            tenant_id=p.tenant_id,
            amount=MoneyOut.of(p.amount),
            method=p.method.value,
            status=p.status.value,
            reference=p.reference,
            notes=p.notes,
            receipt_number=p.receipt_number,
            gateway=p.gateway,
            gateway_payment_id=p.gateway_payment_id,
            failure_reason=p.failure_reason,
            received_at=p.received_at,
            allocations=[AllocationOut.of(a) for a in p.allocations],
            unallocated=MoneyOut.of(p.unallocated if settled else Money.zero(p.amount.currency)),
            refunded=MoneyOut.of(p.amount_refunded),
            tds=TdsOut.of(p.tds),
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class RefundOut(msgspec.Struct, kw_only=True):
    id: UUID
    payment_id: UUID
    amount: MoneyOut
    reason: str | None
    created_at: datetime


class RefundResultOut(msgspec.Struct, kw_only=True):
    refund: RefundOut
    payment: PaymentOut

    @classmethod
    def of(cls, payment: Payment, refund: Refund) -> RefundResultOut:
        return cls(
            refund=RefundOut(
                id=refund.id,
                payment_id=refund.payment_id,
                amount=MoneyOut.of(refund.amount),
                reason=refund.reason,
                created_at=refund.created_at,
            ),
            payment=PaymentOut.of(payment),
        )


class ReceiptOut(msgspec.Struct, kw_only=True):
    receipt_number: str
    payment_id: UUID
    lease_id: UUID
    tenant_id: UUID
    received_at: datetime
    method: str
    reference: str | None
    amount: MoneyOut
    allocations: list[AllocationOut]
    credit: MoneyOut
    refunded: MoneyOut
    tds: TdsOut | None


class PaymentMethodOut(msgspec.Struct, kw_only=True):
    id: UUID | None
    type: str
    label: str
    enabled: bool
    details: dict[str, Any]

    @classmethod
    def of(cls, m: PaymentMethodRecord) -> PaymentMethodOut:
        return cls(id=m.id, type=m.type, label=m.label, enabled=m.enabled, details=dict(m.details))


class TrialBalanceRowOut(msgspec.Struct, kw_only=True):
    account: str
    name: str
    kind: str
    debit: MoneyOut
    credit: MoneyOut
    balance: MoneyOut

    @classmethod
    def of(cls, r: TrialBalanceRow) -> TrialBalanceRowOut:
        return cls(
            account=r.account,
            name=r.name,
            kind=r.kind.value,
            debit=MoneyOut.of(r.debit),
            credit=MoneyOut.of(r.credit),
            balance=MoneyOut.of(r.balance),
        )


class TrialBalanceOut(msgspec.Struct, kw_only=True):
    currency: str
    accounts: list[TrialBalanceRowOut]
    total_debits: MoneyOut
    total_credits: MoneyOut
    balanced: bool


class LedgerLineOut(msgspec.Struct, kw_only=True):
    entry_id: UUID
    date: date
    description: str
    source_type: str
    source_id: UUID | None
    debit: MoneyOut
    credit: MoneyOut
    balance: MoneyOut  # running: > 0 owed by the tenant, < 0 tenant credit


class LeaseLedgerOut(msgspec.Struct, kw_only=True):
    lease_id: UUID
    tenant_id: UUID
    currency: str
    entries: list[LedgerLineOut]
    balance: MoneyOut


# -- helpers ---------------------------------------------------------------------------------


def _require_key(request: Request[Any, Any, Any]) -> str:
    key = request.headers.get("idempotency-key")
    if not key or not key.strip():
        raise ApiError(400, "BAD_REQUEST", "Idempotency-Key header is required for this request")
    if len(key) > 255:
        raise ValidationFailed.single("Idempotency-Key", "at most 255 characters")
    return key


def _fingerprint(path: str, body: msgspec.Struct) -> str:
    return hashlib.sha256(path.encode() + b"\n" + msgspec.json.encode(body)).hexdigest()


def _today(clock: Any) -> date:
    return clock.today()


# -- controllers -----------------------------------------------------------------------------


class InvoiceController(Controller):
    path = "/api/v1/financial/invoices"
    tags = ["Financial: invoices"]
    dependencies = {"listing": Provide(list_query(("created_at", "due_date", "issue_date", "number", "total")))}

    @get("/", guards=[requires("financial:read")], summary="List invoices")
    async def list_invoices(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        actor: CurrentActor,
        clock: CurrentClock,
        listing: Listing,
        status: FromQuery[InvoiceStatusName | None] = None,
        lease_id: FromQuery[UUID | None] = None,
    ) -> Paginated[InvoiceOut]:
        today = _today(clock)
        filters = InvoiceFilter(status=status, lease_id=lease_id, overdue_on=today)
        page = await services.list_invoices(uow=uow, actor=actor, filters=filters, page=listing.page)
        return paginated(page, [InvoiceOut.of(i, today) for i in page.items])

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Create an invoice")
    async def create_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        data: JSONBody[InvoiceCreateIn],
    ) -> Ok[InvoiceOut]:
        invoice = await services.create_invoice(
            uow=uow, clock=clock, actor=actor, data=_invoice_input(data), issue=data.issue
        )
        return ok(InvoiceOut.of(invoice, _today(clock)))

    @get("/{invoice_id:uuid}", guards=[requires("financial:read")], summary="Get an invoice")
    async def get_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        invoice_id: FromPath[UUID],
    ) -> Ok[InvoiceOut]:
        invoice = await services.get_invoice(uow=uow, actor=actor, invoice_id=invoice_id)
        return ok(InvoiceOut.of(invoice, _today(clock)))

    @put("/{invoice_id:uuid}", guards=[requires("financial:update")], summary="Replace a draft invoice")
    async def update_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        invoice_id: FromPath[UUID],
        data: JSONBody[InvoiceIn],
    ) -> Ok[InvoiceOut]:
        invoice = await services.update_invoice(
            uow=uow, clock=clock, actor=actor, invoice_id=invoice_id, data=_invoice_input(data)
        )
        return ok(InvoiceOut.of(invoice, _today(clock)))

    @delete(
        "/{invoice_id:uuid}",
        guards=[requires("financial:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a draft invoice",
    )
    async def delete_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        invoice_id: FromPath[UUID],
    ) -> None:
        await services.delete_invoice(uow=uow, clock=clock, actor=actor, invoice_id=invoice_id)

    @post(
        "/{invoice_id:uuid}/issue",
        guards=[requires("financial:update")],
        status_code=HTTP_200_OK,
        summary="Issue a draft: number it and post it to the ledger",
    )
    async def issue_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        invoice_id: FromPath[UUID],
    ) -> Ok[InvoiceOut]:
        invoice = await services.issue_invoice(uow=uow, clock=clock, actor=actor, invoice_id=invoice_id)
        return ok(InvoiceOut.of(invoice, _today(clock)))

    @post(
        "/{invoice_id:uuid}/send",
        guards=[requires("financial:update")],
        status_code=HTTP_200_OK,
        summary="E-mail the invoice (PDF attached); a draft is issued first",
    )
    async def send_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
        actor: CurrentActor,
        invoice_id: FromPath[UUID],
    ) -> Ok[InvoiceOut]:
        invoice = await services.send_invoice(
            uow=uow,
            clock=clock,
            actor=actor,
            invoice_id=invoice_id,
            mailer=container.mailer(),
            renderer=container.invoice_renderer(),
        )
        return ok(InvoiceOut.of(invoice, _today(clock)))

    @post(
        "/{invoice_id:uuid}/cancel",
        guards=[requires("financial:update")],
        status_code=HTTP_200_OK,
        summary="Cancel an invoice (an issued one gets a reversing ledger entry)",
    )
    async def cancel_invoice(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        invoice_id: FromPath[UUID],
    ) -> Ok[InvoiceOut]:
        invoice = await services.cancel_invoice(uow=uow, clock=clock, actor=actor, invoice_id=invoice_id)
        return ok(InvoiceOut.of(invoice, _today(clock)))

    @get("/{invoice_id:uuid}/payments", guards=[requires("financial:read")], summary="Payments applied to an invoice")
    async def invoice_payments(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, invoice_id: FromPath[UUID]
    ) -> Ok[list[PaymentOut]]:
        payments = await services.invoice_payments(uow=uow, actor=actor, invoice_id=invoice_id)
        return ok([PaymentOut.of(p) for p in payments])


class PaymentController(Controller):
    path = "/api/v1/financial/payments"
    tags = ["Financial: payments"]
    dependencies = {"listing": Provide(list_query(("created_at", "amount", "received_at")))}

    @get("/", guards=[requires("payment:read")], summary="List payments")
    async def list_payments(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        actor: CurrentActor,
        listing: Listing,
        status: FromQuery[PaymentStatusName | None] = None,
        lease_id: FromQuery[UUID | None] = None,
    ) -> Paginated[PaymentOut]:
        page = await services.list_payments(
            uow=uow, actor=actor, filters=PaymentFilter(status=status, lease_id=lease_id), page=listing.page
        )
        return paginated(page, [PaymentOut.of(p) for p in page.items])

    @post(
        "/",
        guards=[requires("payment:create")],
        status_code=HTTP_201_CREATED,
        summary="Pay (card via the gateway) or record a manual payment; Idempotency-Key required",
        opt={"idempotency": "required"},
    )
    async def create_payment(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
        actor: CurrentActor,
        data: JSONBody[PaymentIn],
    ) -> Response[Ok[PaymentOut]]:
        key = _require_key(request)
        if data.card_number and data.payment_token:
            raise ValidationFailed.single("payment_token", "send either card_number or payment_token, not both")
        payment, replayed = await services.create_payment_once(
            uow=uow,
            clock=clock,
            actor=actor,
            gateway=container.payment_gateway(),
            data=services.PaymentInput(
                lease_id=data.lease_id,
                amount=data.amount.to_money(field="amount.amount"),
                method=PaymentMethod(data.method),
                invoice_ids=tuple(dict.fromkeys(data.invoice_ids)),
                reference=data.reference,
                notes=data.notes,
                card_number=data.card_number or data.payment_token,
                tds=data.tds.to_request() if data.tds else None,
            ),
            idempotency_key=key,
            fingerprint=_fingerprint("payments", data),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(ok(PaymentOut.of(payment)), status_code=HTTP_201_CREATED, headers=headers)

    @get("/{payment_id:uuid}", guards=[requires("payment:read")], summary="Get a payment")
    async def get_payment(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, payment_id: FromPath[UUID]
    ) -> Ok[PaymentOut]:
        return ok(PaymentOut.of(await services.get_payment(uow=uow, actor=actor, payment_id=payment_id)))

    @put("/{payment_id:uuid}", guards=[requires("payment:update")], summary="Update a payment's reference and notes")
    async def update_payment(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        payment_id: FromPath[UUID],
        data: JSONBody[PaymentUpdateIn],
    ) -> Ok[PaymentOut]:
        certificate = services.KEEP if data.tds_certificate_number is msgspec.UNSET else data.tds_certificate_number
        payment = await services.update_payment(
            uow=uow,
            clock=clock,
            actor=actor,
            payment_id=payment_id,
            reference=data.reference,
            notes=data.notes,
            tds_certificate_number=certificate,
        )
        return ok(PaymentOut.of(payment))

    @get("/{payment_id:uuid}/receipt", guards=[requires("payment:read")], summary="The receipt of a settled payment")
    async def receipt(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, payment_id: FromPath[UUID]
    ) -> Ok[ReceiptOut]:
        p = await services.get_payment(uow=uow, actor=actor, payment_id=payment_id)
        if p.receipt_number is None or p.received_at is None:
            raise Conflict(f"the payment is {p.status.value}: no receipt yet")
        return ok(
            ReceiptOut(
                receipt_number=p.receipt_number,
                payment_id=p.id,
                lease_id=p.lease_id,
                tenant_id=p.tenant_id,
                received_at=p.received_at,
                method=p.method.value,
                reference=p.reference,
                amount=MoneyOut.of(p.amount),
                allocations=[AllocationOut.of(a) for a in p.allocations],
                credit=MoneyOut.of(p.unallocated),
                refunded=MoneyOut.of(p.amount_refunded),
                tds=TdsOut.of(p.tds),
            )
        )

    @post(
        "/{payment_id:uuid}/refund",
        guards=[requires("payment:refund")],
        status_code=HTTP_201_CREATED,
        summary="Refund part or all of a payment; Idempotency-Key required",
        opt={"idempotency": "required"},
    )
    async def refund(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
        actor: CurrentActor,
        payment_id: FromPath[UUID],
        data: JSONBody[RefundIn],
    ) -> Response[Ok[RefundResultOut]]:
        key = _require_key(request)
        payment, refund, replayed = await services.refund_payment(
            gateway=container.payment_gateway(),
            uow=uow,
            clock=clock,
            actor=actor,
            payment_id=payment_id,
            amount=data.amount.to_money(field="amount.amount"),
            reason=data.reason,
            idempotency_key=key,
            fingerprint=_fingerprint(f"refund:{payment_id}", data),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(ok(RefundResultOut.of(payment, refund)), status_code=HTTP_201_CREATED, headers=headers)


class PaymentMethodController(Controller):
    path = "/api/v1/financial/payment-methods"
    tags = ["Financial: payments"]

    @get("/", guards=[requires("payment:read")], summary="Payment methods the organization accepts")
    async def list_methods(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor
    ) -> Ok[list[PaymentMethodOut]]:
        return ok([PaymentMethodOut.of(m) for m in await services.list_payment_methods(uow=uow, actor=actor)])

    @post("/", guards=[requires("financial:update")], status_code=HTTP_201_CREATED, summary="Add a payment method")
    async def add_method(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, data: JSONBody[PaymentMethodIn]
    ) -> Ok[PaymentMethodOut]:
        record = PaymentMethodRecord(actor.org, data.type, data.label, data.enabled, dict(data.details))
        return ok(PaymentMethodOut.of(await services.add_payment_method(uow=uow, actor=actor, record=record)))


class LedgerController(Controller):
    path = "/api/v1"
    tags = ["Financial: ledger"]

    @get("/financial/trial-balance", guards=[requires("financial:read")], summary="Trial balance of the organization")
    async def trial_balance(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor
    ) -> Ok[TrialBalanceOut]:
        if actor.is_tenant:
            raise PermissionDenied("tenants see their own lease ledger, not the organization's books")
        currency, rows = await services.trial_balance(uow=uow, actor=actor)
        debits = sum((r.debit.minor for r in rows), 0)
        credits = sum((r.credit.minor for r in rows), 0)
        return ok(
            TrialBalanceOut(
                currency=currency,
                accounts=[TrialBalanceRowOut.of(r) for r in rows],
                total_debits=MoneyOut.of(Money.from_minor(debits, currency)),
                total_credits=MoneyOut.of(Money.from_minor(credits, currency)),
                balanced=debits == credits,
            )
        )

    @get("/leases/{lease_id:uuid}/ledger", guards=[requires("financial:read")], summary="A lease's ledger and balance")
    async def lease_ledger(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, lease_id: FromPath[UUID]
    ) -> Ok[LeaseLedgerOut]:
        ledger = await services.lease_ledger(uow=uow, actor=actor, lease_id=lease_id)
        currency = ledger.lease.currency
        running = Money.zero(currency)
        entries: list[LedgerLineOut] = []
        zero = Money.zero(currency)
        for line in ledger.lines:
            running = running + line.amount
            entries.append(_ledger_line(line, running, zero))
        return ok(
            LeaseLedgerOut(
                lease_id=ledger.lease.id,
                tenant_id=ledger.lease.tenant_id,
                currency=currency,
                entries=entries,
                balance=MoneyOut.of(ledger.balance),
            )
        )


def _ledger_line(line: LedgerLineView, running: Money, zero: Money) -> LedgerLineOut:
    return LedgerLineOut(
        entry_id=line.entry_id,
        date=line.entry_date,
        description=line.description,
        source_type=line.source_type,
        source_id=line.source_id,
        debit=MoneyOut.of(line.amount if line.amount.is_positive else zero),
        credit=MoneyOut.of(-line.amount if line.amount.is_negative else zero),
        balance=MoneyOut.of(running),
    )


class WebhookAck(msgspec.Struct, kw_only=True):
    received: bool
    payment_id: UUID | None
    status: str | None

    @classmethod
    def of(cls, payment: Payment | None) -> WebhookAck:
        if payment is None:
            return cls(received=True, payment_id=None, status=None)
        return cls(received=True, payment_id=payment.id, status=payment.status.value)


class SandboxEventData(msgspec.Struct, kw_only=True):
    payment_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    failure_reason: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class SandboxEvent(msgspec.Struct, kw_only=True):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    type: Literal["payment.succeeded", "payment.failed"]
    data: SandboxEventData


class PaymentWebhookController(Controller):
    """Gateway callbacks: public (no user), authenticated by the gateway's signature instead."""

    path = "/api/v1/financial/payments/webhooks"
    tags = ["Financial: payments"]

    @post(
        "/sandbox",
        status_code=HTTP_200_OK,
        summary="Sandbox gateway callback (signed): settles or fails a pending payment exactly once",
        opt={"idempotency": "off"},
    )
    async def sandbox(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
    ) -> Ok[WebhookAck]:
        from pmsaas.adapters.payments.sandbox import SIGNATURE_HEADER

        settings = container.settings()
        body = await _signed_body(request, settings.sandbox_webhook_secret, SIGNATURE_HEADER, settings, clock)
        try:
            event = msgspec.json.decode(body, type=SandboxEvent)
        except msgspec.DecodeError:
            raise ApiError(400, "BAD_REQUEST", "Malformed webhook body") from None
        except msgspec.ValidationError as exc:
            raise ValidationFailed.single("body", str(exc)) from None
        succeeded = event.type == "payment.succeeded"
        data = event.data
        return await _settled(uow, clock, "sandbox", event.id, data.payment_id, succeeded, data.failure_reason)

    @post(
        "/stripe",
        status_code=HTTP_200_OK,
        summary="Stripe callback (Stripe-Signature): settles or fails a pending PaymentIntent exactly once",
        description="payment_intent.succeeded / payment_failed / canceled settle; other event types are acknowledged.",
        opt={"idempotency": "off"},
    )
    async def stripe(
        self,
        request: Request[Any, Any, Any],
        uow: NamedDependency[FinancialUnitOfWork],
        container: AppContainer,
        clock: CurrentClock,
    ) -> Ok[WebhookAck]:
        from pmsaas.adapters.payments.stripe import SIGNATURE_HEADER, parse_webhook

        settings = container.settings()
        body = await _signed_body(request, settings.stripe_webhook_secret, SIGNATURE_HEADER, settings, clock)
        try:
            event = parse_webhook(body)
        except ValueError:
            raise ApiError(400, "BAD_REQUEST", "Malformed webhook body") from None
        if event.payment_intent_id is None:
            return ok(WebhookAck(received=True, payment_id=None, status=None))
        intent = event.payment_intent_id
        return await _settled(uow, clock, "stripe", event.event_id, intent, event.succeeded, event.failure_reason)


async def _settled(
    uow: FinancialUnitOfWork,
    clock: Clock,
    gateway: str,
    event_id: str,
    payment_id: str,
    succeeded: bool,
    reason: str | None,
) -> Ok[WebhookAck]:
    """A verified callback, settled exactly once (the use case records the event id)."""
    payment = await services.settle_from_gateway(
        uow=uow,
        clock=clock,
        gateway=gateway,
        event_id=event_id,
        gateway_payment_id=payment_id,
        succeeded=succeeded,
        reason=reason,
    )
    return ok(WebhookAck.of(payment))


async def _signed_body(
    request: Request[Any, Any, Any], secret: str | None, header: str, settings: Settings, clock: Clock
) -> bytes:
    """The raw body, once its gateway signature checks out (else 401; no secret configured → 401 too)."""
    from pmsaas.adapters.payments.signing import verify

    body = await request.body()
    signed = verify(
        secret or "",
        body,
        request.headers.get(header),
        tolerance=settings.webhook_tolerance_seconds,
        now=clock.now().timestamp(),
    )
    if not signed:
        raise ApiError(401, "AUTHENTICATION_FAILED", "Invalid or expired webhook signature")
    return body


MonthText = Annotated[str, msgspec.Meta(max_length=7)]


class TaxReturnOut(msgspec.Struct, kw_only=True):
    period: str
    currency: str
    invoices: int
    taxable_value: MoneyOut
    exempt_value: MoneyOut
    reverse_charge_value: MoneyOut
    tax: dict[str, MoneyOut]  # exact sums of the invoices' heads
    total_tax: MoneyOut
    tax_payable: dict[str, MoneyOut]  # per head, rounded to the rupee in India (CGST s.170)
    total_tax_payable: MoneyOut

    @classmethod
    def of(cls, r: TaxReturnRow) -> TaxReturnOut:
        payable = r.tax_payable
        return cls(
            period=r.period,
            currency=r.currency,
            invoices=r.invoices,
            taxable_value=MoneyOut.of(r.money(r.taxable_value)),
            exempt_value=MoneyOut.of(r.money(r.exempt_value)),
            reverse_charge_value=MoneyOut.of(r.money(r.reverse_charge_value)),
            tax={head: MoneyOut.of(r.money(v)) for head, v in sorted(r.tax.items())},
            total_tax=MoneyOut.of(r.money(sum(r.tax.values()))),
            tax_payable={head: MoneyOut.of(r.money(v)) for head, v in sorted(payable.items())},
            total_tax_payable=MoneyOut.of(r.money(sum(payable.values()))),
        )


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _months(first: str, last: str) -> list[str]:
    for name, value in (("from", first), ("to", last)):
        if not _MONTH.match(value):
            raise ValidationFailed.single(name, "must be a month YYYY-MM")
    y, m = (int(x) for x in first.split("-"))
    ly, lm = (int(x) for x in last.split("-"))
    if (ly, lm) < (y, m):
        raise ValidationFailed.single("to", "must not be before from")
    out: list[str] = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if len(out) > 36:
            raise ValidationFailed.single("to", "at most 36 months at a time")
    return out


class ReportController(Controller):
    path = "/api/v1/financial"
    tags = ["Financial: reports"]

    @get(
        "/gst-returns",
        guards=[requires("financial:read")],
        summary="Monthly tax-return figures (taxable, exempt, reverse-charge value; tax per head); CSV with format=csv",
    )
    async def gst_returns(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        actor: CurrentActor,
        clock: CurrentClock,
        from_: Annotated[MonthText | None, QueryParameter(name="from")] = None,
        to: FromQuery[MonthText | None] = None,
        format: FromQuery[Literal["json", "csv"]] = "json",
    ) -> Any:
        if actor.is_tenant:
            raise PermissionDenied("tenants do not see the organization's returns")
        this_month = clock.today().strftime("%Y-%m")
        months = _months(from_ or to or this_month, to or from_ or this_month)
        rows = await services.gst_returns(uow=uow, actor=actor, months=months)
        if format == "csv":
            return Response(
                to_csv(rows),
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="gst-returns-{months[0]}-{months[-1]}.csv"'},
            )
        return ok([TaxReturnOut.of(r) for r in rows])


# -- expenses --------------------------------------------------------------------------------


class AttachmentIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=r"^https?://")]
    content_type: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class ExpenseIn(Input):
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    description: Description
    amount: MoneyIn
    expense_date: date
    vendor: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    property_id: UUID | None = None
    attachments: Annotated[list[AttachmentIn], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)
    tds: ExpenseTdsIn | None = None  # India: TDS the organization withholds (computed at approval)

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
            version=e.version,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


def _not_tenant(actor: Any) -> None:
    if actor.is_tenant:
        raise PermissionDenied("tenants do not see the organization's expenses")


class ExpenseController(Controller):
    path = "/api/v1/financial/expenses"
    tags = ["Financial: expenses"]
    dependencies = {"listing": Provide(list_query(("created_at", "expense_date", "amount")))}

    @get("/", guards=[requires("financial:read")], summary="List expenses")
    async def list_expenses(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        actor: CurrentActor,
        listing: Listing,
        status: FromQuery[Literal["pending", "approved", "rejected"] | None] = None,
    ) -> Paginated[ExpenseOut]:
        _not_tenant(actor)
        page = await expenses.list_expenses(uow=uow, actor=actor, status=status, page=listing.page)
        return paginated(page, [ExpenseOut.of(e) for e in page.items])

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Record an expense")
    async def create_expense(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        data: JSONBody[ExpenseIn],
    ) -> Ok[ExpenseOut]:
        return ok(ExpenseOut.of(await expenses.create_expense(uow=uow, clock=clock, actor=actor, data=data.to_input())))

    @get("/{expense_id:uuid}", guards=[requires("financial:read")], summary="Get an expense")
    async def get_expense(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, expense_id: FromPath[UUID]
    ) -> Ok[ExpenseOut]:
        _not_tenant(actor)
        return ok(ExpenseOut.of(await expenses.get_expense(uow=uow, actor=actor, expense_id=expense_id)))

    @put("/{expense_id:uuid}", guards=[requires("financial:update")], summary="Replace a pending expense")
    async def update_expense(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        expense_id: FromPath[UUID],
        data: JSONBody[ExpenseIn],
    ) -> Ok[ExpenseOut]:
        expense = await expenses.update_expense(
            uow=uow, clock=clock, actor=actor, expense_id=expense_id, data=data.to_input()
        )
        return ok(ExpenseOut.of(expense))

    @delete(
        "/{expense_id:uuid}",
        guards=[requires("financial:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a pending expense",
    )
    async def delete_expense(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        expense_id: FromPath[UUID],
    ) -> None:
        await expenses.delete_expense(uow=uow, clock=clock, actor=actor, expense_id=expense_id)

    @post(
        "/{expense_id:uuid}/approve",
        guards=[requires("financial:approve")],
        status_code=HTTP_200_OK,
        summary="Approve: posts Dr expenses / Cr accounts payable",
    )
    async def approve(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        expense_id: FromPath[UUID],
    ) -> Ok[ExpenseOut]:
        expense = await expenses.decide_expense(uow=uow, clock=clock, actor=actor, expense_id=expense_id, approve=True)
        return ok(ExpenseOut.of(expense))

    @post(
        "/{expense_id:uuid}/reject",
        guards=[requires("financial:approve")],
        status_code=HTTP_200_OK,
        summary="Reject a pending expense",
    )
    async def reject(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        expense_id: FromPath[UUID],
        data: JSONBody[RejectIn | None] = None,
    ) -> Ok[ExpenseOut]:
        expense = await expenses.decide_expense(
            uow=uow,
            clock=clock,
            actor=actor,
            expense_id=expense_id,
            approve=False,
            reason=data.reason if data else None,
        )
        return ok(ExpenseOut.of(expense))

    @get("/{expense_id:uuid}/attachments", guards=[requires("financial:read")], summary="An expense's attachments")
    async def attachments(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, expense_id: FromPath[UUID]
    ) -> Ok[list[AttachmentOut]]:
        _not_tenant(actor)
        e = await expenses.get_expense(uow=uow, actor=actor, expense_id=expense_id)
        return ok([AttachmentOut(name=a.name, url=a.url, content_type=a.content_type) for a in e.attachments])


# -- budgets ---------------------------------------------------------------------------------

CategoryName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class BudgetCategoryIn(Input):
    name: CategoryName
    amount: MoneyIn

    def to_domain(self, field: str) -> budgets.BudgetCategory:
        return budgets.BudgetCategory(self.name, self.amount.to_money(field=field))


class BudgetIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    period_start: date
    period_end: date
    property_id: UUID | None = None
    categories: Annotated[list[BudgetCategoryIn], msgspec.Meta(max_length=100)] = msgspec.field(default_factory=list)

    def to_input(self) -> budgets.BudgetInput:
        return budgets.BudgetInput(
            name=self.name,
            period_start=self.period_start,
            period_end=self.period_end,
            property_id=self.property_id,
            categories=tuple(c.to_domain(f"categories.{i}.amount.amount") for i, c in enumerate(self.categories)),
        )


class BudgetCategoryOut(msgspec.Struct, kw_only=True):
    name: str
    amount: MoneyOut


class BudgetOut(msgspec.Struct, kw_only=True):
    id: UUID
    organization_id: UUID
    name: str
    property_id: UUID | None
    period_start: date
    period_end: date
    currency: str
    categories: list[BudgetCategoryOut]
    total: MoneyOut
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, b: budgets.Budget) -> BudgetOut:
        return cls(
            id=b.id,
            organization_id=b.organization_id,
            name=b.name,
            property_id=b.property_id,
            period_start=b.period_start,
            period_end=b.period_end,
            currency=b.currency,
            categories=[BudgetCategoryOut(name=c.name, amount=MoneyOut.of(c.amount)) for c in b.categories],
            total=MoneyOut.of(b.total),
            version=b.version,
            created_at=b.created_at,
            updated_at=b.updated_at,
        )


class VarianceRowOut(msgspec.Struct, kw_only=True):
    category: str
    budgeted: MoneyOut
    actual: MoneyOut
    variance: MoneyOut


class VarianceOut(msgspec.Struct, kw_only=True):
    budget_id: UUID
    period_start: date
    period_end: date
    categories: list[VarianceRowOut]
    budgeted: MoneyOut
    actual: MoneyOut
    variance: MoneyOut


class BudgetController(Controller):
    path = "/api/v1/financial/budgets"
    tags = ["Financial: budgets"]
    dependencies = {"listing": Provide(list_query(("created_at", "name", "period_start")))}

    @get("/", guards=[requires("financial:read")], summary="List budgets")
    async def list_budgets(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, listing: Listing
    ) -> Paginated[BudgetOut]:
        _not_tenant(actor)
        page = await budgets.list_budgets(uow=uow, actor=actor, page=listing.page)
        return paginated(page, [BudgetOut.of(b) for b in page.items])

    @post("/", guards=[requires("financial:create")], status_code=HTTP_201_CREATED, summary="Create a budget")
    async def create_budget(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        data: JSONBody[BudgetIn],
    ) -> Ok[BudgetOut]:
        return ok(BudgetOut.of(await budgets.create_budget(uow=uow, clock=clock, actor=actor, data=data.to_input())))

    @get("/{budget_id:uuid}", guards=[requires("financial:read")], summary="Get a budget")
    async def get_budget(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, budget_id: FromPath[UUID]
    ) -> Ok[BudgetOut]:
        _not_tenant(actor)
        return ok(BudgetOut.of(await budgets.get_budget(uow=uow, actor=actor, budget_id=budget_id)))

    @put("/{budget_id:uuid}", guards=[requires("financial:update")], summary="Replace a budget")
    async def update_budget(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        budget_id: FromPath[UUID],
        data: JSONBody[BudgetIn],
    ) -> Ok[BudgetOut]:
        b = await budgets.update_budget(uow=uow, clock=clock, actor=actor, budget_id=budget_id, data=data.to_input())
        return ok(BudgetOut.of(b))

    @delete(
        "/{budget_id:uuid}", guards=[requires("financial:delete")], status_code=HTTP_204_NO_CONTENT, summary="Delete"
    )
    async def delete_budget(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, budget_id: FromPath[UUID]
    ) -> None:
        await budgets.delete_budget(uow=uow, actor=actor, budget_id=budget_id)

    @get("/{budget_id:uuid}/categories", guards=[requires("financial:read")], summary="A budget's categories")
    async def categories(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, budget_id: FromPath[UUID]
    ) -> Ok[list[BudgetCategoryOut]]:
        _not_tenant(actor)
        b = await budgets.get_budget(uow=uow, actor=actor, budget_id=budget_id)
        return ok([BudgetCategoryOut(name=c.name, amount=MoneyOut.of(c.amount)) for c in b.categories])

    @post(
        "/{budget_id:uuid}/categories",
        guards=[requires("financial:update")],
        status_code=HTTP_201_CREATED,
        summary="Add a category to a budget",
    )
    async def add_category(
        self,
        uow: NamedDependency[FinancialUnitOfWork],
        clock: CurrentClock,
        actor: CurrentActor,
        budget_id: FromPath[UUID],
        data: JSONBody[BudgetCategoryIn],
    ) -> Ok[BudgetOut]:
        b = await budgets.add_category(
            uow=uow, clock=clock, actor=actor, budget_id=budget_id, category=data.to_domain("amount.amount")
        )
        return ok(BudgetOut.of(b))

    @get("/{budget_id:uuid}/variance", guards=[requires("financial:read")], summary="Budget vs ledger actuals")
    async def variance(
        self, uow: NamedDependency[FinancialUnitOfWork], actor: CurrentActor, budget_id: FromPath[UUID]
    ) -> Ok[VarianceOut]:
        _not_tenant(actor)
        b, rows = await budgets.budget_variance(uow=uow, actor=actor, budget_id=budget_id)
        zero = Money.zero(b.currency)
        budgeted = sum((r.budgeted for r in rows), zero)
        actual = sum((r.actual for r in rows), zero)
        return ok(
            VarianceOut(
                budget_id=b.id,
                period_start=b.period_start,
                period_end=b.period_end,
                categories=[
                    VarianceRowOut(
                        category=r.category,
                        budgeted=MoneyOut.of(r.budgeted),
                        actual=MoneyOut.of(r.actual),
                        variance=MoneyOut.of(r.variance),
                    )
                    for r in rows
                ],
                budgeted=MoneyOut.of(budgeted),
                actual=MoneyOut.of(actual),
                variance=MoneyOut.of(budgeted - actual),
            )
        )

"""/api/v1/financial/payments and /payment-methods: pay or record, refund, receipts.

Payment and refund creation require an ``Idempotency-Key`` header (400 without); the generic
middleware replays responses, and the domain enforces exactly-once on its own too (a unique key per
organization and caller in the database), with the middleware's fingerprint and error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.financial import payments
from pmsaas.domain.financial.model import Allocation, Payment, PaymentMethod, Refund
from pmsaas.domain.financial.ports import PaymentFilter, PaymentMethodRecord
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated, paginated_all
from pmsaas.entrypoints.http.errors import ApiError
from pmsaas.entrypoints.http.idempotency import request_fingerprint
from pmsaas.entrypoints.http.pagination import PAGING, list_query
from pmsaas.entrypoints.http.platform.financial.tds import CertificateText, PaymentTdsIn, TdsOut
from pmsaas.entrypoints.http.structs import Input, LongText, MoneyIn, MoneyOut

PaymentStatusName = Literal["pending", "succeeded", "failed", "refunded", "partially_refunded"]
MethodName = Literal["card", "cash", "cheque", "bank_transfer", "upi", "interac", "net_banking", "pre_authorized_debit"]
Reference = Annotated[str, msgspec.Meta(max_length=200)]
CardNumber = Annotated[str, msgspec.Meta(min_length=12, max_length=23, pattern=r"^[0-9 ]+$")]
# A card tokenized by the gateway's client library (Stripe.js: a PaymentMethod id), so the card never reaches us.
PaymentToken = Annotated[str, msgspec.Meta(max_length=100, pattern=r"^pm_[A-Za-z0-9_]+$")]


# -- bodies ----------------------------------------------------------------------------------


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
    received_on: date | None = None  # manual methods: the day received (not in the future); default today
    # upi: collect it through the gateway (the payer approves in a UPI app) instead of recording a
    # transfer received; net_banking and pre_authorized_debit are collected online anyway.
    online: bool = False


class PaymentUpdateIn(Input):
    reference: Reference | None = None
    notes: LongText | None = None
    # Omitted: kept; null: cleared (the certificate, Form 16A/16C, usually comes after the payment).
    tds_certificate_number: CertificateText | msgspec.UnsetType | None = msgspec.UNSET


class RefundIn(Input):
    amount: MoneyIn
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    # true: pays back the lease's security deposit (deposits_held); the invoices paid stay paid.
    deposit: bool = False


class PaymentMethodIn(Input):
    type: MethodName
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    enabled: bool = True
    details: dict[str, str] = msgspec.field(default_factory=dict)


# -- responses -------------------------------------------------------------------------------


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
    received_on: date | None  # the day received (the ledger entry's date); None until settled
    allocations: list[AllocationOut]
    unallocated: MoneyOut  # kept as tenant credit
    refunded: MoneyOut
    deposit_refunded: MoneyOut  # paid back as the security deposit (the invoices stay paid)
    tds: TdsOut | None  # India: TDS withheld by the tenant (allocated on top of the cash amount)
    # An online collection's next step for the payer (checkout order, UPI link, mandate client
    # secret): in the creation's answer only, never stored.
    next_action: dict[str, str] | None
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
            received_on=_received_on(p),
            allocations=[AllocationOut.of(a) for a in p.allocations],
            unallocated=MoneyOut.of(p.unallocated if settled else Money.zero(p.amount.currency)),
            refunded=MoneyOut.of(p.amount_refunded),
            deposit_refunded=MoneyOut.of(p.deposit_refunded or Money.zero(p.amount.currency)),
            tds=TdsOut.of(p.tds),
            next_action=dict(p.next_action) if p.next_action else None,
            version=p.version,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class RefundOut(msgspec.Struct, kw_only=True):
    id: UUID
    payment_id: UUID
    amount: MoneyOut
    reason: str | None
    deposit: bool
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
                deposit=refund.deposit,
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
    received_on: date
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


# -- helpers ---------------------------------------------------------------------------------


def _received_on(p: Payment) -> date | None:
    """The day of receipt of a settled payment: stored when it settles (the organization's day);
    rows settled before it was stored fall back to the UTC day of settlement."""
    if p.received_on is not None:
        return p.received_on
    return p.received_at.date() if p.received_at is not None else None


def _require_key(request: Request[Any, Any, Any]) -> str:
    key = request.headers.get("idempotency-key")
    if not key or not key.strip():
        raise ApiError(400, "BAD_REQUEST", "Idempotency-Key header is required for this request")
    if len(key) > 255:
        raise ValidationFailed.single("Idempotency-Key", "at most 255 characters")
    return key


async def _fingerprint(request: Request[Any, Any, Any]) -> str:
    """The middleware's fingerprint of this very request (the body is already read and cached)."""
    return request_fingerprint(request.scope, await request.body())


# -- controllers -----------------------------------------------------------------------------


class PaymentController(Controller):
    path = "/api/v1/financial/payments"
    tags = ["Financial: payments"]
    dependencies = {"listing": Provide(list_query(("created_at", "amount", "received_at")))}

    @get("/", guards=[requires("payment:read")], summary="List payments")
    async def list_payments(
        self,
        listing: Listing,
        status: FromQuery[PaymentStatusName | None] = None,
        lease_id: FromQuery[UUID | None] = None,
    ) -> Paginated[PaymentOut]:
        ctx = listing.ctx
        page = await payments.list_payments(
            uow=ctx.uow(), actor=ctx.actor, filters=PaymentFilter(status=status, lease_id=lease_id), page=listing.page
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
        self, ctx: Context, request: Request[Any, Any, Any], data: JSONBody[PaymentIn]
    ) -> Response[Ok[PaymentOut]]:
        key = _require_key(request)
        if data.card_number and data.payment_token:
            raise ValidationFailed.single("payment_token", "send either card_number or payment_token, not both")
        payment_input = payments.PaymentInput(
            lease_id=data.lease_id,
            amount=data.amount.to_money(field="amount.amount"),
            method=PaymentMethod(data.method),
            invoice_ids=tuple(dict.fromkeys(data.invoice_ids)),
            reference=data.reference,
            notes=data.notes,
            card_number=data.card_number or data.payment_token,
            tds=data.tds.to_request() if data.tds else None,
            received_on=data.received_on,
            online=data.online,
        )
        collected = payment_input.collected
        payment, replayed = await payments.create_payment_once(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            gateway=ctx.collection_gateway(data.method) if collected else ctx.payment_gateway,
            data=payment_input,
            idempotency_key=key,
            fingerprint=await _fingerprint(request),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(ok(PaymentOut.of(payment)), status_code=HTTP_201_CREATED, headers=headers)

    @get("/{payment_id:uuid}", guards=[requires("payment:read")], summary="Get a payment")
    async def get_payment(self, ctx: Context, payment_id: FromPath[UUID]) -> Ok[PaymentOut]:
        return ok(PaymentOut.of(await payments.get_payment(uow=ctx.uow(), actor=ctx.actor, payment_id=payment_id)))

    @put("/{payment_id:uuid}", guards=[requires("payment:update")], summary="Update a payment's reference and notes")
    async def update_payment(
        self, ctx: Context, payment_id: FromPath[UUID], data: JSONBody[PaymentUpdateIn]
    ) -> Ok[PaymentOut]:
        sent = data.tds_certificate_number
        certificate = payments.KEEP if isinstance(sent, msgspec.UnsetType) else sent
        payment = await payments.update_payment(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            payment_id=payment_id,
            reference=data.reference,
            notes=data.notes,
            tds_certificate_number=certificate,
        )
        return ok(PaymentOut.of(payment))

    @get("/{payment_id:uuid}/receipt", guards=[requires("payment:read")], summary="The receipt of a settled payment")
    async def receipt(self, ctx: Context, payment_id: FromPath[UUID]) -> Ok[ReceiptOut]:
        p = await payments.get_payment(uow=ctx.uow(), actor=ctx.actor, payment_id=payment_id)
        if p.receipt_number is None or p.received_at is None:
            raise Conflict(f"the payment is {p.status.value}: no receipt yet")
        return ok(
            ReceiptOut(
                receipt_number=p.receipt_number,
                payment_id=p.id,
                lease_id=p.lease_id,
                tenant_id=p.tenant_id,
                received_at=p.received_at,
                received_on=_received_on(p) or p.received_at.date(),
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
        self, ctx: Context, request: Request[Any, Any, Any], payment_id: FromPath[UUID], data: JSONBody[RefundIn]
    ) -> Response[Ok[RefundResultOut]]:
        key = _require_key(request)
        payment, refund, replayed = await payments.refund_payment(
            gateway=ctx.payment_gateway,
            gateway_named=ctx.gateway_named,
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            payment_id=payment_id,
            amount=data.amount.to_money(field="amount.amount"),
            reason=data.reason,
            deposit=data.deposit,
            idempotency_key=key,
            fingerprint=await _fingerprint(request),
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(ok(RefundResultOut.of(payment, refund)), status_code=HTTP_201_CREATED, headers=headers)


class PaymentMethodController(Controller):
    path = "/api/v1/financial/payment-methods"
    tags = ["Financial: payments"]

    @get(
        "/", guards=[requires("payment:read")], dependencies=PAGING, summary="Payment methods the organization accepts"
    )
    async def list_methods(self, paging: Paged) -> Paginated[PaymentMethodOut]:
        ctx = paging.ctx
        methods = await payments.list_payment_methods(uow=ctx.uow(), actor=ctx.actor)
        return paginated_all([PaymentMethodOut.of(m) for m in methods], paging.page)

    @post("/", guards=[requires("financial:update")], status_code=HTTP_201_CREATED, summary="Add a payment method")
    async def add_method(self, ctx: Context, data: JSONBody[PaymentMethodIn]) -> Ok[PaymentMethodOut]:
        record = PaymentMethodRecord(ctx.actor.org, data.type, data.label, data.enabled, dict(data.details))
        return ok(PaymentMethodOut.of(await payments.add_payment_method(uow=ctx.uow(), actor=ctx.actor, record=record)))

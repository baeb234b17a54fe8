"""/api/v1/leases/{id}/deposit: the security deposit held for a lease, and its move-out settlement
(next to /api/v1/leases/{id}/ledger: views and movements of the lease's books)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.financial import deposits
from pmsaas.domain.financial.deposit_settlement import Deduction, DeductionKind, DepositSettlement
from pmsaas.domain.financial.model import PaymentMethod
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.structs import Input, LongText, MoneyIn, MoneyOut

DeductionKindName = Literal["arrears", "damages", "cleaning", "other"]
ManualMethodName = Literal["cash", "cheque", "bank_transfer", "upi", "interac"]
# Printed on the move-out statement: no NUL or other control characters.
Description = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Reference = Annotated[str, msgspec.Meta(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]


class DeductionIn(Input):
    description: Description
    amount: MoneyIn
    kind: DeductionKindName


class SettlementIn(Input):
    deductions: Annotated[list[DeductionIn], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)
    refund_method: ManualMethodName = "bank_transfer"  # how the remainder goes back to the tenant
    refund_reference: Reference | None = None  # cheque number, transfer reference
    notes: LongText | None = None

    def to_input(self) -> deposits.SettlementInput:
        return deposits.SettlementInput(
            deductions=tuple(
                Deduction(d.description, d.amount.to_money(f"deductions.{i}.amount.amount"), DeductionKind(d.kind))
                for i, d in enumerate(self.deductions)
            ),
            refund_method=PaymentMethod(self.refund_method),
            refund_reference=self.refund_reference,
            notes=self.notes,
        )


class DepositMovementOut(msgspec.Struct, kw_only=True):
    entry_id: UUID
    date: date
    description: str
    source_type: str  # invoice (collected), refund (paid back from a payment), deposit_settlement
    source_id: UUID | None
    amount: MoneyOut  # > 0 collected, < 0 paid back or kept
    balance: MoneyOut  # held after this movement


class DeductionOut(msgspec.Struct, kw_only=True):
    description: str
    amount: MoneyOut
    kind: str


class ArrearsPaidOut(msgspec.Struct, kw_only=True):
    invoice_id: UUID
    amount: MoneyOut


class SettlementOut(msgspec.Struct, kw_only=True):
    id: UUID
    lease_id: UUID
    tenant_id: UUID
    settled_on: date
    held: MoneyOut  # the deposit held at move-out
    deductions: list[DeductionOut]
    total_deducted: MoneyOut
    arrears_paid: list[ArrearsPaidOut]  # the open invoices the arrears deduction paid
    refund: MoneyOut  # held - deducted, paid back to the tenant
    refund_method: str
    refund_reference: str | None
    notes: str | None
    created_at: datetime

    @classmethod
    def of(cls, s: DepositSettlement) -> SettlementOut:
        return cls(
            id=s.id,
            lease_id=s.lease_id,
            tenant_id=s.tenant_id,
            settled_on=s.settled_on,
            held=MoneyOut.of(s.held),
            deductions=[
                DeductionOut(description=d.description, amount=MoneyOut.of(d.amount), kind=d.kind.value)
                for d in s.deductions
            ],
            total_deducted=MoneyOut.of(s.deducted),
            arrears_paid=[
                ArrearsPaidOut(invoice_id=a.invoice_id, amount=MoneyOut.of(a.amount)) for a in s.arrears_paid
            ],
            refund=MoneyOut.of(s.refund),
            refund_method=s.refund_method.value,
            refund_reference=s.refund_reference,
            notes=s.notes,
            created_at=s.created_at,
        )


class DepositOut(msgspec.Struct, kw_only=True):
    lease_id: UUID
    tenant_id: UUID
    currency: str
    held: MoneyOut
    movements: list[DepositMovementOut]
    settled: bool
    settlement: SettlementOut | None

    @classmethod
    def of(cls, account: deposits.DepositAccount) -> DepositOut:
        running = Money.zero(account.lease.currency)
        movements: list[DepositMovementOut] = []
        for m in account.movements:
            running = running + m.amount
            movements.append(
                DepositMovementOut(
                    entry_id=m.entry_id,
                    date=m.entry_date,
                    description=m.description,
                    source_type=m.source_type,
                    source_id=m.source_id,
                    amount=MoneyOut.of(m.amount),
                    balance=MoneyOut.of(running),
                )
            )
        s = account.settlement
        return cls(
            lease_id=account.lease.id,
            tenant_id=account.lease.tenant_id,
            currency=account.lease.currency,
            held=MoneyOut.of(account.held),
            movements=movements,
            settled=s is not None,
            settlement=None if s is None else SettlementOut.of(s),
        )


class DepositController(Controller):
    path = "/api/v1/leases/{lease_id:uuid}/deposit"
    tags = ["Financial: deposits"]

    @get("/", guards=[requires("financial:read")], opt=READS_ONLY, summary="The security deposit held for a lease")
    async def get_deposit(self, ctx: Context, lease_id: FromPath[UUID]) -> Ok[DepositOut]:
        return ok(DepositOut.of(await deposits.deposit_account(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id)))

    @post(
        "/settlement",
        guards=[requires("financial:create")],
        status_code=HTTP_201_CREATED,
        summary="Settle the deposit at move-out: deductions, then the rest refunded (once per lease)",
    )
    async def settle(self, ctx: Context, lease_id: FromPath[UUID], data: JSONBody[SettlementIn]) -> Ok[SettlementOut]:
        settlement = await deposits.settle_deposit(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, lease_id=lease_id, data=data.to_input()
        )
        return ok(SettlementOut.of(settlement))

    @get(
        "/settlement",
        guards=[requires("financial:read")],
        opt=READS_ONLY,
        summary="The move-out settlement statement of a lease's deposit",
    )
    async def get_settlement(self, ctx: Context, lease_id: FromPath[UUID]) -> Ok[SettlementOut]:
        settlement = await deposits.get_settlement(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id)
        return ok(SettlementOut.of(settlement))

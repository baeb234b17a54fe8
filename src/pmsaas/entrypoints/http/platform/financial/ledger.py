"""/api/v1/financial/trial-balance and /api/v1/leases/{id}/ledger: views of the journal."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import FromPath

from pmsaas.domain.financial import books
from pmsaas.domain.financial.ledger import TrialBalanceRow
from pmsaas.domain.financial.ports import LedgerLineView
from pmsaas.domain.shared.errors import PermissionDenied
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.structs import MoneyOut


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


class LedgerController(Controller):
    path = "/api/v1"
    tags = ["Financial: ledger"]

    @get("/financial/trial-balance", guards=[requires("financial:read")], summary="Trial balance of the organization")
    async def trial_balance(self, ctx: Context) -> Ok[TrialBalanceOut]:
        if ctx.actor.is_tenant:
            raise PermissionDenied("tenants see their own lease ledger, not the organization's books")
        currency, rows = await books.trial_balance(uow=ctx.uow(), actor=ctx.actor)
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
    async def lease_ledger(self, ctx: Context, lease_id: FromPath[UUID]) -> Ok[LeaseLedgerOut]:
        ledger = await books.lease_ledger(uow=ctx.uow(), actor=ctx.actor, lease_id=lease_id)
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

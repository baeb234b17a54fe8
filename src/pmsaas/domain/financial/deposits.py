"""Security deposits: held per lease, settled once at move-out. Pure model and use cases.

A deposit is a liability, never income or a supply: an invoice's ``deposit`` line credits
``deposits_held`` on the lease when the invoice is issued (the tenant's payment of that invoice is
the cash collected), and a deposit refund on a payment (``deposit: true``) debits it back.

Move-out settlement (``settle_deposit``) empties the lease's deposit in ONE journal entry, posted once
(a settlement per lease, unique in the database)::

    Dr deposits_held        the deposit held
        Cr ar:<tenant>      arrears deducted (and the lease's open invoices paid, oldest first)
        Cr damage_income    damages deducted
        Cr other_income     cleaning and other deductions
        Cr cash             the remainder, refunded to the tenant (manual: cash, cheque, transfer)

No tax is computed on a deduction: a deduction for arrears settles invoices that were already taxed;
a damage recovery is the landlord's compensation, billed separately (an invoice) where a tax applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.financial.deposit_settlement import Deduction, DeductionKind, DepositSettlement
from pmsaas.domain.financial.model import MANUAL_METHODS, InvoiceStatus, PaymentMethod, allocate
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import FinancialUnitOfWork, LeaseRef, LedgerLineView
from pmsaas.domain.financial.scoping import lease_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class DepositAccount:
    lease: LeaseRef
    held: Money
    movements: list[LedgerLineView]  # credit-positive here: collected > 0, paid back or kept < 0
    settlement: DepositSettlement | None


@dataclass(frozen=True)
class SettlementInput:
    deductions: tuple[Deduction, ...]
    refund_method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    refund_reference: str | None = None
    notes: str | None = None


async def deposit_account(*, uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID) -> DepositAccount:
    async with uow:
        lease = await lease_for(uow, actor, lease_id)
        lines = await uow.ledger.deposit_lines(actor.org, lease_id, lease.currency)
        settlement = await uow.deposit_settlements.get(actor.org, lease_id)
    movements = [
        LedgerLineView(x.entry_id, x.entry_date, x.description, x.source_type, x.source_id, -x.amount) for x in lines
    ]
    held = Money.zero(lease.currency)
    for m in movements:
        held = held + m.amount
    return DepositAccount(lease, held, movements, settlement)


async def get_settlement(*, uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID) -> DepositSettlement:
    async with uow:
        await lease_for(uow, actor, lease_id)
        settlement = await uow.deposit_settlements.get(actor.org, lease_id)
    if settlement is None:
        raise NotFound("deposit settlement", lease_id)
    return settlement


def _check_deductions(data: SettlementInput, currency: str, held: Money) -> None:
    problems: list[FieldProblem] = []
    total = Money.zero(currency)
    for i, d in enumerate(data.deductions):
        if d.amount.currency != currency:
            problems.append(FieldProblem(f"deductions.{i}.amount.currency", f"must be {currency}"))
        elif not d.amount.is_positive:
            problems.append(FieldProblem(f"deductions.{i}.amount.amount", "must be positive"))
        else:
            total = total + d.amount
    if data.refund_method not in MANUAL_METHODS:
        problems.append(FieldProblem("refund_method", "a manual method: cash, cheque, bank_transfer, upi or interac"))
    if problems:
        raise ValidationFailed(problems)
    if not held.is_positive:
        raise ValidationFailed.single("deductions", "no security deposit is held for the lease")
    if held < total:
        raise ValidationFailed.single("deductions", f"the deductions ({total}) exceed the deposit held, {held}")


async def settle_deposit(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID, data: SettlementInput
) -> DepositSettlement:
    """Apply the deposit to arrears and deductions and refund the rest, once per lease, in one
    transaction: the settlement, its journal entry, the invoices paid and the event commit together."""
    if not actor.can("financial:create"):
        raise PermissionDenied("only managers settle a security deposit")
    now = clock.now()
    async with uow:
        lease = await lease_for(uow, actor, lease_id)
        if await uow.deposit_settlements.get(actor.org, lease_id) is not None:
            raise Conflict("the lease's security deposit is already settled")
        held = await uow.ledger.deposit_held(actor.org, lease_id, lease.currency)
        profile = await uow.organization_profiles.get(actor.org)
        _check_deductions(data, lease.currency, held)
        deducted = Money.zero(lease.currency)
        for d in data.deductions:
            deducted = deducted + d.amount
        settlement = DepositSettlement(
            organization_id=actor.org,
            lease_id=lease.id,
            tenant_id=lease.tenant_id,
            held=held,
            deductions=data.deductions,
            refund=held - deducted,
            refund_method=data.refund_method,
            refund_reference=data.refund_reference,
            notes=data.notes,
            settled_on=local_today(profile.time_zone, now),
            created_at=now,
        )
        await _pay_arrears(uow, settlement, now)
        if not await uow.deposit_settlements.add(settlement):
            raise Conflict("the lease's security deposit is already settled")
        await uow.ledger.post(settlement.entry(now))
        uow.record(settlement.event(now))
        await uow.commit()
    return settlement


async def _pay_arrears(uow: FinancialUnitOfWork, settlement: DepositSettlement, now: datetime) -> None:
    """The arrears deduction pays the lease's open invoices, oldest due first; it cannot exceed them."""
    arrears = settlement.deducted_for(DeductionKind.ARREARS)
    if not arrears.is_positive:
        return
    open_invoices = await uow.invoices.open_for_lease(settlement.organization_id, settlement.lease_id)
    owed = Money.zero(arrears.currency)
    for invoice in open_invoices:
        owed = owed + invoice.balance_due
    if owed < arrears:
        raise ValidationFailed.single("deductions", f"the arrears deducted ({arrears}) exceed what is owed, {owed}")
    allocations, _ = allocate(arrears, open_invoices)
    by_id = {i.id: i for i in open_invoices}
    for a in allocations:
        invoice = by_id[a.invoice_id]
        version = invoice.version
        invoice.apply_payment(a.amount, now)
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        if invoice.status == InvoiceStatus.PAID:
            uow.record(invoice.event("invoice.paid", now))
    settlement.arrears_paid = allocations

"""Read-only views of the books: the organization's trial balance, a lease's ledger and balance,
the monthly tax-return figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.ports import FinancialUnitOfWork, LeaseRef, LedgerLineView
from pmsaas.domain.financial.reports import TaxReturnRow, tax_return
from pmsaas.domain.financial.scoping import lease_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.money import Money


async def trial_balance(*, uow: FinancialUnitOfWork, actor: Actor) -> tuple[str, list[L.TrialBalanceRow]]:
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        return profile.currency, await uow.ledger.trial_balance(actor.org, profile.currency)


@dataclass(frozen=True)
class LeaseLedger:
    lease: LeaseRef
    lines: list[LedgerLineView]
    balance: Money  # > 0 the tenant owes; < 0 the tenant has credit


async def lease_ledger(*, uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID) -> LeaseLedger:
    async with uow:
        lease = await lease_for(uow, actor, lease_id)
        lines = await uow.ledger.lease_ledger(actor.org, lease_id, lease.currency)
    balance = Money.zero(lease.currency)
    for line in lines:
        balance = balance + line.amount
    return LeaseLedger(lease, lines, balance)


async def gst_returns(*, uow: FinancialUnitOfWork, actor: Actor, months: list[str]) -> list[TaxReturnRow]:
    """Tax-return figures per month (``months`` are consecutive ``YYYY-MM``)."""
    import calendar

    first_year, first_month = (int(x) for x in months[0].split("-"))
    last_year, last_month = (int(x) for x in months[-1].split("-"))
    start = date(first_year, first_month, 1)
    end = date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    async with uow:
        profile = await uow.organization_profiles.get(actor.org)
        invoices = await uow.invoices.issued_between(actor.org, start, end)
        notes = await uow.credit_notes.issued_between(actor.org, start, end)
    return tax_return(invoices, months, profile.currency, notes)

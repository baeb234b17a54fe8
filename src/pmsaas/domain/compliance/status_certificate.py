"""A condominium unit's status certificate, from the books at a date. Pure rules plus the read.

* Ontario (Condominium Act, 1998, s.76): delivered within 10 days of the request; the fee is at most
  $100, tax included (O. Reg. 48/01).
* British Columbia (Strata Property Act, s.59): the Form B information certificate within one week;
  at most $35 plus $0.25 a page of copies (Strata Property Regulation s.6.4).

The figures: the unit's monthly common expenses, what its owner owes (the receivable of the unit's
account on the date, never below zero), the budget in force and its planned reserve fund
contribution (the budget category named for the reserve fund), and the reserve fund itself: the
credit balance of the property's reserve fund account in the ledger.

* Ontario (Form 13 under O. Reg. 48/01): the reserve fund as at the end of the last month ended on
  or before the figures' date (the date itself when it is a month's last day).
* British Columbia (Form B, Strata Property Regulation): the contingency reserve fund at the
  figures' date, less the expenditures approved but not yet taken from it. An expense paid from the
  fund is debited to it when it is approved, so the balance is already net of every approved
  expenditure: nothing approved is left to take off.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.compliance import rules
from pmsaas.domain.compliance.ports import BudgetView, ComplianceUnitOfWork, UnitAccount
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money

_KINDS = {
    "ON": ("ontario_status_certificate", "Status Certificate"),
    "BC": ("bc_form_b", "Form B: Information Certificate"),
}


@dataclass(frozen=True)
class StatusCertificate:
    account: UnitAccount
    kind: str  # ontario_status_certificate | bc_form_b
    title: str
    requested_on: date
    as_of: date
    due_by: date
    fee: Money
    fee_basis: str  # the rule and its source, printed
    pages: int
    arrears: Money
    budget: BudgetView | None
    reserve_fund: Money | None  # the budget's planned reserve fund contribution
    reserve_fund_balance: Money | None = None  # the ledger's reserve fund at ``reserve_fund_as_of``
    reserve_fund_as_of: date | None = None


def reserve_fund_date(province: str, as_of: date) -> date:
    """The date the reserve fund is certified at: Ontario, the end of the last month ended on or
    before ``as_of``; British Columbia, ``as_of`` itself."""
    if province != "ON":
        return as_of
    if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


def _fee(province: str, on: date, pages: int, currency: str) -> tuple[Money, str]:
    if province == "ON":
        cap = rules.rule("on.status_certificate.fee_cap", on)
        return Money(rules.amount(cap.key, on), currency), cap.source
    base, per_page = rules.rule("bc.form_b.fee", on), rules.rule("bc.form_b.fee_per_page", on)
    figure = rules.amount(base.key, on) + rules.amount(per_page.key, on) * Decimal(pages)
    return Money(figure, currency), f"{base.source}; {per_page.source}"


def certificate(
    account: UnitAccount,
    budget: BudgetView | None,
    *,
    requested_on: date,
    as_of: date,
    pages: int,
    reserve_fund_balance: Money | None = None,
) -> StatusCertificate:
    if account.country != "CA" or account.province not in _KINDS:
        where = f"{account.province}, {account.country}"
        raise ValidationFailed.single(
            "unit_id", f"status certificates are for Ontario or BC units; this one is in {where}"
        )
    if as_of > requested_on:
        raise ValidationFailed.single("as_of", "the figures are read on or before the request date")
    kind, title = _KINDS[account.province]
    days = rules.days("on.status_certificate.days" if account.province == "ON" else "bc.form_b.days", requested_on)
    fee, basis = _fee(account.province, requested_on, pages, account.balance.currency)
    arrears = account.balance if account.balance.is_positive else Money.zero(account.balance.currency)
    reserve = None
    if budget is not None:
        found = [figure for name, figure in budget.categories if "reserve" in name.lower()]
        reserve = found[0] if found else None
    return StatusCertificate(
        account,
        kind,
        title,
        requested_on,
        as_of,
        requested_on + timedelta(days=days),
        fee,
        basis,
        pages,
        arrears,
        budget,
        reserve,
        reserve_fund_balance,
        reserve_fund_date(account.province, as_of) if reserve_fund_balance is not None else None,
    )


async def status_certificate(
    *, uow: ComplianceUnitOfWork, actor: Actor, unit_id: UUID, requested_on: date, as_of: date | None, pages: int
) -> StatusCertificate:
    if actor.is_tenant:  # the corporation issues it; an owner asks the corporation
        raise NotFound("unit", unit_id)
    day = as_of or requested_on
    async with uow:
        account = await uow.unit_accounts.account(actor.org, unit_id, day)
        budget = await uow.unit_accounts.budget(actor.org, account.property_id, day)
        fund_day = reserve_fund_date(account.province, day)
        fund = await uow.unit_accounts.reserve_fund(actor.org, account.property_id, fund_day)
    return certificate(account, budget, requested_on=requested_on, as_of=day, pages=pages, reserve_fund_balance=fund)

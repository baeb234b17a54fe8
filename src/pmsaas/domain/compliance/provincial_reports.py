"""Canada's sales tax return figures per reporting period and province, from the issued invoices.

GST/HST return (CRA form GST34, lines as the Excise Tax Act return asks them):
* line 101: sales and other revenue: the value before tax of every supply invoiced in the period,
  taxable, zero-rated and exempt alike (residential rent included), as the CRA's instructions for
  line 101 ask; security deposits are no revenue and are left out; credit notes come off;
* line 103: GST/HST collected or collectible (tax the supplier charges, not self-assessed), less
  the GST/HST the period's credit notes reversed (ETA s.232(3): the supplier deducts the tax it
  credits in the period the note is issued);
* line 106: input tax credits: the GST/HST on the vendor bills (expenses) approved in the period
  with a claimable ``input_tax``, in the province of the bill's supply (its own, else its property's,
  else the organization's);
* line 109: net tax, 103 less 106 (no adjustments: lines 104 and 107 are nil, line 108 is 105 + 107
  less 106 in the form, i.e. 103 less 106 here).

Quebec's QST is a separate return to Revenu Québec: its sales, QST collected, input tax refunds (the
QST on the claimable vendor bills) and net QST, for supplies of property in Quebec.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pmsaas.domain.compliance.ports import ComplianceUnitOfWork, CreditedTax, TaxedLine
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money

_FEDERAL = frozenset({"GST", "HST"})
MAX_MONTHS = 24


@dataclass(frozen=True)
class GstHstReturn:
    period: str  # YYYY-MM
    province: str
    line_101: Money
    line_103: Money
    line_106: Money

    @property
    def line_109(self) -> Money:
        return self.line_103 - self.line_106


@dataclass(frozen=True)
class QstReturn:
    period: str
    sales: Money
    qst_collected: Money
    input_tax_refunds: Money

    @property
    def net_qst(self) -> Money:
        return self.qst_collected - self.input_tax_refunds


@dataclass(frozen=True)
class ProvincialReport:
    start: date
    end: date
    currency: str
    gst_hst: tuple[GstHstReturn, ...]
    qst: tuple[QstReturn, ...]


def months_between(first: str, last: str) -> list[str]:
    try:
        y1, m1 = (int(x) for x in first.split("-"))
        y2, m2 = (int(x) for x in last.split("-"))
        date(y1, m1, 1), date(y2, m2, 1)
    except ValueError:
        raise ValidationFailed.single("from", "months are YYYY-MM") from None
    count = (y2 - y1) * 12 + (m2 - m1) + 1
    if count < 1:
        raise ValidationFailed.single("to", "must not be before from")
    if count > MAX_MONTHS:
        raise ValidationFailed.single("to", f"at most {MAX_MONTHS} months in one report")
    return [f"{y1 + (m1 - 1 + i) // 12:04d}-{(m1 - 1 + i) % 12 + 1:02d}" for i in range(count)]


def report(
    lines: list[TaxedLine], months: list[str], currency: str, credits: Sequence[CreditedTax] = ()
) -> ProvincialReport:
    zero = Money.zero(currency)
    federal: dict[tuple[str, str], tuple[Money, Money]] = {}
    quebec: dict[str, tuple[Money, Money]] = {}
    itc: dict[tuple[str, str], Money] = {}
    itr: dict[str, Money] = {}
    for credit in credits:
        period = credit.paid_on.strftime("%Y-%m")
        for head, tax in credit.taxes:
            if head in _FEDERAL:
                itc[(period, credit.province)] = itc.get((period, credit.province), zero) + tax
                federal.setdefault((period, credit.province), (zero, zero))
            elif head == "QST":
                itr[period] = itr.get(period, zero) + tax
                quebec.setdefault(period, (zero, zero))
    for line in lines:
        if line.charge_type == "deposit":
            continue
        period = line.issued_on.strftime("%Y-%m")
        charged = [(head, tax) for head, tax, payer in line.taxes if payer == "supplier"]
        gst = [tax for head, tax in charged if head in _FEDERAL]
        sales, collected = federal.get((period, line.province), (zero, zero))
        federal[(period, line.province)] = (sales + line.amount, sum(gst, collected))
        qst = [tax for head, tax in charged if head == "QST"]
        if qst:
            sales, collected = quebec.get(period, (zero, zero))
            quebec[period] = (sales + line.amount, sum(qst, collected))
    gst_hst = tuple(
        GstHstReturn(period, province, sales, collected, itc.get((period, province), zero))
        for (period, province), (sales, collected) in sorted(federal.items())
        if period in months
    )
    qst_returns = tuple(QstReturn(p, s, c, itr.get(p, zero)) for p, (s, c) in sorted(quebec.items()) if p in months)
    return ProvincialReport(_first_day(months[0]), _last_day(months[-1]), currency, gst_hst, qst_returns)


def _first_day(month: str) -> date:
    year, number = (int(x) for x in month.split("-"))
    return date(year, number, 1)


def _last_day(month: str) -> date:
    year, number = (int(x) for x in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


async def provincial_reports(*, uow: ComplianceUnitOfWork, actor: Actor, first: str, last: str) -> ProvincialReport:
    if actor.is_tenant:
        raise PermissionDenied("tenants see their own invoices, not the organization's tax returns")
    months = months_between(first, last)
    async with uow:
        lines = await uow.sales_tax.taxed_lines(actor.org, _first_day(months[0]), _last_day(months[-1]))
        credits = await uow.sales_tax.credited_taxes(actor.org, _first_day(months[0]), _last_day(months[-1]))
        currency = await uow.sales_tax.currency(actor.org)
    if currency != "CAD":
        raise ValidationFailed.single(
            "organization", "GST/HST and QST returns are for an organization keeping its books in CAD"
        )
    return report(lines, months, currency, credits)

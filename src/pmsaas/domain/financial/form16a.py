"""Form 16A data: the TDS certificate a deductor gives each deductee per quarter (Income-tax Rules
1962, rule 31(1)(b)), for the TDS the organization withheld from vendors' bills. Pure grouping of the
TDS report's ``deducted`` rows (which come from the posted ``tds_payable`` lines), plus the use case.

Per deductee and quarter: the deductor's name, TAN, PAN and address; the deductee's name and PAN;
each payment or credit (section, date, amount paid or credited, TDS deducted) and the totals. The
challan details (BSR code, challan serial, deposit date) are not kept by the books, so they are not
here: the certificate is issued from TRACES, which has them; this is the data to reconcile with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pmsaas.domain.financial.ports import FinancialUnitOfWork
from pmsaas.domain.financial.tds import quarter_bounds, quarter_of
from pmsaas.domain.financial.tds_record import payee_key
from pmsaas.domain.financial.tds_report import TdsReportRow
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import PermissionDenied, ValidationFailed
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class Deductor:
    name: str
    tan: str | None
    pan: str | None
    address: str | None


@dataclass(frozen=True)
class Certificate:
    fy: str
    quarter: str
    deductee_name: str | None
    deductee_pan: str | None
    rows: tuple[TdsReportRow, ...]
    amount_paid: Money
    tds: Money


@dataclass(frozen=True)
class Form16AReport:
    fy: str
    quarter: str | None
    start: date
    end: date
    currency: str
    deductor: Deductor
    certificates: list[Certificate]


def certificates(rows: list[TdsReportRow], currency: str) -> list[Certificate]:
    """One per (quarter, deductee), deductees by PAN (else by name), rows by date."""
    groups: dict[tuple[str, str, str], list[TdsReportRow]] = {}
    for r in rows:
        if r.direction != "deducted":
            continue
        fy = quarter_of(r.deduction_date)[0]
        groups.setdefault((fy, r.quarter, payee_key(r.pan_number, r.party_name)), []).append(r)
    out = []
    for (fy, quarter, _), mine in sorted(groups.items()):
        mine.sort(key=lambda r: (r.deduction_date, str(r.source_id)))
        paid, tds = Money.zero(currency), Money.zero(currency)
        for r in mine:
            paid, tds = paid + r.amount, tds + r.tds
        first = mine[0]
        out.append(Certificate(fy, quarter, first.party_name, first.pan_number, tuple(mine), paid, tds))
    return out


async def form16a_report(
    *, uow: FinancialUnitOfWork, actor: Actor, fy: str | None, quarter: str | None, today: date
) -> Form16AReport:
    if actor.is_tenant:
        raise PermissionDenied("tenants do not see the organization's TDS certificates")
    fy = fy or quarter_of(today)[0]
    start, end = quarter_bounds(fy, quarter)
    async with uow.read_only() as r:
        profile = await r.organization_profiles.get(actor.org)
        if profile.country != "IN":
            raise ValidationFailed.single("organization", "Form 16A is for an organization in India")
        rows = await r.tds.report(actor.org, start, end, "deducted")
    deductor = Deductor(profile.name, profile.tan_number, profile.pan_number, profile.address)
    return Form16AReport(fy, quarter, start, end, profile.currency, deductor, certificates(rows, profile.currency))

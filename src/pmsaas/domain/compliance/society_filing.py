"""The annual filing of an Indian co-operative housing society (Maharashtra), from its books.

The registration particulars (number, registrar's office, bye-laws version) are the society's own
and come with the request, as do the facts the books cannot know (the construction cost, the audit
and the AGM). The books give the members and what was billed in the financial year (April to March)
to the sinking fund and the repairs and maintenance fund. The filing is ``compliant`` when the
sinking fund reached the model bye-laws' minimum (0.25 % a year of the construction cost), the
audit was completed within four months of the year's close (MCS Act s.81(1)) and the AGM held
within six (s.75(1)); otherwise ``non_compliant`` with each finding.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from pmsaas.domain.compliance import rules
from pmsaas.domain.compliance.ports import ComplianceUnitOfWork, SocietyBooks
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class SocietyParticulars:
    registration_number: str
    registrar_office: str
    bye_laws_version: str
    financial_year: str  # "2025-26"
    construction_cost: Money
    audit_status: str  # completed | in_progress | not_started
    audit_completed_on: date | None
    agm_date: date | None


@dataclass(frozen=True)
class SocietyFiling:
    particulars: SocietyParticulars
    books: SocietyBooks
    year_start: date
    year_end: date
    sinking_fund_required: Money
    audit_due_by: date
    agm_due_by: date
    findings: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def compliance_status(self) -> str:
        return "non_compliant" if self.findings else "compliant"


def financial_year(label: str) -> tuple[date, date]:
    """ "2025-26" -> 1 April 2025 to 31 March 2026 (the Indian financial year)."""
    first, _, second = label.partition("-")
    if not (first.isdigit() and len(first) == 4 and second.isdigit() and len(second) == 2):
        raise ValidationFailed.single("financial_year", "is written YYYY-YY, e.g. 2025-26")
    start = int(first)
    if (start + 1) % 100 != int(second):
        raise ValidationFailed.single("financial_year", "the second year follows the first, e.g. 2025-26")
    return date(start, 4, 1), date(start + 1, 3, 31)


def _months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def filing(particulars: SocietyParticulars, books: SocietyBooks, start: date, end: date) -> SocietyFiling:
    if books.country != "IN" or not books.is_housing_society:
        raise ValidationFailed.single("property_id", "the property is not a co-operative housing society's")
    if particulars.construction_cost.currency != books.sinking_fund.currency:
        raise ValidationFailed.single("construction_cost.currency", f"the books are in {books.sinking_fund.currency}")
    if not particulars.construction_cost.is_positive:
        raise ValidationFailed.single("construction_cost.amount", "must be more than zero")
    percent = rules.rule("in_mh.society.sinking_fund_percent", end)
    required = particulars.construction_cost.percent(rules.percent(percent.key, end))
    audit = rules.rule("in_mh.society.audit_months", end)
    agm = rules.rule("in_mh.society.agm_months", end)
    audit_due = _months_after(end, rules.days(audit.key, end))
    agm_due = _months_after(end, rules.days(agm.key, end))
    findings = []
    if books.sinking_fund < required:
        findings.append(
            f"sinking fund {books.sinking_fund} is below the minimum {required}"
            f" ({percent.value}% of the construction cost)"
        )
    if particulars.audit_status != "completed":
        findings.append(f"the audit is {particulars.audit_status.replace('_', ' ')}; due by {audit_due.isoformat()}")
    elif particulars.audit_completed_on is not None and particulars.audit_completed_on > audit_due:
        findings.append(f"the audit was completed after {audit_due.isoformat()}")
    if particulars.agm_date is None:
        findings.append(f"no AGM held; due by {agm_due.isoformat()}")
    elif particulars.agm_date > agm_due or particulars.agm_date <= end:
        findings.append(
            f"the AGM of {particulars.agm_date.isoformat()} is not within six months after {end.isoformat()}"
        )
    sources = (percent.source, audit.source, agm.source)
    return SocietyFiling(particulars, books, start, end, required, audit_due, agm_due, tuple(findings), sources)


async def society_filing(
    *, uow: ComplianceUnitOfWork, actor: Actor, property_id: UUID, particulars: SocietyParticulars
) -> SocietyFiling:
    if actor.is_tenant:  # members read the filing; the managing committee files it
        raise NotFound("property", property_id)
    start, end = financial_year(particulars.financial_year)
    async with uow:
        books = await uow.societies.books(actor.org, property_id, start, end)
    return filing(particulars, books, start, end)

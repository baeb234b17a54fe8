"""Every statutory rate, threshold and deadline the compliance documents apply, as effective-dated
data: next year's rent-increase guideline is a new entry here, not a code change.

Each entry names the law or announcement it comes from (``source``); docs/compliance.md explains
them. ``rule(key, on)`` is the entry in force on a day: the latest ``effective_from`` not after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pmsaas.domain.shared.errors import ValidationFailed


@dataclass(frozen=True)
class Rule:
    key: str
    value: Decimal | int | date
    effective_from: date
    source: str


_RTA = "Residential Tenancies Act, 2006, S.O. 2006, c. 17"
_CONDO = "Condominium Act, 1998, S.O. 1998, c. 19"
_SPA = "Strata Property Act, S.B.C. 1998, c. 43"
_SPR = "Strata Property Regulation, B.C. Reg. 43/2000"
_MCS = "Maharashtra Co-operative Societies Act, 1960"
_BYE_LAWS = "Model Bye-laws of a Co-operative Housing Society (Maharashtra)"
RULES: tuple[Rule, ...] = (
    # Ontario N4: the termination date of a notice for non-payment of rent (s.59(1)).
    Rule("on.n4.termination_days.monthly", 14, date(2007, 1, 31), f"{_RTA}, s.59(1)(b)"),
    Rule("on.n4.termination_days.weekly", 7, date(2007, 1, 31), f"{_RTA}, s.59(1)(a)"),
    Rule("on.n4.termination_days.daily", 7, date(2007, 1, 31), f"{_RTA}, s.59(1)(a)"),
    # Ontario N1: written notice of a rent increase (s.116(1)) and the 12-month rule (s.119(1)).
    Rule("on.n1.notice_days", 90, date(2007, 1, 31), f"{_RTA}, s.116(1)"),
    Rule("on.n1.months_between_increases", 12, date(2007, 1, 31), f"{_RTA}, s.119(1)"),
    # The guideline (s.120) for increases taking effect in the calendar year.
    Rule(
        "on.n1.guideline_percent",
        Decimal("2.5"),
        date(2025, 1, 1),
        f"{_RTA}, s.120; Ontario, '2025 rent increase guideline' (announced in 2024): 2.5%",
    ),
    Rule(
        "on.n1.guideline_percent",
        Decimal("2.1"),
        date(2026, 1, 1),
        f"{_RTA}, s.120; Ontario, '2026 rent increase guideline' (announced in 2025): 2.1%",
    ),
    # Units first occupied residentially after 15 November 2018 are exempt from the guideline.
    Rule(
        "on.n1.guideline_exempt_after",
        date(2018, 11, 15),
        date(2018, 12, 6),
        f"{_RTA}, s.6.1 (in force 6 December 2018)",
    ),
    # Ontario condominium status certificate.
    Rule(
        "on.status_certificate.days", 10, date(2001, 5, 5), f"{_CONDO}, s.76(1): within 10 days of the request and fee"
    ),
    Rule(
        "on.status_certificate.fee_cap",
        Decimal("100.00"),
        date(2017, 11, 1),
        "O. Reg. 48/01 (General) under the Condominium Act, 1998: at most $100, HST included",
    ),
    # British Columbia strata: Form B, information certificate.
    Rule("bc.form_b.days", 7, date(2000, 7, 1), f"{_SPA}, s.59(1): within one week of the request"),
    Rule("bc.form_b.fee", Decimal("35.00"), date(2000, 7, 1), f"{_SPR}, s.6.4(2): at most $35 for a Form B"),
    Rule("bc.form_b.fee_per_page", Decimal("0.25"), date(2000, 7, 1), f"{_SPR}, s.6.4(2): plus $0.25 a page of copies"),
    # Indian co-operative housing society (Maharashtra).
    Rule(
        "in_mh.society.sinking_fund_percent",
        Decimal("0.25"),
        date(2014, 1, 1),
        f"{_BYE_LAWS}: sinking fund at least 0.25% a year of the construction cost of each flat",
    ),
    Rule(
        "in_mh.society.agm_months",
        6,
        date(2013, 2, 14),
        f"{_MCS}, s.75(1): the AGM within six months of the year's close",
    ),
    Rule(
        "in_mh.society.audit_months",
        4,
        date(2013, 2, 14),
        f"{_MCS}, s.81(1): the audit within four months of the year's close",
    ),
)


def rule(key: str, on: date) -> Rule:
    """The entry of ``key`` in force on ``on``; a day before the first one is out of the data's range."""
    found = [r for r in RULES if r.key == key and r.effective_from <= on]
    if not found:
        raise ValidationFailed.single("date", f"no {key} rule is in force on {on.isoformat()}")
    return max(found, key=lambda r: r.effective_from)


def days(key: str, on: date) -> int:
    value = rule(key, on).value
    assert isinstance(value, int)
    return value


def percent(key: str, on: date) -> Decimal:
    value = rule(key, on).value
    assert isinstance(value, Decimal)
    return value


def day(key: str, on: date) -> date:
    value = rule(key, on).value
    assert isinstance(value, date)
    return value


def amount(key: str, on: date) -> Decimal:
    return percent(key, on)  # a Decimal entry: money in the document's currency

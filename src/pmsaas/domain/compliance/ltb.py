"""Ontario Landlord and Tenant Board notices, decided from the tenancy and its ledger. Pure.

* N4, notice to end a tenancy early for non-payment of rent: the rent owing per rental period
  (charged less paid, as the ledger stands at a date), and a termination date at least 14 days after
  service for a monthly tenancy, 7 for a daily or weekly one (RTA s.59(1)). No arrears, no notice.
* N1, notice of rent increase: at least 90 days' written notice (s.116(1)), 12 months after the
  tenancy began (s.119(1)), and no more than the guideline of the year the increase takes effect
  (s.120) unless the unit was first occupied residentially after 15 November 2018 (s.6.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from pmsaas.domain.compliance import rules
from pmsaas.domain.compliance.ports import RentPeriod, Tenancy
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.money import Money

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class N4Notice:
    tenancy: Tenancy
    served_on: date
    as_of: date  # the ledger's date the arrears are read at
    termination_on: date
    earliest_termination_on: date
    periods: tuple[RentPeriod, ...]  # the periods with rent owing (or a credit), oldest first
    total_owing: Money


@dataclass(frozen=True)
class N1Notice:
    tenancy: Tenancy
    served_on: date
    effective_on: date
    current_rent: Money
    new_rent: Money
    increase: Money
    increase_percent: Decimal  # two places, rounded half-up (printed)
    guideline_percent: Decimal  # the guideline of the effective year (0 when it does not apply)
    guideline_applies: bool  # False: first occupied after 15 November 2018
    maximum_rent: Money | None  # the guideline's ceiling, None when it does not apply


def _in_ontario(tenancy: Tenancy, form: str) -> None:
    if tenancy.country != "CA" or tenancy.province != "ON":
        where = f"{tenancy.province}, {tenancy.country}"
        raise ValidationFailed.single("lease_id", f"an {form} is an Ontario form; the unit is in {where}")


def earliest_termination(served_on: date, rent_period: str) -> date:
    return served_on + timedelta(days=rules.days(f"on.n4.termination_days.{rent_period}", served_on))


def n4_notice(
    tenancy: Tenancy,
    periods: list[RentPeriod],
    *,
    served_on: date,
    as_of: date,
    termination_on: date | None,
) -> N4Notice:
    _in_ontario(tenancy, "N4")
    if as_of > served_on:
        raise ValidationFailed.single("as_of", "the arrears are read on or before the day the notice is served")
    owing = tuple(p for p in periods if p.owing.amount != 0)
    total = Money.zero(tenancy.rent.currency)
    for p in owing:
        total = total + p.owing
    if not total.is_positive:
        raise Conflict(f"the tenant owes no rent on {as_of.isoformat()}: an N4 needs arrears")
    earliest = earliest_termination(served_on, tenancy.rent_period)
    termination = termination_on or earliest
    if termination < earliest:
        days = (earliest - served_on).days
        raise ValidationFailed.single(
            "termination_date",
            f"must be at least {days} days after service ({earliest.isoformat()} or later)"
            f" for a {tenancy.rent_period} tenancy",
        )
    return N4Notice(tenancy, served_on, as_of, termination, earliest, owing, total)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def guideline_applies(tenancy: Tenancy, first_occupied_on: date | None, effective_on: date) -> bool:
    """False for a unit first occupied residentially after the exemption day. Unknown (no date given
    and no year built after 2018) means the guideline applies: the notice errs on the tenant's side."""
    exempt_after = rules.day("on.n1.guideline_exempt_after", effective_on)
    if first_occupied_on is not None:
        return first_occupied_on <= exempt_after
    return tenancy.year_built is None or tenancy.year_built <= exempt_after.year


def _guideline(effective_on: date) -> Decimal:
    """The guideline of the year the increase takes effect: each year's is announced by 31 August
    of the year before (s.120(2)); a year not yet in the data is refused, never guessed."""
    found = rules.rule("on.n1.guideline_percent", effective_on)
    if found.effective_from.year != effective_on.year:
        raise ValidationFailed.single(
            "effective_date", f"the {effective_on.year} rent increase guideline is not in the rules data yet"
        )
    return rules.percent("on.n1.guideline_percent", effective_on)


def n1_notice(
    tenancy: Tenancy,
    *,
    served_on: date,
    effective_on: date,
    new_rent: Money,
    first_occupied_on: date | None,
) -> N1Notice:
    _in_ontario(tenancy, "N1")
    current = tenancy.rent
    if new_rent.currency != current.currency:
        raise ValidationFailed.single("new_rent.currency", f"the rent is in {current.currency}")
    if new_rent <= current:
        raise ValidationFailed.single("new_rent", f"must be more than the current rent of {current}")
    notice_days = rules.days("on.n1.notice_days", served_on)
    if effective_on < served_on + timedelta(days=notice_days):
        earliest = served_on + timedelta(days=notice_days)
        raise ValidationFailed.single(
            "effective_date", f"needs at least {notice_days} days' written notice: {earliest.isoformat()} or later"
        )
    months = rules.days("on.n1.months_between_increases", effective_on)
    if effective_on < _add_months(tenancy.start_date, months):
        raise ValidationFailed.single(
            "effective_date", f"an increase takes effect at least {months} months after the tenancy began"
        )
    applies = guideline_applies(tenancy, first_occupied_on, effective_on)
    guideline = _guideline(effective_on) if applies else Decimal(0)
    ceiling = current.amount * (_HUNDRED + guideline) / _HUNDRED
    maximum = Money(ceiling.quantize(Decimal("0.01"), rounding=ROUND_DOWN), current.currency) if applies else None
    if applies and new_rent.amount > ceiling:
        raise ValidationFailed.single(
            "new_rent",
            f"above the {effective_on.year} guideline of {guideline}%: at most {maximum} from {current}",
        )
    increase = new_rent - current
    percent = (increase.amount * _HUNDRED / current.amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return N1Notice(tenancy, served_on, effective_on, current, new_rent, increase, percent, guideline, applies, maximum)

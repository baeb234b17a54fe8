"""The rent schedule of a lease: which charges fall due, when, and for how much.

Pure domain: standard library and ``pmsaas.domain.shared`` only. No floats.

Rules
-----
Term
    ``start_date`` and ``end_date`` are both inclusive. ``end_date=None`` is a periodic
    (month-to-month, open-ended) lease: it produces charges up to the requested ``to_date``.
    No charge ever covers a day outside the term.

Billing periods
    Calendar months (the 1st to the last day). A charge's ``period_start..period_end`` is the part
    of one calendar month that lies inside the lease term *and* inside the requested window
    ``[from_date, to_date]``. A window that cuts through a month therefore gets that month's
    prorated part, and the schedules of adjacent windows add up exactly to the schedule of their
    union (to the cent). Invoicing a whole month means asking for that month.

Proration (exact, cumulative)
    A month of ``D`` days at monthly rent ``R`` accrues, for the days ``s..e`` of that month::

        part = round_half_up(R × e / D) − round_half_up(R × (s − 1) / D)

    i.e. the rounded cumulative rent up to day ``e`` minus the rounded cumulative rent up to the day
    before ``s``. Each part is within one cent of ``R × days / D``; the parts of ANY split of a month
    into consecutive ranges telescope, so they sum to exactly ``R`` for a whole month, and a full
    month always costs exactly ``R``. Example: 15–31 January at 31000.00 →
    31000 × 31/31 − 31000 × 14/31 = 31000.00 − 14000.00 = 17000.00.

Escalation
    Applied from each anniversary ``start_date + n years`` (a 29 February start has its
    anniversaries on 28 February in common years). Percentage escalation compounds:
    ``rent[n] = rent[n−1] + round_half_up(rent[n−1] × x / 100)``; amount escalation adds a fixed
    amount: ``rent[n] = rent[n−1] + amount``. A month containing an anniversary after its 1st is
    split into TWO rent charges in that month: the days before the anniversary at the old rent and
    the days from the anniversary on at the new rent, each prorated cumulatively at its own rent
    with the rule above. (Both carry the month's due date.)

Due dates
    The ``billing_day`` of the period's month. A billing day past the month's end (31 in a 30-day
    month, 29–31 in February) falls on the month's last day. When the tenant does not occupy the
    billing day of that month, the due date moves to the nearest occupied day of the month: a first
    month starting after the billing day is due on the start date; a last month ending before the
    billing day is due on the end date. Due dates never depend on the requested window.

Deposit
    One ``deposit`` charge for ``security_deposit`` (if set and non-zero), period and due date both
    the start date (the activation); it is included when the window contains the start date.

Ordering
    Charges are ordered by due date, then period start, the deposit before rent on the same day.

Late fees
    ``late_fee_for`` charges a fee only when ``as_of`` is after ``due_date + grace_days`` (so the
    last grace day is still free). Flat: ``value`` in the rent currency. Percentage: ``value`` % of
    the invoice amount, rounded half-up to the cent. Either is capped at ``cap`` when set. Returns
    ``None`` when no fee is due (not late yet, no late-fee terms, nothing owed, or a fee of 0.00).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.money import MINOR_DIGITS, Money, round_half_up

__all__ = [
    "Charge",
    "ChargeType",
    "Escalation",
    "EscalationKind",
    "LateFee",
    "LateFeeKind",
    "LeaseTerms",
    "anniversary",
    "due_date_of",
    "late_fee_for",
    "prorate",
    "rent_at",
    "rent_schedule",
    "validate_terms",
]

LateFeeKind = Literal["flat", "percentage"]
EscalationKind = Literal["percentage", "amount"]
# other / reserve_fund: a recurring charge (recurring.py)
ChargeType = Literal["rent", "deposit", "late_fee", "other", "reserve_fund"]

_ONE_DAY = timedelta(days=1)
_HUNDRED = Decimal(100)


# -- value objects ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LateFee:
    """``flat``: ``value`` is an amount in the rent currency; ``percentage``: ``value`` percent of
    the overdue invoice. ``cap`` (rent currency) bounds either."""

    kind: LateFeeKind
    value: Decimal
    cap: Money | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    """Applied on each lease anniversary. ``percentage`` compounds; ``amount`` adds ``value``
    (in the rent currency) each year."""

    kind: EscalationKind
    value: Decimal


@dataclass(frozen=True, slots=True)
class LeaseTerms:
    start_date: date
    end_date: date | None  # inclusive; None = periodic monthly, open-ended
    rent: Money  # monthly
    billing_day: int = 1  # 1..31; clamped to the month's last day
    grace_days: int = 0
    security_deposit: Money | None = None
    late_fee: LateFee | None = None
    escalation: Escalation | None = None


@dataclass(frozen=True, slots=True)
class Charge:
    type: ChargeType
    period_start: date
    period_end: date  # inclusive
    due_date: date
    amount: Money
    description: str
    supply_type: str | None = None  # a recurring charge's tax treatment


# -- validation ---------------------------------------------------------------------------


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_decimal(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _has_minor_digits(amount: Decimal, currency: str) -> bool:
    return amount == round_half_up(amount, MINOR_DIGITS[currency])


def _check_money(
    problems: list[FieldProblem], name: str, value: object, currency: str | None, *, positive: bool
) -> None:
    if not isinstance(value, Money):
        problems.append(FieldProblem(name, "must be Money"))
        return
    if currency is not None and value.currency != currency:
        problems.append(FieldProblem(name, f"currency {value.currency} differs from the rent's {currency}"))
    if not value.amount.is_finite():
        problems.append(FieldProblem(name, "must be a finite amount"))
        return
    if positive and not value.is_positive:
        problems.append(FieldProblem(name, "must be greater than zero"))
    elif value.is_negative:
        problems.append(FieldProblem(name, "must not be negative"))
    if not _has_minor_digits(value.amount, value.currency):
        problems.append(FieldProblem(name, f"at most {MINOR_DIGITS[value.currency]} decimal places"))


def validate_terms(terms: LeaseTerms) -> None:
    """Raise ``ValidationFailed`` listing every broken rule of ``terms`` (none: return ``None``)."""
    problems: list[FieldProblem] = []

    start_ok = _is_date(terms.start_date)
    if not start_ok:
        problems.append(FieldProblem("start_date", "must be a date"))
    if terms.end_date is not None:
        if not _is_date(terms.end_date):
            problems.append(FieldProblem("end_date", "must be a date or null (periodic lease)"))
        elif start_ok and terms.end_date <= terms.start_date:
            problems.append(FieldProblem("end_date", "must be after start_date"))

    _check_money(problems, "rent", terms.rent, None, positive=True)
    currency = terms.rent.currency if isinstance(terms.rent, Money) else None

    if not _is_int(terms.billing_day) or not 1 <= terms.billing_day <= 31:
        problems.append(FieldProblem("billing_day", "must be a whole number from 1 to 31"))
    if not _is_int(terms.grace_days) or terms.grace_days < 0:
        problems.append(FieldProblem("grace_days", "must be a whole number of days, zero or more"))
    if terms.security_deposit is not None:
        _check_money(problems, "security_deposit", terms.security_deposit, currency, positive=False)

    fee = terms.late_fee
    if fee is not None:
        if fee.kind not in ("flat", "percentage"):
            problems.append(FieldProblem("late_fee.kind", "must be 'flat' or 'percentage'"))
        if not _is_decimal(fee.value):
            problems.append(FieldProblem("late_fee.value", "must be a finite Decimal"))
        elif fee.value <= 0:
            problems.append(FieldProblem("late_fee.value", "must be greater than zero"))
        elif fee.kind == "percentage" and fee.value > _HUNDRED:
            problems.append(FieldProblem("late_fee.value", "a percentage must be at most 100"))
        elif fee.kind == "flat" and currency is not None and not _has_minor_digits(fee.value, currency):
            problems.append(FieldProblem("late_fee.value", f"at most {MINOR_DIGITS[currency]} decimal places"))
        if fee.cap is not None:
            _check_money(problems, "late_fee.cap", fee.cap, currency, positive=True)

    esc = terms.escalation
    if esc is not None:
        if esc.kind not in ("percentage", "amount"):
            problems.append(FieldProblem("escalation.kind", "must be 'percentage' or 'amount'"))
        if not _is_decimal(esc.value):
            problems.append(FieldProblem("escalation.value", "must be a finite Decimal"))
        elif esc.value < 0:
            problems.append(FieldProblem("escalation.value", "must not be negative"))
        elif esc.kind == "percentage" and esc.value > _HUNDRED:
            problems.append(FieldProblem("escalation.value", "a yearly percentage must be at most 100"))
        elif esc.kind == "amount" and currency is not None and not _has_minor_digits(esc.value, currency):
            problems.append(FieldProblem("escalation.value", f"at most {MINOR_DIGITS[currency]} decimal places"))

    if problems:
        summary = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise ValidationFailed(problems, message=f"invalid lease terms: {summary}")


# -- helpers ------------------------------------------------------------------------------


def prorate(amount: Money, *, days: int, days_in_period: int) -> Money:
    """``amount × days / days_in_period``, rounded half-up to the currency's minor unit.

    For exact splits use differences of cumulative prorations (see the module docstring).
    """
    if not _is_int(days_in_period) or days_in_period <= 0:
        raise ValueError("days_in_period must be a positive whole number")
    if not _is_int(days) or not 0 <= days <= days_in_period:
        raise ValueError("days must be between 0 and days_in_period")
    exact = amount.amount * days / days_in_period
    return Money(round_half_up(exact, MINOR_DIGITS[amount.currency]), amount.currency)


def anniversary(terms: LeaseTerms, n: int) -> date:
    """The ``n``-th anniversary of the start (29 February → 28 February in common years)."""
    start = terms.start_date
    year = start.year + n
    return date(year, start.month, min(start.day, calendar.monthrange(year, start.month)[1]))


def _year_index(terms: LeaseTerms, day: date) -> int:
    """How many anniversaries have passed on ``day`` (0 during the first lease year)."""
    if day < terms.start_date:
        return 0
    n = day.year - terms.start_date.year
    if anniversary(terms, n) > day:
        n -= 1
    return n


def _escalate(rent: Money, escalation: Escalation | None) -> Money:
    if escalation is None:
        return rent
    if escalation.kind == "percentage":
        return rent + rent.percent(escalation.value)
    return rent + Money(escalation.value, rent.currency).rounded()


class _Rates:
    """Monthly rent per lease year, computed once and in order (percentage compounds)."""

    def __init__(self, terms: LeaseTerms) -> None:
        self._terms = terms
        self._rates = [terms.rent.rounded()]

    def year(self, n: int) -> Money:
        while len(self._rates) <= n:
            self._rates.append(_escalate(self._rates[-1], self._terms.escalation))
        return self._rates[n]

    def on(self, day: date) -> Money:
        return self.year(_year_index(self._terms, day))


def rent_at(terms: LeaseTerms, day: date) -> Money:
    """The monthly rent rate in force on ``day`` (escalations applied from each anniversary)."""
    validate_terms(terms)
    return _Rates(terms).on(day)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _due_date(terms: LeaseTerms, month_start: date) -> date:
    month_end = _month_end(month_start)
    billing = month_start.replace(day=min(terms.billing_day, month_end.day))
    occupied_from = max(month_start, terms.start_date)
    occupied_to = month_end if terms.end_date is None else min(month_end, terms.end_date)
    return min(max(billing, occupied_from), occupied_to)


def due_date_of(terms: LeaseTerms, month_start: date) -> date:
    """The lease's due date in the month starting ``month_start`` (see "Due dates")."""
    return _due_date(terms, month_start)


def _rent_part(rate: Money, first: date, last: date) -> Money:
    """Cumulative proration of ``first..last`` (same month) at monthly ``rate``."""
    days = _month_end(first).day
    upto_last = prorate(rate, days=last.day, days_in_period=days)
    before_first = prorate(rate, days=first.day - 1, days_in_period=days)
    return upto_last - before_first


def _rent_description(rate: Money, first: date, last: date) -> str:
    days_in_month = _month_end(first).day
    if first.day == 1 and last.day == days_in_month:
        return f"Rent {first:%B %Y} ({rate} {rate.currency}/month)"
    days = (last - first).days + 1
    return (
        f"Rent {first.isoformat()} to {last.isoformat()} ({days}/{days_in_month} days of {rate} {rate.currency}/month)"
    )


# -- the schedule -------------------------------------------------------------------------


def rent_schedule(terms: LeaseTerms, from_date: date, to_date: date) -> list[Charge]:
    """The deposit and rent charges of ``terms`` for the window ``[from_date, to_date]`` (inclusive),
    ordered by due date. See the module docstring for the rules."""
    validate_terms(terms)
    if not _is_date(from_date):
        raise ValidationFailed.single("from_date", "must be a date")
    if not _is_date(to_date):
        raise ValidationFailed.single("to_date", "must be a date")
    if to_date < from_date:
        raise ValidationFailed.single("to_date", "must not be before from_date")

    charges: list[Charge] = []
    deposit = terms.security_deposit
    if deposit is not None and deposit.is_positive and from_date <= terms.start_date <= to_date:
        charges.append(
            Charge(
                type="deposit",
                period_start=terms.start_date,
                period_end=terms.start_date,
                due_date=terms.start_date,
                amount=deposit.rounded(),
                description=f"Security deposit ({deposit} {deposit.currency})",
            )
        )

    lo = max(from_date, terms.start_date)
    hi = to_date if terms.end_date is None else min(to_date, terms.end_date)
    rates = _Rates(terms)
    year = _year_index(terms, lo)
    next_anniversary = anniversary(terms, year + 1)  # always after the previous part's last day
    month_start = lo.replace(day=1)
    while lo <= hi and month_start <= hi:
        month_end = _month_end(month_start)
        first, last = max(month_start, lo), min(month_end, hi)
        due = _due_date(terms, month_start)
        if next_anniversary <= first:  # the anniversary starts this part: no split needed
            year += 1
            next_anniversary = anniversary(terms, year + 1)
        # Split at an anniversary after first and up to last, if any (at most one per month).
        segments: list[tuple[date, date, int]] = [(first, last, year)]
        if next_anniversary <= last:
            segments = [(first, next_anniversary - _ONE_DAY, year), (next_anniversary, last, year + 1)]
            year += 1
            next_anniversary = anniversary(terms, year + 1)
        for seg_first, seg_last, seg_year in segments:
            rate = rates.year(seg_year)
            charges.append(
                Charge(
                    type="rent",
                    period_start=seg_first,
                    period_end=seg_last,
                    due_date=due,
                    amount=_rent_part(rate, seg_first, seg_last),
                    description=_rent_description(rate, seg_first, seg_last),
                )
            )
        month_start = month_end + _ONE_DAY

    order = {"deposit": 0, "rent": 1, "late_fee": 2}
    charges.sort(key=lambda c: (c.due_date, c.period_start, order[c.type]))
    return charges


# -- late fees ----------------------------------------------------------------------------


def late_fee_for(terms: LeaseTerms, *, invoice_amount: Money, due_date: date, as_of: date) -> Money | None:
    """The late fee owed on an invoice of ``invoice_amount`` due on ``due_date``, as of ``as_of``.

    ``None`` while within ``due_date + grace_days`` (inclusive), without late-fee terms, when
    nothing is owed, or when the fee rounds to zero.
    """
    validate_terms(terms)
    fee_terms = terms.late_fee
    if fee_terms is None:
        return None
    currency = terms.rent.currency
    if not isinstance(invoice_amount, Money) or invoice_amount.currency != currency:
        raise ValidationFailed.single("invoice_amount", f"must be Money in the rent currency {currency}")
    if not invoice_amount.is_positive:
        return None
    if as_of <= due_date + timedelta(days=terms.grace_days):
        return None
    if fee_terms.kind == "flat":
        fee = Money(fee_terms.value, currency).rounded()
    else:
        fee = invoice_amount.rounded().percent(fee_terms.value)
    if fee_terms.cap is not None and fee_terms.cap < fee:
        fee = fee_terms.cap.rounded()
    return fee if fee.is_positive else None

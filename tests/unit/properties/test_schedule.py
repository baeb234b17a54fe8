"""The rent schedule: proration, escalation, due dates, deposits and late fees.

The reference helpers below recompute rates and bounds independently of the module under test.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pmsaas.domain.properties.schedule import (
    Charge,
    Escalation,
    LateFee,
    LeaseTerms,
    late_fee_for,
    prorate,
    rent_at,
    rent_schedule,
    validate_terms,
)
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

FAST = settings(max_examples=200, deadline=None, database=None)
QUICK = settings(max_examples=100, deadline=None, database=None)
CENT = Decimal("0.01")
ONE_DAY = timedelta(days=1)


# -- reference helpers --------------------------------------------------------------------


def days_in_month(d: date) -> int:
    return calendar.monthrange(d.year, d.month)[1]


def month_key(d: date) -> tuple[int, int]:
    return (d.year, d.month)


def ref_anniversary(start: date, n: int) -> date:
    return start + relativedelta(years=n)


def ref_rates(terms: LeaseTerms, until: date) -> list[tuple[date, Decimal]]:
    """``(from_day, rate)`` for each lease year up to ``until``, escalating step by step."""
    table = [(terms.start_date, terms.rent.amount)]
    n = 1
    while (day := ref_anniversary(terms.start_date, n)) <= until:
        rate = table[-1][1]
        esc = terms.escalation
        if esc is not None:
            if esc.kind == "percentage":
                rate += (rate * esc.value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
            else:
                rate += esc.value
        table.append((day, rate))
        n += 1
    return table


def rate_on(table: list[tuple[date, Decimal]], day: date) -> Decimal:
    return [rate for since, rate in table if since <= day][-1]


def rents(charges: list[Charge]) -> list[Charge]:
    return [c for c in charges if c.type == "rent"]


def total(charges: list[Charge]) -> Decimal:
    return sum((c.amount.amount for c in charges), Decimal(0))


def per_month(charges: list[Charge]) -> dict[tuple[int, int], Decimal]:
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for c in rents(charges):
        out[month_key(c.period_start)] += c.amount.amount
    return dict(out)


def covered_days(charges: list[Charge]) -> list[date]:
    days: list[date] = []
    for c in rents(charges):
        d = c.period_start
        while d <= c.period_end:
            days.append(d)
            d += ONE_DAY
    return days


def inr(amount: str) -> Money:
    return Money.of(amount, "INR")


def cad(amount: str) -> Money:
    return Money.of(amount, "CAD")


# -- strategies ---------------------------------------------------------------------------

currencies = st.sampled_from(["INR", "CAD", "USD"])
# Small rents make every rounding visible; large ones exercise realistic amounts.
rent_minor = st.one_of(st.integers(1, 5_000), st.integers(1, 10**9))
starts = st.dates(date(2020, 1, 1), date(2032, 12, 31))


@st.composite
def escalations(draw: st.DrawFn) -> Escalation | None:
    kind = draw(st.sampled_from([None, "percentage", "amount"]))
    if kind is None:
        return None
    if kind == "percentage":
        return Escalation("percentage", Decimal(draw(st.integers(0, 2_500))).scaleb(-2))
    return Escalation("amount", Decimal(draw(st.integers(0, 10**6))).scaleb(-2))


@st.composite
def lease_terms(draw: st.DrawFn, *, periodic: bool | None = None, escalate: bool = True) -> LeaseTerms:
    currency = draw(currencies)
    start = draw(starts)
    is_periodic = draw(st.booleans()) if periodic is None else periodic
    end = None if is_periodic else start + timedelta(days=draw(st.integers(1, 800)))
    deposit = draw(st.one_of(st.none(), st.integers(0, 10**8).map(lambda m: Money.from_minor(m, currency))))
    return LeaseTerms(
        start_date=start,
        end_date=end,
        rent=Money.from_minor(draw(rent_minor), currency),
        billing_day=draw(st.integers(1, 31)),
        grace_days=draw(st.integers(0, 15)),
        security_deposit=deposit,
        late_fee=None,
        escalation=draw(escalations()) if escalate else None,
    )


@st.composite
def terms_and_window(draw: st.DrawFn, **kwargs: object) -> tuple[LeaseTerms, date, date]:
    terms = draw(lease_terms(**kwargs))
    last = terms.end_date or terms.start_date + timedelta(days=800)
    lo = terms.start_date + timedelta(days=draw(st.integers(-60, 30)))
    hi = last + timedelta(days=draw(st.integers(-30, 60)))
    if hi < lo:
        lo, hi = hi, lo
    return terms, lo, hi


# -- (1) exact splits ---------------------------------------------------------------------


@FAST
@given(data=terms_and_window(), cuts=st.lists(st.integers(1, 900), max_size=6, unique=True))
def test_any_split_of_the_window_adds_up_to_the_unsplit_schedule(
    data: tuple[LeaseTerms, date, date], cuts: list[int]
) -> None:
    terms, lo, hi = data
    whole = rent_schedule(terms, lo, hi)

    span = (hi - lo).days
    points = sorted({lo + timedelta(days=c) for c in cuts if c <= span})
    bounds = [lo, *points]
    parts: list[Charge] = []
    for i, first in enumerate(bounds):
        last = bounds[i + 1] - ONE_DAY if i + 1 < len(bounds) else hi
        parts.extend(rent_schedule(terms, first, last))

    assert per_month(parts) == per_month(whole)
    assert total(rents(parts)) == total(rents(whole))
    assert sorted(covered_days(parts)) == sorted(covered_days(whole))
    assert [c for c in parts if c.type == "deposit"] == [c for c in whole if c.type == "deposit"]


@QUICK
@given(terms=lease_terms(periodic=False, escalate=False), cut=st.integers(1, 799))
def test_splitting_a_lease_into_two_consecutive_leases_keeps_every_month_total(terms: LeaseTerms, cut: int) -> None:
    assert terms.end_date is not None
    pivot = terms.start_date + timedelta(days=cut)
    if not terms.start_date < pivot - ONE_DAY or not pivot < terms.end_date:
        return  # both sub-leases need at least two days
    first = replace(terms, end_date=pivot - ONE_DAY)
    second = replace(terms, start_date=pivot)
    window = (terms.start_date, terms.end_date)
    split = rent_schedule(first, *window) + rent_schedule(second, *window)
    assert per_month(split) == per_month(rent_schedule(terms, *window))


@FAST
@given(
    currency=currencies,
    minor=rent_minor,
    first_month=st.dates(date(2020, 1, 1), date(2032, 12, 1)).map(lambda d: d.replace(day=1)),
    months=st.integers(1, 36),
    billing_day=st.integers(1, 31),
)
def test_whole_month_terms_without_escalation_cost_months_times_rent(
    currency: str, minor: int, first_month: date, months: int, billing_day: int
) -> None:
    rent = Money.from_minor(minor, currency)
    end = first_month + relativedelta(months=months) - ONE_DAY
    terms = LeaseTerms(first_month, end, rent, billing_day, 0, None, None, None)
    charges = rent_schedule(terms, first_month - timedelta(days=40), end + timedelta(days=40))
    assert len(charges) == months
    assert all(c.amount == rent for c in charges)
    assert total(charges) == rent.amount * months


# -- (2) + (5) no charge outside the term, each day billed once, amounts in cents ------------------


@FAST
@given(data=terms_and_window())
def test_charges_cover_each_day_of_the_term_in_the_window_once_with_non_negative_cents(
    data: tuple[LeaseTerms, date, date],
) -> None:
    terms, lo, hi = data
    charges = rent_schedule(terms, lo, hi)
    term_last = terms.end_date or hi
    for c in charges:
        assert terms.start_date <= c.period_start <= c.period_end <= term_last
        assert lo <= c.period_start and c.period_end <= hi
        assert month_key(c.period_start) == month_key(c.period_end)
        assert month_key(c.due_date) == month_key(c.period_start)
    days = covered_days(charges)
    assert len(days) == len(set(days))  # no day billed twice
    first, last = max(lo, terms.start_date), min(hi, term_last)
    assert len(days) == max(0, (last - first).days + 1)
    assert [c.due_date for c in charges] == sorted(c.due_date for c in charges)
    # (5) amounts: never negative, always Money holding a Decimal in whole cents of the rent currency
    for c in charges:
        assert isinstance(c.amount, Money)
        assert isinstance(c.amount.amount, Decimal)
        assert c.amount.currency == terms.rent.currency
        assert c.amount.amount >= 0
        assert c.amount.amount.as_tuple().exponent == -2


def test_a_window_outside_the_term_has_no_charges() -> None:
    terms = LeaseTerms(date(2026, 3, 1), date(2026, 5, 31), inr("1000.00"), 1, 0, inr("2000.00"), None, None)
    assert rent_schedule(terms, date(2025, 1, 1), date(2026, 2, 28)) == []
    assert rent_schedule(terms, date(2026, 6, 1), date(2027, 1, 1)) == []


# -- (3) escalation -----------------------------------------------------------------------


@FAST
@given(data=terms_and_window(), escalation=escalations())
@example(
    data=(
        LeaseTerms(date(2024, 2, 29), date(2026, 6, 1), inr("2900.00"), 10, 0, None, None, None),
        date(2024, 1, 1),
        date(2026, 12, 31),
    ),
    escalation=Escalation("percentage", Decimal("10")),
)
def test_escalation_never_applies_before_its_anniversary(
    data: tuple[LeaseTerms, date, date], escalation: Escalation | None
) -> None:
    base, lo, hi = data
    terms = replace(base, escalation=escalation)
    first_anniversary = ref_anniversary(terms.start_date, 1)
    flat = rent_schedule(replace(terms, escalation=None), lo, hi)
    escalated = rent_schedule(terms, lo, hi)
    before = [c for c in escalated if c.period_end < first_anniversary]
    assert before == [c for c in flat if c.period_end < first_anniversary]
    table = ref_rates(terms, hi)
    for c in rents(escalated):
        # one rate per charge, never straddling an anniversary
        rate = rate_on(table, c.period_start)
        assert rate_on(table, c.period_end) == rate
        if c.period_end < first_anniversary:
            assert rate == terms.rent.amount
        full_month = c.period_start.day == 1 and c.period_end.day == days_in_month(c.period_start)
        if full_month:
            assert c.amount.amount == rate
        # cumulative proration stays within a cent of the exact share
        exact = rate * ((c.period_end - c.period_start).days + 1) / days_in_month(c.period_start)
        assert abs(c.amount.amount - exact) <= CENT


def test_percentage_escalation_compounds_with_half_up_rounding() -> None:
    terms = LeaseTerms(date(2026, 1, 1), None, inr("1000.05"), 1, 0, None, None, Escalation("percentage", Decimal("5")))
    # 1000.05 → +50.0025 → 1050.05 (half-up: 50.00) → +52.5025 → 1102.55 → +55.1275 → 1157.68
    assert rent_at(terms, date(2026, 12, 31)) == inr("1000.05")
    assert rent_at(terms, date(2027, 1, 1)) == inr("1050.05")
    assert rent_at(terms, date(2028, 1, 1)) == inr("1102.55")
    assert rent_at(terms, date(2029, 6, 1)) == inr("1157.68")
    jan_2029 = rent_schedule(terms, date(2029, 1, 1), date(2029, 1, 31))
    assert [c.amount for c in jan_2029] == [inr("1157.68")]


def test_amount_escalation_adds_the_amount_each_year() -> None:
    terms = LeaseTerms(
        date(2026, 7, 1),
        date(2029, 6, 30),
        cad("1500.00"),
        1,
        0,
        None,
        None,
        Escalation("amount", Decimal("75")),
    )
    charges = rent_schedule(terms, date(2026, 7, 1), date(2029, 6, 30))
    assert len(charges) == 36
    assert {c.amount for c in charges[:12]} == {cad("1500.00")}
    assert {c.amount for c in charges[12:24]} == {cad("1575.00")}
    assert {c.amount for c in charges[24:]} == {cad("1650.00")}


# -- (4) due dates ------------------------------------------------------------------------


@QUICK
@given(terms=lease_terms(), billing_day=st.integers(28, 31))
def test_billing_day_past_month_end_falls_on_the_last_day(terms: LeaseTerms, billing_day: int) -> None:
    terms = replace(terms, billing_day=billing_day)
    hi = terms.end_date or terms.start_date + timedelta(days=800)
    for c in rents(rent_schedule(terms, terms.start_date, hi)):
        month_start = c.period_start.replace(day=1)
        month_end = month_start.replace(day=days_in_month(month_start))
        occupied_whole_month = terms.start_date <= month_start and (
            terms.end_date is None or terms.end_date >= month_end
        )
        if occupied_whole_month:
            assert c.due_date.day == min(billing_day, month_end.day)
            if billing_day == 31:
                assert c.due_date == month_end


def test_billing_day_31_concrete_months() -> None:
    terms = LeaseTerms(date(2026, 1, 1), None, inr("1000.00"), 31, 0, None, None, None)
    due = {month_key(c.period_start): c.due_date for c in rent_schedule(terms, date(2026, 1, 1), date(2028, 3, 31))}
    assert due[(2026, 1)] == date(2026, 1, 31)
    assert due[(2026, 2)] == date(2026, 2, 28)
    assert due[(2026, 4)] == date(2026, 4, 30)
    assert due[(2028, 2)] == date(2028, 2, 29)
    terms_29 = replace(terms, billing_day=29)
    due_29 = {c.period_start: c.due_date for c in rent_schedule(terms_29, date(2027, 2, 1), date(2027, 3, 31))}
    assert due_29 == {date(2027, 2, 1): date(2027, 2, 28), date(2027, 3, 1): date(2027, 3, 29)}


def test_first_month_after_billing_day_is_due_on_start_and_last_month_before_it_on_end() -> None:
    terms = LeaseTerms(date(2026, 1, 15), date(2026, 3, 10), inr("31000.00"), 12, 0, None, None, None)
    charges = rent_schedule(terms, date(2026, 1, 1), date(2026, 12, 31))
    assert [c.due_date for c in charges] == [date(2026, 1, 15), date(2026, 2, 12), date(2026, 3, 10)]
    early = replace(terms, start_date=date(2026, 1, 5))
    assert rent_schedule(early, date(2026, 1, 1), date(2026, 1, 31))[0].due_date == date(2026, 1, 12)


# -- (6) concrete examples ----------------------------------------------------------------


def test_inr_lease_mid_january_to_december() -> None:
    terms = LeaseTerms(
        start_date=date(2026, 1, 15),
        end_date=date(2026, 12, 31),
        rent=inr("31000.00"),
        billing_day=5,
        grace_days=3,
        security_deposit=inr("62000.00"),
        late_fee=None,
        escalation=None,
    )
    validate_terms(terms)
    charges = rent_schedule(terms, date(2026, 1, 1), date(2026, 12, 31))
    deposit, jan, feb, *rest = charges
    assert deposit == Charge(
        "deposit",
        date(2026, 1, 15),
        date(2026, 1, 15),
        date(2026, 1, 15),
        inr("62000.00"),
        deposit.description,
    )
    assert (jan.type, jan.period_start, jan.period_end, jan.due_date) == (
        "rent",
        date(2026, 1, 15),
        date(2026, 1, 31),
        date(2026, 1, 15),
    )
    assert jan.amount == inr("17000.00")  # 31000 × 17/31
    assert (feb.period_start, feb.period_end, feb.due_date, feb.amount) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        date(2026, 2, 5),
        inr("31000.00"),
    )
    assert len(rest) == 10
    assert total(rents(charges)) == Decimal("358000.00")
    assert "17/31" in jan.description
    # a window that starts mid-lease does not repeat the deposit
    assert [c.type for c in rent_schedule(terms, date(2026, 2, 1), date(2026, 2, 28))] == ["rent"]


def test_cad_lease_with_escalation_splits_the_anniversary_month() -> None:
    terms = LeaseTerms(
        start_date=date(2026, 4, 10),
        end_date=date(2027, 6, 30),
        rent=cad("2000.00"),
        billing_day=1,
        grace_days=5,
        security_deposit=cad("2000.00"),
        late_fee=LateFee("flat", Decimal("50.00"), None),
        escalation=Escalation("percentage", Decimal("2.5")),
    )
    charges = rent_schedule(terms, date(2026, 4, 1), date(2027, 6, 30))
    assert charges[0].type == "deposit"
    first = charges[1]
    assert (first.period_start, first.period_end, first.due_date, first.amount) == (
        date(2026, 4, 10),
        date(2026, 4, 30),
        date(2026, 4, 10),
        cad("1400.00"),  # 2000 × 21/30
    )
    april_2027 = [c for c in charges if month_key(c.period_start) == (2027, 4)]
    assert [(c.period_start, c.period_end, c.due_date, c.amount) for c in april_2027] == [
        (date(2027, 4, 1), date(2027, 4, 9), date(2027, 4, 1), cad("600.00")),  # 2000 × 9/30
        (date(2027, 4, 10), date(2027, 4, 30), date(2027, 4, 1), cad("1435.00")),  # 2050 − 2050 × 9/30
    ]
    assert [c.amount for c in charges if c.period_start >= date(2027, 5, 1)] == [cad("2050.00")] * 2
    assert rent_at(terms, date(2027, 4, 10)) == cad("2050.00")


def test_prorate_helper() -> None:
    assert prorate(inr("31000.00"), days=17, days_in_period=31) == inr("17000.00")
    assert prorate(cad("100.00"), days=1, days_in_period=3) == cad("33.33")
    assert prorate(cad("0.05"), days=1, days_in_period=2) == cad("0.03")  # half-up
    with pytest.raises(ValueError):
        prorate(cad("100.00"), days=4, days_in_period=3)
    with pytest.raises(ValueError):
        prorate(cad("100.00"), days=1, days_in_period=0)


# -- late fees ----------------------------------------------------------------------------

BASE = LeaseTerms(date(2026, 1, 1), None, inr("31000.00"), 5, 3, None, None, None)


def test_late_fee_flat_after_grace_days() -> None:
    terms = replace(BASE, late_fee=LateFee("flat", Decimal("500"), None))
    kwargs = {"invoice_amount": inr("31000.00"), "due_date": date(2026, 2, 5)}
    assert late_fee_for(terms, **kwargs, as_of=date(2026, 2, 5)) is None
    assert late_fee_for(terms, **kwargs, as_of=date(2026, 2, 8)) is None  # last grace day
    assert late_fee_for(terms, **kwargs, as_of=date(2026, 2, 9)) == inr("500.00")
    assert late_fee_for(BASE, **kwargs, as_of=date(2026, 3, 1)) is None  # no late-fee terms


def test_late_fee_percentage_rounded_and_capped() -> None:
    terms = replace(BASE, grace_days=0, late_fee=LateFee("percentage", Decimal("5"), inr("1000.00")))
    as_of = date(2026, 2, 6)
    assert late_fee_for(terms, invoice_amount=inr("31000.00"), due_date=date(2026, 2, 5), as_of=as_of) == inr("1000.00")
    assert late_fee_for(terms, invoice_amount=inr("10.01"), due_date=date(2026, 2, 5), as_of=as_of) == inr("0.50")
    assert late_fee_for(terms, invoice_amount=inr("0.05"), due_date=date(2026, 2, 5), as_of=as_of) is None
    assert late_fee_for(terms, invoice_amount=inr("0.00"), due_date=date(2026, 2, 5), as_of=as_of) is None
    with pytest.raises(ValidationFailed) as err:
        late_fee_for(terms, invoice_amount=cad("100.00"), due_date=date(2026, 2, 5), as_of=as_of)
    assert err.value.problems[0].field == "invoice_amount"


@FAST
@given(
    kind=st.sampled_from(["flat", "percentage"]),
    value_hundredths=st.integers(1, 10_000),
    cap_minor=st.one_of(st.none(), st.integers(1, 10**7)),
    invoice_minor=st.integers(0, 10**9),
    grace=st.integers(0, 10),
    late_by=st.integers(-20, 60),
)
def test_late_fee_is_none_within_grace_and_never_above_cap(
    kind: str, value_hundredths: int, cap_minor: int | None, invoice_minor: int, grace: int, late_by: int
) -> None:
    cap = None if cap_minor is None else Money.from_minor(cap_minor, "INR")
    terms = replace(BASE, grace_days=grace, late_fee=LateFee(kind, Decimal(value_hundredths).scaleb(-2), cap))
    due = date(2026, 3, 5)
    fee = late_fee_for(
        terms,
        invoice_amount=Money.from_minor(invoice_minor, "INR"),
        due_date=due,
        as_of=due + timedelta(late_by),
    )
    if late_by <= grace or invoice_minor == 0:
        assert fee is None
    if fee is not None:
        assert isinstance(fee.amount, Decimal)
        assert fee.is_positive and fee.amount.as_tuple().exponent == -2
        if cap is not None:
            assert fee <= cap
        if kind == "percentage":
            assert fee.amount <= Decimal(invoice_minor).scaleb(-2)


# -- validation ---------------------------------------------------------------------------

GOOD = LeaseTerms(
    start_date=date(2026, 1, 15),
    end_date=date(2026, 12, 31),
    rent=inr("31000.00"),
    billing_day=5,
    grace_days=3,
    security_deposit=inr("62000.00"),
    late_fee=LateFee("percentage", Decimal("5"), inr("1000.00")),
    escalation=Escalation("percentage", Decimal("5")),
)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": date(2026, 1, 15)}, "end_date"),
        ({"end_date": date(2025, 12, 31)}, "end_date"),
        ({"start_date": datetime(2026, 1, 15, 9, 0)}, "start_date"),
        ({"rent": inr("0.00")}, "rent"),
        ({"rent": inr("-1.00")}, "rent"),
        ({"rent": Money(Decimal("1.005"), "INR")}, "rent"),
        ({"billing_day": 0}, "billing_day"),
        ({"billing_day": 32}, "billing_day"),
        ({"billing_day": True}, "billing_day"),
        ({"grace_days": -1}, "grace_days"),
        ({"security_deposit": inr("-5.00")}, "security_deposit"),
        ({"security_deposit": cad("5.00")}, "security_deposit"),
        ({"late_fee": LateFee("flat", Decimal("0"), None)}, "late_fee.value"),
        ({"late_fee": LateFee("flat", Decimal("-10"), None)}, "late_fee.value"),
        ({"late_fee": LateFee("flat", Decimal("10.001"), None)}, "late_fee.value"),
        ({"late_fee": LateFee("percentage", Decimal("150"), None)}, "late_fee.value"),
        ({"late_fee": LateFee("flat", 1.5, None)}, "late_fee.value"),  # type: ignore[arg-type]
        ({"late_fee": LateFee("flat", Decimal("NaN"), None)}, "late_fee.value"),
        ({"late_fee": LateFee("daily", Decimal("1"), None)}, "late_fee.kind"),  # type: ignore[arg-type]
        ({"late_fee": LateFee("flat", Decimal("10"), cad("100.00"))}, "late_fee.cap"),
        ({"late_fee": LateFee("flat", Decimal("10"), inr("0.00"))}, "late_fee.cap"),
        ({"escalation": Escalation("percentage", Decimal("-1"))}, "escalation.value"),
        ({"escalation": Escalation("amount", Decimal("-100"))}, "escalation.value"),
        ({"escalation": Escalation("amount", Decimal("0.001"))}, "escalation.value"),
        ({"escalation": Escalation("yearly", Decimal("1"))}, "escalation.kind"),  # type: ignore[arg-type]
    ],
)
def test_validate_terms_names_the_broken_field(changes: dict[str, object], field: str) -> None:
    validate_terms(GOOD)
    with pytest.raises(ValidationFailed) as err:
        validate_terms(replace(GOOD, **changes))
    assert [p.field for p in err.value.problems] == [field]


def test_validate_terms_reports_every_problem_and_schedule_refuses_bad_terms() -> None:
    bad = replace(GOOD, end_date=date(2026, 1, 1), billing_day=40, grace_days=-2)
    with pytest.raises(ValidationFailed) as err:
        validate_terms(bad)
    assert {p.field for p in err.value.problems} == {"end_date", "billing_day", "grace_days"}
    with pytest.raises(ValidationFailed):
        rent_schedule(bad, date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValidationFailed) as err:
        rent_schedule(GOOD, date(2026, 5, 1), date(2026, 4, 30))
    assert err.value.problems[0].field == "to_date"


def test_zero_escalation_and_zero_deposit_are_allowed() -> None:
    terms = replace(GOOD, security_deposit=inr("0.00"), escalation=Escalation("amount", Decimal("0")))
    validate_terms(terms)
    charges = rent_schedule(terms, date(2026, 1, 1), date(2027, 12, 31))
    assert all(c.type == "rent" for c in charges)  # a zero deposit is not charged

"""The LTB notice rules on their own: N4 arrears and termination dates (RTA s.59), N1 notice, the
12-month rule and the guideline (s.116, s.119, s.120, s.6.1), and the effective-dated data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.compliance import rules
from pmsaas.domain.compliance.ltb import n1_notice, n4_notice
from pmsaas.domain.compliance.ports import RentPeriod, Tenancy
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.money import Money


def _cad(amount: str) -> Money:
    return Money(Decimal(amount), "CAD")


def _tenancy(rent_period: str = "monthly", *, rent: str = "2000.00", year_built: int | None = 1990) -> Tenancy:
    return Tenancy(
        lease_id=uuid4(),
        tenant_id=uuid4(),
        tenant_name="Tara Tenant",
        landlord_name="Maple Leasing Inc.",
        landlord_address=("100 King St W",),
        unit_address=("Unit 4, Bay Plaza", "200 Bay St", "Toronto, ON M5J 2J2"),
        province="ON",
        country="CA",
        rent=_cad(rent),
        rent_period=rent_period,
        start_date=date(2024, 1, 1),
        year_built=year_built,
    )


def _period(month: int, charged: str, paid: str) -> RentPeriod:
    start = date(2026, month, 1)
    return RentPeriod(start, start + timedelta(days=27), _cad(charged), _cad(paid))


@given(
    st.sampled_from(["monthly", "weekly", "daily"]),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_the_earliest_termination_date_follows_the_rental_period(period, served):
    notice = n4_notice(
        _tenancy(period), [_period(1, "2000.00", "0.00")], served_on=served, as_of=served, termination_on=None
    )
    assert notice.termination_on - served == timedelta(days=14 if period == "monthly" else 7)
    with pytest.raises(ValidationFailed):
        n4_notice(
            _tenancy(period),
            [_period(1, "2000.00", "0.00")],
            served_on=served,
            as_of=served,
            termination_on=notice.earliest_termination_on - timedelta(days=1),
        )


@given(st.lists(st.tuples(st.integers(0, 300000), st.integers(0, 300000)), min_size=1, max_size=12))
def test_the_total_owing_is_the_sum_of_each_period_and_never_claimed_when_nothing_is_owed(amounts):
    periods = [_period(i % 12 + 1, str(Decimal(c) / 100), str(Decimal(p) / 100)) for i, (c, p) in enumerate(amounts)]
    net = sum(c - p for c, p in amounts)
    served = date(2026, 12, 1)
    if net <= 0:
        with pytest.raises(Conflict):
            n4_notice(_tenancy(), periods, served_on=served, as_of=served, termination_on=None)
        return
    notice = n4_notice(_tenancy(), periods, served_on=served, as_of=served, termination_on=None)
    assert notice.total_owing.minor == net
    assert all(p.owing.amount != 0 for p in notice.periods)


@pytest.mark.parametrize(("effective", "ceiling"), [(date(2025, 7, 1), "2050.00"), (date(2026, 7, 1), "2042.00")])
def test_the_guideline_of_the_effective_year_caps_the_increase(effective, ceiling):
    served = effective - timedelta(days=90)
    notice = n1_notice(
        _tenancy(), served_on=served, effective_on=effective, new_rent=_cad(ceiling), first_occupied_on=None
    )
    assert notice.maximum_rent == _cad(ceiling)
    with pytest.raises(ValidationFailed) as refused:
        n1_notice(
            _tenancy(),
            served_on=served,
            effective_on=effective,
            new_rent=_cad(ceiling) + _cad("0.01"),
            first_occupied_on=None,
        )
    assert refused.value.problems[0].field == "new_rent"


def test_ninety_days_notice_and_twelve_months_since_the_tenancy_began():
    effective = date(2026, 7, 1)
    with pytest.raises(ValidationFailed):  # 89 days
        n1_notice(
            _tenancy(),
            served_on=effective - timedelta(days=89),
            effective_on=effective,
            new_rent=_cad("2040.00"),
            first_occupied_on=None,
        )
    young = Tenancy(**{**_tenancy().__dict__, "start_date": date(2025, 9, 1)})
    with pytest.raises(ValidationFailed):
        n1_notice(
            young, served_on=date(2026, 1, 1), effective_on=effective, new_rent=_cad("2040.00"), first_occupied_on=None
        )


@pytest.mark.parametrize(
    ("first_occupied", "year_built", "capped"),
    [(date(2018, 11, 15), None, True), (date(2018, 11, 16), None, False), (None, 2019, False), (None, None, True)],
)
def test_units_first_occupied_after_15_november_2018_are_not_capped(first_occupied, year_built, capped):
    notice = n1_notice(
        _tenancy(year_built=year_built),
        served_on=date(2026, 1, 1),
        effective_on=date(2026, 7, 1),
        new_rent=_cad("2000.01"),
        first_occupied_on=first_occupied,
    )
    assert notice.guideline_applies is capped


def test_every_rule_names_its_source_and_the_latest_entry_in_force_wins():
    assert all(r.source for r in rules.RULES)
    assert rules.percent("on.n1.guideline_percent", date(2025, 12, 31)) == Decimal("2.5")
    assert rules.percent("on.n1.guideline_percent", date(2026, 1, 1)) == Decimal("2.1")
    with pytest.raises(ValidationFailed):
        rules.rule("on.n1.guideline_percent", date(2024, 12, 31))

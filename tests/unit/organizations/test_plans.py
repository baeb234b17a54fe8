"""The plan catalogue and its rules: periods, seats, what a smaller plan refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import (
    PLAN_ORDER,
    PLANS,
    Subscription,
    Usage,
    add_months,
    check_fits,
    invoice_number,
    seats_used,
)
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.ids import new_id

# The standard plan at 5 seats and 10 properties: the rules are what is tested, not the catalogue.
pytestmark = pytest.mark.usefixtures("small_standard_plan")

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC))


@given(instants, st.integers(min_value=0, max_value=36))
def test_add_months_lands_in_the_right_month_on_the_same_or_last_day(at, months):
    later = add_months(at, months)
    assert (later.year * 12 + later.month) - (at.year * 12 + at.month) == months
    assert later.time() == at.time() and later.tzinfo == at.tzinfo
    if later.day != at.day:  # only when the month is shorter: its last day
        assert later.day < at.day and (later + timedelta(days=1)).month != later.month


def test_add_months_across_a_year_and_a_short_february():
    assert add_months(datetime(2027, 1, 31, 9, tzinfo=UTC), 1) == datetime(2027, 2, 28, 9, tzinfo=UTC)
    assert add_months(datetime(2028, 1, 31, tzinfo=UTC), 1) == datetime(2028, 2, 29, tzinfo=UTC)
    assert add_months(datetime(2026, 12, 15, tzinfo=UTC), 1) == datetime(2027, 1, 15, tzinfo=UTC)


@given(instants, st.integers(min_value=0, max_value=2000))
def test_a_subscription_rolls_to_the_period_containing_now(start, days):
    sub = Subscription.starting(new_id(), Plan.STANDARD, start)
    now = start + timedelta(days=days)
    sub.rolled_forward(now)
    assert sub.current_period_start <= now < sub.current_period_end
    assert timedelta(days=28) <= sub.current_period_end - sub.current_period_start <= timedelta(days=31)


def test_a_higher_plan_never_allows_less():
    for lower, higher in pairwise(PLAN_ORDER):
        a, b = PLANS[lower], PLANS[higher]
        assert a.requests_per_hour < b.requests_per_hour and a.storage_gb < b.storage_gb
        assert a.features < b.features
        for limit in ("seats", "properties", "units"):
            x, y = getattr(a, limit), getattr(b, limit)
            assert y is None or (x is not None and x < y)
        assert all(a.monthly_price[c] < b.monthly_price[c] for c in ("USD", "CAD", "INR"))
    assert PLANS[Plan.STANDARD].requests_per_hour == 1000  # seed 000's X-RateLimit-Limit example


def test_tenants_take_no_seat():
    roles = [
        frozenset({"OrganizationOwner"}),
        frozenset({"Tenant"}),
        frozenset({"Tenant", "PropertyOwner"}),
        frozenset(),
    ]
    assert seats_used(roles) == 2


def test_check_fits_names_every_excess():
    check_fits(Plan.STANDARD, Usage(seats=5, properties=10))
    check_fits(Plan.ENTERPRISE, Usage(seats=10_000, properties=10_000))
    with pytest.raises(Conflict) as caught:
        check_fits(Plan.STANDARD, Usage(seats=7, properties=12))
    message = str(caught.value)
    assert "7 seats in use, standard allows 5" in message and "12 properties, standard allows 10" in message


def test_invoice_numbers():
    assert invoice_number(2026, 1) == "SUB-2026-000001"

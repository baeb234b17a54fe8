"""Money: exact decimals, never floats, half-up rounding to the currency's minor unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import MINOR_DIGITS, Money, parse_decimal, round_half_up

CURRENCIES = sorted(MINOR_DIGITS)
minor_units = st.integers(min_value=-(10**15), max_value=10**15)


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan"), True, False])
def test_floats_and_bools_are_refused(value):
    with pytest.raises(ValidationFailed) as err:
        Money.of(value, "INR")
    assert err.value.problems[0].field == "amount"


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_no_float_ever_becomes_money(value):
    with pytest.raises(ValidationFailed):
        Money.of(value, "USD")


@pytest.mark.parametrize("raw", ["abc", "", "1,000.00", "NaN", "Infinity", "-inf", "1.2.3"])
def test_non_numbers_are_refused(raw):
    with pytest.raises(ValidationFailed):
        parse_decimal(raw)


@pytest.mark.parametrize("raw", ["1.005", "0.001", "1180.123", "-0.999"])
def test_more_decimals_than_the_currency_has_are_refused(raw):
    with pytest.raises(ValidationFailed) as err:
        Money.of(raw, "INR", field="rent.amount")
    assert err.value.problems[0].field == "rent.amount"


@pytest.mark.parametrize(
    ("raw", "currency", "text"),
    [("1180", "INR", "1180.00"), ("1180.5", "inr", "1180.50"), ("-3.10", "CAD", "-3.10"), ("1.000", "USD", "1.00")],
)
def test_parsing(raw, currency, text):
    money = Money.of(raw, currency)
    assert str(money) == text and money.currency == currency.upper()
    assert isinstance(money.amount, Decimal)


def test_unknown_currencies_are_refused():
    with pytest.raises(ValidationFailed) as err:
        Money.of("1.00", "EUR")
    assert err.value.problems[0].field == "currency"
    with pytest.raises(ValidationFailed):
        Money(Decimal("1.00"), "usd")
    with pytest.raises(TypeError):
        Money(1.0, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "rounded"),
    [("2.345", "2.35"), ("2.344", "2.34"), ("-2.345", "-2.35"), ("0.005", "0.01"), ("0.0049", "0.00"), ("2.5", "2.50")],
)
def test_half_up_rounding(value, rounded):
    assert round_half_up(Decimal(value)) == Decimal(rounded)


def test_times_and_percent_round_once_half_up():
    assert Money.of("1000.00", "INR").percent(Decimal("18")) == Money.of("180.00", "INR")
    assert Money.of("0.10", "USD").times(Decimal("0.05")) == Money.of("0.01", "USD")  # 0.005 → 0.01
    assert Money.of("333.33", "CAD").percent(Decimal("13")) == Money.of("43.33", "CAD")  # 43.3329
    with pytest.raises(TypeError):
        Money.of("1.00", "USD").times(0.5)  # type: ignore[arg-type]


@given(minor_units, st.sampled_from(CURRENCIES))
def test_minor_units_round_trip(minor, currency):
    money = Money.from_minor(minor, currency)
    assert money.minor == minor
    assert Money.of(str(money), currency) == money
    assert Money.from_minor(Money.of(str(money), currency).minor, currency) == money


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=2),
    st.sampled_from(CURRENCIES),
)
def test_two_decimal_strings_are_exact(amount, currency):
    money = Money.of(str(amount), currency)
    assert money.amount == amount
    assert money.minor == int(amount * 100)


@given(st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=6))
def test_rounding_is_half_up_and_within_half_a_cent(value):
    rounded = round_half_up(value)
    assert abs(rounded - value) <= Decimal("0.005")
    if abs(rounded - value) == Decimal("0.005"):
        assert abs(rounded) > abs(value)  # ties go away from zero


@given(minor_units, minor_units, st.sampled_from(CURRENCIES))
def test_arithmetic_is_exact(a, b, currency):
    x, y = Money.from_minor(a, currency), Money.from_minor(b, currency)
    assert (x + y).minor == a + b and (x - y).minor == a - b and (-x).minor == -a
    assert (x < y) == (a < b) and (x <= y) == (a <= b)


def test_mixing_currencies_fails():
    with pytest.raises(ValueError):
        Money.of("1.00", "INR") + Money.of("1.00", "USD")


# -- the fast constructor of sums, differences and negations ----------------------------------


def test_sums_differences_and_negations_are_valid_money():
    """They skip ``__post_init__`` (operands were checked when made): the result must still be a value
    the checked constructor accepts, equal to the one it would build."""
    a, b = Money(Decimal("10.50"), "INR"), Money(Decimal("0.25"), "INR")
    for result in (a + b, a - b, -a, sum([a, b], Money(Decimal(0), "INR"))):
        assert isinstance(result.amount, Decimal) and result.currency == "INR"
        assert result == Money(result.amount, result.currency)


def test_mixed_currencies_are_refused_before_anything_is_built():
    with pytest.raises(ValueError, match="currency mismatch"):
        Money(Decimal(1), "INR") + Money(Decimal(1), "CAD")
    with pytest.raises(ValueError, match="currency mismatch"):
        Money(Decimal(1), "INR") - Money(Decimal(1), "CAD")


def test_only_money_s_own_operators_use_the_fast_constructor():
    """``_checked_already`` trusts its caller: nothing outside money.py may call it."""
    import pmsaas

    root = Path(pmsaas.__file__).parent
    callers = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "_checked_already" in p.read_text(encoding="utf-8") and p.name != "money.py"
    ]
    assert callers == []

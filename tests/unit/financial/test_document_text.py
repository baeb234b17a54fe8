"""The content rules of the printed documents (docs/documents.md): digit grouping, amounts in words,
State labels, the invoice's title. Pure."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.shared import document_text as T
from pmsaas.domain.shared.money import Money

INDIAN = re.compile(r"^-?(\d{1,2},)?(\d{2},)*\d{1,3}\.\d{2}$")
INTERNATIONAL = re.compile(r"^-?(\d{1,3},)?(\d{3},)*\d{1,3}\.\d{2}$")
amounts = st.decimals(min_value=Decimal("-1e13"), max_value=Decimal("1e13"), places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("value", "indian", "international"),
    [
        ("183000", "1,83,000.00", "183,000.00"),
        ("0", "0.00", "0.00"),
        ("999", "999.00", "999.00"),
        ("1000", "1,000.00", "1,000.00"),
        ("100000", "1,00,000.00", "100,000.00"),
        ("12345678.9", "1,23,45,678.90", "12,345,678.90"),
        ("-250000.5", "-2,50,000.50", "-250,000.50"),
    ],
)
def test_grouping_in_both_systems(value, indian, international):
    assert T.group_digits(Decimal(value), indian=True) == indian
    assert T.group_digits(Decimal(value), indian=False) == international


@given(amounts)
def test_grouping_round_trips_and_groups_as_each_system_does(value):
    indian, international = T.group_digits(value, indian=True), T.group_digits(value, indian=False)
    assert T.ungroup(indian) == value == T.ungroup(international)
    assert INDIAN.match(indian), indian
    assert INTERNATIONAL.match(international), international


def test_money_is_grouped_by_its_currency_with_its_symbol():
    assert T.format_money(Money(Decimal("183000"), "INR"), symbol=True) == "₹1,83,000.00"
    assert T.format_money(Money(Decimal("183000"), "CAD"), symbol=True) == "$183,000.00"
    assert T.format_money(Money(Decimal("-1200.5"), "USD"), symbol=True) == "-$1,200.50"
    assert T.format_money(Money(Decimal("1200000"), "USD")) == "1,200,000.00"


@pytest.mark.parametrize(
    ("n", "indian", "international"),
    [
        (0, "Zero", "Zero"),
        (7, "Seven", "Seven"),
        (40, "Forty", "Forty"),
        (83, "Eighty-Three", "Eighty-Three"),
        (105, "One Hundred Five", "One Hundred Five"),
        (183000, "One Lakh Eighty-Three Thousand", "One Hundred Eighty-Three Thousand"),
        (12345678, "One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight",
         "Twelve Million Three Hundred Forty-Five Thousand Six Hundred Seventy-Eight"),
        (10**9, "One Hundred Crore", "One Billion"),
        (10**12, "One Lakh Crore", "One Trillion"),
    ],
)  # fmt: skip
def test_numbers_in_words(n, indian, international):
    assert T.number_in_words(n, indian=True) == indian
    assert T.number_in_words(n, indian=False) == international


_VALUES = {w: i for i, w in enumerate(T._ONES)} | {w: 10 * i for i, w in enumerate(T._TENS) if w != "_"}
_SCALES = {"Hundred": 100, "Thousand": 10**3, "Lakh": 10**5, "Crore": 10**7, "Million": 10**6}
_SCALES |= {"Billion": 10**9, "Trillion": 10**12}


def _read_words(text: str) -> int:
    """The number English words name: a reader's arithmetic, written independently of the speller.
    A scale multiplies everything since the last larger scale (so "One Lakh Crore" is 10^12)."""
    total, groups = 0, []  # groups: (value, scale it was last multiplied by)
    current = 0
    for word in text.replace("-", " ").split():
        if word in _SCALES:
            scale = _SCALES[word]
            value = current
            while groups and groups[-1][1] < scale:
                value += groups.pop()[0]
            groups.append((max(value, 1) * scale, scale))
            current = 0
        else:
            current += _VALUES[word]
    total = sum(v for v, _ in groups) + current
    return total


@given(st.integers(min_value=0, max_value=10**12))
def test_words_read_back_to_the_number_in_both_systems(n):
    for indian in (True, False):
        words = T.number_in_words(n, indian=indian)
        assert _read_words(words) == n, words
        assert ("Lakh" in words or "Crore" in words) <= indian  # the Indian units only in the Indian system


def test_amounts_in_words_name_the_currency_and_its_fraction():
    assert T.amount_in_words(Money(Decimal("183000"), "INR")) == "Rupees One Lakh Eighty-Three Thousand Only"
    assert T.amount_in_words(Money(Decimal("1235.50"), "INR")) == (
        "Rupees One Thousand Two Hundred Thirty-Five and Fifty Paise Only"
    )
    assert T.amount_in_words(Money(Decimal("2260.05"), "CAD")) == (
        "Two Thousand Two Hundred Sixty Canadian Dollars and Five Cents Only"
    )
    assert T.amount_in_words(Money(Decimal("0"), "USD")) == "Zero US Dollars Only"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("MH", "Maharashtra (27)"),
        ("IN-KA", "Karnataka (29)"),
        ("27", "Maharashtra (27)"),
        ("29AAACR5055K1Z5", "Karnataka (29)"),  # a GSTIN: its first two digits
        ("Delhi", "Delhi (07)"),
        ("TS", "Telangana (36)"),
    ],
)
def test_states_are_named_with_their_gst_code(value, label):
    assert T.state_label(value) == label


def test_an_unknown_state_is_printed_as_given():
    assert T.state_label("ZZ") == "ZZ" and T.state_label(None) is None


@pytest.mark.parametrize(
    ("country", "registered", "rates", "title"),
    [
        ("IN", True, [Decimal(9), Decimal(9)], "Tax Invoice"),
        ("IN", True, [Decimal(18)], "Tax Invoice"),  # reverse charge too: a taxable supply
        ("IN", True, [], "Bill of Supply"),  # exempt residential rent only
        ("IN", True, [Decimal(0)], "Bill of Supply"),
        ("IN", False, [], "Invoice"),  # an unregistered supplier issues neither
        ("CA", True, [Decimal(13)], "Invoice"),
        ("US", True, [], "Invoice"),
    ],
)
def test_the_invoice_title(country, registered, rates, title):
    assert T.invoice_title(country=country, gst_registered=registered, tax_rates=rates) == title


def test_file_names_come_from_the_document_number():
    assert T.file_name("Tax Invoice", "INV/2026-27/000042") == "Tax-Invoice-INV-2026-27-000042.pdf"
    assert T.file_name("Receipt", None) == "Receipt-draft.pdf"
    assert T.file_name("Bill of Supply", 'A"B\r\nC') == "Bill-of-Supply-A-B-C.pdf"  # nothing breaks the header


def test_dates_are_written_out():
    assert T.long_date(date(2027, 3, 31)) == "31 March 2027"

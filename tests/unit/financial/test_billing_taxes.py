"""The billing run asks the tax engine once per tax situation: every line it builds is the line the
engine builds (``line_with_taxes``), whatever the amounts that follow the first one."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pmsaas.domain.financial import billing
from pmsaas.domain.financial.billing import _RunTaxes
from pmsaas.domain.financial.invoicing import LineInput, line_with_taxes
from pmsaas.domain.financial.model import ChargeType
from pmsaas.domain.financial.numbering import default_number_format
from pmsaas.domain.financial.ports import LeaseRef, OrganizationProfile
from pmsaas.domain.shared.errors import DomainError
from pmsaas.domain.shared.money import Money

COUNTRIES = {
    "IN": ("INR", "MH", ["MH", "KA", "DL"]),
    "CA": ("CAD", "ON", ["ON", "QC", "BC", "AB"]),
    "US": ("USD", "TX", ["TX"]),
}
GSTIN = "27AABCP1234Q1Z7"


def _profile(country: str, registered: bool) -> OrganizationProfile:
    currency, province, _ = COUNTRIES[country]
    return OrganizationProfile(
        uuid.uuid4(),
        country,
        province,
        currency,
        default_number_format("invoice", country),
        default_number_format("receipt", country),
        registered,
    )


def _lease(country: str, property_type: str, region: str, gstin: str | None) -> LeaseRef:
    currency = COUNTRIES[country][0]
    return LeaseRef(
        uuid.uuid4(),
        uuid.uuid4(),
        uuid.uuid4(),
        uuid.uuid4(),
        "active",
        currency,
        property_type,
        region,
        None,
        None,
        gstin,
    )


def _same(memo: _RunTaxes, profile, lease, line, on) -> None:
    try:
        expected = line_with_taxes(profile, lease, line, on)
    except DomainError as exc:
        with pytest.raises(type(exc)):
            memo.line(lease, line, on)
        return
    got = memo.line(lease, line, on)
    assert got == expected
    assert [str(t.amount.amount) for t in got.taxes] == [str(t.amount.amount) for t in expected.taxes]


situations = st.tuples(
    st.sampled_from(sorted(COUNTRIES)),
    st.booleans(),
    st.sampled_from(["residential", "commercial", "mixed_use"]),
    st.integers(0, 3),
    st.sampled_from([None, GSTIN]),
    st.sampled_from([ChargeType.RENT, ChargeType.DEPOSIT, ChargeType.LATE_FEE, ChargeType.OTHER]),
    st.sampled_from([None, "commercial_rent", "residential_rent", "society_maintenance", "short_stay_accommodation"]),
    st.dates(date(2017, 7, 1), date(2030, 12, 31)),
)
amounts = st.lists(st.integers(0, 10**10), min_size=2, max_size=8)


@given(situations, amounts)
@example(("IN", True, "commercial", 0, None, ChargeType.RENT, None, date(2026, 12, 1)), [5_000_000, 750_000, 750_001])
@example(("IN", True, "residential", 0, GSTIN, ChargeType.RENT, None, date(2026, 12, 1)), [1, 5_000_000, 5_000_001])
@example(
    ("IN", True, "residential", 0, None, ChargeType.OTHER, "society_maintenance", date(2026, 12, 1)), [750_000, 750_001]
)
@example(("CA", True, "commercial", 1, None, ChargeType.RENT, None, date(2026, 12, 1)), [300_000, 1, 0])
def test_lines_of_one_situation_are_the_engines_lines(situation, minors):
    country, registered, property_type, region_index, gstin, charge, supply, on = situation
    currency, _, regions = COUNTRIES[country]
    profile = _profile(country, registered)
    memo = _RunTaxes(profile)
    lease = _lease(country, property_type, regions[region_index % len(regions)], gstin)
    for minor in minors:
        line = LineInput("Rent", Money.from_minor(minor, currency), charge, supply)
        _same(memo, profile, lease, line, on)


def test_one_engine_call_per_situation(monkeypatch):
    profile = _profile("IN", True)
    memo = _RunTaxes(profile)
    calls = []

    def counting(*args):
        calls.append(args)
        return line_with_taxes(*args)

    monkeypatch.setattr(billing, "line_with_taxes", counting)
    shop, other_state = _lease("IN", "commercial", "MH", None), _lease("IN", "commercial", "KA", None)
    for n in range(50):
        rent = Money.from_minor(5_000_000 + n, "INR")
        line = memo.line(shop, LineInput("Rent", rent, ChargeType.RENT), date(2026, 12, 1))
        assert [(t.tax, t.amount) for t in line.taxes] == [
            ("CGST", rent.percent(Decimal(9))),
            ("SGST", rent.percent(Decimal(9))),
        ]
        line = memo.line(other_state, LineInput("Rent", rent, ChargeType.RENT), date(2026, 12, 1))
        assert [(t.tax, t.amount) for t in line.taxes] == [("IGST", rent.percent(Decimal(18)))]
    assert len(calls) == 2  # one per situation: intra-State and inter-State

"""The per-line dispatcher the invoicing code calls (IN / CA / US), incl. §7 US-01."""

from datetime import date
from decimal import Decimal

import pytest

from pmsaas.domain.financial.tax import (
    CanadaTaxResult,
    GstResult,
    SupplyType,
    calculate_line_taxes,
    tax_for_line,
)
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money


def test_us_01_no_sales_tax_modelled():
    r = calculate_line_taxes(
        country="US",
        amount=Money.of("2500.00", "USD"),
        supply_type=SupplyType.RESIDENTIAL_RENT,
        supply_date=date(2025, 6, 1),
    )
    assert r.lines == [] and r.total_tax == Money.of("0", "USD") and r.total == Money.of("2500.00", "USD")
    assert r.category == "not_applicable" and r.detail is None


def test_us_commercial_rent_also_untaxed_and_currency_checked():
    r = calculate_line_taxes(
        country="us", amount=Money.of("9000.00", "USD"), supply_type="commercial_rent", supply_date=date(2025, 6, 1)
    )
    assert r.lines == []
    with pytest.raises(ValidationFailed) as exc:
        calculate_line_taxes(
            country="US", amount=Money.of("1.00", "INR"), supply_type="commercial_rent", supply_date=date(2025, 6, 1)
        )
    assert exc.value.problems[0].field == "amount"


def test_india_line_delegates_to_gst():
    r = calculate_line_taxes(
        country="IN",
        amount=Money.of("100000.00", "INR"),
        supply_type=SupplyType.COMMERCIAL_RENT,
        supply_date=date(2025, 11, 1),
        supplier_state="MH",
        property_state="MH",
    )
    assert isinstance(r.detail, GstResult)
    assert r.category == "intrastate" and r.total_tax == Money.of("18000.00", "INR")
    assert [(line.tax, line.amount.amount) for line in r.lines] == [
        ("CGST", Decimal("9000.00")),
        ("SGST", Decimal("9000.00")),
    ]


def test_india_rcm_line_reports_reverse_charge_separately():
    r = tax_for_line(
        country="IN",
        amount=Money.of("60000.00", "INR"),
        supply_type="residential_rent",
        supply_date=date(2025, 6, 1),
        supplier_state="27",
        property_state="27",
        recipient_registered=True,
        recipient_personal_residence=False,
    )
    assert r.category == "reverse_charge"
    assert r.total_tax == Money.of("0", "INR") and r.reverse_charge_tax == Money.of("10800.00", "INR")


def test_canada_line_uses_earlier_of_due_and_paid():
    r = calculate_line_taxes(
        country="CA",
        amount=Money.of("10000.00", "CAD"),
        supply_type="commercial_rent",
        supply_date=date(2025, 4, 1),
        paid_date=date(2025, 3, 25),
        province="NS",
    )
    assert isinstance(r.detail, CanadaTaxResult)
    assert r.total_tax == Money.of("1500.00", "CAD") and r.category == "taxable"


def test_canada_requires_province_and_country_is_checked():
    with pytest.raises(ValidationFailed) as exc:
        calculate_line_taxes(
            country="CA", amount=Money.of("1.00", "CAD"), supply_type="commercial_rent", supply_date=date(2025, 4, 1)
        )
    assert exc.value.problems[0].field == "province"
    with pytest.raises(ValidationFailed) as exc:
        calculate_line_taxes(
            country="FR", amount=Money.of("1.00", "CAD"), supply_type="commercial_rent", supply_date=date(2025, 4, 1)
        )
    assert exc.value.problems[0].field == "country"

"""Canada GST/HST/QST/PST: §7 examples CA-01 … CA-19 and the rules of docs/tax-rules.md §1c, §4."""

from datetime import date
from decimal import Decimal

import pytest

from pmsaas.domain.financial.tax import CanadaCategory, SupplyType, calculate_canada_tax, tax_point_date
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

ST = SupplyType


def cad(value: str) -> Money:
    return Money.of(value, "CAD")


def lines_of(result):
    return [(line.label, line.amount.amount) for line in result.lines]


def ca(amount="10000.00", supply_type=ST.COMMERCIAL_RENT, province="ON", due=date(2025, 6, 1), **kwargs):
    return calculate_canada_tax(amount=cad(amount), supply_type=supply_type, province=province, due_date=due, **kwargs)


# ------------------------------------------------------------------------------------------------
# §7 worked examples
# ------------------------------------------------------------------------------------------------
def test_ca_01_ontario_commercial_rent_hst_13():
    r = ca()
    assert lines_of(r) == [("HST-ON 13%", Decimal("1300.00"))]
    assert (r.gst_rate, r.hst_rate, r.pst_rate, r.qst_rate) == (0, 13, 0, 0)
    assert r.total_tax == cad("1300.00") and r.total == cad("11300.00")
    assert r.category == CanadaCategory.TAXABLE


def test_ca_02_ontario_long_term_residential_rent_exempt():
    r = ca("2000.00", ST.RESIDENTIAL_RENT)
    assert r.category == CanadaCategory.EXEMPT and r.lines == []
    assert (r.gst_rate, r.hst_rate, r.pst_rate, r.qst_rate) == (0, 0, 0, 0)
    assert r.total == cad("2000.00") and r.total_tax == cad("0")


def test_ca_03_short_term_residential_let_taxable():
    r = ca("1500.00", ST.SHORT_STAY_ACCOMMODATION, nights=5)
    assert lines_of(r) == [("HST-ON 13%", Decimal("195.00"))]


def test_short_stay_at_20_dollars_a_day_or_less_exempt():
    assert ca("100.00", ST.SHORT_STAY_ACCOMMODATION, nights=5).category == CanadaCategory.EXEMPT
    assert ca("100.05", ST.SHORT_STAY_ACCOMMODATION, nights=5).category == CanadaCategory.TAXABLE


def test_ca_04_nova_scotia_before_april_2025_is_15():
    r = ca(province="NS", due=date(2025, 3, 1))
    assert lines_of(r) == [("HST-NS 15%", Decimal("1500.00"))]


def test_ca_05_nova_scotia_from_april_2025_is_14():
    r = ca(province="NS", due=date(2025, 4, 1))
    assert lines_of(r) == [("HST-NS 14%", Decimal("1400.00"))]


def test_ca_06_april_rent_prepaid_in_march_is_15():
    r = ca(province="NS", due=date(2025, 4, 1), paid_date=date(2025, 3, 25))
    assert r.tax_point_date == date(2025, 3, 25) and r.hst_rate == 15
    late = ca(province="NS", due=date(2025, 3, 1), paid_date=date(2025, 4, 10))
    assert late.tax_point_date == date(2025, 3, 1) and late.hst_rate == 15


def test_ca_07_08_new_brunswick_2016_change():
    assert ca(province="NB", due=date(2016, 6, 30)).hst_rate == 13
    assert ca(province="NB", due=date(2016, 7, 1)).hst_rate == 15


@pytest.mark.parametrize(
    ("province", "day", "rate"),
    [
        ("NL", date(2015, 12, 31), 13),
        ("NL", date(2016, 1, 1), 13),
        ("NL", date(2016, 7, 1), 15),
        ("PE", date(2013, 4, 1), 14),
        ("PE", date(2016, 9, 30), 14),
        ("PE", date(2016, 10, 1), 15),
        ("ON", date(2010, 7, 1), 13),
        ("NS", date(2010, 7, 1), 15),
        ("NB", date(2008, 1, 1), 13),
    ],
)
def test_hst_rate_history(province, day, rate):
    assert ca(province=province, due=day).hst_rate == rate


def test_ca_09_bc_commercial_rent_gst_only():
    r = ca(province="BC")
    assert lines_of(r) == [("GST 5%", Decimal("500.00"))]
    assert r.pst_rate == 0


def test_ca_10_bc_property_management_residential_no_pst():
    r = ca("1000.00", ST.PROPERTY_MANAGEMENT_FEE, "BC", date(2026, 11, 1))
    assert lines_of(r) == [("GST 5%", Decimal("50.00"))]


def test_ca_11_12_bc_pst_on_non_residential_management_from_2026_10_01():
    before = ca("1000.00", ST.PROPERTY_MANAGEMENT_FEE, "BC", date(2026, 9, 30), commercial_property=True)
    after = ca("1000.00", ST.PROPERTY_MANAGEMENT_FEE, "BC", date(2026, 10, 1), commercial_property=True)
    assert lines_of(before) == [("GST 5%", Decimal("50.00"))]
    assert lines_of(after) == [("GST 5%", Decimal("50.00")), ("PST-BC 7%", Decimal("70.00"))]
    assert after.pst_rate == 7 and after.total_tax == cad("120.00")


def test_bc_strata_management_of_non_residential_property_also_pst():
    r = ca("1000.00", ST.PROPERTY_MANAGEMENT_FEE, "British Columbia", date(2026, 12, 1), commercial_property=True)
    assert r.pst_rate == 7


def test_ca_13_quebec_commercial_rent_gst_and_qst_on_price_excluding_gst():
    r = ca(province="QC")
    assert lines_of(r) == [("GST 5%", Decimal("500.00")), ("QST-QC 9.975%", Decimal("997.50"))]
    assert r.qst_rate == Decimal("9.975") and r.total_tax == cad("1497.50")


def test_ca_14_qst_half_cent_rounds_up():
    r = ca("100.00", province="QC")  # 100 × 9.975 % = 9.975 → 9.98
    assert lines_of(r) == [("GST 5%", Decimal("5.00")), ("QST-QC 9.975%", Decimal("9.98"))]
    r2 = ca("10.10", province="QC")  # 1.007475 → 1.01; GST 0.505 → 0.51
    assert lines_of(r2) == [("GST 5%", Decimal("0.51")), ("QST-QC 9.975%", Decimal("1.01"))]


def test_quebec_residential_rent_exempt_for_qst_too():
    r = ca("1500.00", ST.RESIDENTIAL_RENT, "QC")
    assert r.category == CanadaCategory.EXEMPT and r.qst_rate == 0 and r.lines == []


def test_quebec_before_2013_not_modelled():
    with pytest.raises(ValidationFailed) as exc:
        ca(province="QC", due=date(2012, 12, 31))
    assert {p.field for p in exc.value.problems} == {"due_date"}


def test_ca_15_alberta_commercial_rent_gst_5():
    assert lines_of(ca(province="AB")) == [("GST 5%", Decimal("500.00"))]


@pytest.mark.parametrize("province", ["AB", "YT", "NT", "NU"])
def test_gst_only_territories(province):
    r = ca(province=province)
    assert (r.gst_rate, r.hst_rate, r.pst_rate, r.qst_rate) == (5, 0, 0, 0)


def test_ca_16_saskatchewan_pst_on_real_property_repairs_from_2017_04_01():
    r = ca("1000.00", ST.REPAIR_SERVICE, "SK", date(2025, 1, 1))
    assert lines_of(r) == [("GST 5%", Decimal("50.00")), ("PST-SK 6%", Decimal("60.00"))]
    assert ca("1000.00", ST.REPAIR_SERVICE, "SK", date(2017, 3, 31)).pst_rate == 0
    assert ca("1000.00", ST.REPAIR_SERVICE, "SK", date(2017, 4, 1)).pst_rate == 6
    # commercial rent: no SK PST modelled (UNCONFIRMED)
    rent = ca(province="SK")
    assert rent.pst_rate == 0 and rent.notes


def test_ca_17_manitoba_commercial_rent_gst_only():
    r = ca(province="MB")
    assert lines_of(r) == [("GST 5%", Decimal("500.00"))]
    repair = ca("1000.00", ST.REPAIR_SERVICE, "MB")
    assert repair.pst_rate == 0 and any("RST" in n for n in repair.notes)


def test_bc_repairs_no_pst_to_customer():
    assert ca("1000.00", ST.REPAIR_SERVICE, "BC").pst_rate == 0


def test_ca_18_ontario_residential_condo_fee_exempt():
    r = ca("650.00", ST.SOCIETY_MAINTENANCE, "ON")
    assert r.category == CanadaCategory.EXEMPT and r.lines == []


def test_ca_19_commercial_condo_unit_fee_taxable():
    r = ca("650.00", ST.SOCIETY_MAINTENANCE, "ON", commercial_property=True)
    assert lines_of(r) == [("HST-ON 13%", Decimal("84.50"))]
    small = ca("650.00", ST.SOCIETY_MAINTENANCE, "ON", commercial_property=True, supplier_registered=False)
    assert small.category == CanadaCategory.NOT_APPLICABLE and small.lines == []


def test_bc_strata_fees_residential_exempt_commercial_gst_no_pst():
    assert ca("500.00", ST.SOCIETY_MAINTENANCE, "BC").category == CanadaCategory.EXEMPT
    assert lines_of(ca("500.00", ST.SOCIETY_MAINTENANCE, "BC", commercial_property=True)) == [
        ("GST 5%", Decimal("25.00"))
    ]


def test_property_management_fee_taxable_at_property_province_rate():
    assert lines_of(ca("1000.00", ST.PROPERTY_MANAGEMENT_FEE, "NS", date(2025, 5, 1))) == [
        ("HST-NS 14%", Decimal("140.00"))
    ]


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["ON", "on", "CA-ON", "Ontario", " ontario "])
def test_province_spellings(spelling):
    assert ca(province=spelling).province == "ON"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"amount": Money.of("10.00", "INR")}, {"amount"}),
        ({"amount": Money.of("-10.00", "CAD")}, {"amount"}),
        ({"province": "ZZ"}, {"province"}),
        ({"supply_type": "yacht_charter"}, {"supply_type"}),
        ({"due_date": "2025-01-01"}, {"due_date"}),
        ({"due_date": date(2007, 12, 31)}, {"due_date"}),
        ({"due_date": date(2025, 1, 1), "paid_date": date(2007, 1, 1)}, {"paid_date"}),
        ({"amount": Money.of("10.00", "USD"), "province": "XX"}, {"amount", "province"}),
    ],
)
def test_bad_canada_input_names_the_argument(kwargs, expected):
    args = {"amount": cad("100.00"), "supply_type": ST.COMMERCIAL_RENT, "province": "AB", "due_date": date(2025, 1, 1)}
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        calculate_canada_tax(**args)
    assert {p.field for p in exc.value.problems} == expected


def test_tax_point_is_earlier_of_due_and_paid():
    assert tax_point_date(date(2025, 4, 1), None) == date(2025, 4, 1)
    assert tax_point_date(date(2025, 4, 1), date(2025, 3, 25)) == date(2025, 3, 25)
    assert tax_point_date(date(2025, 4, 1), date(2025, 4, 5)) == date(2025, 4, 1)

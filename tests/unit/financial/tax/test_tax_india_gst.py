"""India GST: every §7 worked example (IN-01 … IN-18) and every rule of docs/tax-rules.md §1a, §2."""

from datetime import date
from decimal import Decimal

import pytest

from pmsaas.domain.financial.tax import GstCategory, SupplyType, calculate_gst, invoice_round_off
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

ST = SupplyType


def inr(value: str) -> Money:
    return Money.of(value, "INR")


def lines_of(result):
    return [(line.tax, line.jurisdiction, line.rate, line.amount.amount, line.payable_by) for line in result.lines]


def gst(**kwargs):
    kwargs.setdefault("supplier_state", kwargs.get("property_state"))
    return calculate_gst(**kwargs)


def fields(exc: pytest.ExceptionInfo) -> set[str]:
    return {p.field for p in exc.value.problems}


# ------------------------------------------------------------------------------------------------
# §7 worked examples
# ------------------------------------------------------------------------------------------------
def test_in_01_commercial_rent_intrastate_forward_charge():
    r = calculate_gst(
        amount=inr("100000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 11, 1),
        supplier_state="27",
        property_state="27",
        recipient_registered=True,
        recipient_state="27",
    )
    assert r.gst_category == GstCategory.INTRASTATE
    assert lines_of(r) == [
        ("CGST", "IN", Decimal("9"), Decimal("9000.00"), "supplier"),
        ("SGST", "MH", Decimal("9"), Decimal("9000.00"), "supplier"),
    ]
    assert [line.label for line in r.lines] == ["CGST 9%", "SGST-MH 9%"]
    assert (r.gst_rate, r.cgst_rate, r.sgst_rate, r.utgst_rate, r.igst_rate) == (18, 9, 9, 0, 0)
    assert r.total_tax == inr("18000.00") and r.total == inr("118000.00")
    assert not r.reverse_charge and r.invoice_legend is None


def test_in_02_pos_is_property_not_recipient_state():
    r = calculate_gst(
        amount=inr("100000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 11, 1),
        supplier_state="MH",
        property_state="MH",
        recipient_registered=True,
        recipient_state="29",
    )
    assert r.gst_category == GstCategory.INTRASTATE
    assert r.place_of_supply == "27"
    assert lines_of(r) == [
        ("CGST", "IN", 9, Decimal("9000.00"), "supplier"),
        ("SGST", "MH", 9, Decimal("9000.00"), "supplier"),
    ]
    assert r.igst_rate == 0
    assert any("not creditable" in n for n in r.notes)


def test_in_03_supplier_in_other_state_than_property_is_interstate_igst():
    r = calculate_gst(
        amount=inr("100000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 11, 1),
        supplier_state="KA",
        property_state="MH",
    )
    assert r.gst_category == GstCategory.INTERSTATE
    assert lines_of(r) == [("IGST", "IN", 18, Decimal("18000.00"), "supplier")]
    assert (r.cgst_rate, r.sgst_rate, r.igst_rate) == (0, 0, 18)


def test_in_04_union_territory_without_legislature_levies_utgst():
    r = gst(amount=inr("100000.00"), supply_type=ST.COMMERCIAL_RENT, supply_date=date(2025, 11, 1), property_state="04")
    assert lines_of(r) == [
        ("CGST", "IN", 9, Decimal("9000.00"), "supplier"),
        ("UTGST", "CH", 9, Decimal("9000.00"), "supplier"),
    ]
    assert (r.sgst_rate, r.utgst_rate) == (0, 9)


@pytest.mark.parametrize("code", ["35", "31", "26", "38", "04", "97", "AN", "LD", "DH", "LA", "CH"])
def test_utgst_territories(code):
    r = gst(amount=inr("1000.00"), supply_type=ST.REPAIR_SERVICE, supply_date=date(2025, 1, 1), property_state=code)
    assert [line.tax for line in r.lines] == ["CGST", "UTGST"]


@pytest.mark.parametrize("code", ["07", "34", "01", "DL", "PY", "JK", "27", "33"])
def test_states_and_uts_with_legislature_levy_sgst(code):
    r = gst(amount=inr("1000.00"), supply_type=ST.REPAIR_SERVICE, supply_date=date(2025, 1, 1), property_state=code)
    assert [line.tax for line in r.lines] == ["CGST", "SGST"]


def test_in_05_residential_to_unregistered_individual_is_exempt():
    r = gst(amount=inr("35000.00"), supply_type=ST.RESIDENTIAL_RENT, supply_date=date(2025, 6, 1), property_state="MH")
    assert r.gst_category == GstCategory.EXEMPT
    assert r.lines == [] and r.total_tax == inr("0") and r.total == inr("35000.00")
    assert (r.gst_rate, r.cgst_rate, r.sgst_rate, r.utgst_rate, r.igst_rate) == (0, 0, 0, 0, 0)


def test_in_06_residential_to_registered_company_is_rcm_paid_by_tenant():
    r = gst(
        amount=inr("60000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2025, 6, 1),
        property_state="27",
        recipient_registered=True,
        recipient_personal_residence=False,
    )
    assert r.gst_category == GstCategory.REVERSE_CHARGE and r.reverse_charge
    assert lines_of(r) == [
        ("CGST", "IN", 9, Decimal("5400.00"), "recipient"),
        ("SGST", "MH", 9, Decimal("5400.00"), "recipient"),
    ]
    assert r.total_tax == inr("0") and r.total == inr("60000.00")  # landlord invoice shows no tax
    assert r.reverse_charge_tax == inr("10800.00")
    assert r.invoice_legend == "Tax payable on reverse charge: Yes"
    assert "5AA" in r.rule
    assert r.intra_state is True and r.gst_rate == 18


def test_in_06_company_gstin_overrides_personal_residence_default():
    r = calculate_gst(
        amount=inr("60000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2025, 6, 1),
        supplier_state="MH",
        property_state="MH",
        recipient_gstin="27AABCP1234Q1Z7",
    )
    assert r.gst_category == GstCategory.REVERSE_CHARGE
    assert r.reverse_charge_tax == inr("10800.00")
    assert any("personal-capacity" in n for n in r.notes)


def test_in_07_residential_to_registered_tenant_before_2022_07_18_is_exempt():
    r = gst(
        amount=inr("60000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2022, 7, 17),
        property_state="MH",
        recipient_registered=True,
        recipient_personal_residence=False,
    )
    assert r.gst_category == GstCategory.EXEMPT
    r2 = gst(
        amount=inr("60000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2022, 7, 18),
        property_state="MH",
        recipient_registered=True,
        recipient_personal_residence=False,
    )
    assert r2.gst_category == GstCategory.REVERSE_CHARGE


def test_in_08_registered_proprietor_personal_residence_exempt_from_2023():
    common = {
        "amount": inr("40000.00"),
        "supply_type": ST.RESIDENTIAL_RENT,
        "property_state": "MH",
        "recipient_registered": True,
        "recipient_personal_residence": True,
    }
    assert gst(supply_date=date(2023, 1, 1), **common).gst_category == GstCategory.EXEMPT
    # between 2022-07-18 and 2022-12-31 the proprietor paid RCM
    assert gst(supply_date=date(2022, 12, 31), **common).gst_category == GstCategory.REVERSE_CHARGE
    # with an individual's GSTIN (PAN type P) the exemption holds
    r = calculate_gst(
        amount=inr("40000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2024, 1, 1),
        supplier_state="29",
        property_state="29",
        recipient_gstin="29AAAPK5678L1Z4",
    )
    assert r.gst_category == GstCategory.EXEMPT


def test_in_09_unregistered_landlord_to_registered_tenant_commercial_rcm_5ab():
    r = calculate_gst(
        amount=inr("80000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 1, 5),
        supplier_state="KA",
        property_state="KA",
        supplier_registered=False,
        recipient_registered=True,
    )
    assert r.gst_category == GstCategory.REVERSE_CHARGE
    assert lines_of(r) == [
        ("CGST", "IN", 9, Decimal("7200.00"), "recipient"),
        ("SGST", "KA", 9, Decimal("7200.00"), "recipient"),
    ]
    assert r.total_tax == inr("0") and r.reverse_charge_tax == inr("14400.00")
    assert "5AB" in r.rule


def test_in_10_5ab_not_before_2024_10_10():
    common = {
        "amount": inr("80000.00"),
        "supply_type": ST.COMMERCIAL_RENT,
        "property_state": "KA",
        "supplier_registered": False,
        "recipient_registered": True,
    }
    assert gst(supply_date=date(2024, 10, 9), **common).gst_category == GstCategory.NOT_APPLICABLE
    assert gst(supply_date=date(2024, 10, 10), **common).gst_category == GstCategory.REVERSE_CHARGE


def test_in_11_composition_tenant_excluded_from_5ab_from_2025_01_16():
    common = {
        "amount": inr("80000.00"),
        "supply_type": ST.COMMERCIAL_RENT,
        "property_state": "KA",
        "supplier_registered": False,
        "recipient_registered": True,
        "recipient_composition": True,
    }
    r = gst(supply_date=date(2025, 1, 16), **common)
    assert r.gst_category == GstCategory.NOT_APPLICABLE and r.lines == []
    before = gst(supply_date=date(2025, 1, 15), **common)
    assert before.gst_category == GstCategory.REVERSE_CHARGE
    assert any("UNCONFIRMED" in n for n in before.notes)


def test_commercial_rent_unregistered_both_sides_no_gst():
    r = gst(
        amount=inr("80000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 6, 1),
        property_state="KA",
        supplier_registered=False,
        recipient_registered=False,
    )
    assert r.gst_category == GstCategory.NOT_APPLICABLE and r.lines == []


def test_commercial_rent_registered_landlord_forward_charge_to_anyone_any_date():
    for d in (date(2017, 7, 1), date(2020, 1, 1), date(2026, 11, 1)):
        for registered in (False, True):
            r = gst(
                amount=inr("1000.00"),
                supply_type=ST.COMMERCIAL_RENT,
                supply_date=d,
                property_state="MH",
                recipient_registered=registered,
                recipient_composition=registered,
            )
            assert r.total_tax == inr("180.00")


def test_in_12_society_maintenance_exactly_7500_is_exempt():
    r = gst(
        amount=inr("7500.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_turnover_above_threshold=True,
    )
    assert r.gst_category == GstCategory.EXEMPT and r.lines == []


def test_in_13_society_maintenance_7501_taxed_on_entire_amount():
    r = gst(
        amount=inr("7501.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_turnover_above_threshold=True,
    )
    assert lines_of(r) == [
        ("CGST", "IN", 9, Decimal("675.09"), "supplier"),
        ("SGST", "MH", 9, Decimal("675.09"), "supplier"),
    ]
    assert r.total_tax == inr("1350.18") and r.taxable_value == inr("7501.00")


def test_society_circular_example_9000():
    r = gst(
        amount=inr("9000.00"), supply_type=ST.SOCIETY_MAINTENANCE, supply_date=date(2025, 6, 1), property_state="MH"
    )
    assert r.total_tax == inr("1620.00")  # 18 % of 9,000, not of the 1,500 excess


def test_in_15_society_turnover_within_20_lakh_no_gst():
    r = gst(
        amount=inr("9000.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_registered=False,
        supplier_turnover_above_threshold=False,
    )
    assert r.gst_category == GstCategory.NOT_APPLICABLE and r.lines == []
    # registered but turnover within the threshold: still no GST (both conditions are needed)
    r2 = gst(
        amount=inr("9000.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_turnover_above_threshold=False,
    )
    assert r2.gst_category == GstCategory.NOT_APPLICABLE


def test_society_turnover_boundary_20_lakh_in_scope_unconfirmed_reading():
    common = {
        "amount": inr("9000.00"),
        "supply_type": ST.SOCIETY_MAINTENANCE,
        "supply_date": date(2025, 6, 1),
        "property_state": "MH",
    }
    assert gst(supplier_aggregate_turnover=inr("2000000.00"), **common).total_tax == inr("1620.00")
    assert gst(supplier_aggregate_turnover=inr("1999999.99"), **common).gst_category == GstCategory.NOT_APPLICABLE


def test_society_unregistered_above_threshold_cannot_charge():
    r = gst(
        amount=inr("9000.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_registered=False,
    )
    assert r.gst_category == GstCategory.NOT_APPLICABLE


def test_in_16_limit_is_per_flat():
    common = {"supply_type": ST.SOCIETY_MAINTENANCE, "supply_date": date(2025, 6, 1), "property_state": "MH"}
    assert gst(amount=inr("15000.00"), units=2, **common).gst_category == GstCategory.EXEMPT
    r = gst(amount=inr("15002.00"), units=2, **common)
    assert r.total_tax == inr("2700.36")  # 1350.18 × 2


def test_society_quarterly_bill_tested_per_month():
    common = {"supply_type": ST.SOCIETY_MAINTENANCE, "supply_date": date(2025, 6, 1), "property_state": "MH"}
    assert gst(amount=inr("22500.00"), months=3, **common).gst_category == GstCategory.EXEMPT
    assert gst(amount=inr("22503.00"), months=3, **common).gst_category == GstCategory.INTRASTATE


def test_society_limit_was_5000_before_2018_01_25():
    common = {"amount": inr("6000.00"), "supply_type": ST.SOCIETY_MAINTENANCE, "property_state": "MH"}
    assert gst(supply_date=date(2018, 1, 24), **common).total_tax == inr("1080.00")
    assert gst(supply_date=date(2018, 1, 25), **common).gst_category == GstCategory.EXEMPT
    assert (
        gst(
            amount=inr("5000.00"),
            supply_type=ST.SOCIETY_MAINTENANCE,
            property_state="MH",
            supply_date=date(2017, 12, 1),
        ).gst_category
        == GstCategory.EXEMPT
    )


def test_society_limit_tested_on_whole_contribution_when_line_is_one_charge_head():
    # sinking-fund line of 1,000 within a member's 8,000 monthly bill: the bill exceeds 7,500
    r = gst(
        amount=inr("1000.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        society_contribution_for_limit=inr("8000.00"),
    )
    assert r.total_tax == inr("180.00")


def test_society_excess_only_override():
    r = gst(
        amount=inr("9000.00"),
        supply_type=ST.SOCIETY_MAINTENANCE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        rwa_excess_only=True,
    )
    assert r.taxable_value == inr("1500.00")
    assert r.total_tax == inr("270.00")
    assert r.total == inr("9270.00")


def test_in_17_plumbing_repair_18_percent():
    r = gst(amount=inr("10000.00"), supply_type=ST.REPAIR_SERVICE, supply_date=date(2025, 6, 1), property_state="MH")
    assert lines_of(r) == [
        ("CGST", "IN", 9, Decimal("900.00"), "supplier"),
        ("SGST", "MH", 9, Decimal("900.00"), "supplier"),
    ]


def test_repair_unchanged_by_gst_2_0():
    for d in (date(2025, 9, 21), date(2025, 9, 22)):
        assert (
            gst(amount=inr("10000.00"), supply_type=ST.REPAIR_SERVICE, supply_date=d, property_state="MH").gst_rate
            == 18
        )


def test_repair_by_unregistered_contractor_no_gst():
    r = gst(
        amount=inr("10000.00"),
        supply_type=ST.REPAIR_SERVICE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_registered=False,
    )
    assert r.gst_category == GstCategory.NOT_APPLICABLE


def test_housekeeping_via_ecommerce_operator_5_percent():
    r = gst(
        amount=inr("1000.00"),
        supply_type=ST.REPAIR_SERVICE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_registered=False,
        supplier_turnover_above_threshold=False,
        through_ecommerce_operator=True,
    )
    assert r.gst_rate == 5
    assert lines_of(r) == [
        ("CGST", "IN", Decimal("2.5"), Decimal("25.00"), "supplier"),
        ("SGST", "MH", Decimal("2.5"), Decimal("25.00"), "supplier"),
    ]
    liable = gst(
        amount=inr("1000.00"),
        supply_type=ST.REPAIR_SERVICE,
        supply_date=date(2025, 6, 1),
        property_state="MH",
        supplier_registered=False,
        through_ecommerce_operator=True,
    )
    assert liable.gst_category == GstCategory.NOT_APPLICABLE


def test_property_management_fee_18_percent_and_unregistered_none():
    r = gst(
        amount=inr("5000.00"),
        supply_type=ST.PROPERTY_MANAGEMENT_FEE,
        supply_date=date(2025, 6, 1),
        property_state="KA",
        supplier_state="MH",
    )
    assert lines_of(r) == [("IGST", "IN", 18, Decimal("900.00"), "supplier")]
    r2 = gst(
        amount=inr("5000.00"),
        supply_type=ST.PROPERTY_MANAGEMENT_FEE,
        supply_date=date(2025, 6, 1),
        property_state="KA",
        supplier_registered=False,
    )
    assert r2.gst_category == GstCategory.NOT_APPLICABLE


def test_in_18b_18c_short_stay_gst_2_0_boundary():
    common = {"amount": inr("5000.00"), "supply_type": ST.SHORT_STAY_ACCOMMODATION, "property_state": "GA"}
    before = gst(supply_date=date(2025, 9, 21), **common)
    after = gst(supply_date=date(2025, 9, 22), **common)
    assert before.gst_rate == 12 and before.total_tax == inr("600.00")
    assert after.gst_rate == 5 and after.total_tax == inr("250.00")


def test_short_stay_tariff_band_per_unit_per_day():
    common = {"supply_type": ST.SHORT_STAY_ACCOMMODATION, "property_state": "GA", "supply_date": date(2025, 10, 1)}
    assert gst(amount=inr("7500.00"), **common).gst_rate == 5
    assert gst(amount=inr("7500.01"), **common).gst_rate == 18  # docs/tax-rules.md §1a, note
    assert gst(amount=inr("30000.00"), nights=4, **common).gst_rate == 5
    assert gst(amount=inr("30000.00"), nights=2, units=2, **common).gst_rate == 5
    assert gst(amount=inr("30000.00"), nights=2, **common).gst_rate == 18


def test_short_stay_above_7500_before_2019_10_01_has_no_rule():
    with pytest.raises(ValidationFailed) as exc:
        gst(
            amount=inr("9000.00"),
            supply_type=ST.SHORT_STAY_ACCOMMODATION,
            property_state="GA",
            supply_date=date(2019, 9, 30),
        )
    assert fields(exc) == {"supply_date"}


# ------------------------------------------------------------------------------------------------
# §2.3 residential decision table, row by row
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("supplier_registered", "recipient_registered", "personal", "residence", "on", "expected"),
    [
        # row 1: any landlord, unregistered tenant, residence, any date → exempt
        (True, False, True, True, date(2017, 7, 1), GstCategory.EXEMPT),
        (False, False, True, True, date(2026, 1, 1), GstCategory.EXEMPT),
        (True, False, False, True, date(2025, 1, 1), GstCategory.EXEMPT),
        # row 2: registered tenant before 2022-07-18, residence → exempt
        (True, True, False, True, date(2019, 5, 1), GstCategory.EXEMPT),
        (False, True, True, True, date(2022, 7, 17), GstCategory.EXEMPT),
        # row 3: registered tenant from 2022-07-18, residence or business → RCM, any landlord
        (True, True, False, True, date(2022, 7, 18), GstCategory.REVERSE_CHARGE),
        (False, True, False, True, date(2025, 1, 1), GstCategory.REVERSE_CHARGE),
        (True, True, False, False, date(2025, 1, 1), GstCategory.REVERSE_CHARGE),
        (False, True, True, False, date(2025, 1, 1), GstCategory.REVERSE_CHARGE),
        # row 4 (evaluated before row 3): proprietor in personal capacity from 2023-01-01 → exempt
        (True, True, True, True, date(2023, 1, 1), GstCategory.EXEMPT),
        (False, True, True, True, date(2026, 6, 1), GstCategory.EXEMPT),
        (True, True, True, True, date(2022, 12, 31), GstCategory.REVERSE_CHARGE),
        # row 5: registered landlord, unregistered tenant, commercial use → 18 % forward charge
        (True, False, False, False, date(2018, 1, 1), GstCategory.INTRASTATE),
        (True, False, True, False, date(2025, 1, 1), GstCategory.INTRASTATE),
        # unregistered landlord, unregistered tenant, commercial use → nothing
        (False, False, False, False, date(2025, 1, 1), GstCategory.NOT_APPLICABLE),
        # before 5AA, a registered tenant using the dwelling commercially
        (True, True, False, False, date(2020, 1, 1), GstCategory.INTRASTATE),
        (False, True, False, False, date(2020, 1, 1), GstCategory.NOT_APPLICABLE),
    ],
)
def test_residential_decision_table(supplier_registered, recipient_registered, personal, residence, on, expected):
    r = gst(
        amount=inr("50000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=on,
        property_state="MH",
        supplier_registered=supplier_registered,
        recipient_registered=recipient_registered,
        recipient_personal_residence=personal,
        used_as_residence=residence,
    )
    assert r.gst_category == expected
    if expected in (GstCategory.REVERSE_CHARGE, GstCategory.INTRASTATE):
        assert r.gst_rate == 18
        assert sum((line.amount.amount for line in r.lines), Decimal(0)) == Decimal("9000.00")


def test_rcm_follows_same_pos_and_heads_interstate():
    r = calculate_gst(
        amount=inr("60000.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2025, 6, 1),
        supplier_state="KA",
        property_state="MH",
        recipient_registered=True,
        recipient_personal_residence=False,
    )
    assert lines_of(r) == [("IGST", "IN", 18, Decimal("10800.00"), "recipient")]
    assert r.gst_category == GstCategory.REVERSE_CHARGE and r.intra_state is False


# ------------------------------------------------------------------------------------------------
# Inputs: states, GSTINs, validation
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["27", "MH", "mh", "IN-MH", "Maharashtra", " maharashtra "])
def test_state_spellings(spelling):
    r = calculate_gst(
        amount=inr("100.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 1, 1),
        supplier_state="27",
        property_state=spelling,
    )
    assert r.place_of_supply == "27" and r.gst_category == GstCategory.INTRASTATE


def test_gstin_replaces_state_and_registration():
    r = calculate_gst(
        amount=inr("100000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 11, 1),
        supplier_state=None,
        property_state="MH",
        supplier_registered=False,
        supplier_gstin="27AABCP1234Q1Z7",
        recipient_gstin="29AAGCB7383J1Z4",
    )
    assert r.supplier_state == "27" and r.gst_category == GstCategory.INTRASTATE
    assert r.total_tax == inr("18000.00")
    r2 = calculate_gst(
        amount=inr("100000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 11, 1),
        supplier_state=None,
        property_state="MH",
        supplier_gstin="07AAFFR9012M2ZW",
    )
    assert r2.gst_category == GstCategory.INTERSTATE


def test_recipient_gstin_makes_recipient_registered():
    r = calculate_gst(
        amount=inr("80000.00"),
        supply_type=ST.COMMERCIAL_RENT,
        supply_date=date(2025, 6, 1),
        supplier_state="KA",
        property_state="KA",
        supplier_registered=False,
        recipient_gstin="29AAGCB7383J1Z4",
    )
    assert r.gst_category == GstCategory.REVERSE_CHARGE


def test_state_contradicting_gstin_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        calculate_gst(
            amount=inr("1.00"),
            supply_type=ST.COMMERCIAL_RENT,
            supply_date=date(2025, 1, 1),
            supplier_state="KA",
            property_state="MH",
            supplier_gstin="27AABCP1234Q1Z7",
        )
    assert fields(exc) == {"supplier_state"}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"amount": Money.of("-1.00", "INR")}, {"amount"}),
        ({"amount": Money.of("1.00", "CAD")}, {"amount"}),
        ({"property_state": "ZZ"}, {"property_state"}),
        ({"supplier_state": "99"}, {"supplier_state"}),
        ({"recipient_state": "Atlantis"}, {"recipient_state"}),
        ({"supplier_gstin": "27AABCP1234Q1Z8"}, {"supplier_gstin"}),
        ({"recipient_gstin": "NOT-A-GSTIN"}, {"recipient_gstin"}),
        ({"supply_type": "castle_rent"}, {"supply_type"}),
        ({"supply_date": date(2017, 6, 30)}, {"supply_date"}),
        ({"units": 0}, {"units"}),
        ({"amount": Money.of("-1.00", "INR"), "property_state": "ZZ"}, {"amount", "property_state"}),
    ],
)
def test_bad_input_names_the_argument(kwargs, expected):
    args = {
        "amount": inr("100.00"),
        "supply_type": ST.COMMERCIAL_RENT,
        "supply_date": date(2025, 1, 1),
        "supplier_state": "27",
        "property_state": "27",
    }
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        calculate_gst(**args)
    assert fields(exc) == expected


def test_states_required_only_when_tax_is_due():
    exempt = calculate_gst(
        amount=inr("100.00"),
        supply_type=ST.RESIDENTIAL_RENT,
        supply_date=date(2025, 1, 1),
        supplier_state=None,
        property_state=None,
    )
    assert exempt.gst_category == GstCategory.EXEMPT
    with pytest.raises(ValidationFailed) as exc:
        calculate_gst(
            amount=inr("100.00"),
            supply_type=ST.COMMERCIAL_RENT,
            supply_date=date(2025, 1, 1),
            supplier_state=None,
            property_state=None,
        )
    assert fields(exc) == {"supplier_state", "property_state"}


def test_daman_diu_old_code_is_same_ut_after_merger():
    common = {
        "amount": inr("100.00"),
        "supply_type": ST.COMMERCIAL_RENT,
        "supplier_state": "25",
        "property_state": "26",
    }
    assert calculate_gst(supply_date=date(2020, 1, 26), **common).gst_category == GstCategory.INTRASTATE
    assert calculate_gst(supply_date=date(2020, 1, 25), **common).gst_category == GstCategory.INTERSTATE


def test_supply_type_accepts_string_value():
    r = calculate_gst(
        amount=inr("100.00"),
        supply_type="commercial_rent",
        supply_date=date(2025, 1, 1),
        supplier_state="27",
        property_state="27",
    )
    assert r.supply_type is ST.COMMERCIAL_RENT


# ------------------------------------------------------------------------------------------------
# §2.6 rounding
# ------------------------------------------------------------------------------------------------
def test_heads_rounded_per_line_half_up():
    # 0.05 × 9 % = 0.0045 → 0.00 per head although 18 % of 0.05 = 0.009 → 0.01 (documented difference)
    r = gst(amount=inr("0.05"), supply_type=ST.COMMERCIAL_RENT, supply_date=date(2025, 1, 1), property_state="MH")
    assert [line.amount for line in r.lines] == [inr("0.00"), inr("0.00")]
    # 0.50 × 9 % = 0.045 → 0.05 (half up)
    r2 = gst(amount=inr("0.50"), supply_type=ST.COMMERCIAL_RENT, supply_date=date(2025, 1, 1), property_state="MH")
    assert [line.amount for line in r2.lines] == [inr("0.05"), inr("0.05")]


def test_invoice_round_off_to_nearest_rupee():
    assert invoice_round_off(inr("1350.18")) == inr("-0.18")
    assert invoice_round_off(inr("1350.50")) == inr("0.50")
    assert invoice_round_off(inr("1350.49")) == inr("-0.49")
    assert invoice_round_off(inr("1350.00")) == inr("0.00")

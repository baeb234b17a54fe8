"""India TDS: §7 examples IN-19 … IN-29 and the rules of docs/tax-rules.md §1b, §3."""

from datetime import date
from decimal import Decimal

import pytest

from pmsaas.domain.financial.tax import (
    PartyKind,
    TdsLine,
    TdsPaymentKind,
    TdsSection,
    calculate_tds,
    resolve_section,
)
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

COMPANY_PAN = "AABCP1234Q"
INDIVIDUAL_PAN = "AAAPK5678L"
FIRM_PAN = "AAFFR9012M"


def inr(value: str) -> Money:
    return Money.of(value, "INR")


# ------------------------------------------------------------------------------------------------
# §7 worked examples
# ------------------------------------------------------------------------------------------------
def test_in_19_194i_rent_exactly_50000_no_tds():
    r = calculate_tds(
        amount=inr("50000.00"),
        section_or_kind=TdsPaymentKind.RENT_LAND_BUILDING,
        payment_date=date(2025, 7, 1),
        payee_pan=INDIVIDUAL_PAN,
        payer_kind="other",
    )
    assert not r.applicable and r.section == "194-I(b)"
    assert r.lines == [] and r.tds == inr("0") and r.net_payable == inr("50000.00")


def test_in_20_194i_rent_50001_ten_percent():
    r = calculate_tds(
        amount=inr("50001.00"),
        section_or_kind=TdsPaymentKind.RENT_LAND_BUILDING,
        payment_date=date(2025, 7, 1),
        payee_pan=INDIVIDUAL_PAN,
        payer_kind="other",
    )
    assert r.applicable and r.section == "194-I(b)" and r.rate == Decimal("10")
    assert r.tds_exact == inr("5000.10")
    assert r.tds == inr("5000.00")  # nearest-rupee deduction (UNCONFIRMED practice, §3.6)
    assert r.net_payable == inr("45001.00")
    [line] = r.lines
    assert isinstance(line, TdsLine) and line.payable_by == "recipient"
    assert line.tax == "TDS 194-I(b)" and line.rate == 10 and line.amount == inr("5000.00")
    assert line.act_version == "Income-tax Act, 1961" and line.section_ref == "194-I(b)"


def test_in_20_paise_precision_on_request():
    r = calculate_tds(
        amount=inr("50001.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2025, 7, 1),
        payee_pan=INDIVIDUAL_PAN,
        round_to_rupee=False,
    )
    assert r.tds == inr("5000.10") and r.lines[0].amount == inr("5000.10")


def test_in_21_22_194i_threshold_regime_change_between_fys():
    # FY 2024-25: Rs 30,000 a month; the 12th payment takes the FY aggregate over Rs 2,40,000 → TDS,
    # catching up the untaxed earlier months
    fy24 = calculate_tds(
        amount=inr("30000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2025, 3, 31),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("330000.00"),
    )
    assert fy24.applicable and fy24.base == inr("360000.00") and fy24.tds == inr("36000.00")
    # the payment that first crosses 2,40,000 (9th month: 270,000)
    crossing = calculate_tds(
        amount=inr("30000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2024, 12, 1),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("240000.00"),
    )
    assert crossing.applicable and crossing.tds == inr("27000.00")
    at_limit = calculate_tds(
        amount=inr("30000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2024, 11, 1),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("210000.00"),
    )
    assert not at_limit.applicable  # aggregate exactly 2,40,000 does not exceed
    already = calculate_tds(
        amount=inr("30000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2025, 1, 1),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("270000.00"),
        fy_deducted_base_before=inr("270000.00"),
    )
    assert already.tds == inr("3000.00")
    # FY 2025-26: same rent, monthly test → no TDS
    fy25 = calculate_tds(
        amount=inr("30000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2025, 4, 1),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("330000.00"),
    )
    assert not fy25.applicable


def test_194i_threshold_180000_up_to_fy_2018_19():
    r = calculate_tds(
        amount=inr("20000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2019, 3, 31),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("180000.00"),
    )
    assert r.applicable and r.tds == inr("20000.00")
    r2 = calculate_tds(
        amount=inr("20000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2019, 4, 1),
        payee_pan=INDIVIDUAL_PAN,
        fy_paid_before=inr("180000.00"),
    )
    assert not r2.applicable


def test_194i_monthly_test_on_multi_month_payment():
    quarterly = calculate_tds(
        amount=inr("150000.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2025, 7, 1),
        payee_pan=INDIVIDUAL_PAN,
        months=3,
    )
    assert not quarterly.applicable
    r = calculate_tds(
        amount=inr("150003.00"),
        section_or_kind="194-I(b)",
        payment_date=date(2025, 7, 1),
        payee_pan=INDIVIDUAL_PAN,
        months=3,
    )
    assert r.tds_exact == inr("15000.30") and r.tds == inr("15000.00")


def test_in_23_194i_plant_machinery_two_percent():
    r = calculate_tds(
        amount=inr("60000.00"),
        section_or_kind=TdsPaymentKind.RENT_PLANT_MACHINERY,
        payment_date=date(2025, 8, 1),
        payee_pan=FIRM_PAN,
        payer_kind=PartyKind.OTHER,
    )
    assert r.section == "194-I(a)" and r.rate == 2 and r.tds == inr("1200.00")


def test_in_24_25_194ib_rate_change_on_deduction_date():
    # tenancy of 6 months at 60,000 ending in September / October 2024: deducted once, at the end
    common = {
        "amount": inr("360000.00"),
        "section_or_kind": TdsPaymentKind.RENT_LAND_BUILDING,
        "payee_pan": INDIVIDUAL_PAN,
        "payer_kind": "individual_huf",
        "months": 6,
    }
    sep = calculate_tds(payment_date=date(2024, 9, 30), **common)
    oct_ = calculate_tds(payment_date=date(2024, 10, 1), **common)
    assert sep.section == oct_.section == "194-IB"
    assert sep.rate == 5 and sep.tds == inr("18000.00")
    assert oct_.rate == 2 and oct_.tds == inr("7200.00")
    assert any("straddle" in w for w in oct_.warnings)


def test_in_26_194ib_exactly_50000_no_tds():
    r = calculate_tds(
        amount=inr("50000.00"),
        section_or_kind="194-IB",
        payment_date=date(2026, 3, 1),
        payee_pan=INDIVIDUAL_PAN,
        payer_kind="individual_huf",
    )
    assert not r.applicable and r.tds == inr("0")
    r2 = calculate_tds(
        amount=inr("50001.00"),
        section_or_kind="194-IB",
        payment_date=date(2026, 3, 1),
        payee_pan=INDIVIDUAL_PAN,
        payer_kind="individual_huf",
    )
    assert r2.applicable and r2.tds_exact == inr("1000.02") and r2.tds == inr("1000.00")


def test_in_27_194ib_without_pan_capped_at_last_month_rent():
    r = calculate_tds(
        amount=inr("720000.00"),
        section_or_kind="194-IB",
        payment_date=date(2026, 3, 1),
        payee_pan=None,
        payer_kind="individual_huf",
        months=12,
    )
    assert r.higher_rate_206aa and r.rate == 20 and not r.pan_furnished
    assert r.capped_at_last_month_rent and r.tds == inr("60000.00")
    assert "206AA" in r.section_ref
    uncapped = calculate_tds(
        amount=inr("60000.00"),
        section_or_kind="194-IB",
        payment_date=date(2026, 3, 1),
        payee_pan="BADPAN",
        payer_kind="individual_huf",
        months=1,
    )
    assert uncapped.tds == inr("12000.00") and not uncapped.capped_at_last_month_rent
    explicit = calculate_tds(
        amount=inr("720000.00"),
        section_or_kind="194-IB",
        payment_date=date(2026, 3, 1),
        payee_pan=None,
        months=12,
        last_month_rent=inr("65000.00"),
    )
    assert explicit.tds == inr("65000.00")


def test_194ib_not_before_2017_06_01():
    r = calculate_tds(
        amount=inr("600000.00"),
        section_or_kind="194-IB",
        payment_date=date(2017, 5, 31),
        payee_pan=INDIVIDUAL_PAN,
        months=12,
    )
    assert not r.applicable and "not in force" in r.reason


def test_in_28_194c_single_sum_limit():
    common = {
        "section_or_kind": TdsPaymentKind.CONTRACT_WORK,
        "payment_date": date(2025, 6, 1),
        "payee_pan": INDIVIDUAL_PAN,
    }
    assert not calculate_tds(amount=inr("30000.00"), **common).applicable
    r = calculate_tds(amount=inr("30001.00"), **common)
    assert r.tds_exact == inr("300.01") and r.tds == inr("300.00")


def test_in_28b_194c_aggregate_limit_catches_up_earlier_bills():
    common = {"section_or_kind": "194C", "payment_date": date(2025, 12, 1), "payee_pan": INDIVIDUAL_PAN}
    # four bills of 25,000: aggregate exactly 1,00,000 → still nothing
    assert not calculate_tds(amount=inr("25000.00"), fy_paid_before=inr("75000.00"), **common).applicable
    r = calculate_tds(amount=inr("25000.00"), fy_paid_before=inr("100000.00"), **common)
    assert r.base == inr("125000.00") and r.tds == inr("1250.00")
    later = calculate_tds(
        amount=inr("25000.00"), fy_paid_before=inr("125000.00"), fy_deducted_base_before=inr("125000.00"), **common
    )
    assert later.base == inr("25000.00") and later.tds == inr("250.00")


def test_194c_aggregate_limit_was_75000_before_fy_2016_17():
    common = {
        "amount": inr("20000.00"),
        "section_or_kind": "194C",
        "payee_pan": INDIVIDUAL_PAN,
        "fy_paid_before": inr("60000.00"),
    }
    assert calculate_tds(payment_date=date(2016, 3, 31), **common).applicable
    assert not calculate_tds(payment_date=date(2016, 4, 1), **common).applicable


def test_in_29_194c_individual_contractor_one_percent():
    r = calculate_tds(
        amount=inr("35000.00"),
        section_or_kind=TdsPaymentKind.CONTRACT_WORK,
        payment_date=date(2025, 6, 1),
        payee_pan=INDIVIDUAL_PAN,
        payer_kind="other",
    )
    assert r.section == "194C" and r.rate == 1 and r.tds == inr("350.00")


def test_194c_other_payee_two_percent_and_payee_kind_override():
    r = calculate_tds(
        amount=inr("35000.00"), section_or_kind="194C", payment_date=date(2025, 6, 1), payee_pan=COMPANY_PAN
    )
    assert r.rate == 2 and r.tds == inr("700.00")
    huf = calculate_tds(
        amount=inr("35000.00"), section_or_kind="194C", payment_date=date(2025, 6, 1), payee_pan="AAAHK1234L"
    )
    assert huf.rate == 1
    mismatch = calculate_tds(
        amount=inr("35000.00"),
        section_or_kind="194C",
        payment_date=date(2025, 6, 1),
        payee_pan=COMPANY_PAN,
        payee_kind="individual_huf",
    )
    assert mismatch.rate == 1 and mismatch.warnings


def test_206aa_higher_of_section_rate_and_20_percent():
    r = calculate_tds(amount=inr("35000.00"), section_or_kind="194C", payment_date=date(2025, 6, 1), payee_pan=None)
    assert r.rate == 20 and r.section_rate == 2 and r.tds == inr("7000.00") and r.higher_rate_206aa
    bad = calculate_tds(
        amount=inr("60000.00"), section_or_kind="194-I(b)", payment_date=date(2025, 6, 1), payee_pan="ABCDE0000F"
    )  # invalid PAN counts as not furnished
    assert bad.rate == 20 and bad.tds == inr("12000.00")


def test_pan_with_unusual_holder_type_is_a_warning_not_206aa():
    r = calculate_tds(
        amount=inr("60000.00"), section_or_kind="194-I(b)", payment_date=date(2025, 6, 1), payee_pan="AAAEK1234L"
    )
    assert r.pan_furnished and r.rate == 10 and r.warnings


@pytest.mark.parametrize(
    ("kind", "payer", "audit", "personal", "expected"),
    [
        (TdsPaymentKind.RENT_LAND_BUILDING, PartyKind.OTHER, False, False, TdsSection.S194I_B),
        (TdsPaymentKind.RENT_LAND_BUILDING, PartyKind.INDIVIDUAL_HUF, True, False, TdsSection.S194I_B),
        (TdsPaymentKind.RENT_LAND_BUILDING, PartyKind.INDIVIDUAL_HUF, False, False, TdsSection.S194IB),
        (TdsPaymentKind.RENT_PLANT_MACHINERY, PartyKind.OTHER, False, False, TdsSection.S194I_A),
        (TdsPaymentKind.RENT_PLANT_MACHINERY, PartyKind.INDIVIDUAL_HUF, True, False, TdsSection.S194I_A),
        (TdsPaymentKind.RENT_PLANT_MACHINERY, PartyKind.INDIVIDUAL_HUF, False, False, None),
        (TdsPaymentKind.CONTRACT_WORK, PartyKind.OTHER, False, False, TdsSection.S194C),
        (TdsPaymentKind.CONTRACT_WORK, PartyKind.INDIVIDUAL_HUF, True, False, TdsSection.S194C),
        (TdsPaymentKind.CONTRACT_WORK, PartyKind.INDIVIDUAL_HUF, True, True, None),
        (TdsPaymentKind.CONTRACT_WORK, PartyKind.INDIVIDUAL_HUF, False, False, None),
    ],
)
def test_section_resolution(kind, payer, audit, personal, expected):
    section, reason = resolve_section(
        kind, payer_kind=payer, payer_turnover_above_audit_limit=audit, personal_purpose=personal
    )
    assert section == expected and reason


def test_individual_paying_contractor_for_personal_purposes_explicit_section():
    r = calculate_tds(
        amount=inr("50000.00"),
        section_or_kind="194C",
        payment_date=date(2025, 6, 1),
        payee_pan=INDIVIDUAL_PAN,
        payer_kind="individual_huf",
        personal_purpose=True,
    )
    assert not r.applicable and r.section is None


@pytest.mark.parametrize(
    ("section", "ref", "code"),
    [
        ("194-I(a)", "393(1) Table Sl. 2(ii).D(a)", "1008"),
        ("194-I(b)", "393(1) Table Sl. 2(ii).D(b)", "1009"),
        ("194C", "393(1) Table Sl. 6(i)", "1017"),
        ("194-IB", "393(1) Table Sl. 2(i)", None),
    ],
)
def test_income_tax_act_2025_from_2026_04_01(section, ref, code):
    before = calculate_tds(
        amount=inr("100000.00"), section_or_kind=section, payment_date=date(2026, 3, 31), payee_pan=INDIVIDUAL_PAN
    )
    after = calculate_tds(
        amount=inr("100000.00"), section_or_kind=section, payment_date=date(2026, 4, 1), payee_pan=INDIVIDUAL_PAN
    )
    assert before.act_version == "Income-tax Act, 1961" and before.section_ref == section
    assert after.act_version == "Income-tax Act, 2025" and after.section_ref == ref
    assert after.payment_code == code
    assert after.lines[0].act_version == "Income-tax Act, 2025" and after.lines[0].section_ref == ref
    assert after.rate == before.rate and after.tds == before.tds  # rates carried over (UNCONFIRMED)


def test_206aa_becomes_394_under_2025_act():
    r = calculate_tds(
        amount=inr("100000.00"), section_or_kind="194-I(b)", payment_date=date(2026, 4, 1), payee_pan=None
    )
    assert r.section_ref == "393(1) Table Sl. 2(ii).D(b) read with 394"


def test_tds_rounding_half_up_to_rupee():
    r = calculate_tds(
        amount=inr("50005.00"), section_or_kind="194-I(b)", payment_date=date(2025, 6, 1), payee_pan=INDIVIDUAL_PAN
    )
    assert r.tds_exact == inr("5000.50") and r.tds == inr("5001.00")


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"amount": Money.of("1.00", "USD")}, {"amount"}),
        ({"amount": Money.of("-1.00", "INR")}, {"amount"}),
        ({"section_or_kind": "194Z"}, {"section_or_kind"}),
        ({"payer_kind": "alien"}, {"payer_kind"}),
        ({"payee_kind": "robot"}, {"payee_kind"}),
        ({"months": 0}, {"months"}),
        ({"fy_paid_before": Money.of("1.00", "CAD")}, {"fy_paid_before"}),
        (
            {"fy_paid_before": Money.of("1.00", "INR"), "fy_deducted_base_before": Money.of("2.00", "INR")},
            {"fy_deducted_base_before"},
        ),
    ],
)
def test_bad_tds_input_names_the_argument(kwargs, expected):
    args = {
        "amount": inr("100000.00"),
        "section_or_kind": "194C",
        "payment_date": date(2025, 6, 1),
        "payee_pan": INDIVIDUAL_PAN,
    }
    args.update(kwargs)
    with pytest.raises(ValidationFailed) as exc:
        calculate_tds(**args)
    assert {p.field for p in exc.value.problems} == expected


@pytest.mark.parametrize("spelling", ["194-I(b)", "194I(b)", "194-i(B)", TdsSection.S194I_B])
def test_section_spellings(spelling):
    r = calculate_tds(
        amount=inr("60000.00"), section_or_kind=spelling, payment_date=date(2025, 6, 1), payee_pan=INDIVIDUAL_PAN
    )
    assert r.section == "194-I(b)"


def test_tds_line_label_and_reference():
    r = calculate_tds(
        amount=inr("60000.00"), section_or_kind="194-I(b)", payment_date=date(2025, 6, 1), payee_pan=INDIVIDUAL_PAN
    )
    [line] = r.lines
    assert line.label == "TDS 194-I(b) 10%"
    assert line.reference == "Income-tax Act, 1961 s.194-I(b)"

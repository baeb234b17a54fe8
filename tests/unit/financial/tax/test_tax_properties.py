"""Property tests over the whole engine (hypothesis)."""

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from hypothesis import given, reject, settings
from hypothesis import strategies as st

from pmsaas.domain.financial.tax import (
    CanadaCategory,
    GstCategory,
    SupplyType,
    TdsPaymentKind,
    calculate_canada_tax,
    calculate_gst,
    calculate_tds,
)
from pmsaas.domain.financial.tax import rates as R
from pmsaas.domain.financial.tax.canada import PROVINCES
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.indian_states import STATES, StateKind
from pmsaas.domain.shared.money import Money, round_half_up

FAST = settings(max_examples=60, deadline=None)
PLACES = [s.gst_code for s in STATES if s.kind != StateKind.CENTRE]
PAISA = Decimal("0.01")


def money(currency: str, max_minor: int = 10**10):
    return st.integers(0, max_minor).map(lambda n: Money(Decimal(n).scaleb(-2), currency))


def walk_no_float(value, path="result"):
    assert not isinstance(value, float), path
    if isinstance(value, Enum | str | int | Decimal | date | type(None)):
        return
    if isinstance(value, Money):
        assert isinstance(value.amount, Decimal), path
        return
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            walk_no_float(getattr(value, f.name), f"{path}.{f.name}")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            walk_no_float(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for k, item in value.items():
            walk_no_float(item, f"{path}[{k!r}]")
        return
    raise AssertionError(f"unexpected type {type(value)} at {path}")


def line_sum(lines, payable_by, currency):
    return (
        sum((line.amount.amount for line in lines if line.payable_by == payable_by), Decimal(0)).quantize(PAISA)
        if lines
        else Decimal(0)
    )


gst_inputs = st.fixed_dictionaries(
    {
        "amount": money("INR"),
        "supply_type": st.sampled_from(list(SupplyType)),
        "supply_date": st.dates(date(2017, 7, 1), date(2030, 12, 31)),
        "supplier_state": st.sampled_from(PLACES),
        "property_state": st.sampled_from(PLACES),
        "supplier_registered": st.booleans(),
        "recipient_registered": st.booleans(),
        "recipient_composition": st.booleans(),
        "recipient_personal_residence": st.booleans(),
        "supplier_turnover_above_threshold": st.booleans(),
        "used_as_residence": st.booleans(),
        "units": st.integers(1, 4),
        "through_ecommerce_operator": st.booleans(),
    }
)


@FAST
@given(gst_inputs)
def test_gst_invariants(kwargs):
    try:
        r = calculate_gst(**kwargs)
    except ValidationFailed:
        # only the unmodelled hotel band (> Rs 7,500 a day before 2019-10-01) may refuse
        assert kwargs["supply_type"] == SupplyType.SHORT_STAY_ACCOMMODATION
        assert kwargs["supply_date"] < date(2019, 10, 1)
        reject()
    walk_no_float(r)
    amount = kwargs["amount"]
    assert r.total_tax.amount == line_sum(r.lines, "supplier", "INR")
    assert r.reverse_charge_tax.amount == line_sum(r.lines, "recipient", "INR")
    assert r.total == amount + r.total_tax
    if r.gst_category in (GstCategory.EXEMPT, GstCategory.NOT_APPLICABLE):
        assert r.lines == []
        assert r.gst_rate == r.cgst_rate == r.sgst_rate == r.utgst_rate == r.igst_rate == 0
        assert r.total_tax.amount == 0 and r.total == amount
        return
    assert r.gst_rate in R.gst_slabs_on(kwargs["supply_date"])
    if r.reverse_charge:
        assert r.gst_category == GstCategory.REVERSE_CHARGE
        assert r.total_tax.amount == 0 and all(line.payable_by == "recipient" for line in r.lines)
    else:
        assert all(line.payable_by == "supplier" for line in r.lines)
    base = r.taxable_value.amount
    whole = round_half_up(base * r.gst_rate / 100, 2)
    if r.intra_state:
        cgst, second = r.lines
        assert cgst.tax == "CGST" and second.tax in ("SGST", "UTGST")
        assert cgst.amount == second.amount  # the halves are always equal
        assert cgst.rate == second.rate == r.gst_rate / 2 == r.cgst_rate
        # each head is rounded on its own (§2.6): the sum differs from the whole-rate tax by <= 1 paisa
        assert abs(cgst.amount.amount + second.amount.amount - whole) <= PAISA
        assert r.igst_rate == 0 and r.cgst_rate + r.sgst_rate + r.utgst_rate == r.gst_rate
    else:
        [igst] = r.lines
        assert igst.tax == "IGST" and igst.amount.amount == whole and r.igst_rate == r.gst_rate


@FAST
@given(amount=money("INR"), rate=st.sampled_from([Decimal(5), Decimal(12), Decimal(18)]))
def test_cgst_sgst_halves_match_whole_rate_within_one_paisa(amount, rate):
    half = amount.percent(rate / 2)
    whole = amount.percent(rate)
    assert abs((half + half).amount - whole.amount) <= PAISA


canada_inputs = st.fixed_dictionaries(
    {
        "amount": money("CAD"),
        "supply_type": st.sampled_from(list(SupplyType)),
        "province": st.sampled_from(sorted(PROVINCES)),
        "due_date": st.dates(date(2017, 4, 1), date(2030, 12, 31)),
        "paid_date": st.none() | st.dates(date(2017, 4, 1), date(2030, 12, 31)),
        "commercial_property": st.booleans(),
        "supplier_registered": st.booleans(),
        "nights": st.integers(1, 30),
    }
)


@FAST
@given(canada_inputs)
def test_canada_invariants(kwargs):
    r = calculate_canada_tax(**kwargs)
    walk_no_float(r)
    assert r.tax_point_date == min(kwargs["due_date"], kwargs["paid_date"] or kwargs["due_date"])
    assert r.total_tax.amount == line_sum(r.lines, "supplier", "CAD")
    assert r.total == kwargs["amount"] + r.total_tax
    if r.category != CanadaCategory.TAXABLE:
        assert r.lines == [] and r.gst_rate == r.hst_rate == r.pst_rate == r.qst_rate == 0
        return
    # exactly one federal line (GST or HST), on the price excluding other taxes
    assert sum(1 for line in r.lines if line.tax in ("GST", "HST")) == 1
    for line in r.lines:
        assert line.amount.amount == round_half_up(kwargs["amount"].amount * line.rate / 100, 2)
    # every rate came from a rule in force on the tax point
    code = r.province
    jurisdiction = f"CA-{code}" if r.hst_rate else "CA"
    tax = "HST" if r.hst_rate else "GST"
    rule = R.rules_in_force(
        R.CA_RULES, jurisdiction=jurisdiction, tax=tax, on=r.tax_point_date, supply_type=kwargs["supply_type"]
    )
    assert rule is not None and rule.in_force_on(r.tax_point_date)
    assert (r.hst_rate or r.gst_rate) == rule.rate


@FAST
@given(
    due=st.dates(date(2024, 1, 1), date(2026, 12, 31)), paid=st.none() | st.dates(date(2024, 1, 1), date(2026, 12, 31))
)
def test_nova_scotia_rate_never_crosses_the_boundary(due, paid):
    r = calculate_canada_tax(
        amount=Money.of("1000.00", "CAD"),
        supply_type=SupplyType.COMMERCIAL_RENT,
        province="NS",
        due_date=due,
        paid_date=paid,
    )
    point = min(due, paid or due)
    assert r.hst_rate == (Decimal(15) if point < date(2025, 4, 1) else Decimal(14))


@FAST
@given(day=st.dates(date(2008, 1, 1), date(2030, 12, 31)))
def test_rule_chosen_by_date_is_in_force_on_that_date(day):
    keys = {(r.jurisdiction, r.tax, r.condition, st_) for r in (*R.IN_GST_RULES, *R.CA_RULES) for st_ in r.applies_to}
    for jurisdiction, tax, condition, supply in keys:
        rule = R.rules_in_force(
            [*R.IN_GST_RULES, *R.CA_RULES],
            jurisdiction=jurisdiction,
            tax=tax,
            on=day,
            supply_type=supply,
            condition=condition,
        )
        if rule is None:
            continue
        assert rule.effective_from <= day
        assert rule.effective_to is None or day <= rule.effective_to
        # the next day uses the same rule unless this is the rule's last day
        tomorrow = R.rules_in_force(
            [*R.IN_GST_RULES, *R.CA_RULES],
            jurisdiction=jurisdiction,
            tax=tax,
            on=day + timedelta(days=1),
            supply_type=supply,
            condition=condition,
        )
        if rule.effective_to != day:
            assert tomorrow is rule


@FAST
@given(day=st.dates(date(2017, 7, 1), date(2030, 12, 31)), amount=money("INR", 10**8))
def test_gst_rate_follows_gst_2_0_boundary(day, amount):
    r = calculate_gst(
        amount=amount,
        supply_type=SupplyType.SHORT_STAY_ACCOMMODATION,
        supply_date=day,
        supplier_state="30",
        property_state="30",
        units=10**6,
    )  # tariff always <= 7,500
    assert r.gst_rate == (Decimal(12) if day < date(2025, 9, 22) else Decimal(5))


tds_inputs = st.fixed_dictionaries(
    {
        "amount": money("INR", 10**9),
        "section_or_kind": st.sampled_from(["194-I(a)", "194-I(b)", "194-IB", "194C", *list(TdsPaymentKind)]),
        "payment_date": st.dates(date(2015, 4, 1), date(2030, 3, 31)),
        "payee_pan": st.sampled_from([None, "AAAPK5678L", "AABCP1234Q", "AAAHK1234L", "BADPAN"]),
        "payer_kind": st.sampled_from(["individual_huf", "other"]),
        "payer_turnover_above_audit_limit": st.booleans(),
        "months": st.integers(1, 12),
        "fy_paid_before": st.none() | money("INR", 10**8),
        "round_to_rupee": st.booleans(),
    }
)


@FAST
@given(tds_inputs)
def test_tds_invariants(kwargs):
    r = calculate_tds(**kwargs)
    walk_no_float(r)
    amount = kwargs["amount"]
    assert r.net_payable == amount - r.tds
    assert r.total_tax == r.tds
    assert sum((line.amount.amount for line in r.lines), Decimal(0)) == r.tds.amount
    if not r.applicable:
        assert r.lines == [] and r.tds.amount == 0
        return
    assert all(line.payable_by == "recipient" for line in r.lines)
    assert r.rate >= r.section_rate
    assert r.tds_exact.amount <= round_half_up(r.base.amount * r.rate / 100, 2)
    if kwargs["round_to_rupee"]:
        assert r.tds.amount == r.tds.amount.to_integral_value()
        if r.capped_at_last_month_rent and r.tds.amount < r.tds_exact.amount:
            # The cap is never exceeded: a capped deduction is rounded down to the rupee (s.206AA / 194-IB).
            assert r.tds_exact.amount - r.tds.amount < 1
        else:
            assert abs(r.tds.amount - r.tds_exact.amount) <= Decimal("0.50")
    else:
        assert r.tds == r.tds_exact
    expected_act = R.ACT_2025 if kwargs["payment_date"] >= date(2026, 4, 1) else R.ACT_1961
    assert r.act_version == expected_act and r.lines[0].act_version == expected_act

"""The rate tables as data: no overlaps, slab consistency, every §1 row present."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

import pytest

from pmsaas.domain.financial.tax import SupplyType
from pmsaas.domain.financial.tax import rates as R

ST = SupplyType
ALL_RULE_TABLES = {"IN_GST": R.IN_GST_RULES, "IN_TDS": R.IN_TDS_RULES, "CA": R.CA_RULES}
ALL_THRESHOLD_TABLES = {"IN_GST": R.IN_GST_THRESHOLDS, "IN_TDS": R.IN_TDS_THRESHOLDS, "CA": R.CA_THRESHOLDS}


def _overlap(a, b) -> bool:
    a_to = a.effective_to or date.max
    b_to = b.effective_to or date.max
    return a.effective_from <= b_to and b.effective_from <= a_to


@pytest.mark.parametrize("table", list(ALL_RULE_TABLES))
def test_no_two_rate_rules_overlap_for_the_same_key(table):
    rules = ALL_RULE_TABLES[table]
    for a, b in combinations(rules, 2):
        same_key = (a.jurisdiction, a.tax, a.condition) == (b.jurisdiction, b.tax, b.condition)
        shared = a.applies_to & b.applies_to
        if same_key and (shared or (not a.applies_to and not b.applies_to)):
            assert not _overlap(a, b), (a, b)


def _threshold_key(rule):
    # 194C's single-sum and FY-aggregate limits apply together; every other limit replaces its predecessor.
    return (rule.jurisdiction, rule.name, rule.basis) if rule.name == R.S194C else (rule.jurisdiction, rule.name)


@pytest.mark.parametrize("table", list(ALL_THRESHOLD_TABLES))
def test_no_two_thresholds_overlap(table):
    for a, b in combinations(ALL_THRESHOLD_TABLES[table], 2):
        if _threshold_key(a) == _threshold_key(b):
            assert not _overlap(a, b), (a, b)


def test_every_rule_is_well_formed():
    for rules in ALL_RULE_TABLES.values():
        for r in rules:
            assert isinstance(r.rate, Decimal) and r.rate >= 0
            assert r.effective_to is None or r.effective_from <= r.effective_to
            assert r.source


def test_every_india_gst_rate_is_a_slab_in_force():
    for rule in R.IN_GST_RULES:
        end = rule.effective_to or date(2030, 12, 31)
        for day in (rule.effective_from, end, R.GST_2_0 - timedelta(days=1), R.GST_2_0):
            if rule.effective_from <= day <= end:
                assert rule.rate in R.gst_slabs_on(day), (rule, day)


def test_gst_2_0_abolishes_12_percent_slab():
    assert Decimal(12) in R.gst_slabs_on(date(2025, 9, 21))
    assert Decimal(12) not in R.gst_slabs_on(date(2025, 9, 22))
    assert Decimal(40) in R.gst_slabs_on(date(2025, 9, 22))
    assert R.gst_slabs_on(date(2017, 6, 30)) == frozenset()


@pytest.mark.parametrize(
    ("jurisdiction", "tax", "supply", "condition", "day", "rate"),
    [
        ("IN", "GST", ST.COMMERCIAL_RENT, None, date(2017, 7, 1), 18),
        ("IN", "GST", ST.COMMERCIAL_RENT, None, date(2026, 11, 23), 18),
        ("IN", "GST", ST.REPAIR_SERVICE, None, date(2025, 9, 22), 18),
        ("IN", "GST", ST.REPAIR_SERVICE, R.ECOMMERCE_UNREGISTERED, date(2025, 9, 22), 5),
        ("IN", "GST", ST.SHORT_STAY_ACCOMMODATION, R.TARIFF_LE_7500, date(2025, 9, 21), 12),
        ("IN", "GST", ST.SHORT_STAY_ACCOMMODATION, R.TARIFF_LE_7500, date(2025, 9, 22), 5),
        ("CA", "GST", ST.COMMERCIAL_RENT, None, date(2008, 1, 1), 5),
        ("CA-MB", "RST", None, None, date(2019, 6, 30), 8),
        ("CA-MB", "RST", None, None, date(2019, 7, 1), 7),
        ("CA-BC", "PST", None, None, date(2013, 4, 1), 7),
        ("CA-SK", "PST", None, None, date(2017, 3, 23), 6),
        ("IN", "TDS 194-IB", None, None, date(2024, 9, 30), 5),
        ("IN", "TDS 194-IB", None, None, date(2024, 10, 1), 2),
        ("IN", "TDS 194C", None, R.PAYEE_INDIVIDUAL_HUF, date(2025, 1, 1), 1),
        ("IN", "TDS 194C", None, R.PAYEE_OTHER, date(2025, 1, 1), 2),
        ("IN", "TDS 206AA", None, None, date(2025, 1, 1), 20),
    ],
)
def test_rule_rows(jurisdiction, tax, supply, condition, day, rate):
    rules = [*R.IN_GST_RULES, *R.IN_TDS_RULES, *R.CA_RULES]
    rule = R.rules_in_force(rules, jurisdiction=jurisdiction, tax=tax, on=day, supply_type=supply, condition=condition)
    assert rule is not None and rule.rate == rate


def test_general_provincial_rates_apply_to_no_modelled_supply():
    # MB RST and the general BC/SK PST are documented as data but attract none of the supply types
    for jurisdiction, tax in (("CA-MB", "RST"), ("CA-BC", "PST"), ("CA-SK", "PST")):
        for st in (ST.COMMERCIAL_RENT, ST.SOCIETY_MAINTENANCE, ST.SHORT_STAY_ACCOMMODATION):
            assert (
                R.rules_in_force(R.CA_RULES, jurisdiction=jurisdiction, tax=tax, on=date(2025, 1, 1), supply_type=st)
                is None
            )


@pytest.mark.parametrize(
    ("name", "basis", "day", "amount"),
    [
        ("rwa_exemption_limit", None, date(2018, 1, 24), 5000),
        ("rwa_exemption_limit", None, date(2018, 1, 25), 7500),
        ("gst_registration_threshold", None, date(2025, 1, 1), 2000000),
        (R.S194I_B, None, date(2019, 3, 31), 180000),
        (R.S194I_B, None, date(2019, 4, 1), 240000),
        (R.S194I_B, None, date(2025, 3, 31), 240000),
        (R.S194I_B, None, date(2025, 4, 1), 50000),
        (R.S194IB, None, date(2025, 4, 1), 50000),
        (R.S194C, "single_sum", date(2025, 4, 1), 30000),
        (R.S194C, "fy_aggregate", date(2016, 3, 31), 75000),
        (R.S194C, "fy_aggregate", date(2016, 4, 1), 100000),
    ],
)
def test_threshold_rows(name, basis, day, amount):
    rule = R.threshold_in_force(
        [*R.IN_GST_THRESHOLDS, *R.IN_TDS_THRESHOLDS], jurisdiction="IN", name=name, on=day, basis=basis
    )
    assert rule is not None and rule.amount == amount


def test_overlap_in_data_is_detected():
    dup = (
        R.RateRule("X", "T", Decimal(1), frozenset(), date(2020, 1, 1)),
        R.RateRule("X", "T", Decimal(2), frozenset(), date(2021, 1, 1)),
    )
    with pytest.raises(R.RuleOverlap):
        R.rules_in_force(dup, jurisdiction="X", tax="T", on=date(2022, 1, 1))


def test_act_mapping_switches_on_2026_04_01():
    assert R.act_section_on(R.S194C, date(2026, 3, 31)).act_version == R.ACT_1961
    assert R.act_section_on(R.S194C, date(2026, 4, 1)).act_version == R.ACT_2025
    assert R.act_section_on(R.S206AA, date(2026, 4, 1)).section_ref == "394"


def test_province_modelled_from():
    assert R.province_modelled_from("ON") == date(2010, 7, 1)
    assert R.province_modelled_from("AB") == date(2008, 1, 1)
    assert R.province_modelled_from("BC") == date(2013, 4, 1)
    assert R.province_modelled_from("QC") == date(2013, 1, 1)

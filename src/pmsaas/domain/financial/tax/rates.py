"""Effective-dated rate and threshold rules, as data (docs/tax-rules.md §1).

A rule is in force from ``effective_from`` to ``effective_to``, both inclusive; ``effective_to=None``
means "still in force as far as the sources show". ``LONG_STANDING`` (``date.min``) marks rules whose
start the sources give only as "long-standing". Resolution functions pick the single rule in force
on a date; two rules for the same key overlapping in time is a data bug and raises.

Source tags (``[G5]`` …) refer to docs/tax-rules.md §9. Entries marked UNCONFIRMED follow the
recommendation of docs/tax-rules.md §8.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pmsaas.domain.financial.tax.model import SupplyType

LONG_STANDING = date.min
D = Decimal
ST = SupplyType


@dataclass(frozen=True, slots=True)
class RateRule:
    """One row of a rate table.

    ``applies_to`` is the set of supply types the rule covers (an empty set documents a general rule
    that none of the modelled supply types attracts). ``condition`` narrows a rule further (e.g. the
    hotel tariff band or "non_residential"); lookups must ask for the condition explicitly.
    """

    jurisdiction: str  # "IN", "CA", "CA-ON", ...
    tax: str  # "GST", "HST", "PST", "QST", "RST", "TDS 194-I(b)", ...
    rate: Decimal  # percent
    applies_to: frozenset[SupplyType]
    effective_from: date
    effective_to: date | None = None
    condition: str | None = None
    source: str = ""
    note: str = ""

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    """An effective-dated amount limit (exemption limit, TDS threshold, registration threshold)."""

    jurisdiction: str
    name: str
    amount: Decimal
    basis: str  # "per_flat_per_month", "per_unit_per_day", "fy_aggregate", "per_month", "single_sum", ...
    effective_from: date
    effective_to: date | None = None
    source: str = ""
    note: str = ""

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class SlabSet:
    """The general GST slab structure in force for a period (§2.2)."""

    rates: frozenset[Decimal]
    effective_from: date
    effective_to: date | None
    source: str

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


class RuleOverlap(RuntimeError):
    """Two rules for the same key are in force on the same date: the tables are wrong."""


# ------------------------------------------------------------------------------------------------
# India — GST (§1a, §2)
# ------------------------------------------------------------------------------------------------
GST_START = date(2017, 7, 1)
GST_2_0 = date(2025, 9, 22)

GST_SLABS: tuple[SlabSet, ...] = (
    SlabSet(frozenset({D(0), D(5), D(12), D(18), D(28)}), GST_START, date(2025, 9, 21), "[G11]"),
    # GST 2.0: 12 % and 28 % abolished; tobacco stays at 28 % + cess until the loans are repaid [G15].
    SlabSet(frozenset({D(0), D(5), D(18), D(40), D(28)}), GST_2_0, None, "[G11][G12][G15]"),
)

TARIFF_LE_7500 = "tariff_le_7500"
TARIFF_GT_7500 = "tariff_gt_7500"
ECOMMERCE_UNREGISTERED = "ecommerce_unregistered_supplier"

IN_GST_RULES: tuple[RateRule, ...] = (
    RateRule(
        "IN",
        "GST",
        D(18),
        frozenset({ST.COMMERCIAL_RENT}),
        GST_START,
        None,
        source="[G4][G5]",
        note="SAC 9972 renting of non-residential property; unchanged by GST 2.0 "
        "(inferred from absence in the change lists [G13][G14], UNCONFIRMED §8.2)",
    ),
    RateRule(
        "IN",
        "GST",
        D(18),
        frozenset({ST.RESIDENTIAL_RENT}),
        GST_START,
        None,
        source="[G1][G2]",
        note="rate for residential dwellings where not exempt: RCM entry 5AA "
        "(from 2022-07-18) or forward charge for commercial use by an unregistered tenant",
    ),
    RateRule(
        "IN",
        "GST",
        D(18),
        frozenset({ST.SOCIETY_MAINTENANCE}),
        GST_START,
        None,
        source="[G16]",
        note="RWA contributions above the per-flat limit, on the entire amount",
    ),
    RateRule(
        "IN",
        "GST",
        D(18),
        frozenset({ST.REPAIR_SERVICE}),
        GST_START,
        None,
        source="[G18][G19]",
        note="SAC 9987(ii) maintenance/repair and SAC 9954 repair/works contracts",
    ),
    RateRule(
        "IN",
        "GST",
        D(5),
        frozenset({ST.REPAIR_SERVICE}),
        GST_START,
        None,
        condition=ECOMMERCE_UNREGISTERED,
        source="[G18]",
        note="SAC 9987(i) house-keeping through an e-commerce operator by a person not liable to "
        "register, without ITC; start date UNCONFIRMED §8.3",
    ),
    RateRule(
        "IN",
        "GST",
        D(18),
        frozenset({ST.PROPERTY_MANAGEMENT_FEE}),
        GST_START,
        None,
        source="[G4]",
        note="SAC 9972 real-estate services on a fee/commission basis (estate agents, "
        "property managers); POS = property [G8]",
    ),
    RateRule(
        "IN",
        "GST",
        D(12),
        frozenset({ST.SHORT_STAY_ACCOMMODATION}),
        GST_START,
        date(2025, 9, 21),
        condition=TARIFF_LE_7500,
        source="[G14]",
        note="hotel accommodation <= Rs 7,500 per unit per day, with ITC; start date UNCONFIRMED §8.3 "
        "(implemented as 'long-standing' from the start of GST)",
    ),
    RateRule(
        "IN",
        "GST",
        D(5),
        frozenset({ST.SHORT_STAY_ACCOMMODATION}),
        GST_2_0,
        None,
        condition=TARIFF_LE_7500,
        source="[G14]",
        note="GST 2.0: 5 % without ITC",
    ),
    # Beyond the table of docs/tax-rules.md §1a (its note): accommodation above Rs 7,500 per unit per
    # day is 18 % since the 37th GST Council (w.e.f. 2019-10-01) and was not changed by GST 2.0.
    # Dates before 2019-10-01 are not modelled (no rule: the engine refuses rather than guesses).
    # UNCONFIRMED; have it signed off.
    RateRule(
        "IN",
        "GST",
        D(18),
        frozenset({ST.SHORT_STAY_ACCOMMODATION}),
        date(2019, 10, 1),
        None,
        condition=TARIFF_GT_7500,
        source="docs/tax-rules.md §1a, note on accommodation above Rs 7,500",
        note="hotel accommodation > Rs 7,500 per unit per day, with ITC; UNCONFIRMED",
    ),
)

# Key dates of the India GST decision tables (§2.3, §2.4), kept with the data.
RESIDENTIAL_RCM_FROM = date(2022, 7, 18)  # entry 5AA, Notfn 05/2022-CT(R) [G1][G2]
PROPRIETOR_PERSONAL_EXEMPT_FROM = date(2023, 1, 1)  # Notfn 15/2022-CT(R) [G3]
COMMERCIAL_RCM_FROM = date(2024, 10, 10)  # entry 5AB, Notfn 09/2024-CT(R) [G5][G6]
# 55th GST Council: 5AB does not apply to composition tenants. Date and notification UNCONFIRMED
# (§8.1); 2025-01-16 is the document's recommended date.
COMPOSITION_RCM_EXCLUSION_FROM = date(2025, 1, 16)

IN_GST_THRESHOLDS: tuple[ThresholdRule, ...] = (
    ThresholdRule(
        "IN",
        "rwa_exemption_limit",
        D(5000),
        "per_flat_per_month",
        GST_START,
        date(2018, 1, 24),
        source="[G16]",
        note="entry 77(c) of Notfn 12/2017-CT(R)",
    ),
    ThresholdRule(
        "IN",
        "rwa_exemption_limit",
        D(7500),
        "per_flat_per_month",
        date(2018, 1, 25),
        None,
        source="[G16]",
        note="'up to' Rs 7,500: exactly 7,500 is exempt",
    ),
    ThresholdRule(
        "IN",
        "gst_registration_threshold",
        D(2000000),
        "fy_aggregate_turnover",
        GST_START,
        None,
        source="[G16]",
        note="services; some special-category States are lower",
    ),
    ThresholdRule("IN", "hotel_tariff_band", D(7500), "per_unit_per_day", GST_START, None, source="[G14]"),
)


# ------------------------------------------------------------------------------------------------
# India — TDS (§1b, §3)
# ------------------------------------------------------------------------------------------------
S194I_A = "194-I(a)"
S194I_B = "194-I(b)"
S194IB = "194-IB"
S194C = "194C"
S206AA = "206AA"

PAYEE_INDIVIDUAL_HUF = "payee_individual_huf"
PAYEE_OTHER = "payee_other"

IT_ACT_2025_FROM = date(2026, 4, 1)

IN_TDS_RULES: tuple[RateRule, ...] = (
    RateRule(
        "IN",
        f"TDS {S194I_A}",
        D(2),
        frozenset(),
        LONG_STANDING,
        None,
        source="[T2]",
        note="plant, machinery or equipment; carried over as s.393(1) Sl. 2(ii).D(a) from 2026-04-01 [T7]",
    ),
    RateRule(
        "IN",
        f"TDS {S194I_B}",
        D(10),
        frozenset(),
        LONG_STANDING,
        None,
        source="[T2]",
        note="land, building, land appurtenant, furniture or fittings; s.393(1) Sl. 2(ii).D(b) from 2026-04-01 [T7]",
    ),
    # 194-IB start 2017-06-01 is UNCONFIRMED (§8.9).
    RateRule("IN", f"TDS {S194IB}", D(5), frozenset(), date(2017, 6, 1), date(2024, 9, 30), source="[T3][T4]"),
    RateRule(
        "IN",
        f"TDS {S194IB}",
        D(2),
        frozenset(),
        date(2024, 10, 1),
        None,
        source="[T3]",
        note="Finance (No.2) Act 2024 s.59",
    ),
    RateRule(
        "IN", f"TDS {S194C}", D(1), frozenset(), LONG_STANDING, None, condition=PAYEE_INDIVIDUAL_HUF, source="[T5]"
    ),
    RateRule("IN", f"TDS {S194C}", D(2), frozenset(), LONG_STANDING, None, condition=PAYEE_OTHER, source="[T5]"),
    RateRule(
        "IN",
        f"TDS {S206AA}",
        D(20),
        frozenset(),
        LONG_STANDING,
        None,
        source="[T6]",
        note="no (valid) PAN: higher of the section rate, the rate in force and 20 %; s.394 from 2026-04-01",
    ),
)

IN_TDS_THRESHOLDS: tuple[ThresholdRule, ...] = (
    ThresholdRule("IN", S194I_A, D(180000), "fy_aggregate", LONG_STANDING, date(2019, 3, 31), source="[T2]"),
    ThresholdRule("IN", S194I_A, D(240000), "fy_aggregate", date(2019, 4, 1), date(2025, 3, 31), source="[T1][T2]"),
    ThresholdRule("IN", S194I_A, D(50000), "per_month", date(2025, 4, 1), None, source="[T1]"),
    ThresholdRule("IN", S194I_B, D(180000), "fy_aggregate", LONG_STANDING, date(2019, 3, 31), source="[T2]"),
    ThresholdRule("IN", S194I_B, D(240000), "fy_aggregate", date(2019, 4, 1), date(2025, 3, 31), source="[T1][T2]"),
    ThresholdRule("IN", S194I_B, D(50000), "per_month", date(2025, 4, 1), None, source="[T1]"),
    ThresholdRule("IN", S194IB, D(50000), "per_month", date(2017, 6, 1), None, source="[T3][T4]"),
    ThresholdRule("IN", S194C, D(30000), "single_sum", LONG_STANDING, None, source="[T5]"),
    ThresholdRule("IN", S194C, D(75000), "fy_aggregate", LONG_STANDING, date(2016, 3, 31), source="[T5]"),
    ThresholdRule("IN", S194C, D(100000), "fy_aggregate", date(2016, 4, 1), None, source="[T5]"),
)

# Individual/HUF payers are under 194-I / 194C only above these preceding-FY turnovers [T2].
AUDIT_TURNOVER_BUSINESS = D(10000000)
AUDIT_TURNOVER_PROFESSION = D(5000000)


@dataclass(frozen=True, slots=True)
class ActSection:
    act_version: str
    section_ref: str
    payment_code: str | None
    effective_from: date
    effective_to: date | None

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


ACT_1961 = "Income-tax Act, 1961"
ACT_2025 = "Income-tax Act, 2025"
_TO_1961 = date(2026, 3, 31)

# §3.5 mapping. The 2025-Act table entries and payment codes are from secondary sources
# (UNCONFIRMED against the Act text, §8.10); the 194-IB payment code is unknown (None).
TDS_SECTION_REFS: dict[str, tuple[ActSection, ...]] = {
    S194I_A: (
        ActSection(ACT_1961, "194-I(a)", None, LONG_STANDING, _TO_1961),
        ActSection(ACT_2025, "393(1) Table Sl. 2(ii).D(a)", "1008", IT_ACT_2025_FROM, None),
    ),
    S194I_B: (
        ActSection(ACT_1961, "194-I(b)", None, LONG_STANDING, _TO_1961),
        ActSection(ACT_2025, "393(1) Table Sl. 2(ii).D(b)", "1009", IT_ACT_2025_FROM, None),
    ),
    S194IB: (
        ActSection(ACT_1961, "194-IB", None, LONG_STANDING, _TO_1961),
        ActSection(ACT_2025, "393(1) Table Sl. 2(i)", None, IT_ACT_2025_FROM, None),
    ),
    S194C: (
        ActSection(ACT_1961, "194C", None, LONG_STANDING, _TO_1961),
        ActSection(ACT_2025, "393(1) Table Sl. 6(i)", "1017", IT_ACT_2025_FROM, None),
    ),
    S206AA: (
        ActSection(ACT_1961, "206AA", None, LONG_STANDING, _TO_1961),
        ActSection(ACT_2025, "394", None, IT_ACT_2025_FROM, None),
    ),
}


# ------------------------------------------------------------------------------------------------
# Canada — GST/HST/QST/PST/RST (§1c, §4)
# ------------------------------------------------------------------------------------------------
ALL_TAXABLE = frozenset(
    {
        ST.COMMERCIAL_RENT,
        ST.SHORT_STAY_ACCOMMODATION,
        ST.SOCIETY_MAINTENANCE,
        ST.REPAIR_SERVICE,
        ST.PROPERTY_MANAGEMENT_FEE,
    }
)
NON_RESIDENTIAL = "non_residential"

CA_RULES: tuple[RateRule, ...] = (
    RateRule("CA", "GST", D(5), ALL_TAXABLE, date(2008, 1, 1), None, source="[C1]"),
    RateRule("CA-ON", "HST", D(13), ALL_TAXABLE, date(2010, 7, 1), None, source="[C1]"),
    RateRule("CA-NS", "HST", D(15), ALL_TAXABLE, date(2010, 7, 1), date(2025, 3, 31), source="[C1][C2]"),
    RateRule("CA-NS", "HST", D(14), ALL_TAXABLE, date(2025, 4, 1), None, source="[C2]"),
    RateRule("CA-NB", "HST", D(13), ALL_TAXABLE, date(2008, 1, 1), date(2016, 6, 30), source="[C1][C3]"),
    RateRule("CA-NB", "HST", D(15), ALL_TAXABLE, date(2016, 7, 1), None, source="[C3]"),
    RateRule(
        "CA-NL",
        "HST",
        D(13),
        ALL_TAXABLE,
        date(2008, 1, 1),
        date(2016, 6, 30),
        source="[C1][C3]",
        note="the planned 2016-01-01 increase was cancelled",
    ),
    RateRule("CA-NL", "HST", D(15), ALL_TAXABLE, date(2016, 7, 1), None, source="[C3]"),
    RateRule("CA-PE", "HST", D(14), ALL_TAXABLE, date(2013, 4, 1), date(2016, 9, 30), source="[C1][C3]"),
    RateRule("CA-PE", "HST", D(15), ALL_TAXABLE, date(2016, 10, 1), None, source="[C3]"),
    RateRule(
        "CA-QC",
        "QST",
        D("9.975"),
        ALL_TAXABLE,
        date(2013, 1, 1),
        None,
        source="[C4]",
        note="on the price excluding GST",
    ),
    # BC PST 7 %: tangible personal property and listed services, but not leases of real property, not
    # strata fees, and not real-property contractors' services [C5]: none of the modelled supplies.
    RateRule(
        "CA-BC",
        "PST",
        D(7),
        frozenset(),
        date(2013, 4, 1),
        None,
        source="[C5]",
        note="general rate; no modelled supply type attracts it before 2026-10-01",
    ),
    # Bill 2-2026: non-residential rental-property and strata management. Royal Assent and the
    # residential/mixed-use allocation are UNCONFIRMED (§8.11); implemented from 2026-10-01 as recommended.
    RateRule(
        "CA-BC",
        "PST",
        D(7),
        frozenset({ST.PROPERTY_MANAGEMENT_FEE}),
        date(2026, 10, 1),
        None,
        condition=NON_RESIDENTIAL,
        source="[C6]",
        note="UNCONFIRMED Royal Assent",
    ),
    RateRule(
        "CA-SK",
        "PST",
        D(6),
        frozenset(),
        date(2017, 3, 23),
        None,
        source="[C7]",
        note="general rate; PST on commercial rent is not modelled (UNCONFIRMED §8.12)",
    ),
    RateRule(
        "CA-SK",
        "PST",
        D(6),
        frozenset({ST.REPAIR_SERVICE}),
        date(2017, 4, 1),
        None,
        source="[C7]",
        note="contracts to construct, repair, renovate or improve real property",
    ),
    # Manitoba RST on services to real property and on rent is UNCONFIRMED (§8.12): not applied to any
    # modelled supply type (CA-17 assumes none).
    RateRule("CA-MB", "RST", D(8), frozenset(), date(2013, 7, 1), date(2019, 6, 30), source="[C8]"),
    RateRule("CA-MB", "RST", D(7), frozenset(), date(2019, 7, 1), None, source="[C8]"),
)

CA_THRESHOLDS: tuple[ThresholdRule, ...] = (
    # ETA Sch. V Pt I s.6(b): residential accommodation at <= $20 a day is exempt [C9].
    ThresholdRule(
        "CA", "residential_exempt_daily_limit", D(20), "per_unit_per_day", date(1991, 1, 1), None, source="[C9]"
    ),
    # Informational (registration is an input); weakly sourced, UNCONFIRMED §8.13.
    ThresholdRule("CA", "small_supplier_threshold", D(30000), "four_quarters", date(1991, 1, 1), None, source="[C14]"),
)

HST_PROVINCES = frozenset({"ON", "NS", "NB", "NL", "PE"})


# ------------------------------------------------------------------------------------------------
# Resolution
# ------------------------------------------------------------------------------------------------
def rules_in_force(
    rules: Iterable[RateRule],
    *,
    jurisdiction: str,
    tax: str,
    on: date,
    supply_type: SupplyType | None = None,
    condition: str | None = None,
) -> RateRule | None:
    """The single rule for (jurisdiction, tax, supply type, condition) in force on ``on``, or None.

    ``supply_type=None`` matches rules regardless of ``applies_to`` (used by TDS rules).
    """
    found = [
        r
        for r in rules
        if r.jurisdiction == jurisdiction
        and r.tax == tax
        and r.condition == condition
        and r.in_force_on(on)
        and (supply_type is None or supply_type in r.applies_to)
    ]
    if len(found) > 1:
        raise RuleOverlap(f"{len(found)} rules for {jurisdiction} {tax} {supply_type} {condition} on {on}")
    return found[0] if found else None


def threshold_in_force(
    rules: Iterable[ThresholdRule], *, jurisdiction: str, name: str, on: date, basis: str | None = None
) -> ThresholdRule | None:
    found = [
        r
        for r in rules
        if r.jurisdiction == jurisdiction
        and r.name == name
        and r.in_force_on(on)
        and (basis is None or r.basis == basis)
    ]
    if len(found) > 1:
        raise RuleOverlap(f"{len(found)} thresholds for {jurisdiction} {name} {basis} on {on}")
    return found[0] if found else None


def gst_slabs_on(on: date) -> frozenset[Decimal]:
    for slab in GST_SLABS:
        if slab.in_force_on(on):
            return slab.rates
    return frozenset()


def act_section_on(section: str, on: date) -> ActSection:
    for ref in TDS_SECTION_REFS[section]:
        if ref.in_force_on(on):
            return ref
    raise RuleOverlap(f"no Act mapping for {section} on {on}")  # pragma: no cover - tables cover all dates


def province_modelled_from(province: str) -> date:
    """First date for which the tables describe a province completely (earlier dates are refused)."""
    starts = [r.effective_from for r in CA_RULES if r.jurisdiction == f"CA-{province}"]
    base = min(r.effective_from for r in CA_RULES if r.jurisdiction == "CA")
    return min(starts) if starts else base

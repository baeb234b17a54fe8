"""Canada GST/HST, QST and PST/RST on property supplies (docs/tax-rules.md §1c, §4).

The rates are those in force on the day the tax becomes payable: the earlier of the day the
consideration is paid and the day it is due (§4.2; Nova Scotia 15 % → 14 % on 2025-04-01). Each line
is ``round_half_up(base × rate, 2)`` on the price excluding other taxes (QST and PST are computed on
the price excluding GST, §4.1). HST is one line at the combined rate (CRA accepts one rate used
consistently, §4.4).
"""

from __future__ import annotations

from datetime import date

from pmsaas.domain.financial.tax import rates as R
from pmsaas.domain.financial.tax.model import (
    SUPPLIER,
    ZERO,
    CanadaCategory,
    CanadaTaxResult,
    Problems,
    SupplyType,
    TaxLine,
    check_count,
    check_date,
    check_money,
    coerce_supply_type,
    sum_lines,
)
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

CAD = "CAD"

PROVINCES: dict[str, str] = {
    "AB": "Alberta",
    "BC": "British Columbia",
    "MB": "Manitoba",
    "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador",
    "NS": "Nova Scotia",
    "NT": "Northwest Territories",
    "NU": "Nunavut",
    "ON": "Ontario",
    "PE": "Prince Edward Island",
    "QC": "Quebec",
    "SK": "Saskatchewan",
    "YT": "Yukon",
}
_ALIASES: dict[str, str] = {
    **{code: code for code in PROVINCES},
    **{name.upper(): code for code, name in PROVINCES.items()},
    "PEI": "PE",
    "NF": "NL",
    "NFLD": "NL",
    "NEWFOUNDLAND": "NL",
    "PQ": "QC",
    "QUÉBEC": "QC",
    "YK": "YT",
    "YUKON TERRITORY": "YT",
}


def resolve_province(value: str) -> str | None:
    """Two-letter province code for ``"ON"``, ``"CA-ON"`` or ``"Ontario"``; None if unknown."""
    if not isinstance(value, str):
        return None
    key = " ".join(value.strip().upper().split())
    if key.startswith("CA-"):
        key = key[3:]
    return _ALIASES.get(key)


def tax_point_date(due_date: date, paid_date: date | None) -> date:
    """The day tax becomes payable: the earlier of due and paid (§4.2)."""
    return due_date if paid_date is None else min(due_date, paid_date)


def calculate_canada_tax(
    *,
    amount: Money,
    supply_type: SupplyType | str,
    province: str,
    due_date: date,
    paid_date: date | None = None,
    commercial_property: bool = False,
    supplier_registered: bool = True,
    nights: int = 1,
) -> CanadaTaxResult:
    """GST/HST (+ QST, PST) on one invoice line for a property in ``province``.

    * ``province``: where the property is (place of supply of rent and of services in relation to real
      property, [C10][C12]); ``"ON"``, ``"CA-ON"`` or the English name.
    * ``due_date`` / ``paid_date``: the rates of the earlier date apply.
    * ``commercial_property``: the unit or building the supply relates to is non-residential. It makes
      condo/strata fees taxable (residential ones are exempt, ETA Sch. V Pt I s.13) and, in BC from
      2026-10-01, puts 7 % PST on property/strata management fees (UNCONFIRMED Royal Assent).
    * ``supplier_registered=False`` (a small supplier not registered): no tax is charged.
    * ``nights``: days covered by a short stay; residential accommodation at ≤ $20 a day is exempt.

    Exempt: long-term residential rent (``residential_rent``) and residential condo fees — all rates
    zero and no lines. Short-term (< 1 month) residential lets are ``short_stay_accommodation``.
    Not modelled: provincial accommodation taxes on short stays (BC PST/MRDT, Quebec lodging tax), SK
    PST on commercial rent and MB RST on services to real property (UNCONFIRMED §8.12).
    """
    problems = Problems()
    check_money(problems, amount, field_name="amount", currency=CAD)
    kind = coerce_supply_type(problems, supply_type)
    code = resolve_province(province)
    if code is None:
        problems.add("province", f"unknown Canadian province or territory {province!r}")
    due_ok = check_date(problems, due_date, field_name="due_date")
    paid_ok = paid_date is None or check_date(problems, paid_date, field_name="paid_date")
    check_count(problems, nights, field_name="nights")
    problems.raise_if_any()
    assert kind is not None and code is not None and due_ok and paid_ok

    point = tax_point_date(due_date, paid_date)
    start = R.province_modelled_from(code)
    if point < start:
        which = "due_date" if point == due_date else "paid_date"
        raise ValidationFailed.single(which, f"rates for {code} are modelled from {start.isoformat()}")

    notes: list[str] = []
    exempt_reason = _exemption(kind, commercial_property, amount, nights, point)
    if exempt_reason is not None:
        return _no_tax(amount, kind, code, point, CanadaCategory.EXEMPT, [exempt_reason])
    if not supplier_registered:
        return _no_tax(
            amount,
            kind,
            code,
            point,
            CanadaCategory.NOT_APPLICABLE,
            ["supplier is not a GST/HST registrant (small supplier): no tax charged"],
        )

    lines: list[TaxLine] = []
    gst_rate = hst_rate = pst_rate = qst_rate = ZERO
    if code in R.HST_PROVINCES:
        hst = R.rules_in_force(R.CA_RULES, jurisdiction=f"CA-{code}", tax="HST", on=point, supply_type=kind)
        if hst is None:  # pragma: no cover - the modelled-from check guarantees a rule
            raise ValidationFailed.single("due_date", f"no HST rule for {code} on {point.isoformat()}")
        hst_rate = hst.rate
        lines.append(TaxLine("HST", hst.rate, amount.percent(hst.rate), SUPPLIER, code, hst.source))
    else:
        gst = R.rules_in_force(R.CA_RULES, jurisdiction="CA", tax="GST", on=point, supply_type=kind)
        if gst is None:  # pragma: no cover
            raise ValidationFailed.single("due_date", f"no GST rule on {point.isoformat()}")
        gst_rate = gst.rate
        lines.append(TaxLine("GST", gst.rate, amount.percent(gst.rate), SUPPLIER, "CA", gst.source))

    if code == "QC":
        qst = R.rules_in_force(R.CA_RULES, jurisdiction="CA-QC", tax="QST", on=point, supply_type=kind)
        if qst is not None:
            qst_rate = qst.rate
            # On the price excluding GST; 9.975 % must appear as such, never 9.97 % (§4.1).
            lines.append(TaxLine("QST", qst.rate, amount.percent(qst.rate), SUPPLIER, code, qst.source))

    for tax in ("PST", "RST"):
        rule = R.rules_in_force(R.CA_RULES, jurisdiction=f"CA-{code}", tax=tax, on=point, supply_type=kind)
        if rule is None and commercial_property:
            rule = R.rules_in_force(
                R.CA_RULES, jurisdiction=f"CA-{code}", tax=tax, on=point, supply_type=kind, condition=R.NON_RESIDENTIAL
            )
        if rule is not None:
            pst_rate = rule.rate
            lines.append(TaxLine(tax, rule.rate, amount.percent(rule.rate), SUPPLIER, code, rule.source))

    notes.extend(_caveats(kind, code))
    total_tax = sum_lines(lines, CAD, payable_by=SUPPLIER)
    return CanadaTaxResult(
        amount=amount,
        supply_type=kind,
        province=code,
        tax_point_date=point,
        category=CanadaCategory.TAXABLE,
        gst_rate=gst_rate,
        hst_rate=hst_rate,
        pst_rate=pst_rate,
        qst_rate=qst_rate,
        lines=lines,
        total_tax=total_tax,
        total=amount + total_tax,
        notes=notes,
    )


def _exemption(kind: SupplyType, commercial_property: bool, amount: Money, nights: int, on: date) -> str | None:
    if kind == SupplyType.RESIDENTIAL_RENT:
        return (
            "long-term residential rent (>= 1 month continuous occupancy): exempt, ETA Sch. V Pt I s.6 "
            "(Quebec: the same for QST)"
        )
    if kind == SupplyType.SOCIETY_MAINTENANCE and not commercial_property:
        return "condominium/strata fees of a residential unit: exempt, ETA Sch. V Pt I s.13"
    if kind == SupplyType.SHORT_STAY_ACCOMMODATION:
        limit = R.threshold_in_force(R.CA_THRESHOLDS, jurisdiction="CA", name="residential_exempt_daily_limit", on=on)
        if limit is not None and amount.amount / nights <= limit.amount:
            return "residential accommodation at $20 a day or less: exempt, ETA Sch. V Pt I s.6(b)"
    return None


def _caveats(kind: SupplyType, code: str) -> list[str]:
    notes: list[str] = []
    if kind == SupplyType.SHORT_STAY_ACCOMMODATION and code in ("BC", "QC", "SK", "MB"):
        notes.append("provincial accommodation/lodging taxes are not modelled")
    if kind == SupplyType.COMMERCIAL_RENT and code == "SK":
        notes.append("SK PST on commercial rent is not modelled (UNCONFIRMED)")
    if kind == SupplyType.REPAIR_SERVICE and code == "MB":
        notes.append("MB RST on services to real property is UNCONFIRMED: not charged")
    if kind == SupplyType.PROPERTY_MANAGEMENT_FEE:
        notes.append("property-management fees are taxable by inference (no exemption found) [INFERRED]")
    return notes


def _no_tax(
    amount: Money, kind: SupplyType, code: str, point: date, category: CanadaCategory, notes: list[str]
) -> CanadaTaxResult:
    return CanadaTaxResult(
        amount=amount,
        supply_type=kind,
        province=code,
        tax_point_date=point,
        category=category,
        gst_rate=ZERO,
        hst_rate=ZERO,
        pst_rate=ZERO,
        qst_rate=ZERO,
        lines=[],
        total_tax=Money.zero(CAD),
        total=amount,
        notes=notes,
    )

"""India GST on property supplies (docs/tax-rules.md §1a, §2).

Pipeline: validate and normalise the inputs → decide the treatment from the decision tables of
§2.3 (residential), §2.4 (commercial), §2.5 (RWA) (``india_gst_treatment.py``) and the rate table →
pick the rate in force on the date of supply → split into heads by place of supply (§2.1) → one line
per head, each ``round_half_up(base × head rate, 2)`` (§2.6: heads are rounded per line; the optional
invoice-level round-off to the rupee is :func:`invoice_round_off`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pmsaas.domain.financial.tax import rates as R
from pmsaas.domain.financial.tax.india_gst_treatment import EXEMPT, INR, NOT_APPLICABLE, RCM, Decision, Parties, decide
from pmsaas.domain.financial.tax.model import (
    RECIPIENT,
    SUPPLIER,
    ZERO,
    GstCategory,
    GstResult,
    PayableBy,
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
from pmsaas.domain.shared.indian_states import display_code, is_place, is_utgst_territory, resolve_state, same_state
from pmsaas.domain.shared.money import Money, round_half_up
from pmsaas.domain.shared.tax_identifiers import Gstin, parse_gstin

# §2.1.3: the exact legend wording is UNCONFIRMED; this is the wording the document quotes.
RCM_LEGEND = "Tax payable on reverse charge: Yes"


def calculate_gst(
    *,
    amount: Money,
    supply_type: SupplyType | str,
    supply_date: date,
    supplier_state: str | None,
    property_state: str | None,
    supplier_registered: bool = True,
    recipient_registered: bool = False,
    recipient_composition: bool = False,
    recipient_personal_residence: bool = True,
    supplier_turnover_above_threshold: bool = True,
    units: int = 1,
    supplier_gstin: str | None = None,
    recipient_gstin: str | None = None,
    recipient_state: str | None = None,
    used_as_residence: bool = True,
    months: int = 1,
    nights: int = 1,
    society_contribution_for_limit: Money | None = None,
    rwa_excess_only: bool = False,
    supplier_aggregate_turnover: Money | None = None,
    through_ecommerce_operator: bool = False,
) -> GstResult:
    """GST on one invoice line of a property supply in India.

    Parties and places:

    * ``supplier_state`` / ``property_state`` / ``recipient_state``: GST State code (``"27"``), ISO
      code (``"MH"``, ``"IN-MH"``) or name. The place of supply is the property's State (IGST Act
      s.12(3)); the recipient's State plays no part in it (§2.1). Both the supplier's and the
      property's State are required whenever tax is due (forward or reverse charge).
    * ``supplier_gstin`` / ``recipient_gstin`` may replace the State and the registration flag: a
      valid GSTIN means "registered in the State of its first two digits". A State that contradicts
      the GSTIN is refused. A recipient GSTIN of a special layout (UIN…) does not by itself make the
      recipient "registered" for entry 5AA (§2.3 note); the ``recipient_registered`` flag decides.

    Rules (each maps to docs/tax-rules.md):

    * ``commercial_rent`` (§2.4): registered landlord → 18 % forward charge; unregistered landlord →
      registered regular tenant → 18 % RCM (entry 5AB) from 2024-10-10; not for a composition tenant
      (``recipient_composition``) from 2025-01-16 (UNCONFIRMED date).
    * ``residential_rent`` (§2.3): ``used_as_residence`` (default True) says the dwelling is used as
      a residence (own or staff); ``recipient_personal_residence`` says a registered recipient
      (proprietor) takes it in a personal capacity for its own residence. Unregistered tenant +
      residence → exempt; registered tenant → exempt before 2022-07-18 (if residence), RCM 18 %
      (entry 5AA) from then, except the personal-capacity proprietor from 2023-01-01 (exempt). A
      dwelling used commercially by an unregistered tenant → 18 % forward charge if the landlord is
      registered.
    * ``society_maintenance`` (§2.5): exempt up to Rs 7,500 (Rs 5,000 before 2018-01-25) per flat per
      month, tested on ``society_contribution_for_limit`` (default ``amount``) ÷ (``units`` flats ×
      ``months`` billed; quarterly ÷ 3 is UNCONFIRMED practice). Above it, 18 % on the entire amount
      when the society's turnover is in scope (``supplier_turnover_above_threshold``, or
      ``supplier_aggregate_turnover`` ≥ Rs 20 lakh — "≥" is the document's safe reading,
      UNCONFIRMED) and it is registered. ``rwa_excess_only`` is the Madras-HC "excess only" override.
    * ``repair_service``: 18 % (SAC 9987(ii), 9954) by a registered supplier; 5 % house-keeping via an
      e-commerce operator (``through_ecommerce_operator``) by an unregistered supplier not liable to
      register (SAC 9987(i)).
    * ``property_management_fee``: 18 % (SAC 9972, fee basis) by a registered supplier.
    * ``short_stay_accommodation``: ≤ Rs 7,500 per unit per day (``amount`` ÷ (``units`` × ``nights``))
      12 % until 2025-09-21, 5 % from 2025-09-22 (GST 2.0); above Rs 7,500, 18 % from 2019-10-01.
    * An unregistered supplier never charges GST (forward charge); ``supplier_turnover_above_threshold``
      matters only for RWAs and the e-commerce house-keeping entry.

    Raises :class:`ValidationFailed` with problems named after the arguments.
    """
    problems = Problems()
    amount_ok = check_money(problems, amount, field_name="amount", currency=INR)
    kind = coerce_supply_type(problems, supply_type)
    date_ok = check_date(problems, supply_date, field_name="supply_date")
    if date_ok and supply_date < R.GST_START:
        problems.add("supply_date", f"GST applies to supplies from {R.GST_START.isoformat()}")
    for name, value in (("units", units), ("months", months), ("nights", nights)):
        check_count(problems, value, field_name=name)
    if society_contribution_for_limit is not None:
        check_money(problems, society_contribution_for_limit, field_name="society_contribution_for_limit", currency=INR)
    if supplier_aggregate_turnover is not None:
        check_money(problems, supplier_aggregate_turnover, field_name="supplier_aggregate_turnover", currency=INR)
    parties = _resolve_parties(
        problems,
        supplier_state=supplier_state,
        property_state=property_state,
        recipient_state=recipient_state,
        supplier_gstin=supplier_gstin,
        recipient_gstin=recipient_gstin,
        supplier_registered=supplier_registered,
        recipient_registered=recipient_registered,
        supplier_turnover_above_threshold=supplier_turnover_above_threshold,
        supplier_aggregate_turnover=supplier_aggregate_turnover if amount_ok else None,
        on=supply_date if date_ok else R.GST_START,
    )
    problems.raise_if_any()
    assert kind is not None and parties is not None

    notes: list[str] = []
    if parties.recipient_gstin is not None and not parties.recipient_gstin.regular:
        notes.append(
            "recipient GSTIN has a special layout (UIN?): a UIN holder is not a 'registered person' "
            "for entry 5AA; registration taken from recipient_registered"
        )
    decision = decide(
        kind,
        supply_date,
        parties,
        amount,
        recipient_composition=recipient_composition,
        recipient_personal_residence=recipient_personal_residence,
        used_as_residence=used_as_residence,
        units=units,
        months=months,
        nights=nights,
        society_contribution_for_limit=society_contribution_for_limit,
        rwa_excess_only=rwa_excess_only,
        through_ecommerce_operator=through_ecommerce_operator,
        notes=notes,
    )
    if decision.kind in (EXEMPT, NOT_APPLICABLE):
        return _no_tax_result(amount, kind, supply_date, decision, parties, notes)

    missing = Problems()
    if parties.property_state is None:
        missing.add("property_state", "required: the place of supply is the property's State")
    if parties.supplier_state is None:
        missing.add("supplier_state", "required (or supplier_gstin) to decide intra- or inter-State")
    missing.raise_if_any()
    assert parties.property_state is not None and parties.supplier_state is not None

    rule = R.rules_in_force(
        R.IN_GST_RULES, jurisdiction="IN", tax="GST", on=supply_date, supply_type=kind, condition=decision.condition
    )
    if rule is None:
        raise ValidationFailed.single(
            "supply_date",
            f"no GST rate rule for {kind.value} ({decision.condition or 'standard'}) on {supply_date.isoformat()}",
        )
    base = decision.taxable_value or amount
    pos = parties.property_state
    intra = same_state(parties.supplier_state, pos, on=supply_date)
    payable_by: PayableBy = RECIPIENT if decision.kind == RCM else SUPPLIER
    lines = gst_head_lines(base, rule.rate, intra=intra, pos=pos, payable_by=payable_by, reference=decision.rule)
    if (
        parties.recipient_registered
        and parties.recipient_state
        and not same_state(parties.recipient_state, pos, on=supply_date)
    ):
        notes.append(
            "recipient is registered in another State than the place of supply: the tax is charged "
            "for the property's State and is not creditable in the recipient's State"
        )
    half = rule.rate / 2
    utgst = intra and is_utgst_territory(pos)
    total_tax = sum_lines(lines, INR, payable_by=SUPPLIER)
    return GstResult(
        amount=amount,
        supply_type=kind,
        supply_date=supply_date,
        gst_category=(
            GstCategory.REVERSE_CHARGE
            if decision.kind == RCM
            else GstCategory.INTRASTATE
            if intra
            else GstCategory.INTERSTATE
        ),
        gst_rate=rule.rate,
        cgst_rate=half if intra else ZERO,
        sgst_rate=half if intra and not utgst else ZERO,
        utgst_rate=half if utgst else ZERO,
        igst_rate=ZERO if intra else rule.rate,
        lines=lines,
        total_tax=total_tax,
        reverse_charge_tax=sum_lines(lines, INR, payable_by=RECIPIENT),
        total=amount + total_tax,
        reverse_charge=decision.kind == RCM,
        place_of_supply=pos,
        supplier_state=parties.supplier_state,
        intra_state=intra,
        rule=decision.rule,
        taxable_value=base,
        invoice_legend=RCM_LEGEND if decision.kind == RCM else None,
        notes=[decision.reason, *notes],
    )


def gst_head_lines(
    base: Money, rate: Decimal, *, intra: bool, pos: str, payable_by: PayableBy = SUPPLIER, reference: str | None = None
) -> list[TaxLine]:
    """CGST + SGST/UTGST (each half the rate) intra-State, or IGST at the full rate inter-State.

    Each head is rounded on its own (§2.6), so CGST == SGST always and their sum may differ from
    ``round_half_up(base × rate)`` by at most one paisa.
    """
    if not intra:
        return [TaxLine("IGST", rate, base.percent(rate), payable_by, "IN", reference)]
    half = rate / 2
    second = "UTGST" if is_utgst_territory(pos) else "SGST"
    return [
        TaxLine("CGST", half, base.percent(half), payable_by, "IN", reference),
        TaxLine(second, half, base.percent(half), payable_by, display_code(pos), reference),
    ]


def invoice_round_off(total: Money) -> Money:
    """The optional invoice-level round-off line: the adjustment to the nearest rupee, 50 paise up (§2.6)."""
    return Money(round_half_up(total.amount, 0) - total.amount, total.currency)


def turnover_in_scope(turnover: Money, *, on: date) -> bool:
    """Aggregate turnover at or above the registration threshold (≥ is the safe reading, UNCONFIRMED)."""
    rule = R.threshold_in_force(R.IN_GST_THRESHOLDS, jurisdiction="IN", name="gst_registration_threshold", on=on)
    return rule is not None and turnover.amount >= rule.amount


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------
def _state(problems: Problems, value: str | None, field_name: str) -> str | None:
    if value is None:
        return None
    state = resolve_state(value) if isinstance(value, str) else None
    if state is None or not is_place(state.gst_code):
        problems.add(field_name, f"unknown Indian State/UT {value!r}: use a GST code ('27') or ISO code ('MH')")
        return None
    return state.gst_code


def _gstin(problems: Problems, value: str | None, field_name: str) -> Gstin | None:
    if value is None:
        return None
    try:
        gstin = parse_gstin(value, field_name=field_name)
    except ValidationFailed as exc:
        problems.items.extend(exc.problems)
        return None
    if not is_place(gstin.state_code):
        problems.add(field_name, "a Centre Jurisdiction (99) GSTIN has no State")
        return None
    return gstin


def _resolve_parties(
    problems: Problems,
    *,
    supplier_state: str | None,
    property_state: str | None,
    recipient_state: str | None,
    supplier_gstin: str | None,
    recipient_gstin: str | None,
    supplier_registered: bool,
    recipient_registered: bool,
    supplier_turnover_above_threshold: bool,
    supplier_aggregate_turnover: Money | None,
    on: date,
) -> Parties | None:
    sup = _state(problems, supplier_state, "supplier_state")
    prop = _state(problems, property_state, "property_state")
    rec = _state(problems, recipient_state, "recipient_state")
    sup_gstin = _gstin(problems, supplier_gstin, "supplier_gstin")
    rec_gstin = _gstin(problems, recipient_gstin, "recipient_gstin")
    if sup_gstin is not None:
        if sup is not None and not same_state(sup, sup_gstin.state_code, on=on):
            problems.add("supplier_state", f"does not match the State of supplier_gstin ({sup_gstin.state_code})")
        sup = sup_gstin.state_code
        supplier_registered = True
    if rec_gstin is not None:
        if rec is not None and not same_state(rec, rec_gstin.state_code, on=on):
            problems.add("recipient_state", f"does not match the State of recipient_gstin ({rec_gstin.state_code})")
        rec = rec_gstin.state_code
        if rec_gstin.regular:
            recipient_registered = True
    in_scope = bool(supplier_turnover_above_threshold)
    if (
        supplier_aggregate_turnover is not None
        and isinstance(supplier_aggregate_turnover, Money)
        and supplier_aggregate_turnover.currency == INR
    ):
        in_scope = turnover_in_scope(supplier_aggregate_turnover, on=on)
    if problems:
        return None
    return Parties(sup, prop, rec, bool(supplier_registered), bool(recipient_registered), rec_gstin, in_scope)


def _no_tax_result(
    amount: Money, kind: SupplyType, on: date, decision: Decision, p: Parties, notes: list[str]
) -> GstResult:
    zero = Money.zero(INR)
    return GstResult(
        amount=amount,
        supply_type=kind,
        supply_date=on,
        gst_category=GstCategory.EXEMPT if decision.kind == EXEMPT else GstCategory.NOT_APPLICABLE,
        gst_rate=ZERO,
        cgst_rate=ZERO,
        sgst_rate=ZERO,
        utgst_rate=ZERO,
        igst_rate=ZERO,
        lines=[],
        total_tax=zero,
        reverse_charge_tax=zero,
        total=amount,
        reverse_charge=False,
        place_of_supply=p.property_state,
        supplier_state=p.supplier_state,
        intra_state=None,
        rule=decision.rule,
        taxable_value=zero,
        invoice_legend=None,
        notes=[decision.reason, *notes],
    )

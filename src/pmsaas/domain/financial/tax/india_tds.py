"""India TDS on rent and contract payments: s.194-I, 194-IB, 194C and 206AA (docs/tax-rules.md §1b, §3).

Income-tax Act 1961 up to 2026-03-31; Income-tax Act 2025 from 2026-04-01 with the rates and
thresholds carried over and the sections renumbered (s.393 table entries, s.394 for 206AA). The Act
and section are chosen by the payment/credit date and stored on every TDS line (§3.5; the 2025-Act
references and payment codes are UNCONFIRMED against the Act text).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from pmsaas.domain.financial.tax import rates as R
from pmsaas.domain.financial.tax.model import (
    RECIPIENT,
    ZERO,
    Problems,
    TaxLine,
    TdsLine,
    TdsResult,
    check_count,
    check_date,
    check_money,
)
from pmsaas.domain.shared.money import Money, round_half_up
from pmsaas.domain.shared.tax_identifiers import INDIVIDUAL_OR_HUF, check_pan

INR = "INR"


class TdsSection(StrEnum):
    S194I_A = R.S194I_A  # rent of plant, machinery or equipment: 2 %
    S194I_B = R.S194I_B  # rent of land, building, furniture or fittings: 10 %
    S194IB = R.S194IB  # rent paid by an individual/HUF not under 194-I: 5 % → 2 %
    S194C = R.S194C  # payments to contractors: 1 % / 2 %


class TdsPaymentKind(StrEnum):
    """What is paid for; the section then follows from the payer (see :func:`resolve_section`)."""

    RENT_LAND_BUILDING = "rent_land_building"  # land, building, land appurtenant, furniture, fittings
    RENT_PLANT_MACHINERY = "rent_plant_machinery"  # plant, machinery or equipment
    CONTRACT_WORK = "contract_work"  # repair, maintenance, housekeeping … contracts


class PartyKind(StrEnum):
    INDIVIDUAL_HUF = "individual_huf"
    OTHER = "other"  # company, firm, society, trust, AOP, government …


_SECTION_ALIASES: dict[str, TdsSection] = {
    "194-I(A)": TdsSection.S194I_A,
    "194I(A)": TdsSection.S194I_A,
    "194IA_RENT": TdsSection.S194I_A,
    "194-I(B)": TdsSection.S194I_B,
    "194I(B)": TdsSection.S194I_B,
    "194-IB": TdsSection.S194IB,
    "194IB": TdsSection.S194IB,
    "194C": TdsSection.S194C,
    "194-C": TdsSection.S194C,
}


def parse_section_or_kind(value: object) -> TdsSection | TdsPaymentKind | None:
    if isinstance(value, TdsSection | TdsPaymentKind):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return TdsPaymentKind(text.lower())
    except ValueError:
        pass
    return _SECTION_ALIASES.get(text.upper().replace(" ", ""))


def resolve_section(
    kind: TdsPaymentKind,
    *,
    payer_kind: PartyKind,
    payer_turnover_above_audit_limit: bool,
    personal_purpose: bool = False,
) -> tuple[TdsSection | None, str]:
    """The section a payment falls under, or None with the reason (§3.1–§3.3)."""
    small_individual = payer_kind == PartyKind.INDIVIDUAL_HUF and not payer_turnover_above_audit_limit
    if kind == TdsPaymentKind.RENT_LAND_BUILDING:
        if small_individual:
            return TdsSection.S194IB, "rent paid by an individual/HUF not covered by 194-I"
        return TdsSection.S194I_B, "rent of land, building, furniture or fittings"
    if kind == TdsPaymentKind.RENT_PLANT_MACHINERY:
        if small_individual:
            return (
                None,
                "individual/HUF payer below the audit turnover is not under 194-I; 194-IB covers land or building only",
            )
        return TdsSection.S194I_A, "rent of plant, machinery or equipment"
    if payer_kind == PartyKind.INDIVIDUAL_HUF and personal_purpose:
        return None, "an individual/HUF paying a contractor for personal purposes need not deduct (194C)"
    # s.194C Explanation (the 'specified person' definition): an individual/HUF deducts only if its
    # preceding-FY turnover exceeded the audit limits. This is the Act's rule, stated in §3.1 for 194-I.
    if small_individual:
        return None, "an individual/HUF below the audit turnover is not a specified person under 194C"
    return TdsSection.S194C, "payment to a resident contractor"


def calculate_tds(
    *,
    amount: Money,
    section_or_kind: TdsSection | TdsPaymentKind | str,
    payment_date: date,
    payee_pan: str | None,
    payer_kind: PartyKind | str = PartyKind.OTHER,
    payer_turnover_above_audit_limit: bool = False,
    payee_kind: PartyKind | str | None = None,
    months: int = 1,
    fy_paid_before: Money | None = None,
    fy_deducted_base_before: Money | None = None,
    last_month_rent: Money | None = None,
    personal_purpose: bool = False,
    round_to_rupee: bool = True,
) -> TdsResult:
    """TDS to deduct from one payment or credit.

    Arguments:

    * ``amount``: the sum credited or paid now, INR. For rent pass the rent **excluding GST** (CBDT
      circular 23/2017 as commonly cited; UNCONFIRMED, §3.1) and excluding refundable deposits.
      For 194-IB pass the rent being settled at the deduction event (the FY's or tenancy's rent,
      deducted once with the last month's rent, §3.2).
    * ``section_or_kind``: a section (``"194-I(a)"``, ``"194-I(b)"``, ``"194-IB"``, ``"194C"``) or a
      payment kind (``"rent_land_building"``, ``"rent_plant_machinery"``, ``"contract_work"``) from
      which the section is derived via ``payer_kind`` and ``payer_turnover_above_audit_limit``
      (individual/HUF with turnover > Rs 1 crore business / Rs 50 lakh profession in the preceding FY).
    * ``payment_date``: the date of credit or payment, whichever is earlier. It picks the Act, the rate
      (194-IB: the rate in force on the deduction date — the FY 2024-25 straddle is UNCONFIRMED) and the
      threshold regime.
    * ``payee_pan``: missing or badly formed → not furnished → s.206AA: the higher of the section rate
      and 20 %, for 194-IB capped at the last month's rent (``last_month_rent``, default
      ``amount`` ÷ ``months``).
    * ``payee_kind``: individual/HUF (194C 1 %) or other (2 %); defaults to the PAN's 4th character.
    * ``months``: months (or parts of months) of rent this amount covers — the monthly tests of 194-I
      (from 2025-04-01) and 194-IB compare ``amount`` ÷ ``months`` with Rs 50,000.
    * ``fy_paid_before``: sums already credited/paid to this payee in the same FY (194-I up to FY
      2024-25 and 194C aggregate limits); ``fy_deducted_base_before``: the part of it TDS was already
      deducted on. When the aggregate crosses the limit, the untaxed earlier sums are caught up in
      this deduction (practice; UNCONFIRMED, IN-28b).
    * ``personal_purpose``: an individual/HUF paying a contractor for personal purposes (no 194C).
    * ``round_to_rupee``: the deduction is rounded to the nearest rupee, 50 paise up (§3.6
      recommendation, UNCONFIRMED); ``tds_exact`` keeps the paise figure.
    """
    problems = Problems()
    check_money(problems, amount, field_name="amount", currency=INR)
    date_ok = check_date(problems, payment_date, field_name="payment_date")
    check_count(problems, months, field_name="months")
    target = parse_section_or_kind(section_or_kind)
    if target is None:
        allowed = [s.value for s in TdsSection] + [k.value for k in TdsPaymentKind]
        problems.add("section_or_kind", f"unknown section or payment kind {section_or_kind!r}; one of {allowed}")
    payer = _party(problems, payer_kind, "payer_kind")
    payee = None if payee_kind is None else _party(problems, payee_kind, "payee_kind")
    for name, value in (
        ("fy_paid_before", fy_paid_before),
        ("fy_deducted_base_before", fy_deducted_base_before),
        ("last_month_rent", last_month_rent),
    ):
        if value is not None:
            check_money(problems, value, field_name=name, currency=INR)
    problems.raise_if_any()
    assert target is not None and payer is not None and date_ok

    zero = Money.zero(INR)
    paid_before = fy_paid_before or zero
    deducted_before = fy_deducted_base_before or zero
    if paid_before < deducted_before:
        problems.add("fy_deducted_base_before", "cannot exceed fy_paid_before")
        problems.raise_if_any()

    if isinstance(target, TdsPaymentKind):
        section, why = resolve_section(
            target,
            payer_kind=payer,
            personal_purpose=personal_purpose,
            payer_turnover_above_audit_limit=payer_turnover_above_audit_limit,
        )
    else:
        section, why = target, f"section {target.value}"
        if target == TdsSection.S194C and payer == PartyKind.INDIVIDUAL_HUF and personal_purpose:
            section, why = None, "an individual/HUF paying a contractor for personal purposes need not deduct (194C)"
    pan = check_pan(payee_pan)
    if section is None:
        return _none(amount, payment_date, None, why, [], pan_valid=pan.valid)

    warnings = list(pan.warnings) if payee_pan is not None else []
    if payee is None:
        payee = PartyKind.INDIVIDUAL_HUF if pan.valid and pan.holder_type in INDIVIDUAL_OR_HUF else PartyKind.OTHER
    elif pan.valid and (pan.holder_type in INDIVIDUAL_OR_HUF) != (payee == PartyKind.INDIVIDUAL_HUF):
        warnings.append(f"payee_kind {payee.value!r} disagrees with the PAN holder type {pan.holder_type!r}")

    condition = None
    if section == TdsSection.S194C:
        condition = R.PAYEE_INDIVIDUAL_HUF if payee == PartyKind.INDIVIDUAL_HUF else R.PAYEE_OTHER
    rule = R.rules_in_force(
        R.IN_TDS_RULES, jurisdiction="IN", tax=f"TDS {section.value}", on=payment_date, condition=condition
    )
    if rule is None:
        return _none(
            amount,
            payment_date,
            section,
            f"section {section.value} is not in force on {payment_date.isoformat()}",
            warnings,
            pan_valid=pan.valid,
        )

    base, threshold_reason = _liable_base(section, amount, payment_date, months, paid_before, deducted_before)
    if base is None:
        return _none(amount, payment_date, section, threshold_reason, warnings, pan_valid=pan.valid)
    if section == TdsSection.S194IB and months > 1 and date(2024, 10, 1) <= payment_date <= date(2025, 3, 31):
        warnings.append(
            "FY 2024-25 straddle (5 % to Sep, 2 % from Oct): the rate in force on the deduction date "
            "was applied (UNCONFIRMED)"
        )

    section_rate = rule.rate
    rate = section_rate
    higher = False
    if not pan.valid:
        no_pan = R.rules_in_force(R.IN_TDS_RULES, jurisdiction="IN", tax=f"TDS {R.S206AA}", on=payment_date)
        assert no_pan is not None
        rate = max(section_rate, no_pan.rate)
        higher = True
    exact = base.percent(rate)
    capped = False
    cap: Money | None = None
    if higher and section == TdsSection.S194IB:
        cap = last_month_rent if last_month_rent is not None else Money(round_half_up(amount.amount / months, 2), INR)
        if cap < exact:
            exact, capped = cap, True
    tds = _rupees(round_half_up(exact.amount, 0)) if round_to_rupee else exact
    if cap is not None and cap < tds:
        tds = _rupees(cap.amount.quantize(Decimal(1), rounding=ROUND_DOWN))

    act = R.act_section_on(section.value, payment_date)
    ref = act.section_ref
    if higher:
        ref = f"{ref} read with {R.act_section_on(R.S206AA, payment_date).section_ref}"
    line = TdsLine(
        tax=f"TDS {section.value}",
        rate=rate,
        amount=tds,
        payable_by=RECIPIENT,
        jurisdiction="IN",
        reference=f"{act.act_version} s.{ref}",
        act_version=act.act_version,
        section_ref=ref,
        payment_code=act.payment_code,
    )
    lines: list[TaxLine] = [line]
    reason = f"{why}: {threshold_reason}"
    if higher:
        reason += "; no valid PAN: s.206AA higher rate" + (" capped at the last month's rent" if capped else "")
    return TdsResult(
        amount=amount,
        payment_date=payment_date,
        applicable=True,
        section=section.value,
        act_version=act.act_version,
        section_ref=ref,
        payment_code=act.payment_code,
        section_rate=section_rate,
        rate=rate,
        base=base,
        tds_exact=exact,
        tds=tds,
        net_payable=amount - tds,
        pan_furnished=pan.valid,
        higher_rate_206aa=higher,
        capped_at_last_month_rent=capped,
        lines=lines,
        total_tax=tds,
        reason=reason,
        warnings=warnings,
    )


def _liable_base(
    section: TdsSection, amount: Money, on: date, months: int, paid_before: Money, deducted_before: Money
) -> tuple[Money | None, str]:
    """The amount TDS is computed on, or None (below the threshold), with the reason."""
    catch_up = paid_before - deducted_before
    if section == TdsSection.S194C:
        single = R.threshold_in_force(
            R.IN_TDS_THRESHOLDS, jurisdiction="IN", name=section.value, on=on, basis="single_sum"
        )
        aggregate = R.threshold_in_force(
            R.IN_TDS_THRESHOLDS, jurisdiction="IN", name=section.value, on=on, basis="fy_aggregate"
        )
        assert single is not None and aggregate is not None
        total = paid_before.amount + amount.amount
        if total > aggregate.amount:
            return amount + catch_up, (
                f"FY aggregate {total} exceeds Rs {aggregate.amount} (earlier untaxed sums "
                "caught up, UNCONFIRMED practice)"
            )
        if amount.amount > single.amount:
            return amount, f"single sum exceeds Rs {single.amount}"
        return None, f"single sum not above Rs {single.amount} and FY aggregate not above Rs {aggregate.amount}"

    rule = R.threshold_in_force(R.IN_TDS_THRESHOLDS, jurisdiction="IN", name=section.value, on=on)
    if rule is None:
        return None, f"no threshold rule for {section.value} on {on.isoformat()}"  # pragma: no cover
    if rule.basis == "fy_aggregate":
        total = paid_before.amount + amount.amount
        if total <= rule.amount:
            return None, f"FY aggregate {total} does not exceed the annual threshold of Rs {rule.amount}"
        return amount + catch_up, f"FY aggregate {total} exceeds Rs {rule.amount}"
    monthly = amount.amount / months
    if monthly <= rule.amount:
        return None, (
            f"rent of {round_half_up(monthly, 2)} per month does not exceed the monthly threshold of Rs {rule.amount}"
        )
    return amount, f"rent of {round_half_up(monthly, 2)} per month exceeds Rs {rule.amount}"


def _rupees(whole: Decimal) -> Money:
    """A whole-rupee amount kept at the currency's two decimals (5000 → 5000.00)."""
    return Money(round_half_up(whole, 2), INR)


def _party(problems: Problems, value: object, field_name: str) -> PartyKind | None:
    if isinstance(value, PartyKind):
        return value
    try:
        if isinstance(value, str):  # an enum of strings: nothing else could name a member
            return PartyKind(value)
    except ValueError:
        pass
    problems.add(field_name, f"must be one of {[k.value for k in PartyKind]}")
    return None


def _none(
    amount: Money, on: date, section: TdsSection | None, reason: str, warnings: list[str], *, pan_valid: bool
) -> TdsResult:
    zero = Money.zero(INR)
    act = R.act_section_on(section.value if section else R.S194C, on)
    return TdsResult(
        amount=amount,
        payment_date=on,
        applicable=False,
        section=section.value if section else None,
        act_version=act.act_version,
        section_ref=act.section_ref if section else None,
        payment_code=act.payment_code if section else None,
        section_rate=ZERO,
        rate=ZERO,
        base=zero,
        tds_exact=zero,
        tds=zero,
        net_payable=amount,
        pan_furnished=pan_valid,
        higher_rate_206aa=False,
        capped_at_last_month_rent=False,
        lines=[],
        total_tax=zero,
        reason=reason,
        warnings=warnings,
    )

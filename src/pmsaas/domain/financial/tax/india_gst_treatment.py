"""India GST: which treatment a property supply gets (docs/tax-rules.md §2.3 residential, §2.4
commercial, §2.5 RWA): forward charge, reverse charge, exempt or no GST, with the rule and the
reason printed on the result. ``india_gst.calculate_gst`` validates the inputs, asks ``decide`` and
turns the treatment into tax lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pmsaas.domain.financial.tax import rates as R
from pmsaas.domain.financial.tax.model import SupplyType
from pmsaas.domain.shared.money import Money, round_half_up
from pmsaas.domain.shared.tax_identifiers import Gstin

INR = "INR"

FORWARD = "forward"
RCM = "rcm"
EXEMPT = "exempt"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Decision:
    """The treatment of one supply: how it is taxed and by which rule."""

    kind: str  # FORWARD | RCM | EXEMPT | NOT_APPLICABLE
    rule: str
    reason: str
    condition: str | None = None
    taxable_value: Money | None = None  # defaults to the amount


@dataclass(frozen=True)
class Parties:
    """The validated parties and places of a supply."""

    supplier_state: str | None
    property_state: str | None
    recipient_state: str | None
    supplier_registered: bool
    recipient_registered: bool
    recipient_gstin: Gstin | None
    turnover_in_scope: bool


def decide(
    kind: SupplyType,
    on: date,
    p: Parties,
    amount: Money,
    *,
    recipient_composition: bool,
    recipient_personal_residence: bool,
    used_as_residence: bool,
    units: int,
    months: int,
    nights: int,
    society_contribution_for_limit: Money | None,
    rwa_excess_only: bool,
    through_ecommerce_operator: bool,
    notes: list[str],
) -> Decision:
    if kind == SupplyType.COMMERCIAL_RENT:
        return _commercial_rent(on, p, recipient_composition, notes)
    if kind == SupplyType.RESIDENTIAL_RENT:
        return _residential_rent(on, p, recipient_personal_residence, used_as_residence, notes)
    if kind == SupplyType.SOCIETY_MAINTENANCE:
        return _society_maintenance(on, p, amount, units, months, society_contribution_for_limit, rwa_excess_only)
    if kind == SupplyType.SHORT_STAY_ACCOMMODATION:
        return _short_stay(on, p, amount, units, nights)
    if kind == SupplyType.REPAIR_SERVICE:
        if p.supplier_registered:
            return Decision(FORWARD, "SAC 9987(ii) / 9954", "repair and maintenance services: 18 % forward charge")
        if through_ecommerce_operator:
            if p.turnover_in_scope:
                return Decision(
                    NOT_APPLICABLE,
                    "SAC 9987(i)",
                    "supplier is liable to register: the 5 % e-commerce "
                    "house-keeping entry does not apply, and an unregistered supplier charges no GST",
                )
            # The e-commerce operator pays this tax under CGST s.9(5); it is shown as charged on the
            # invoice line (payable_by "supplier" side of the transaction).
            return Decision(
                FORWARD,
                "SAC 9987(i)",
                "house-keeping via an e-commerce operator by a person not "
                "liable to register: 5 % without ITC, paid by the operator (s.9(5))",
                condition=R.ECOMMERCE_UNREGISTERED,
            )
        return Decision(NOT_APPLICABLE, "unregistered supplier", "an unregistered supplier charges no GST")
    # property management fee
    if p.supplier_registered:
        return Decision(FORWARD, "SAC 9972", "real-estate services on a fee basis: 18 % forward charge")
    return Decision(NOT_APPLICABLE, "unregistered supplier", "an unregistered supplier charges no GST")


def _commercial_rent(on: date, p: Parties, composition: bool, notes: list[str]) -> Decision:
    if p.supplier_registered:
        return Decision(FORWARD, "SAC 9972", "renting of commercial property by a registered landlord: 18 %")
    if not p.recipient_registered:
        return Decision(NOT_APPLICABLE, "no GST", "unregistered landlord and unregistered tenant: no GST")
    if on < R.COMMERCIAL_RCM_FROM:
        return Decision(NOT_APPLICABLE, "no GST", "unregistered landlord before entry 5AB (2024-10-10): no GST")
    if composition:
        if on >= R.COMPOSITION_RCM_EXCLUSION_FROM:
            # 55th GST Council; the date 2025-01-16 and the notification are UNCONFIRMED (§8.1).
            return Decision(
                NOT_APPLICABLE,
                "5AB (composition exclusion)",
                "entry 5AB does not apply to a composition tenant (from 2025-01-16, UNCONFIRMED)",
            )
        notes.append(
            "composition tenant between 2024-10-10 and 2025-01-15: RCM applied as the law then read; "
            "the reported 'as is' regularisation is UNCONFIRMED"
        )
    return Decision(
        RCM,
        "Notfn 13/2017-CT(R) entry 5AB",
        "non-residential property from an unregistered person to a registered person: 18 % RCM",
    )


def _residential_rent(on: date, p: Parties, personal: bool, residence: bool, notes: list[str]) -> Decision:
    personal = personal and residence
    if not p.recipient_registered:
        if residence:
            return Decision(
                EXEMPT,
                "Notfn 12/2017-CT(R) entry 12",
                "residential dwelling rented as a residence to an unregistered person: exempt",
            )
        if p.supplier_registered:
            return Decision(
                FORWARD,
                "SAC 9972 (commercial use of a dwelling)",
                "residential dwelling used commercially by an unregistered tenant: 18 % forward charge",
            )
        return Decision(NOT_APPLICABLE, "no GST", "unregistered landlord and unregistered tenant: no GST")
    if on < R.RESIDENTIAL_RCM_FROM:
        if residence:
            return Decision(
                EXEMPT,
                "Notfn 12/2017-CT(R) entry 12",
                "residential dwelling for use as residence (before 2022-07-18): exempt",
            )
        if p.supplier_registered:
            return Decision(
                FORWARD,
                "SAC 9972 (commercial use of a dwelling)",
                "residential dwelling not used as a residence: 18 % forward charge",
            )
        return Decision(NOT_APPLICABLE, "no GST", "unregistered landlord before entry 5AA: no GST")
    if personal and on >= R.PROPRIETOR_PERSONAL_EXEMPT_FROM:
        holder = p.recipient_gstin.pan_holder_type if p.recipient_gstin is not None else None
        if holder is None or holder == "P":
            return Decision(
                EXEMPT,
                "Notfn 15/2022-CT(R)",
                "registered proprietor renting in a personal capacity for own residence: exempt",
            )
        notes.append(
            f"recipient GSTIN is not an individual's (PAN type {holder!r}): the personal-capacity "
            "exemption cannot apply"
        )
    return Decision(
        RCM,
        "Notfn 13/2017-CT(R) entry 5AA",
        "residential dwelling rented to a registered person: 18 % RCM paid by the tenant",
    )


def _society_maintenance(
    on: date, p: Parties, amount: Money, units: int, months: int, basis_money: Money | None, excess_only: bool
) -> Decision:
    limit_rule = R.threshold_in_force(R.IN_GST_THRESHOLDS, jurisdiction="IN", name="rwa_exemption_limit", on=on)
    assert limit_rule is not None  # the table covers every date from the start of GST
    basis = (basis_money or amount).amount
    per_flat_month = basis / (units * months)
    limit = limit_rule.amount
    if per_flat_month <= limit:
        return Decision(
            EXEMPT,
            "Notfn 12/2017-CT(R) entry 77(c)",
            f"contribution of {round_half_up(per_flat_month, 2)} per flat per month is within the "
            f"Rs {limit} limit: exempt",
        )
    if not p.turnover_in_scope:
        return Decision(
            NOT_APPLICABLE,
            "turnover threshold",
            "society turnover within Rs 20 lakh: no GST even above the per-flat limit",
        )
    if not p.supplier_registered:
        return Decision(
            NOT_APPLICABLE,
            "unregistered supplier",
            "society above the threshold is liable to register, but cannot charge GST until registered",
        )
    if excess_only:
        # Madras HC single bench (stayed): only the excess over the limit is taxable. Where the line is
        # one charge head of a larger contribution, the excess is spread pro rata over the heads.
        cap = limit * units * months
        taxable = Money(round_half_up(amount.amount * (basis - cap) / basis, 2), INR)
        return Decision(
            FORWARD,
            "entry 77(c) (excess-only override)",
            "above the per-flat limit: 18 % on the excess only (tenant-level override)",
            taxable_value=taxable,
        )
    return Decision(
        FORWARD,
        "Circular 109/28/2019-GST",
        "above the per-flat limit with turnover above Rs 20 lakh: 18 % on the entire amount",
    )


def _short_stay(on: date, p: Parties, amount: Money, units: int, nights: int) -> Decision:
    if not p.supplier_registered:
        return Decision(NOT_APPLICABLE, "unregistered supplier", "an unregistered supplier charges no GST")
    band = R.threshold_in_force(R.IN_GST_THRESHOLDS, jurisdiction="IN", name="hotel_tariff_band", on=on)
    assert band is not None
    per_unit_day = amount.amount / (units * nights)
    condition = R.TARIFF_LE_7500 if per_unit_day <= band.amount else R.TARIFF_GT_7500
    return Decision(
        FORWARD, "SAC 9963", f"accommodation at {round_half_up(per_unit_day, 2)} per unit per day", condition=condition
    )

"""One entry point per invoice line: India GST, Canada GST/HST/QST/PST, or (US) no tax."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pmsaas.domain.financial.tax.canada import calculate_canada_tax
from pmsaas.domain.financial.tax.india_gst import calculate_gst
from pmsaas.domain.financial.tax.model import Problems, SupplyType, TaxResult, check_money, coerce_supply_type
from pmsaas.domain.shared.money import Money

Country = Literal["IN", "CA", "US"]
_CURRENCY = {"IN": "INR", "CA": "CAD", "US": "USD"}


def calculate_line_taxes(
    *,
    country: Country | str,
    amount: Money,
    supply_type: SupplyType | str,
    supply_date: date,
    paid_date: date | None = None,
    # Canada
    province: str | None = None,
    commercial_property: bool = False,
    nights: int = 1,
    # India
    supplier_state: str | None = None,
    property_state: str | None = None,
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
    society_contribution_for_limit: Money | None = None,
    rwa_excess_only: bool = False,
    through_ecommerce_operator: bool = False,
) -> TaxResult:
    """Taxes on one invoice line, whatever the country.

    * ``"IN"``: :func:`calculate_gst` with ``supply_date`` as the date of supply (``paid_date`` unused).
    * ``"CA"``: :func:`calculate_canada_tax` with ``supply_date`` as the due date and ``paid_date`` as
      the payment date (the earlier one picks the rates); ``province`` is required.
      ``supplier_registered`` applies here too (a small supplier charges nothing).
    * ``"US"``: no sales tax is modelled (product assumption, UNCONFIRMED): no lines, currency USD.

    Every argument has the meaning documented on the country function; the others are ignored.
    """
    problems = Problems()
    code = str(country).strip().upper() if isinstance(country, str) else ""
    if code not in _CURRENCY:
        problems.add("country", "must be one of IN, CA, US")
        problems.raise_if_any()

    if code == "IN":
        gst = calculate_gst(
            amount=amount,
            supply_type=supply_type,
            supply_date=supply_date,
            supplier_state=supplier_state,
            property_state=property_state,
            supplier_registered=supplier_registered,
            recipient_registered=recipient_registered,
            recipient_composition=recipient_composition,
            recipient_personal_residence=recipient_personal_residence,
            supplier_turnover_above_threshold=supplier_turnover_above_threshold,
            units=units,
            supplier_gstin=supplier_gstin,
            recipient_gstin=recipient_gstin,
            recipient_state=recipient_state,
            used_as_residence=used_as_residence,
            months=months,
            nights=nights,
            society_contribution_for_limit=society_contribution_for_limit,
            rwa_excess_only=rwa_excess_only,
            through_ecommerce_operator=through_ecommerce_operator,
        )
        return TaxResult(
            "IN", gst.amount, gst.gst_category.value, gst.lines, gst.total_tax, gst.reverse_charge_tax, gst.total, gst
        )

    if code == "CA":
        if province is None:
            problems.add("province", "required for Canada")
            problems.raise_if_any()
        assert province is not None
        ca = calculate_canada_tax(
            amount=amount,
            supply_type=supply_type,
            province=province,
            due_date=supply_date,
            paid_date=paid_date,
            commercial_property=commercial_property,
            supplier_registered=supplier_registered,
            nights=nights,
        )
        return TaxResult("CA", ca.amount, ca.category.value, ca.lines, ca.total_tax, Money.zero("CAD"), ca.total, ca)

    check_money(problems, amount, field_name="amount", currency="USD")
    coerce_supply_type(problems, supply_type)
    problems.raise_if_any()
    return TaxResult("US", amount, "not_applicable", [], Money.zero("USD"), Money.zero("USD"), amount, None)


tax_for_line = calculate_line_taxes

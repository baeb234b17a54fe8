"""Pure tax engine: India GST and TDS, Canada GST/HST/QST/PST; US has no tax modelled.

The reference is ``docs/tax-rules.md``; the rate and threshold tables live in :mod:`.rates` as data.
"""

from pmsaas.domain.financial.tax.canada import calculate_canada_tax, resolve_province, tax_point_date
from pmsaas.domain.financial.tax.dispatch import calculate_line_taxes, tax_for_line
from pmsaas.domain.financial.tax.india_gst import calculate_gst, invoice_round_off, turnover_in_scope
from pmsaas.domain.financial.tax.india_tds import (
    PartyKind,
    TdsPaymentKind,
    TdsSection,
    calculate_tds,
    resolve_section,
)
from pmsaas.domain.financial.tax.model import (
    CanadaCategory,
    CanadaTaxResult,
    GstCategory,
    GstResult,
    SupplyType,
    TaxLine,
    TaxResult,
    TdsLine,
    TdsResult,
)
from pmsaas.domain.shared.tax_identifiers import (
    BusinessNumber,
    Gstin,
    PanCheck,
    check_pan,
    gstin_state_code,
    is_valid_gstin,
    is_valid_pan,
    parse_business_number,
    parse_gstin,
)

__all__ = [
    "BusinessNumber",
    "CanadaCategory",
    "CanadaTaxResult",
    "GstCategory",
    "GstResult",
    "Gstin",
    "PanCheck",
    "PartyKind",
    "SupplyType",
    "TaxLine",
    "TaxResult",
    "TdsLine",
    "TdsPaymentKind",
    "TdsResult",
    "TdsSection",
    "calculate_canada_tax",
    "calculate_gst",
    "calculate_line_taxes",
    "calculate_tds",
    "check_pan",
    "gstin_state_code",
    "invoice_round_off",
    "is_valid_gstin",
    "is_valid_pan",
    "parse_business_number",
    "parse_gstin",
    "resolve_province",
    "resolve_section",
    "tax_for_line",
    "tax_point_date",
    "turnover_in_scope",
]

"""Tax fields: GST (India), GST/HST, QST and PST (Canada), TDS (India) (docs/tax-rules.md)."""

from __future__ import annotations

from pmsaas.entrypoints.http.openapi_docs.entry import DATE, Doc

GSTIN = "27AAPFU0939F1ZV"  # a GSTIN with a valid check character: state 27 (Maharashtra), PAN AAPFU0939F
PAN = "AAPFU0939F"

TAX = {
    "gstin": Doc(
        "GST identification number (15 characters: state code, PAN, entity number, Z, check character).", GSTIN
    ),
    "gst_number": Doc("The organization's GSTIN in India (15 characters), or its GST/HST number in Canada.", GSTIN),
    "gst_registered": Doc("Whether the organization is registered for GST (India) or GST/HST (Canada).", True),
    "pan_number": Doc("Permanent Account Number (India): five letters, four digits, one letter.", PAN),
    "tan_number": Doc(
        "Tax deduction account number (India) of the organization as a deductor: four letters, five digits, "
        "one letter; printed on its Form 16A data.",
        "MUMA12345B",
    ),
    "business_number": Doc(
        "Canada Revenue Agency business number: 9 digits, optionally with a program account (RT0001).",
        "123456782RT0001",
    ),
    "tax_registration_number": Doc(
        "GST/HST registration number in Canada (business number + RT + account).", "123456782RT0001"
    ),
    "tax_id": Doc("The vendor's tax number: a GSTIN in India, a business number in Canada.", GSTIN),
    "tax_id_type": Doc("Which tax number tax_id is: gstin or bn."),
    "is_housing_society": Doc(
        "Whether the organization is a housing society (its maintenance charges have their own GST rules).", False
    ),
    "supply_type": Doc("What is supplied, which decides the GST treatment.", "residential_rent"),
    "supply_date": Doc("Date of the supply (YYYY-MM-DD); the rates in force that day apply.", DATE),
    "supplier_gstin": Doc("The supplier's GSTIN.", GSTIN),
    "supplier_state": Doc("The supplier's State: its GST state code (27), ISO code (MH) or name (Maharashtra).", "MH"),
    "supplier_registered": Doc("Whether the supplier is registered for GST.", True),
    "supplier_turnover_above_threshold": Doc(
        "Whether the supplier's turnover is above the GST registration threshold.", True
    ),
    "recipient_gstin": Doc("The recipient's GSTIN, when registered.", "29AAGCB7383J1Z4"),
    "recipient_registered": Doc("Whether the recipient is registered for GST.", False),
    "recipient_composition": Doc("Whether the recipient pays GST under the composition scheme.", False),
    "recipient_personal_residence": Doc(
        "Whether a registered recipient rents the dwelling as a personal residence (no reverse charge then).", False
    ),
    "property_state": Doc(
        "State of the property, which decides the place of supply: its GST state code (27), ISO "
        "code (MH) or name (Maharashtra).",
        "MH",
    ),
    "place_of_supply": Doc(
        "Place of supply as a GST state code: the same state as the supplier is intra-state (CGST + "
        "SGST), another is inter-state (IGST).",
        "27",
    ),
    "gst_category": Doc("intrastate or interstate, from the place of supply.", "intrastate"),
    "gst_rate": Doc("GST rate in percent, as a number.", 18.0),
    "cgst_rate": Doc("Central GST rate in percent.", 9.0),
    "sgst_rate": Doc("State GST rate in percent.", 9.0),
    "utgst_rate": Doc("Union territory GST rate in percent.", 0.0),
    "igst_rate": Doc("Integrated GST rate in percent (inter-state supplies).", 0.0),
    "hst_rate": Doc("Harmonized sales tax rate in percent (ON, NB, NS, NL, PE).", 13.0),
    "pst_rate": Doc("Provincial sales tax rate in percent.", 0.0),
    "qst_rate": Doc("Québec sales tax rate in percent.", 0.0),
    "total_tax": Doc("All tax on the supply, as a decimal string.", "180.00"),
    "reverse_charge": Doc("Whether the recipient, not the supplier, pays the GST (reverse charge).", False),
    "reverse_charge_tax": Doc("Tax the recipient pays under reverse charge, as a decimal string.", "0.00"),
    "rule": Doc(
        "The rule of the tax law that decided the answer.",
        "Notification 12/2017-CT(Rate) entry 12: residential dwelling exempt",
    ),
    "invoice_legend": Doc(
        "Text the invoice must carry for this treatment, if any.", "Tax is payable on reverse charge basis"
    ),
    "units": Doc("Number of units supplied (rooms, days).", 1),
    "nights": Doc("Nights of stay (short-stay accommodation).", 1),
    "commercial_property": Doc(
        "Whether the property is commercial (Canada: residential rent is exempt from GST/HST).", False
    ),
    "paid_date": Doc("Date the consideration was paid (YYYY-MM-DD), which can move the tax point.", DATE),
    "tax_point_date": Doc("Date the tax became payable (YYYY-MM-DD).", DATE),
    "invoice_round_off": Doc("Whether invoices are rounded to the whole rupee (India only).", True),
    "invoice_number_format": Doc(
        "Pattern of invoice numbers: {fy} is the financial year (2026-27 in India), {fy_short} its "
        "short form (26-27), {seq:06d} the running number.",
        "INV/{fy_short}/{seq:06d}",
    ),
    "receipt_number_format": Doc(
        "Pattern of receipt numbers, with the placeholders of invoice_number_format.", "RCT/{fy_short}/{seq:06d}"
    ),
    # TDS (India): tax deducted at source
    "tds": Doc("Tax deducted at source (India) on this payment or expense."),
    "tds_applicable": Doc("Whether the tenant deducts TDS from rent (section 194-I or 194-IB).", False),
    "tds_section": Doc(
        "Income-tax Act 1961 section the TDS is deducted under: 194-I(b) is rent of land or "
        "buildings, 194-IB rent paid by an individual or HUF, 194C contract work.",
        "194-I(b)",
    ),
    "tds_rate": Doc("TDS rate in percent.", "10"),
    "tds_amount": Doc("Tax deducted at source."),
    "tds_certificate_number": Doc("Number of the TDS certificate (Form 16A or 16C).", "TDS123456789"),
    "gross_amount": Doc("Amount before TDS."),
    "net_amount": Doc("Amount after TDS: what changed hands."),
    "deduction_date": Doc("Date the tax was deducted (YYYY-MM-DD).", DATE),
    "direction": Doc(
        "received: the tenant withheld TDS from rent; deducted: the organization withheld it from a vendor.", "received"
    ),
    "payee_kind": Doc("Who is paid, for the TDS rate: individual_huf or other.", "other"),
    "section_ref": Doc(
        "The section as the act in force on the payment date cites it (from 2026-04-01 a row of the "
        "s.393(1) table of the Income-tax Act 2025).",
        "s.393(1) table, Sl. 2(ii).D(b)",
    ),
    "act_version": Doc("Which Income-tax Act applied on the payment date: 1961, or 2025 from 2026-04-01.", "2025"),
    "payment_code": Doc(
        "Payment code of the s.393 row for the TDS challan (Income-tax Act 2025); null where unknown.", "1009"
    ),
    "requested": Doc("The section as the caller wrote it.", "194-I(b)"),
    "computed": Doc("Whether the amount was computed here (true) or declared by the caller (false).", True),
    "fy": Doc("Indian financial year, April to March.", "2026-27"),
}

"""Each document rendered by the real renderer (fpdf2, the shipped Noto fonts, HarfBuzz), its text
extracted by a PDF reader, and every field the rules require found in it (docs/documents.md):
CGST rules 46 (tax invoice), 49 (bill of supply), 50 (receipt particulars), CRA's input-tax-credit
information (GST/HST Memorandum 8-4)."""

from __future__ import annotations

import asyncio
import io
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

from pypdf import PdfReader

from pmsaas.adapters.documents.renderer import FpdfDocumentRenderer
from pmsaas.domain.financial.deposit_settlement import Deduction, DeductionKind, DepositSettlement
from pmsaas.domain.financial.document_layouts import invoice_document, receipt_document, settlement_document
from pmsaas.domain.financial.model import (
    Allocation,
    ChargeType,
    Invoice,
    InvoiceLine,
    InvoiceTax,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from pmsaas.domain.financial.ports import LeaseRef, OrganizationProfile, Premises
from pmsaas.domain.financial.tds_record import TdsDeduction, TdsDirection
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)
ORG = uuid4()
SUPPLIER_GSTIN, TENANT_GSTIN = "27AAPFU0939F1ZV", "27AAACR5055K1Z5"
IN_PROFILE = OrganizationProfile(
    id=ORG,
    country="IN",
    province="MH",
    currency="INR",
    invoice_number_format="INV/{fy}/{seq:06d}",
    receipt_number_format="RCPT/{fy}/{seq:06d}",
    name="Sharma Estates LLP",
    gstin=SUPPLIER_GSTIN,
    address="301, Kalpataru Court\nAndheri (East), Mumbai 400069",
)
CA_PROFILE = OrganizationProfile(
    id=ORG,
    country="CA",
    province="ON",
    currency="CAD",
    invoice_number_format="INV-{fy}-{seq:06d}",
    receipt_number_format="RCPT-{fy}-{seq:06d}",
    name="Maple Leasing Inc.",
    tax_registration_number="123456782RT0001",
    address="100 King St W\nToronto, ON M5X 1A9",
)
MUMBAI = Premises("Sea View Towers", "Shop 4B", "12 Marine Drive", "Mumbai", "MH", "400020", "IN")
TORONTO = Premises("Bay Plaza", "Suite 210", "200 Bay St", "Toronto", "ON", "M5J 2J2", "CA")


def _lease(currency: str, name: str, gstin: str | None = None, kind: str = "commercial") -> LeaseRef:
    region = "MH" if currency == "INR" else "ON"
    ids = (uuid4(), ORG, uuid4(), uuid4())
    return LeaseRef(*ids, "active", currency, kind, region, tenant_name=name, tenant_gstin=gstin)


def _m(amount: str, currency: str = "INR") -> Money:
    return Money(Decimal(amount), currency)


def _invoice(lease: LeaseRef, number: str, *lines: InvoiceLine) -> Invoice:
    return Invoice(
        organization_id=ORG,
        lease_id=lease.id,
        tenant_id=lease.tenant_id,
        currency=lease.currency,
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 7),
        lines=list(lines),
        created_at=AT,
        updated_at=AT,
        number=number,
    )


def _text(document) -> str:
    pdf = asyncio.run(FpdfDocumentRenderer().render(document))
    assert pdf.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # A reordered Devanagari vowel sign's second glyph has no text of its own (pypdf: a control code).
    return "".join(c for c in text if c == "\n" or c >= " ")


def test_an_indian_tax_invoice_carries_every_rule_46_particular():
    lease = _lease("INR", "अनुराधा ट्रेडर्स", TENANT_GSTIN)
    gst = (
        InvoiceTax("CGST", Decimal(9), _m("13500"), "supplier"),
        InvoiceTax("SGST", Decimal(9), _m("13500"), "supplier", "27"),
    )
    invoice = _invoice(
        lease,
        "INV/26-27/000042",
        InvoiceLine("Rent for December 2026 (किराया)", _m("150000"), ChargeType.RENT, taxes=gst),
        InvoiceLine("Security deposit", _m("6000"), ChargeType.DEPOSIT),
    )
    document = invoice_document(invoice, profile=IN_PROFILE, lease=lease, premises=MUMBAI)
    text = _text(document)
    for field in (
        "Tax Invoice",
        "Sharma Estates LLP",  # supplier: name, address, GSTIN (46(a))
        "301, Kalpataru Court",
        f"GSTIN: {SUPPLIER_GSTIN}",
        "INV/26-27/000042",  # serial number (46(b)), date (46(c))
        "1 December 2026",
        "अनुराधा ट्रेडर्स",  # recipient: name, address, GSTIN (46(d)); Devanagari survives
        "Rent for December 2026 (किराया)",  # conjuncts and a vowel sign drawn before its consonant
        "Shop 4B, Sea View Towers",
        "Mumbai, Maharashtra 400020",
        f"GSTIN: {TENANT_GSTIN}",
        "Place of supply Maharashtra (27)",  # State name and code (46(n))
        "Reverse charge No",  # 46(p)
        "9972",  # SAC (46(g))
        "1,50,000.00 CGST 9% 13,500.00",  # taxable value, rate and amount per head (46(k)-(m))
        "SGST 9% 13,500.00",
        "Security deposit 6,000.00 Not a supply",
        "Total (INR) ₹1,83,000.00",  # ₹ and Indian grouping
        "Rupees One Lakh Eighty-Three Thousand Only",  # total in words
        "For Sharma Estates LLP",  # signature (46(q))
        "Authorised Signatory",
    ):
        assert field in text, (field, text)
    assert "183,000" not in text and str(lease.id) not in text  # no international grouping, no UUID
    assert document.file_name == "Tax-Invoice-INV-26-27-000042.pdf"


def test_exempt_residential_rent_alone_is_a_bill_of_supply():
    lease = _lease("INR", "Tara Tenant", kind="residential")
    invoice = _invoice(lease, "INV/26-27/000043", InvoiceLine("Rent for December 2026", _m("45000"), ChargeType.RENT))
    text = _text(invoice_document(invoice, profile=IN_PROFILE, lease=lease, premises=MUMBAI))
    assert "Bill of Supply" in text and "Tax Invoice" not in text
    for field in (
        f"GSTIN: {SUPPLIER_GSTIN}",  # rule 49: supplier's name, address, GSTIN; recipient; SAC; value; signature
        "GSTIN: unregistered",
        "9972",
        "Exempt",
        "₹45,000.00",
        "Rupees Forty-Five Thousand Only",
        "Authorised Signatory",
    ):
        assert field in text, (field, text)


def test_a_canadian_invoice_has_what_an_input_tax_credit_needs():
    lease = _lease("CAD", "Northwind Traders Ltd.")
    hst = (InvoiceTax("HST", Decimal(13), _m("520", "CAD"), "supplier", "ON"),)
    invoice = _invoice(
        lease,
        "INV-2026-000007",
        InvoiceLine("Rent, December 2026", _m("4000", "CAD"), ChargeType.RENT, taxes=hst),
        InvoiceLine("Parking, December 2026", _m("150", "CAD"), ChargeType.OTHER, taxes=(
            InvoiceTax("HST", Decimal(13), _m("19.50", "CAD"), "supplier", "ON"),
        )),
    )  # fmt: skip
    text = _text(invoice_document(invoice, profile=CA_PROFILE, lease=lease, premises=TORONTO))
    for field in (
        "Invoice",
        "Maple Leasing Inc.",  # supplier's name and GST/HST number
        "GST/HST registration no.: 123456782RT0001",
        "1 December 2026",  # invoice date
        "Northwind Traders Ltd.",  # recipient
        "Terms Payment due by 7 December 2026",  # terms
        "HST (ON) 13% 4,150.00 539.50",  # tax per rate with the value it is charged on
        "Total (CAD) $4,689.50",
        "Four Thousand Six Hundred Eighty-Nine Canadian Dollars and Fifty Cents Only",
    ):
        assert field in text, (field, text)
    assert "Tax Invoice" not in text and "GSTIN" not in text and "SAC" not in text


def test_a_receipt_names_both_parties_the_invoices_and_the_amount_in_words():
    lease = _lease("INR", "Tara Tenant", TENANT_GSTIN)
    invoice = _invoice(lease, "INV/26-27/000042", InvoiceLine("Rent", _m("183000"), ChargeType.RENT))
    payment = Payment(
        organization_id=ORG,
        lease_id=lease.id,
        tenant_id=lease.tenant_id,
        amount=_m("168000"),
        method=PaymentMethod.BANK_TRANSFER,
        idempotency_key="k",
        request_fingerprint="f",
        created_at=AT,
        updated_at=AT,
        status=PaymentStatus.SUCCEEDED,
        reference="UTR 12345",
        receipt_number="RCPT/26-27/000009",
        received_at=AT,
        received_on=date(2026, 12, 5),
        allocations=[Allocation(invoice.id, _m("183000"))],
        tds=TdsDeduction(TdsDirection.RECEIVED, "rent", _m("183000"), section="194-I", amount=_m("15000")),
    )
    document = receipt_document(
        payment, invoices={invoice.id: invoice}, profile=IN_PROFILE, lease=lease, premises=MUMBAI
    )
    text = _text(document)
    for field in (
        "Receipt",
        "RCPT/26-27/000009",
        "5 December 2026",
        "Sharma Estates LLP",
        f"GSTIN: {SUPPLIER_GSTIN}",
        "Tara Tenant",
        f"GSTIN: {TENANT_GSTIN}",
        "Place of supply Maharashtra (27)",
        "Bank transfer",
        "UTR 12345",
        "INV/26-27/000042 1 December 2026 1,83,000.00",
        "TDS withheld by the tenant (section 194-I) 15,000.00",
        "Amount received (INR) ₹1,68,000.00",
        "Rupees One Lakh Sixty-Eight Thousand Only",
        "Authorised Signatory",
    ):
        assert field in text, (field, text)
    assert document.file_name == "Receipt-RCPT-26-27-000009.pdf"


def test_the_move_out_settlement_statement_itemises_the_deductions():
    lease = _lease("INR", "Tara Tenant")
    arrears = _invoice(lease, "INV/26-27/000050", InvoiceLine("Rent", _m("20000"), ChargeType.RENT))
    settlement = DepositSettlement(
        organization_id=ORG,
        lease_id=lease.id,
        tenant_id=lease.tenant_id,
        held=_m("250000"),
        deductions=(
            Deduction("Unpaid rent, January 2027", _m("20000"), DeductionKind.ARREARS),
            Deduction("Broken window pane", _m("4500"), DeductionKind.DAMAGES),
        ),
        refund=_m("225500"),
        refund_method=PaymentMethod.BANK_TRANSFER,
        settled_on=date(2027, 1, 31),
        created_at=AT,
        refund_reference="NEFT N031234",
        arrears_paid=[Allocation(arrears.id, _m("20000"))],
    )
    document = settlement_document(
        settlement, invoices={arrears.id: arrears}, profile=IN_PROFILE, lease=lease, premises=MUMBAI
    )
    text = _text(document)
    for field in (
        "Deposit Settlement Statement",
        "Shop 4B, Sea View Towers",
        "31 January 2027",
        "Unpaid rent, January 2027 Arrears 20,000.00",
        "Broken window pane Damages 4,500.00",
        "Deposit held 2,50,000.00",
        "Total deductions 24,500.00",
        "Refunded to the tenant (INR) ₹2,25,500.00",
        "Rupees Two Lakh Twenty-Five Thousand Five Hundred Only",
        "NEFT N031234",
        "INV/26-27/000050",
        "Authorised Signatory",
    ):
        assert field in text, (field, text)
    assert document.file_name == "Deposit-Settlement-Shop-4B-Sea-View-Towers-2027-01-31.pdf"


def test_the_heavy_drawing_module_loads_on_the_first_document_only():
    # A process that never prints never pays for fpdf2 and the fonts (run in a fresh interpreter).
    code = (
        "import sys, pmsaas.container; "
        "assert 'fpdf' not in sys.modules and 'pmsaas.adapters.documents.pdf_drawing' not in sys.modules"
    )
    import subprocess

    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_fonts_and_their_licence_ship_with_the_package():
    """A plain install copies data only where pyproject.toml lists it: the fonts must be listed."""
    import fnmatch
    import tomllib
    from pathlib import Path

    import pmsaas

    package = Path(pmsaas.__file__).resolve().parent
    patterns = tomllib.loads((package.parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]
    fonts = sorted((package / "adapters/documents/fonts").iterdir())
    assert {f.name for f in fonts} >= {"NotoSans-Regular.ttf", "NotoSansDevanagari-Regular.ttf", "OFL.txt"}
    for font in fonts:
        name = font.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(name, p) for p in patterns["package-data"]["pmsaas"]), name


def test_a_draft_says_so_and_a_cancelled_invoice_says_it_is_void():
    lease = _lease("INR", "Tara Tenant")
    draft = _invoice(lease, "", InvoiceLine("Rent", _m("45000"), ChargeType.RENT))
    draft.number = None
    document = invoice_document(draft, profile=IN_PROFILE, lease=lease, premises=MUMBAI)
    assert document.title == "Bill of Supply (draft)" and document.file_name == "Bill-of-Supply-draft.pdf"
    cancelled = _invoice(lease, "INV/26-27/000044", InvoiceLine("Rent", _m("45000"), ChargeType.RENT))
    cancelled.cancelled_at = datetime(2026, 12, 3, 10, tzinfo=UTC)
    assert "CANCELLED on 3 December 2026" in _text(
        invoice_document(cancelled, profile=IN_PROFILE, lease=lease, premises=MUMBAI)
    )

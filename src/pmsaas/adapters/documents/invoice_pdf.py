"""Invoice PDFs with fpdf2 (pure Python)."""

from __future__ import annotations

from fpdf import FPDF

from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.financial.ports import InvoiceRenderer, LeaseRef, OrganizationProfile


def _latin(text: str) -> str:
    # The core PDF fonts are Latin-1; anything else is replaced rather than failing the send.
    return text.encode("latin-1", "replace").decode("latin-1")


def _header_lines(invoice: Invoice, profile: OrganizationProfile, lease: LeaseRef) -> list[str]:
    """Who supplies whom, with the registrations a tax invoice must show (India: CGST rule 46)."""
    lines = [profile.name] if profile.name else []
    if profile.gstin:
        lines.append(f"GSTIN: {profile.gstin}")
    if profile.tax_registration_number:
        lines.append(f"GST/HST registration: {profile.tax_registration_number}")
    lines += [
        f"Issued: {invoice.issue_date.isoformat()}    Due: {invoice.due_date.isoformat()}",
        f"Bill to: {lease.tenant_name or ''} <{lease.tenant_email or ''}>",
    ]
    if lease.tenant_gstin:
        lines.append(f"Recipient GSTIN: {lease.tenant_gstin}")
    if profile.country == "IN":
        reverse = any(t.payable_by != "supplier" for line in invoice.lines for t in line.taxes)
        lines.append(f"Place of supply: {lease.property_region}    Reverse charge: {'Yes' if reverse else 'No'}")
    lines.append(f"Lease: {invoice.lease_id}")
    return lines


class FpdfInvoiceRenderer(InvoiceRenderer):
    def render(self, invoice: Invoice, *, profile: OrganizationProfile, lease: LeaseRef) -> bytes:
        pdf = FPDF(format="A4")
        title = "Tax Invoice" if profile.gstin else "Invoice"
        pdf.set_title(_latin(f"{title} {invoice.number}"))
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 16)
        pdf.cell(0, 10, _latin(f"{title} {invoice.number or '(draft)'}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for text in _header_lines(invoice, profile, lease):
            pdf.cell(0, 6, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(120, 7, "Description", border=1)
        pdf.cell(0, 7, f"Amount ({invoice.currency})", border=1, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        for line in invoice.lines:
            pdf.cell(120, 7, _latin(line.description[:70]), border=1)
            pdf.cell(0, 7, str(line.amount), border=1, align="R", new_x="LMARGIN", new_y="NEXT")
            for tax in line.taxes:
                who = "" if tax.payable_by == "supplier" else " (reverse charge: payable by recipient)"
                national = tax.tax in ("CGST", "IGST", "GST")
                name = f"{tax.tax}-{tax.jurisdiction}" if tax.jurisdiction and not national else tax.tax
                pdf.cell(120, 7, _latin(f"   {name} {tax.rate.normalize():f}%{who}"), border=1)
                pdf.cell(0, 7, str(tax.amount), border=1, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 10)
        figures = [("Subtotal", invoice.subtotal), ("Tax", invoice.tax_total)]
        if invoice.round_off is not None and invoice.round_off.amount != 0:
            figures.append(("Round off", invoice.round_off))
        figures.append(("Total", invoice.total))
        for label, money in figures:
            pdf.cell(120, 7, label, border=1)
            pdf.cell(0, 7, f"{money} {invoice.currency}", border=1, align="R", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())

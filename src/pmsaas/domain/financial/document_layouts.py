"""The content of the financial documents, built from the records: a tax invoice or bill of supply
(India: CGST rules 46 and 49), an invoice with what Canada's input tax credits need (GST/HST
Memorandum 8-4), a payment receipt (rule 50's particulars for the money received) and the
move-out settlement statement of a deposit. Pure; docs/documents.md maps each field to its rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.financial.credit_notes import CreditNote
from pmsaas.domain.financial.deposit_settlement import DepositSettlement
from pmsaas.domain.financial.gstr1_tables import sac_code
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceTax, Payment
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import LeaseRef, OrganizationProfile, Premises
from pmsaas.domain.shared import document_text as T
from pmsaas.domain.shared.documents import Document, Party, Table
from pmsaas.domain.shared.money import Money

_METHODS = {"upi": "UPI", "bank_transfer": "Bank transfer", "interac": "Interac e-Transfer"}
_NATIONAL = frozenset({"CGST", "SGST", "UTGST", "IGST", "GST"})


def supplier(profile: OrganizationProfile, heading: str = "Supplier") -> Party:
    address = tuple(line.strip() for line in (profile.address or "").splitlines() if line.strip())
    details: list[str] = []
    if profile.country == "IN":
        if profile.gstin:
            details.append(f"GSTIN: {profile.gstin}")
        elif profile.pan_number:
            details.append(f"PAN: {profile.pan_number}")
        state = T.state_label(profile.gstin or profile.province)
        if state:
            details.append(f"State: {state}")
    elif profile.tax_registration_number:
        details.append(f"GST/HST registration no.: {profile.tax_registration_number}")
    return Party(heading, profile.name, address, tuple(details))


def recipient(lease: LeaseRef, premises: Premises, country: str, heading: str = "Recipient") -> Party:
    details: list[str] = []
    region = None
    if country == "IN":
        details.append(f"GSTIN: {lease.tenant_gstin}" if lease.tenant_gstin else "GSTIN: unregistered")
        state = T.state_label(lease.tenant_gstin or premises.region)
        if state:
            details.append(f"State: {state}")
        region = T.state_name(premises.region)
    return Party(heading, lease.tenant_name or "Tenant", premises.lines(region), tuple(details))


def _head(tax: InvoiceTax) -> str:
    name = tax.tax if tax.tax in _NATIONAL or not tax.jurisdiction else f"{tax.tax} ({tax.jurisdiction})"
    return name if tax.payable_by == "supplier" else f"{name} (reverse charge)"


def _rate(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


def _untaxed(line: InvoiceLine, country: str) -> str:
    if line.charge_type == ChargeType.DEPOSIT:
        return "Not a supply"
    return "Exempt" if country in ("IN", "CA") else "No tax"


def _line_rows(index: int, line: InvoiceLine, country: str) -> list[tuple[str, ...]]:
    sac = "" if line.charge_type == ChargeType.DEPOSIT else sac_code(line)  # as the HSN summary (table 12)
    first = [str(index), line.description, *([sac] if country == "IN" else []), T.format_money(line.amount)]
    taxes = [t for t in line.taxes if t.rate > 0]
    if not taxes:
        return [(*first, _untaxed(line, country), "", "")]
    blank = [""] * len(first)
    return [
        (*(first if i == 0 else blank), _head(t), _rate(t.rate), T.format_money(t.amount)) for i, t in enumerate(taxes)
    ]


def _tax_by_rate(invoice: Invoice | CreditNote) -> tuple[tuple[str, ...], ...]:
    """Each tax head at each rate with the value it was charged on (CRA: the tax per rate)."""
    sums: dict[tuple[str, Decimal], tuple[Money, Money]] = {}
    lines = invoice.lines if isinstance(invoice, Invoice) else [x.as_invoice_line() for x in invoice.lines]
    for line in lines:
        for t in line.taxes:
            if t.rate <= 0:
                continue
            base, tax = sums.get((_head(t), t.rate), (Money.zero(invoice.currency), Money.zero(invoice.currency)))
            sums[(_head(t), t.rate)] = (base + line.amount, tax + t.amount)
    return tuple(
        (head, _rate(rate), T.format_money(base), T.format_money(tax)) for (head, rate), (base, tax) in sums.items()
    )


def invoice_document(
    invoice: Invoice, *, profile: OrganizationProfile, lease: LeaseRef, premises: Premises
) -> Document:
    country = profile.country
    rates = [t.rate for line in invoice.lines for t in line.taxes]
    kind = T.invoice_title(country=country, gst_registered=profile.gst_registered, tax_rates=rates)
    title = kind if invoice.number else f"{kind} (draft)"  # a draft has no serial number yet
    number = invoice.number or "Draft"
    facts = [("Invoice no.", number), ("Invoice date", T.long_date(invoice.issue_date))]
    facts.append(("Terms", f"Payment due by {T.long_date(invoice.due_date)}"))
    if invoice.service_period:
        facts.append(("Service period", invoice.service_period))
    if country == "IN":
        reverse = any(t.payable_by != "supplier" and t.rate > 0 for line in invoice.lines for t in line.taxes)
        facts.append(("Place of supply", T.state_label(premises.region) or premises.region))
        facts.append(("Reverse charge", "Yes" if reverse else "No"))
    sac = ("SAC",) if country == "IN" else ()
    lines = Table(
        columns=("#", "Description", *sac, "Taxable value", "Tax", "Rate", "Tax amount"),
        widths=(8, 57, *((12,) if sac else ()), 24, 24, 12, 22),
        numeric=(False, False, *((False,) if sac else ()), True, False, True, True),
        rows=tuple(row for i, line in enumerate(invoice.lines, 1) for row in _line_rows(i, line, country)),
    )
    tables = [lines]
    by_rate = _tax_by_rate(invoice)
    if by_rate:
        tables.append(
            Table(
                columns=("Tax", "Rate", "Taxable value", "Tax amount"),
                widths=(40, 15, 25, 25),
                numeric=(False, True, True, True),
                rows=by_rate,
                heading="Tax by rate",
            )
        )
    totals = [("Total before tax", T.format_money(invoice.subtotal)), ("Total tax", T.format_money(invoice.tax_total))]
    if invoice.round_off is not None and invoice.round_off.amount != 0:
        totals.append(("Round off", T.format_money(invoice.round_off)))
    totals.append((f"Total ({invoice.currency})", T.format_money(invoice.total, symbol=True)))
    notes = [invoice.notes] if invoice.notes else []
    if invoice.cancelled_at is not None:
        cancelled_on = local_today(profile.time_zone, invoice.cancelled_at)
        notes.insert(0, f"CANCELLED on {T.long_date(cancelled_on)}: this invoice is void.")
    if any(line.charge_type == ChargeType.DEPOSIT for line in invoice.lines):
        notes.append("The security deposit is refundable: it is not consideration for a supply and bears no tax.")
    if title.startswith("Bill of Supply"):
        notes.append("No GST is charged on the supplies in this bill (CGST Rules, rule 49).")
    return Document(
        title=title,
        number=number,
        file_name=T.file_name(kind, invoice.number),
        facts=tuple(facts),
        parties=(supplier(profile), recipient(lease, premises, country)),
        tables=tuple(tables),
        totals=tuple(totals),
        in_words=T.amount_in_words(invoice.total),
        notes=tuple(notes),
        signatory=profile.name,
    )


def receipt_document(
    payment: Payment,
    *,
    invoices: Mapping[UUID, Invoice],
    profile: OrganizationProfile,
    lease: LeaseRef,
    premises: Premises,
) -> Document:
    """The receipt of a settled payment: who paid whom, how much (in figures and words), how, and
    which invoices it settled."""
    assert payment.receipt_number is not None and payment.received_at is not None
    received_on = payment.received_on or local_today(profile.time_zone, payment.received_at)
    method = _METHODS.get(payment.method.value, payment.method.value.replace("_", " ").capitalize())
    facts = [("Receipt no.", payment.receipt_number), ("Date received", T.long_date(received_on))]
    facts.append(("Payment method", method))
    if payment.reference:
        facts.append(("Reference", payment.reference))
    if profile.country == "IN":
        facts.append(("Place of supply", T.state_label(premises.region) or premises.region))
    rows = []
    for a in payment.allocations:
        invoice = invoices.get(a.invoice_id)
        number = invoice.number if invoice and invoice.number else "(cancelled invoice)"
        day = T.long_date(invoice.issue_date) if invoice else ""
        rows.append((number, day, T.format_money(a.amount)))
    if payment.unallocated.amount > 0:
        rows.append(("Advance: credit on account", "", T.format_money(payment.unallocated)))
    table = Table(("Applied to", "Invoice date", "Amount"), (50, 30, 25), (False, False, True), tuple(rows))
    totals = []
    if payment.tds is not None and payment.tds_amount.amount > 0:
        section = f" (section {payment.tds.section})" if payment.tds.section else ""
        totals.append((f"TDS withheld by the tenant{section}", T.format_money(payment.tds_amount)))
        totals.append(("Total credited to the tenant", T.format_money(payment.gross)))
    if payment.amount_refunded.amount > 0:
        totals.append(("Refunded since", T.format_money(payment.amount_refunded)))
    totals.append((f"Amount received ({payment.amount.currency})", T.format_money(payment.amount, symbol=True)))
    title = "Receipt"
    return Document(
        title=title,
        number=payment.receipt_number,
        file_name=T.file_name(title, payment.receipt_number),
        facts=tuple(facts),
        parties=(
            supplier(profile, "Received by"),
            recipient(lease, premises, profile.country, "Received from"),
        ),
        tables=(table,),
        totals=tuple(totals),
        in_words=T.amount_in_words(payment.amount),
        signatory=profile.name,
    )


def settlement_document(
    settlement: DepositSettlement,
    *,
    invoices: Mapping[UUID, Invoice],
    profile: OrganizationProfile,
    lease: LeaseRef,
    premises: Premises,
) -> Document:
    """The move-out statement: the deposit held, each deduction and why, what went back."""
    where = premises.lines()[0]
    facts = [("Premises", where), ("Settled on", T.long_date(settlement.settled_on))]
    facts.append(("Refund method", _METHODS.get(settlement.refund_method.value, settlement.refund_method.value)))
    if settlement.refund_reference:
        facts.append(("Refund reference", settlement.refund_reference))
    rows = tuple((d.description, d.kind.value.capitalize(), T.format_money(d.amount)) for d in settlement.deductions)
    table = Table(("Deduction", "Kind", "Amount"), (60, 20, 25), (False, False, True), rows or (("None", "", ""),))
    notes = [settlement.notes] if settlement.notes else []
    for a in settlement.arrears_paid:
        invoice = invoices.get(a.invoice_id)
        number = invoice.number if invoice and invoice.number else "an invoice"
        notes.append(f"Arrears deduction applied to {number}: {T.format_money(a.amount, symbol=True)}")
    currency = settlement.held.currency
    title = "Deposit Settlement Statement"
    return Document(
        title=title,
        number="",
        file_name=T.file_name("Deposit Settlement", f"{where} {settlement.settled_on.isoformat()}"),
        facts=tuple(facts),
        parties=(supplier(profile, "Landlord"), recipient(lease, premises, profile.country, "Tenant")),
        tables=(table,),
        totals=(
            ("Deposit held", T.format_money(settlement.held)),
            ("Total deductions", T.format_money(settlement.deducted)),
            (f"Refunded to the tenant ({currency})", T.format_money(settlement.refund, symbol=True)),
        ),
        in_words=T.amount_in_words(settlement.refund),
        notes=tuple(notes),
        signatory=profile.name,
    )


def credit_note_document(
    note: CreditNote, *, profile: OrganizationProfile, lease: LeaseRef, premises: Premises
) -> Document:
    """A credit note with CGST rule 53(1A)'s particulars: supplier and recipient (name, address,
    GSTIN, State and code), "Credit Note", its serial number and date, the number and date of the
    invoice it corrects, per line the taxable value and the tax per head and rate credited, the
    signature block; the reason. Drawn by the invoice renderer."""
    country = profile.country
    facts = [("Credit note no.", note.number), ("Credit note date", T.long_date(note.issue_date))]
    facts.append(("Against invoice", f"{note.invoice_number} of {T.long_date(note.invoice_date)}"))
    facts.append(("Reason", note.reason))
    if country == "IN":
        reverse = any(t.payable_by != "supplier" and t.rate > 0 for x in note.lines for t in x.taxes)
        facts.append(("Place of supply", T.state_label(premises.region) or premises.region))
        facts.append(("Reverse charge", "Yes" if reverse else "No"))
    sac = ("SAC",) if country == "IN" else ()
    lines = Table(
        columns=("#", "Description", *sac, "Taxable value", "Tax", "Rate", "Tax amount"),
        widths=(8, 57, *((12,) if sac else ()), 24, 24, 12, 22),
        numeric=(False, False, *((False,) if sac else ()), True, False, True, True),
        rows=tuple(row for x in note.lines for row in _line_rows(x.line + 1, x.as_invoice_line(), country)),
        heading="Credited (invoice line, value and tax reversed)",
    )
    tables = [lines]
    by_rate = _tax_by_rate(note)
    if by_rate:
        tables.append(
            Table(("Tax", "Rate", "Taxable value", "Tax amount"), (40, 15, 25, 25), (False, True, True, True), by_rate)
        )
    totals = (
        ("Taxable value credited", T.format_money(note.subtotal)),
        ("Tax credited", T.format_money(note.tax_total)),
        (f"Total credited ({note.currency})", T.format_money(note.total, symbol=True)),
    )
    title = "Credit Note"
    return Document(
        title=title,
        number=note.number,
        file_name=T.file_name(title, note.number),
        facts=tuple(facts),
        parties=(supplier(profile), recipient(lease, premises, country)),
        tables=tuple(tables),
        totals=totals,
        in_words=T.amount_in_words(note.total),
        notes=(f"Issued under section 34 of the CGST Act, 2017 against invoice {note.invoice_number}.",)
        if country == "IN"
        else (f"Reduces the amount and the tax of invoice {note.invoice_number}.",),
        signatory=profile.name,
    )

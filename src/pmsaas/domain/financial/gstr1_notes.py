"""GSTR-1 table 9B (credit notes) and the netting of credit notes elsewhere in the return. Pure.

A credit note (CGST Act s.34) is reported in the return of the month it is issued in, by what the
invoice it corrects was:

* the recipient has a GSTIN: table 9B CDNR, per note and rate (``rchrg`` as on the invoice);
* no GSTIN, the invoice was B2C large (table 5): table 9B CDNUR with ``typ: "B2CL"``;
* no GSTIN, the invoice was B2C small (table 7): no 9B row; table 7 of the month is reported net
  of it (the portal takes B2CS as a net figure per place of supply and rate);
* an exempt or nil line credited (no tax to reverse): table 8 of the month is net of it; an untyped
  line (no supply the return asks for) comes off ``outside`` as it went in.

Table 12 (HSN) is net of every note: its figures are the period's supplies after credit notes.
GSTR-3B 3.1(a) takes the 9B CDNR (forward charge) and CDNUR values and tax off (``gstr3b.py``).
"""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.financial.credit_notes import CreditNote
from pmsaas.domain.financial.gstr1 import Recipient
from pmsaas.domain.financial.gstr1_tables import (
    Gstr1Tables,
    NoteRow,
    TaxSums,
    _hsn,
    _inter,
    _rate,
    _value_minor,
    b2cl_limit_minor,
)
from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.shared.indian_states import gst_code


def net_credit_notes(
    out: Gstr1Tables,
    notes: list[CreditNote],
    invoices: dict[UUID, Invoice],
    places: dict[UUID, Recipient],
    supplier_code: str,
) -> None:
    for note in sorted(notes, key=lambda n: (n.issue_date, n.number)):
        who, invoice = places.get(note.lease_id), invoices.get(note.invoice_id)
        if who is None or invoice is None:
            continue
        pos = gst_code(who.property_region) or ""
        registered = bool(who.gstin)
        large = not registered and invoice_was_b2cl(invoice, supplier_code, pos)
        row: NoteRow | None = None
        for credited in note.lines:
            line = credited.as_invoice_line()
            inter = _inter(line, supplier_code, pos)
            if not line.taxes and line.supply_type is None:
                out.outside_minor -= line.amount.minor
                continue
            _hsn(out, line, "B2B" if registered else "B2C", -1)
            if not line.taxes or all(t.rate == 0 for t in line.taxes):
                nil = out.nil[("INTR" if inter else "INTRA") + ("B2B" if registered else "B2C")]
                if line.taxes:
                    nil.nil_minor -= line.amount.minor
                else:
                    nil.exempt_minor -= line.amount.minor
                continue
            reverse = any(t.payable_by == "recipient" for t in line.taxes)
            if reverse:
                out.reverse_charge_minor -= line.amount.minor
            if not registered and not large:
                out.b2cs.setdefault(("INTER" if inter else "INTRA", pos, _rate(line)), TaxSums()).add(line, -1)
                continue
            if row is None:
                row = NoteRow(
                    note.id,
                    note.number,
                    note.issue_date,
                    note.invoice_number,
                    note.invoice_date,
                    who.gstin if registered else "",
                    who.name if registered else "",
                    pos,
                    reverse,
                    note.total.minor,
                )
                (out.cdnr if registered else out.cdnur).append(row)
            row.by_rate.setdefault(_rate(line), TaxSums()).add(line)


def invoice_was_b2cl(invoice: Invoice, supplier_code: str, pos: str) -> bool:
    """Table 5's test on the invoice itself: inter-State and its value above the limit of its date."""
    inter = any(_inter(line, supplier_code, pos) for line in invoice.lines if line.taxes)
    return inter and _value_minor(invoice) > b2cl_limit_minor(invoice.issue_date)

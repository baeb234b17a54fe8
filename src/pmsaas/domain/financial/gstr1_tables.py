"""GSTR-1 beyond table 4 (B2B), from the issued invoices. Pure.

Every line of an issued invoice (not a draft, not cancelled, not a security deposit) falls in one
place of the return, decided by its recipient and its tax lines:

* the recipient has a GSTIN: table 4 (B2B, ``gstr1.b2b_rows``; reverse charge flagged there);
* no GSTIN and the supplier charges tax: table 5 (B2C large) when the supply is inter-State and the
  invoice value is above the limit in force on the invoice date, else table 7 (B2C small), summed
  per place of supply and rate;
* no tax line at all and a supply type (exempt residential rent, a society's exempt contributions):
  table 8, exempt, per inter/intra-State and registered/unregistered recipient; a tax line at 0 %
  would be nil rated (the engine writes none today);
* no tax line and no supply type (late fees the engine treats as damages, untyped charges): no
  supply the return asks for; counted in ``outside`` so the sums still reach the invoices.

Table 12 (HSN/SAC summary) sums every reported line per SAC and rate, split B2B / B2C as the portal
asks from May 2025. Inter-State: the line carries IGST; for a line with no tax, the supplier's
State differs from the place of supply (the property's State, IGST Act s.12(3)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.financial.gstr1 import Recipient
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus
from pmsaas.domain.shared.indian_states import gst_code

# Table 5's limit on the invoice value, by the invoice date (rule 59(4)(a)(ii)): Rs 2.5 lakh, Rs 1 lakh
# from 1 August 2024 (Notification 12/2024-Central Tax).
B2CL_LIMITS: tuple[tuple[date, int], ...] = ((date(2017, 7, 1), 250_000_00), (date(2024, 8, 1), 100_000_00))
# SAC per supply type: 9972 real-estate services (renting, fee-based management), 9963 accommodation,
# 9987 maintenance and repair, 9995 a membership organisation's services to its members.
SAC = {
    "residential_rent": "9972",
    "commercial_rent": "9972",
    "property_management_fee": "9972",
    "short_stay_accommodation": "9963",
    "repair_service": "9987",
    "society_maintenance": "9995",
}
NIL_KINDS = ("INTRB2B", "INTRAB2B", "INTRB2C", "INTRAB2C")


def sac_code(line: InvoiceLine) -> str:
    """The line's SAC by its supply type (9972 when it has none): the same on the invoice and in table 12."""
    return SAC.get(line.supply_type or "", "9972")


def _head(tax: str) -> str:
    return "SGST" if tax.upper() in ("SGST", "UTGST") else tax.upper()  # UTGST goes in the SGST column


def b2cl_limit_minor(on: date) -> int:
    limit = B2CL_LIMITS[0][1]
    for since, minor in B2CL_LIMITS:
        if on >= since:
            limit = minor
    return limit


@dataclass
class TaxSums:
    taxable_minor: int = 0
    igst_minor: int = 0
    cgst_minor: int = 0
    sgst_minor: int = 0
    cess_minor: int = 0

    def add(self, line: InvoiceLine, sign: int = 1) -> None:
        """``sign=-1``: a credit note's line, taken off."""
        self.taxable_minor += sign * line.amount.minor
        for t in line.taxes:
            head = _head(t.tax)
            if head == "IGST":
                self.igst_minor += sign * t.amount.minor
            elif head == "CGST":
                self.cgst_minor += sign * t.amount.minor
            elif head == "SGST":
                self.sgst_minor += sign * t.amount.minor
            else:
                self.cess_minor += sign * t.amount.minor

    @property
    def tax_minor(self) -> int:
        return self.igst_minor + self.cgst_minor + self.sgst_minor + self.cess_minor


@dataclass
class B2clInvoice:
    place_of_supply: str
    invoice_id: UUID
    invoice_number: str
    invoice_date: date
    invoice_value_minor: int
    by_rate: dict[Decimal, TaxSums] = field(default_factory=dict)


@dataclass
class NoteRow:
    """A credit note in table 9B: per rate, the taxable value and tax it takes off."""

    note_id: UUID
    note_number: str
    note_date: date
    invoice_number: str
    invoice_date: date
    recipient_gstin: str  # empty for CDNUR
    recipient_name: str
    place_of_supply: str
    reverse_charge: bool
    note_value_minor: int
    by_rate: dict[Decimal, TaxSums] = field(default_factory=dict)


@dataclass
class NilRow:
    kind: str  # INTRB2B | INTRAB2B | INTRB2C | INTRAB2C
    nil_minor: int = 0
    exempt_minor: int = 0
    non_gst_minor: int = 0


@dataclass
class Gstr1Tables:
    b2cl: list[B2clInvoice]
    b2cs: dict[tuple[str, str, Decimal], TaxSums]  # (INTRA|INTER, place of supply, rate)
    nil: dict[str, NilRow]
    hsn: dict[tuple[str, str, Decimal], TaxSums]  # (B2B|B2C, SAC, rate)
    hsn_value_minor: dict[tuple[str, str, Decimal], int]
    outside_minor: int  # lines no table asks for (late fees, untyped charges)
    reverse_charge_minor: int  # taxable value of table 4B lines (tax payable by the recipient)
    cdnr: list[NoteRow] = field(default_factory=list)  # table 9B, registered recipients (gstr1_notes.py)
    cdnur: list[NoteRow] = field(default_factory=list)  # table 9B, unregistered: notes on B2CL invoices


def _rate(line: InvoiceLine) -> Decimal:
    rate = sum((t.rate for t in line.taxes if _head(t.tax) != "CESS"), Decimal(0))
    return rate.normalize() if rate else Decimal(0)


def _inter(line: InvoiceLine, supplier_code: str, pos: str) -> bool:
    if line.taxes:
        return any(_head(t.tax) == "IGST" for t in line.taxes)
    return bool(supplier_code) and bool(pos) and supplier_code != pos


def _value_minor(inv: Invoice) -> int:
    deposits = sum(line.amount.minor for line in inv.lines if line.charge_type == ChargeType.DEPOSIT)
    return inv.total.minor - deposits


def tables(invoices: list[Invoice], places: dict[UUID, Recipient], supplier_code: str) -> Gstr1Tables:
    """``places``: every lease's recipient (``gstin`` empty when unregistered) and property State."""
    out = Gstr1Tables([], {}, {k: NilRow(k) for k in NIL_KINDS}, {}, {}, 0, 0)
    for inv in sorted(invoices, key=lambda i: (i.issue_date, i.number or "")):
        who = places.get(inv.lease_id)
        if who is None or inv.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
            continue
        pos = gst_code(who.property_region) or ""
        registered = bool(who.gstin)
        large: B2clInvoice | None = None
        for line in inv.lines:
            if line.charge_type == ChargeType.DEPOSIT:
                continue
            inter = _inter(line, supplier_code, pos)
            if not line.taxes and line.supply_type is None:
                out.outside_minor += line.amount.minor
                continue
            _hsn(out, line, "B2B" if registered else "B2C")
            if not line.taxes or all(t.rate == 0 for t in line.taxes):
                row = out.nil[("INTR" if inter else "INTRA") + ("B2B" if registered else "B2C")]
                if line.taxes:
                    row.nil_minor += line.amount.minor
                else:
                    row.exempt_minor += line.amount.minor
                continue
            if registered:
                if any(t.payable_by == "recipient" for t in line.taxes):
                    out.reverse_charge_minor += line.amount.minor
                continue  # table 4: gstr1.b2b_rows
            value = _value_minor(inv)
            if inter and value > b2cl_limit_minor(inv.issue_date):
                if large is None:
                    large = B2clInvoice(pos, inv.id, inv.number or "", inv.issue_date, value)
                    out.b2cl.append(large)
                large.by_rate.setdefault(_rate(line), TaxSums()).add(line)
            else:
                out.b2cs.setdefault(("INTER" if inter else "INTRA", pos, _rate(line)), TaxSums()).add(line)
    return out


def _hsn(out: Gstr1Tables, line: InvoiceLine, tab: str, sign: int = 1) -> None:
    key = (tab, sac_code(line), _rate(line))
    out.hsn.setdefault(key, TaxSums()).add(line, sign)
    charged = sum(t.amount.minor for t in line.taxes if t.payable_by == "supplier")
    out.hsn_value_minor[key] = out.hsn_value_minor.get(key, 0) + sign * (line.amount.minor + charged)

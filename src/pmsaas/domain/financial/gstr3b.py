"""GSTR-3B tables 3.1 and 4 from the GSTR-1 figures and the approved vendor bills. Pure.

* 3.1(a) outward taxable supplies: every line whose tax the supplier charges (tables 4A, 5, 7 of
  GSTR-1) less the credit notes of the month on them (9B CDNR on forward charge, CDNUR; table 7
  is already net); a supply on reverse charge (4B) is not here, its tax is the recipient's; plus
  the advances received and not adjusted in the month (11A), less the earlier advances adjusted
  against its invoices (11B), whose tax was paid when they were received (CGST s.13(2)). The
  ledger posts no tax on an advance, so 3.1(a) = the month's ``tax_payable`` movements + 11A - 11B;
* 3.1(c) nil rated and exempt: GSTR-1 table 8's nil and exempt values;
* 3.1(e) non-GST outward supplies: table 8's non-GST value;
* 3.1(d) inward supplies on reverse charge: the bills whose tax the organization pays itself, their
  value and that tax (posted to ``rcm_payable:<head>``);
* 4(A)(3) ITC on inward supplies on reverse charge and 4(A)(5) all other ITC: the tax of the bills
  (posted to ``input_tax:<head>`` when claimable); 4(B)(1) reverses the credits the bills mark not
  claimable (blocked credits, CGST s.17(5)); 4(C) net ITC = 4(A) - 4(B).

Heads as the form has them: IGST, CGST, SGST (UTGST in the same column) and cess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pmsaas.domain.financial.gstr1_advances import AdvanceTables
from pmsaas.domain.financial.gstr1_tables import Gstr1Tables, TaxSums
from pmsaas.domain.financial.report_ports import BillTax


@dataclass
class HeadSums:
    igst_minor: int = 0
    cgst_minor: int = 0
    sgst_minor: int = 0
    cess_minor: int = 0

    def add(self, head: str, minor: int) -> None:
        name = {"UTGST": "sgst"}.get(head, head.lower())
        setattr(self, f"{name}_minor", getattr(self, f"{name}_minor") + minor)

    def minus(self, other: HeadSums) -> HeadSums:
        return HeadSums(
            self.igst_minor - other.igst_minor,
            self.cgst_minor - other.cgst_minor,
            self.sgst_minor - other.sgst_minor,
            self.cess_minor - other.cess_minor,
        )


@dataclass
class Gstr3b:
    outward_taxable: TaxSums  # 3.1(a)
    nil_exempt_minor: int  # 3.1(c)
    non_gst_minor: int  # 3.1(e)
    inward_reverse_charge: TaxSums  # 3.1(d)
    itc_reverse_charge: HeadSums = field(default_factory=HeadSums)  # 4(A)(3)
    itc_other: HeadSums = field(default_factory=HeadSums)  # 4(A)(5)
    itc_reversed: HeadSums = field(default_factory=HeadSums)  # 4(B)(1)

    @property
    def itc_net(self) -> HeadSums:  # 4(C)
        total = HeadSums()
        for part in (self.itc_reverse_charge, self.itc_other):
            for head in ("IGST", "CGST", "SGST", "CESS"):
                total.add(head, getattr(part, f"{head.lower()}_minor"))
        return total.minus(self.itc_reversed)


def outward_taxable(tables: Gstr1Tables, b2b_forward: list[TaxSums], advances: AdvanceTables | None = None) -> TaxSums:
    total = TaxSums()
    parts = [*b2b_forward, *tables.b2cs.values(), *(s for inv in tables.b2cl for s in inv.by_rate.values())]
    notes = [n for n in tables.cdnr if not n.reverse_charge] + tables.cdnur
    credited = [s for n in notes for s in n.by_rate.values()]
    if advances is not None:
        parts += [row.sums for row in advances.received.values()]
        credited += [row.sums for row in advances.adjusted.values()]
    for sign, group in ((1, parts), (-1, credited)):
        for s in group:
            total.taxable_minor += sign * s.taxable_minor
            total.igst_minor += sign * s.igst_minor
            total.cgst_minor += sign * s.cgst_minor
            total.sgst_minor += sign * s.sgst_minor
            total.cess_minor += sign * s.cess_minor
    return total


def gstr3b(
    tables: Gstr1Tables, b2b_forward: list[TaxSums], bills: list[BillTax], advances: AdvanceTables | None = None
) -> Gstr3b:
    nil = sum(n.nil_minor + n.exempt_minor for n in tables.nil.values())
    non_gst = sum(n.non_gst_minor for n in tables.nil.values())
    out = Gstr3b(outward_taxable(tables, b2b_forward, advances), nil, non_gst, TaxSums())
    for bill in bills:
        tax = bill.input_tax
        if tax.reverse_charge:
            out.inward_reverse_charge.taxable_minor += bill.amount.minor
        credit = out.itc_reverse_charge if tax.reverse_charge else out.itc_other
        for line in tax.lines:
            head = "SGST" if line.tax == "UTGST" else line.tax
            if tax.reverse_charge:
                _add_head(out.inward_reverse_charge, head, line.amount.minor)
            credit.add(head, line.amount.minor)
            if not tax.claimable:
                out.itc_reversed.add(head, line.amount.minor)
    return out


def _add_head(sums: TaxSums, head: str, minor: int) -> None:
    name = {"IGST": "igst", "CGST": "cgst", "SGST": "sgst"}.get(head, "cess")
    setattr(sums, f"{name}_minor", getattr(sums, f"{name}_minor") + minor)

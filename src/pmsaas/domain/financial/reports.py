"""Tax returns from the issued invoices (whose postings are the ledger's tax-payable accounts). Pure.

Per month of issue date: taxable value (lines with tax the supplier charges), exempt value (lines
with no tax at all: exempt rent, and in India its late fee, which follows the rent), reverse-charge
value (lines whose tax the recipient pays), and the tax per head the supplier charged; less the
credit notes issued in the month (the same classification, as GSTR-1 9B and 3B 3.1 net them).
Cancelled invoices are left out (their postings were reversed); drafts
are not supplies yet.

``tax`` is the exact sum of the invoices' heads (paise); ``tax_payable`` is what is paid per head:
in India each head's monthly sum rounded to the nearest rupee, 50 paise or more up (CGST s.170,
docs/tax-rules.md §2.6: the consolidated payment is rounded, whatever the invoices did). Elsewhere it is
the exact sum (no such rule modelled). An invoice's own round-off (``Invoice.round_off``) is not
tax and not a supply: it is in no figure of the return. Nor is a security deposit line: a deposit is
held for the tenant, not consideration for a supply, so it is neither taxable nor exempt turnover.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from pmsaas.domain.financial.credit_notes import CreditNote
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus
from pmsaas.domain.shared.money import Money, round_half_up


@dataclass
class TaxReturnRow:
    period: str  # YYYY-MM
    currency: str
    invoices: int = 0
    taxable_value: int = 0  # minor units
    exempt_value: int = 0
    reverse_charge_value: int = 0
    tax: dict[str, int] = field(default_factory=dict)  # head -> minor units

    def money(self, minor: int) -> Money:
        return Money.from_minor(minor, self.currency)

    @property
    def tax_payable(self) -> dict[str, int]:
        """Head -> minor units payable: rounded to the rupee in India (s.170), exact elsewhere."""
        return {head: payable_minor(minor, self.currency) for head, minor in self.tax.items()}


def payable_minor(minor: int, currency: str) -> int:
    """Tax payable per CGST s.170 for INR (nearest rupee, >= 0.50 up); other currencies unchanged."""
    if currency != "INR":
        return minor
    money = Money.from_minor(minor, currency)
    return Money(round_half_up(money.amount, 0), currency).minor


def tax_return(
    invoices: list[Invoice], periods: list[str], currency: str, notes: Sequence[CreditNote] = ()
) -> list[TaxReturnRow]:
    """``notes``: credit notes, taken off the month they are issued in (as GSTR-1 and 3B do)."""
    rows = {p: TaxReturnRow(p, currency) for p in periods}
    for inv in invoices:
        if inv.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
            continue
        row = rows.get(inv.issue_date.strftime("%Y-%m"))
        if row is None:
            continue
        row.invoices += 1
        for line in inv.lines:
            _add(row, line, 1)
    for note in notes:
        month = rows.get(note.issue_date.strftime("%Y-%m"))
        if month is None:
            continue
        for x in note.lines:
            _add(month, x.as_invoice_line(), -1)
    return [rows[p] for p in periods]


def _add(row: TaxReturnRow, line: InvoiceLine, sign: int) -> None:
    if line.charge_type == ChargeType.DEPOSIT:
        return  # a refundable security deposit is not a supply (docs/financial.md): no value here
    supplier = [t for t in line.taxes if t.payable_by == "supplier"]
    recipient = [t for t in line.taxes if t.payable_by == "recipient"]
    if supplier:
        row.taxable_value += sign * line.amount.minor
    elif recipient:
        row.reverse_charge_value += sign * line.amount.minor
    else:
        row.exempt_value += sign * line.amount.minor
    for t in supplier:
        row.tax[t.tax] = row.tax.get(t.tax, 0) + sign * t.amount.minor


def to_csv(rows: list[TaxReturnRow]) -> str:
    heads = sorted({h for r in rows for h in r.tax})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "period",
            "currency",
            "invoices",
            "taxable_value",
            "exempt_value",
            "reverse_charge_value",
            *heads,
            *(f"{h}_payable" for h in heads),
        ]
    )
    for r in rows:
        writer.writerow(
            [
                r.period,
                r.currency,
                r.invoices,
                str(r.money(r.taxable_value)),
                str(r.money(r.exempt_value)),
                str(r.money(r.reverse_charge_value)),
                *(str(r.money(r.tax.get(h, 0))) for h in heads),
                *(str(r.money(payable_minor(r.tax.get(h, 0), r.currency))) for h in heads),
            ]
        )
    return out.getvalue()

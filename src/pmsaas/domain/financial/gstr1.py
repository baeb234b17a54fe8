"""GSTR-1 table 4 (B2B) rows from the issued invoices. Pure.

One row per invoice and tax rate, as the GST portal's B2B sheet has it: the recipient's GSTIN and
name, invoice number, date and value, place of supply (the GST State code of the property: for
renting of immovable property the place of supply is where the property is, IGST Act s.12(3)(a)),
reverse charge Y/N, rate, taxable value and the tax of each head (IGST, CGST, SGST/UTGST, cess).

Only invoices to a registered recipient (a tenant with a GSTIN) are B2B. Left out: drafts and
cancelled invoices (cancelled ones were reversed in the ledger), security deposit lines (not a
supply), lines that carry no tax at all (exempt or nil rated: they belong to table 8, not to B2B).
The invoice value is the invoice's total less its deposit lines (what the recipient pays for the
supplies, round-off included). Reverse-charge lines show the tax the recipient pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceStatus
from pmsaas.domain.shared.indian_states import gst_code, resolve_state

HEADS = ("IGST", "CGST", "SGST", "CESS")  # UTGST is reported in the SGST column, as on the portal


@dataclass(frozen=True)
class Recipient:
    """The lease's tenant as registered for GST, and the property's State."""

    lease_id: UUID
    gstin: str
    name: str
    property_region: str  # the property's State (any form indian_states resolves)


@dataclass(frozen=True)
class B2bRow:
    recipient_gstin: str
    recipient_name: str
    invoice_id: UUID
    invoice_number: str
    invoice_date: date
    invoice_value_minor: int
    place_of_supply: str  # GST State code, e.g. "27"
    place_of_supply_name: str
    reverse_charge: bool
    rate: Decimal  # percent, all heads but cess together
    taxable_value_minor: int
    tax_minor: dict[str, int]  # IGST, CGST, SGST, CESS
    currency: str


def _head(tax: str) -> str:
    return "SGST" if tax.upper() in ("SGST", "UTGST") else tax.upper()


def b2b_rows(invoices: list[Invoice], recipients: dict[UUID, Recipient]) -> list[B2bRow]:
    rows: list[B2bRow] = []
    for inv in sorted(invoices, key=lambda i: (i.issue_date, i.number or "")):
        who = recipients.get(inv.lease_id)
        if who is None or inv.status in (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED):
            continue
        supplies = [line for line in inv.lines if line.charge_type != ChargeType.DEPOSIT]
        deposits = sum(line.amount.minor for line in inv.lines if line.charge_type == ChargeType.DEPOSIT)
        per_rate: dict[tuple[Decimal, bool], tuple[int, dict[str, int]]] = {}
        for line in supplies:
            if not line.taxes:
                continue
            reverse = any(t.payable_by == "recipient" for t in line.taxes)
            rate = sum((t.rate for t in line.taxes if _head(t.tax) != "CESS"), Decimal(0))
            taxable, heads = per_rate.get((rate, reverse), (0, dict.fromkeys(HEADS, 0)))
            for t in line.taxes:
                head = _head(t.tax)
                heads[head] = heads.get(head, 0) + t.amount.minor
            per_rate[(rate, reverse)] = (taxable + line.amount.minor, heads)
        if not per_rate:
            continue
        state = resolve_state(who.property_region)
        code = gst_code(who.property_region) or ""
        for (rate, reverse), (taxable, heads) in sorted(per_rate.items()):
            rows.append(
                B2bRow(
                    recipient_gstin=who.gstin,
                    recipient_name=who.name,
                    invoice_id=inv.id,
                    invoice_number=inv.number or "",
                    invoice_date=inv.issue_date,
                    invoice_value_minor=inv.total.minor - deposits,
                    place_of_supply=code,
                    place_of_supply_name=state.name if state else "",
                    reverse_charge=reverse,
                    rate=rate.normalize() if rate else Decimal(0),
                    taxable_value_minor=taxable,
                    tax_minor=heads,
                    currency=inv.currency,
                )
            )
    return rows

"""GSTR-1 table 11: advances received (11A) and their adjustment (11B). Pure.

For a supply of services the time of supply is the earlier of the invoice and the receipt of
payment (CGST Act s.13(2)): money a tenant pays ahead of the invoice is taxed when it is received,
and the supplier issues a receipt voucher for it (s.31(3)(d), rule 50). The exemption from tax on
advances (Notification 66/2017-CT) covers goods only, so it does not reach renting.

In the books an advance is a settled payment's part that no invoice took: tenant credit, applied to
the lease's next invoices as they are issued (``credit.py``). Each allocation is dated
(``Allocation.applied_on``): the day of receipt when the payment is posted, the invoice's issue
date when credit is applied at issue. For a period (a month, or a quarter for a quarterly filer):

* 11A: the payments received in the period, less what allocations dated up to its end took: the
  part still unadjusted at the period's end;
* 11B: for payments received before the period, what allocations and refunds dated in it took, up
  to what was still unadjusted at its start (so 11B never gives back more than 11A reported). A
  refund voucher (rule 51) for an advance is adjusted here, in the month it is issued.

Only advances on leases whose rent the supplier taxes count, at the rate of that rent (the tax
engine's answer for the lease's rent on the day of receipt); exempt rent and rent on reverse charge
(the tenant pays that tax) are left out. The advance includes its tax: value = advance x 100 /
(100 + rate), each head's tax = value x its rate, rounded half up to the paisa (TAX_RULES.md).
A security deposit is never an advance: deposits are collected by invoicing a deposit line, so a
payment that paid one is allocated, not credit; credit later applied to a deposit line is adjusted
out in 11B like any other, the tax paid on it in 11A coming back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from pmsaas.domain.financial.gstr1_tables import TaxSums
from pmsaas.domain.shared.money import round_half_up

INTRA, INTER = "INTRA", "INTER"


@dataclass(frozen=True)
class AdvanceReceipt:
    """A settled payment as table 11 reads it: its day of receipt, what it settled (cash + TDS) and
    what took it, as ``(on, amount_minor)``: its allocations (dated ``applied_on``) and the money
    given back (each refund on its own day, so a refund adjusts the advance in 11B of its month and
    never rewrites the 11A of the month the advance was received)."""

    payment_id: UUID
    lease_id: UUID
    received_on: date
    amount_minor: int
    currency: str
    applied: tuple[tuple[date | None, int], ...] = ()

    def _day(self, applied_on: date | None) -> date:
        """An allocation cannot adjust an advance before it was received; undated rows: the receipt's day."""
        return max(applied_on or self.received_on, self.received_on)

    def unadjusted_minor(self, at_end_of: date) -> int:
        used = sum(minor for on, minor in self.applied if self._day(on) <= at_end_of)
        return max(0, self.amount_minor - used)

    def adjusted_minor(self, start: date, end: date) -> int:
        return sum(minor for on, minor in self.applied if start <= self._day(on) <= end)


@dataclass(frozen=True)
class AdvanceTax:
    """The tax of the supply an advance pays for: the lease's rent."""

    place_of_supply: str  # GST State code of the property
    heads: tuple[tuple[str, Decimal], ...]  # (IGST | CGST | SGST | CESS, rate)

    @property
    def supply_type(self) -> str:
        return INTER if any(head == "IGST" for head, _ in self.heads) else INTRA

    @property
    def rate(self) -> Decimal:
        rate = sum((r for head, r in self.heads if head != "CESS"), Decimal(0))
        return rate.normalize() if rate else Decimal(0)


@dataclass
class AdvanceRow:
    """One row of 11A or 11B: the money (tax included) and its value and tax per head."""

    advance_minor: int = 0
    sums: TaxSums = field(default_factory=TaxSums)


Key = tuple[str, str, Decimal]  # (INTRA | INTER, place of supply, rate)


@dataclass
class AdvanceTables:
    received: dict[Key, AdvanceRow] = field(default_factory=dict)  # 11A, key "at"
    adjusted: dict[Key, AdvanceRow] = field(default_factory=dict)  # 11B, key "txpd"

    def total(self, table: dict[Key, AdvanceRow]) -> TaxSums:
        out = TaxSums()
        for row in table.values():
            s = row.sums
            out.taxable_minor += s.taxable_minor
            out.igst_minor += s.igst_minor
            out.cgst_minor += s.cgst_minor
            out.sgst_minor += s.sgst_minor
            out.cess_minor += s.cess_minor
        return out


def refund_parts(
    settled_minor: int, refund_minor: int, from_credit_minor: int | None, on: date
) -> tuple[int, list[tuple[date | None, int]]]:
    """A refund as table 11 reads it: the part that gave back credit takes the advance on the
    refund's day (11B of its month); the part that reopened invoices was never an advance and
    comes off the money received (its allocations were released). A refund recorded before the
    split was kept (``from_credit_minor`` None) comes off the money received whole."""
    credit = from_credit_minor or 0
    return settled_minor - (refund_minor - credit), [(on, credit)] if credit else []


def received_minor(receipt: AdvanceReceipt, start: date, end: date) -> int:
    """11A: received in the period and not adjusted by its end."""
    if not start <= receipt.received_on <= end:
        return 0
    return receipt.unadjusted_minor(end)


def adjusted_minor(receipt: AdvanceReceipt, start: date, end: date) -> int:
    """11B: received before the period, adjusted in it (at most what was left at its start)."""
    if receipt.received_on >= start:
        return 0
    left = receipt.unadjusted_minor(start - timedelta(days=1))
    return min(left, receipt.adjusted_minor(start, end))


def split(advance_minor: int, tax: AdvanceTax) -> TaxSums:
    """A tax-inclusive amount as value + tax per head (each rounded half up to the minor unit)."""
    total_rate = sum((r for _, r in tax.heads), Decimal(0))
    value = int(round_half_up(Decimal(advance_minor) * 100 / (100 + total_rate), 0))
    out = TaxSums(taxable_minor=value)
    for head, rate in tax.heads:
        minor = int(round_half_up(Decimal(value) * rate / 100, 0))
        name = {"IGST": "igst", "CGST": "cgst", "SGST": "sgst"}.get(head, "cess")
        setattr(out, f"{name}_minor", getattr(out, f"{name}_minor") + minor)
    return out


def advance_tables(
    receipts: list[AdvanceReceipt], taxes: dict[UUID, AdvanceTax], start: date, end: date
) -> AdvanceTables:
    """``taxes``: per payment, the tax of the rent it pays for; a payment without one is not reported."""
    out = AdvanceTables()
    for receipt in receipts:
        tax = taxes.get(receipt.payment_id)
        if tax is None:
            continue
        key = (tax.supply_type, tax.place_of_supply, tax.rate)
        for table, minor in (
            (out.received, received_minor(receipt, start, end)),
            (out.adjusted, adjusted_minor(receipt, start, end)),
        ):
            if minor > 0:
                row = table.setdefault(key, AdvanceRow())
                row.advance_minor += minor
                row.sums = split(row.advance_minor, tax)
    return out

"""GSTR-1 tables 5, 7, 8, 12 and GSTR-3B from invoices and bills; input tax postings. Pure, with
hypothesis: every line lands in exactly one place, the bills' postings always balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.expenses import Expense
from pmsaas.domain.financial.gstr1 import Recipient, b2b_rows
from pmsaas.domain.financial.gstr1_tables import b2cl_limit_minor, tables
from pmsaas.domain.financial.gstr3b import gstr3b
from pmsaas.domain.financial.input_tax import InputTax, InputTaxLine
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus, InvoiceTax
from pmsaas.domain.financial.report_ports import BillTax
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)
PLACES = ["MH", "KA"]  # the supplier is in MH (27)


def _inr(minor: int) -> Money:
    return Money.from_minor(minor, "INR")


def _line(kind: str, minor: int, inter: bool, reverse: bool) -> InvoiceLine:
    if kind == "deposit":
        return InvoiceLine("Deposit", _inr(minor), ChargeType.DEPOSIT)
    if kind == "late_fee":
        return InvoiceLine("Late fee", _inr(minor), ChargeType.LATE_FEE)
    if kind == "exempt":
        return InvoiceLine("Rent", _inr(minor), ChargeType.RENT, "residential_rent")
    tax = minor * 18 // 100
    by = "recipient" if reverse else "supplier"
    if inter:
        taxes: tuple[InvoiceTax, ...] = (InvoiceTax("IGST", Decimal(18), _inr(tax), by),)
    else:
        taxes = (InvoiceTax("CGST", Decimal(9), _inr(tax // 2), by), InvoiceTax("SGST", Decimal(9), _inr(tax // 2), by))
    return InvoiceLine("Rent", _inr(minor), ChargeType.RENT, "commercial_rent", taxes)


invoice_lines = st.lists(
    st.tuples(st.sampled_from(["deposit", "late_fee", "exempt", "taxed"]), st.integers(1, 50_000_000)),
    min_size=1,
    max_size=4,
)


@given(
    st.lists(st.tuples(st.sampled_from(PLACES), st.booleans(), invoice_lines), min_size=1, max_size=6),
    st.dates(date(2024, 1, 1), date(2026, 12, 31)),
)
def test_every_supply_line_lands_in_exactly_one_table(specs, on):  # type: ignore[no-untyped-def]
    invoices, places = [], {}
    for i, (state, registered, lines) in enumerate(specs):
        lease = uuid4()
        places[lease] = Recipient(lease, "29AAAPK5678L1Z4" if registered else "", "T", state)
        inter = state != "MH"
        built = [_line(kind, minor, inter, registered and kind == "taxed" and i % 2 == 0) for kind, minor in lines]
        inv = Invoice(uuid4(), lease, uuid4(), "INR", on, on, built, AT, AT, InvoiceStatus.ISSUED, f"INV/{i}")
        invoices.append(inv)
    t = tables(invoices, places, "27")
    registered = {k: v for k, v in places.items() if v.gstin}
    b2b = b2b_rows(invoices, registered)
    supplies = sum(line.amount.minor for inv in invoices for line in inv.lines if line.charge_type != "deposit")
    reported = (
        sum(r.taxable_value_minor for r in b2b)
        + sum(s.taxable_minor for inv in t.b2cl for s in inv.by_rate.values())
        + sum(s.taxable_minor for s in t.b2cs.values())
        + sum(n.exempt_minor + n.nil_minor + n.non_gst_minor for n in t.nil.values())
        + t.outside_minor
    )
    assert reported == supplies
    assert sum(s.taxable_minor for s in t.hsn.values()) == supplies - t.outside_minor
    for large in t.b2cl:  # table 5: inter-State and above the limit of its date
        assert large.place_of_supply == "29" and large.invoice_value_minor > b2cl_limit_minor(on)
    assert all(kind == "INTRA" or pos == "29" for kind, pos, _ in t.b2cs)
    figures = gstr3b(t, [], [])
    assert figures.nil_exempt_minor == sum(n.exempt_minor for n in t.nil.values())


def test_the_b2c_large_limit_moved_on_1_august_2024():
    assert b2cl_limit_minor(date(2024, 7, 31)) == 250_000_00
    assert b2cl_limit_minor(date(2024, 8, 1)) == 100_000_00


heads = st.lists(
    st.tuples(st.sampled_from(["IGST", "CGST", "SGST", "CESS"]), st.integers(1, 10_000_000)),
    min_size=1,
    max_size=4,
    unique_by=lambda x: x[0],
)


@given(st.integers(1, 100_000_000), heads, st.booleans(), st.booleans())
def test_a_bills_tax_posts_balanced_and_the_vendor_is_owed_what_it_billed(amount, lines, reverse, claimable):  # type: ignore[no-untyped-def]
    tax = InputTax(tuple(InputTaxLine(h, _inr(m)) for h, m in lines), reverse, claimable)
    expense = Expense(uuid4(), "repairs", "Bill", _inr(amount), date(2026, 12, 1), AT, AT, input_tax=tax)
    entry = expense.approve(None, AT)  # L.entry refuses an unbalanced entry
    by_account: dict[str, int] = {}
    for line in entry.lines:
        by_account[line.account] = by_account.get(line.account, 0) + line.amount.minor
    total = sum(m for _, m in lines)
    assert -by_account["accounts_payable"] == amount + (0 if reverse else total)
    assert by_account["expenses"] == amount + (0 if claimable else total)
    credits = sum(v for k, v in by_account.items() if k.startswith("input_tax:"))
    assert credits == (total if claimable else 0)
    assert -sum(v for k, v in by_account.items() if k.startswith("rcm_payable:")) == (total if reverse else 0)
    for account in by_account:
        L.describe(account)  # every account is one of the chart's
    bill = BillTax(expense.id, expense.expense_date, "MH", expense.amount, tax)
    figures = gstr3b(tables([], {}, "27"), [], [bill])
    net = figures.itc_net
    assert net.igst_minor + net.cgst_minor + net.sgst_minor + net.cess_minor == credits
    assert figures.inward_reverse_charge.taxable_minor == (amount if reverse else 0)

"""GSTR-1 table 11 (advances received, 11A; adjusted, 11B) from dated allocations. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.financial.credit import Credit, apply_credits
from pmsaas.domain.financial.gstr1_advances import (
    AdvanceReceipt,
    AdvanceTax,
    adjusted_minor,
    advance_tables,
    received_minor,
    refund_parts,
    split,
)
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine
from pmsaas.domain.shared.money import Money

LEASE = uuid4()
INTRA_18 = AdvanceTax("27", (("CGST", Decimal(9)), ("SGST", Decimal(9))))
INTER_18 = AdvanceTax("29", (("IGST", Decimal(18)),))
MONTHS = [(date(2026, m, 1), date(2026, m + 1, 1) - timedelta(days=1)) for m in range(1, 12)]
YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 11, 30)


def _receipt(received: date, amount: int, applied: list[tuple[date | None, int]]) -> AdvanceReceipt:
    return AdvanceReceipt(uuid4(), LEASE, received, amount, "INR", tuple(applied))


_days = st.integers(0, (YEAR_END - YEAR_START).days).map(lambda n: YEAR_START + timedelta(days=n))
_receipts = st.builds(
    _receipt,
    _days,
    st.integers(0, 10**9),
    st.lists(st.tuples(st.one_of(st.none(), _days), st.integers(1, 10**8)), max_size=6),
)


@given(_receipts)
def test_over_the_months_11b_never_gives_back_more_than_11a_reported_nor_11a_more_than_received(receipt):
    reported = sum(received_minor(receipt, start, end) for start, end in MONTHS)
    taken_back = sum(adjusted_minor(receipt, start, end) for start, end in MONTHS)
    assert 0 <= taken_back <= reported <= receipt.amount_minor
    assert all(received_minor(receipt, s, e) == 0 for s, e in MONTHS if not s <= receipt.received_on <= e)


@given(st.lists(_receipts, max_size=5))
def test_the_tables_over_the_months_stay_within_the_advances_received(receipts):
    received = sum(r.amount_minor for r in receipts)
    at = txpd = 0
    for start, end in MONTHS:
        tables = advance_tables(receipts, {r.payment_id: INTRA_18 for r in receipts}, start, end)
        at += sum(row.advance_minor for row in tables.received.values())
        txpd += sum(row.advance_minor for row in tables.adjusted.values())
    assert txpd <= at <= received


@given(st.integers(0, 10**12), st.sampled_from([INTRA_18, INTER_18]))
def test_value_and_tax_add_up_to_the_advance_within_rounding(advance, tax):
    s = split(advance, tax)
    assert abs(s.taxable_minor + s.tax_minor - advance) <= len(tax.heads)
    assert s.taxable_minor >= 0 and s.tax_minor >= 0
    if tax is INTRA_18:
        assert s.igst_minor == 0 and s.cgst_minor == s.sgst_minor
    else:
        assert s.cgst_minor == s.sgst_minor == 0


def test_an_advance_of_1_18_000_at_18_percent_is_1_00_000_and_9_000_per_head():
    s = split(118_000_00, INTRA_18)
    assert (s.taxable_minor, s.cgst_minor, s.sgst_minor, s.igst_minor) == (100_000_00, 9_000_00, 9_000_00, 0)
    assert split(118_000_00, INTER_18).igst_minor == 18_000_00


def test_11a_is_what_the_month_leaves_unadjusted_and_11b_its_adjustment_later():
    # 1,50,000 received on 20 May: 30,000 paid May's open invoice, June's invoice took 1,18,000 on 1 June.
    r = _receipt(date(2026, 5, 20), 150_000_00, [(date(2026, 5, 20), 30_000_00), (date(2026, 6, 1), 118_000_00)])
    may, june, july = MONTHS[4], MONTHS[5], MONTHS[6]
    assert received_minor(r, *may) == 120_000_00 and adjusted_minor(r, *may) == 0
    assert received_minor(r, *june) == 0 and adjusted_minor(r, *june) == 118_000_00
    assert adjusted_minor(r, *july) == 0
    # A quarter (April-June) sees the receipt and its adjustment inside it: 2,000 left at its end.
    assert received_minor(r, date(2026, 4, 1), date(2026, 6, 30)) == 2_000_00
    # An allocation dated before the receipt (a back-dated invoice) adjusts on the day of receipt.
    early = _receipt(date(2026, 5, 20), 100_00, [(date(2026, 5, 2), 100_00)])
    assert received_minor(early, *may) == 0


def test_payments_without_a_taxed_rent_are_not_reported():
    r = _receipt(date(2026, 5, 20), 50_000_00, [])
    assert advance_tables([r], {}, *MONTHS[4]).received == {}
    tables = advance_tables([r], {r.payment_id: INTER_18}, *MONTHS[4])
    assert list(tables.received) == [("INTER", "29", Decimal(18))]


def test_credit_applied_at_issue_is_dated_the_invoice_issue_date():
    at = datetime(2026, 7, 3, 9, tzinfo=UTC)
    inv = Invoice(
        organization_id=uuid4(),
        lease_id=LEASE,
        tenant_id=(tenant := uuid4()),
        currency="INR",
        issue_date=date(2026, 7, 1),
        due_date=date(2026, 7, 10),
        lines=[InvoiceLine("Rent", Money.of("1000", "INR"), ChargeType.RENT)],
        created_at=at,
        updated_at=at,
    )
    inv.issue(number="INV/26-27/000009", at=at)
    applied = apply_credits(inv, [Credit(uuid4(), LEASE, tenant, Money.of("400", "INR"), 2)], at)
    assert [a.applied_on for a in applied] == [date(2026, 7, 1)]


@given(st.integers(1, 10**9), st.integers(0, 10**9), st.integers(1, 11))
def test_a_later_refund_of_credit_leaves_the_month_received_as_filed_and_adjusts_its_own(amount, used, month):
    """Received in January, partly used by a January invoice; the rest refunded in a later month."""
    used = min(used, amount)
    credit = amount - used
    received = date(2026, 1, 10)
    before = _receipt(received, amount, [(received, used)])
    refund_day = MONTHS[month - 1][0] + timedelta(days=3) if month > 1 else date(2026, 2, 3)
    settled, parts = refund_parts(amount, credit, credit, refund_day)
    after = _receipt(received, settled, [(received, used), *parts])
    january = MONTHS[0]
    assert received_minor(after, *january) == received_minor(before, *january) == credit
    refund_month = next(m for m in MONTHS if m[0] <= refund_day <= m[1])
    assert adjusted_minor(after, *refund_month) == credit


def test_the_part_of_a_refund_that_reopened_invoices_was_never_an_advance():
    assert refund_parts(70_800_00, 20_000_00, 11_800_00, date(2026, 12, 15)) == (
        62_600_00,
        [(date(2026, 12, 15), 11_800_00)],
    )
    assert refund_parts(5_000_00, 1_000_00, None, date(2026, 12, 15)) == (4_000_00, [])  # split not kept

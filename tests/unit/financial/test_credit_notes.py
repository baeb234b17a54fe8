"""Credit notes (CGST Act s.34), pure, with hypothesis: however a line is credited in parts, the
notes never take off more than the line's value or tax, a line credited in full gives back its tax
to the paisa, every note's posting balances and moves the receivable by its total, and the s.34(2)
deadline is 30 November after the financial year of the invoice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.credit_notes import CreditNote, already_credited, credit_deadline, credit_line
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus, InvoiceTax
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 15, 9, tzinfo=UTC)


def _inr(minor: int) -> Money:
    return Money.from_minor(minor, "INR")


def _invoice(minor: int, rate: Decimal) -> Invoice:
    half = rate / 2
    tax = _inr(minor).times(half / 100)
    line = InvoiceLine(
        "Rent",
        _inr(minor),
        ChargeType.RENT,
        "commercial_rent",
        (InvoiceTax("CGST", half, tax, "supplier"), InvoiceTax("SGST", half, tax, "supplier")),
    )
    deposit = InvoiceLine("Deposit", _inr(minor), ChargeType.DEPOSIT)
    inv = Invoice(uuid4(), uuid4(), uuid4(), "INR", date(2026, 12, 1), date(2026, 12, 10), [line, deposit], AT, AT)
    inv.status, inv.number = InvoiceStatus.ISSUED, "INV/26-27/000001"
    return inv


def _note(inv: Invoice, lines: tuple) -> CreditNote:  # type: ignore[type-arg]
    return CreditNote(
        inv.organization_id,
        inv.id,
        inv.number or "",
        inv.issue_date,
        inv.lease_id,
        inv.tenant_id,
        "CN/26-27/000001",
        AT.date(),
        "test",
        "INR",
        lines,
        AT,
    )


@given(
    minor=st.integers(min_value=1, max_value=10**10),
    rate=st.sampled_from([Decimal(5), Decimal(12), Decimal(18), Decimal(28)]),
    cuts=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=6),
)
def test_parts_never_exceed_the_line_and_a_full_credit_returns_its_tax(minor, rate, cuts):
    inv = _invoice(minor, rate)
    line = inv.lines[0]
    notes: list[CreditNote] = []
    left = minor
    for cut in cuts:
        if left == 0:
            break
        part = min(cut, left)
        x = credit_line(inv, 0, _inr(part), already_credited(notes))
        notes.append(_note(inv, (x,)))
        left -= part
        entry = notes[-1].entry()
        assert sum(ln.amount.minor for ln in entry.lines) == 0  # balanced
        ar = sum(ln.amount.minor for ln in entry.lines if ln.account == L.receivable(inv.tenant_id))
        assert ar == -notes[-1].total.minor
    if left:
        notes.append(_note(inv, (credit_line(inv, 0, _inr(left), already_credited(notes)),)))
    for head in ("CGST", "SGST"):
        original = next(t.amount.minor for t in line.taxes if t.tax == head)
        reversed_ = sum(t.amount.minor for n in notes for x in n.lines for t in x.taxes if t.tax == head)
        assert reversed_ == original  # fully credited: exactly the tax charged
    with pytest.raises(ValidationFailed):
        credit_line(inv, 0, _inr(1), already_credited(notes))  # nothing left on the line


def test_a_deposit_line_or_a_bad_position_cannot_be_credited():
    inv = _invoice(100_00, Decimal(18))
    for position in (1, 2, -1):
        with pytest.raises(ValidationFailed):
            credit_line(inv, position, _inr(1), {})


@given(day=st.dates(min_value=date(2017, 7, 1), max_value=date(2040, 12, 31)))
def test_the_section_34_2_deadline_is_30_november_after_the_financial_year(day):
    deadline = credit_deadline(day)
    assert (deadline.month, deadline.day) == (11, 30)
    fy_end = date(day.year + (1 if day.month >= 4 else 0), 3, 31)
    assert deadline.year == fy_end.year and deadline > day

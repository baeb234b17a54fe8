"""India's rupee round-off of invoices (docs/tax-rules.md §2.6) and the return's tax payable (CGST s.170). Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceTax, rupee_round_off
from pmsaas.domain.financial.reports import payable_minor
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _inr(minor: int) -> Money:
    return Money.from_minor(minor, "INR")


@pytest.mark.parametrize(
    ("amount", "difference"),
    [("100.49", "-0.49"), ("100.50", "0.50"), ("100.00", "0.00"), ("100.01", "-0.01"), ("100.99", "0.01")],
)
def test_fifty_paise_or_more_goes_up_less_is_dropped(amount, difference):
    assert rupee_round_off(Money.of(amount, "INR")) == Money.of(difference, "INR")


@given(st.integers(1, 10**11))
def test_the_round_off_is_at_most_fifty_paise_and_leaves_whole_rupees(minor):
    difference = rupee_round_off(_inr(minor)).minor
    assert -49 <= difference <= 50
    assert (minor + difference) % 100 == 0
    assert (difference > 0) == (minor % 100 >= 50)
    assert (difference == 0) == (minor % 100 == 0)


def _invoice(lines: list[tuple[int, int | None]], currency: str = "INR") -> Invoice:
    def line(amount: int, rate: int | None) -> InvoiceLine:
        base = Money.from_minor(amount, currency)
        taxes = ()
        if rate is not None:
            half = Decimal(rate) / 2
            taxes = (
                InvoiceTax("CGST", half, base.percent(half), "supplier"),
                InvoiceTax("SGST", half, base.percent(half), "supplier"),
            )
        return InvoiceLine("Rent", base, ChargeType.RENT, "commercial_rent", taxes)

    return Invoice(
        organization_id=uuid4(),
        lease_id=uuid4(),
        tenant_id=uuid4(),
        currency=currency,
        issue_date=AT.date(),
        due_date=AT.date(),
        lines=[line(a, r) for a, r in lines],
        created_at=AT,
        updated_at=AT,
    )


@given(st.lists(st.tuples(st.integers(100, 10**9), st.sampled_from([None, 5, 12, 18])), min_size=1, max_size=6))
def test_an_issued_invoice_is_whole_rupees_and_its_entry_balances(lines):
    inv = _invoice(lines)
    exact = inv.total
    assert inv.round_off == _inr(0)  # a draft has none
    entry = inv.issue(number="INV/1", at=AT, round_off=True)
    assert inv.total.minor % 100 == 0 and abs(inv.round_off.minor) <= 50
    assert inv.total == exact + inv.round_off == inv.subtotal + inv.tax_total + inv.round_off
    assert inv.balance_due == inv.total
    assert sum(line.amount.minor for line in entry.lines) == 0  # the entry is balanced (also checked on build)
    by_account: dict[str, int] = {}
    for line in entry.lines:
        by_account[line.account] = by_account.get(line.account, 0) + line.amount.minor
    assert by_account.get("round_off", 0) == -inv.round_off.minor
    assert by_account[f"ar:{inv.tenant_id}"] == inv.total.minor
    reversal = entry.reversal(at=AT, on=AT.date())
    assert sum(line.amount.minor for line in entry.lines + reversal.lines if line.account == "round_off") == 0


def test_off_or_another_currency_leaves_the_paise():
    inv = _invoice([(100049, None)])
    inv.issue(number="INV/1", at=AT)
    assert inv.round_off == _inr(0) and inv.total == _inr(100049)
    cad = _invoice([(100049, None)], "CAD")
    cad.issue(number="INV/2", at=AT, round_off=True)
    assert cad.total == Money.from_minor(100049, "CAD")


def test_an_invoice_rounding_to_nothing_is_refused_and_stays_a_draft():
    inv = _invoice([(40, None)])
    with pytest.raises(ValidationFailed):
        inv.issue(number="INV/1", at=AT, round_off=True)
    assert inv.number is None and inv.round_off == _inr(0)


@given(st.integers(0, 10**11))
def test_the_tax_payable_is_rounded_to_the_rupee_in_india_only(minor):
    payable = payable_minor(minor, "INR")
    assert payable % 100 == 0 and -49 <= payable - minor <= 50
    assert payable == minor + rupee_round_off(_inr(minor)).minor
    assert payable_minor(minor, "CAD") == minor

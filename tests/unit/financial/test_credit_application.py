"""Applying a tenant's credit to a just-issued invoice (``apply_credits``). Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.financial.credit import Credit, apply_credits
from pmsaas.domain.financial.model import ChargeType, Invoice, InvoiceLine, InvoiceStatus
from pmsaas.domain.shared.money import Money

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)
LEASE, TENANT = uuid4(), uuid4()


def _inr(minor: int) -> Money:
    return Money.from_minor(minor, "INR")


def _issued(total_minor: int, paid_minor: int = 0) -> Invoice:
    inv = Invoice(
        organization_id=uuid4(),
        lease_id=LEASE,
        tenant_id=TENANT,
        currency="INR",
        issue_date=date(2026, 12, 1),
        due_date=date(2026, 12, 10),
        lines=[InvoiceLine("Rent", _inr(total_minor), ChargeType.RENT)],
        created_at=AT,
        updated_at=AT,
    )
    inv.issue(number="INV/26-27/000001", at=AT)
    if paid_minor:
        inv.apply_payment(_inr(paid_minor), AT)
    return inv


_credit = st.builds(
    lambda minor, pos, other: Credit(uuid4(), uuid4() if other else LEASE, TENANT, _inr(minor), pos),
    st.integers(0, 10**9),
    st.integers(0, 20),
    st.integers(0, 4).map(lambda n: n == 0),  # now and then another lease's credit
)


@given(
    st.integers(1, 10**9),
    st.floats(0, 0.99),
    st.lists(_credit, max_size=6),
)
def test_applied_credit_is_at_most_the_credit_and_the_balance_and_sums_are_conserved(total, paid_share, credits):
    inv = _issued(total, int(total * paid_share))
    balance_before, paid_before = inv.balance_due, inv.amount_paid
    usable_before = sum((c.amount.minor for c in credits if c.lease_id == LEASE), 0)
    held_before = {id(c): (c.amount, c.next_position) for c in credits}

    applied = apply_credits(inv, credits, AT)

    taken = sum((a.amount.minor for a in applied), 0)
    assert all(a.amount.is_positive for a in applied)
    assert taken <= min(usable_before, balance_before.minor)  # never more than credit or balance
    assert taken == min(usable_before, balance_before.minor)  # and all of it that fits
    assert inv.amount_paid.minor == paid_before.minor + taken  # the invoice gains what credits lose
    assert sum((c.amount.minor for c in credits), 0) == sum((a.minor for a, _ in held_before.values()), 0) - taken
    for c in credits:
        before, position = held_before[id(c)]
        mine = [a for a in applied if a.payment_id == c.payment_id]
        assert c.amount.minor == before.minor - sum((a.amount.minor for a in mine), 0) >= 0
        assert [a.position for a in mine] == list(range(position, position + len(mine)))
        if c.lease_id != LEASE:
            assert mine == []  # another lease's credit is never used
    if not inv.balance_due.is_positive:
        assert inv.status == InvoiceStatus.PAID
    else:
        assert inv.status == (InvoiceStatus.PARTIALLY_PAID if inv.amount_paid.is_positive else InvoiceStatus.ISSUED)
    # Oldest first: a credit is used only once every earlier usable one is spent.
    used = [c for c in credits if any(a.payment_id == c.payment_id for a in applied)]
    for c in credits:
        if c in used:
            break
        if c.lease_id == LEASE:
            assert c.amount.minor == 0


def test_another_tenant_or_currency_is_left_alone_and_a_cancelled_invoice_takes_nothing():
    inv = _issued(1000)
    other_tenant = Credit(uuid4(), LEASE, uuid4(), _inr(500), 0)
    other_currency = Credit(uuid4(), LEASE, TENANT, Money.from_minor(500, "CAD"), 0)
    assert apply_credits(inv, [other_tenant, other_currency], AT) == []
    assert inv.status == InvoiceStatus.ISSUED
    inv.cancel(AT)
    assert apply_credits(inv, [Credit(uuid4(), LEASE, TENANT, _inr(500), 0)], AT) == []

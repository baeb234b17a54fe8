"""The arrears ageing rule (buckets by days past due, balance forward over the newest charges) and the
owner statement's split of what a payment settled. Pure."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.financial.aging import (
    BUCKETS,
    PostedCharge,
    ReceivableBalance,
    age_balance,
    arrears_aging,
    bucket_of,
)
from pmsaas.domain.financial.owner_statement import InvoiceCollection, split_collection

AS_OF = date(2026, 12, 15)
TENANT = uuid4()


def test_bucket_boundaries():
    assert [bucket_of(d) for d in (-1, 0, 30, 31, 60, 61, 90, 91, 10_000)] == [
        "current",
        "0_30",
        "0_30",
        "31_60",
        "31_60",
        "61_90",
        "61_90",
        "90_plus",
        "90_plus",
    ]


@given(st.integers(-10_000, 10_000), st.integers(0, 10_000))
def test_a_charge_only_ever_ages_into_older_buckets(days, later):
    """Every day past due falls in exactly one bucket, and waiting never makes a charge younger."""
    assert bucket_of(days) in BUCKETS
    assert BUCKETS.index(bucket_of(days + later)) >= BUCKETS.index(bucket_of(days))


@given(st.integers(-10_000, 10_000))
def test_buckets_are_the_documented_ranges(days):
    expected = (
        "current"
        if days < 0
        else "0_30"
        if days <= 30
        else "31_60"
        if days <= 60
        else "61_90"
        if days <= 90
        else "90_plus"
    )
    assert bucket_of(days) == expected


charges = st.lists(
    st.tuples(st.integers(-60, 400), st.integers(1, 10**9)).map(
        lambda t: PostedCharge(TENANT, uuid4(), AS_OF - timedelta(days=t[0]), t[1])
    ),
    max_size=12,
)


@given(st.integers(-(10**10), 10**10), charges)
def test_the_buckets_add_up_to_the_ledger_balance(balance, posted):
    [row] = arrears_aging([ReceivableBalance(TENANT, "T", uuid4(), "P", balance)], posted, AS_OF) or [None]
    if balance == 0:
        assert row is None
        return
    assert row is not None
    assert row.balance_minor == balance  # the report reconciles with the receivable, always
    assert all(v >= 0 for v in row.buckets.values()) and row.credit_minor >= 0
    assert row.credit_minor == max(-balance, 0)


@given(st.integers(1, 10**10), charges)
def test_the_newest_charges_are_the_ones_still_owed(balance, posted):
    """No bucket holds more than its charges unless the balance exceeds every charge; the owed
    amount of a charge is taken only when every newer charge is owed in full."""
    buckets, _ = age_balance(balance, posted, AS_OF)
    total_charges = sum(c.amount_minor for c in posted)
    if balance <= total_charges:
        per_bucket: dict[str, int] = {}
        for c in posted:
            b = bucket_of((AS_OF - c.due_date).days)
            per_bucket[b] = per_bucket.get(b, 0) + c.amount_minor
        assert all(buckets[b] <= per_bucket.get(b, 0) for b in BUCKETS)
        # Younger buckets fill first: a bucket is non-zero only if every younger one is full.
        younger_full = True
        for b in BUCKETS:
            if buckets[b] and not younger_full:
                raise AssertionError((b, buckets, per_bucket))
            younger_full = younger_full and buckets[b] == per_bucket.get(b, 0)


def test_a_partly_paid_tenant_ages_from_the_newest_invoice():
    old = PostedCharge(TENANT, uuid4(), date(2026, 8, 5), 118_000_00)
    new = PostedCharge(TENANT, uuid4(), date(2026, 12, 10), 418_000_00)
    buckets, oldest = age_balance(68_000_00, [old, new], AS_OF)
    assert buckets["0_30"] == 68_000_00 and sum(buckets.values()) == 68_000_00
    assert oldest == date(2026, 12, 10)
    buckets, oldest = age_balance(418_000_00 + 10_00, [old, new], AS_OF)
    assert (buckets["0_30"], buckets["90_plus"], oldest) == (418_000_00, 10_00, date(2026, 8, 5))


# The owner statement's split of a payment allocation over the invoice's parts.
parts = st.tuples(st.integers(0, 10**12), st.integers(-50, 10**10), st.integers(0, 10**11), st.integers(0, 10**12))


@given(parts, st.floats(0, 1))
def test_an_allocation_splits_exactly_and_in_proportion(figures, share):
    rent, other, tax, deposit = figures
    total = rent + other + tax + deposit
    allocated = int(max(total, 1) * share)
    split = split_collection(InvoiceCollection(uuid4(), False, allocated, rent, other, tax, deposit))
    assert sum(split.values()) == allocated  # never a paisa more or less than the payment settled
    if total > 0:
        for name, figure in zip(("rent", "other_income", "tax", "deposit"), figures, strict=True):
            exact = allocated * figure / total
            assert abs(split[name] - exact) < 5, (name, split, exact)

"""Arrears ageing per tenant from the ledger. Pure.

A tenant's balance is its receivable account (``ar:<tenant>``) at the ``as_of`` date. The balance
is aged "balance forward": what is still owed is taken to be the newest charges (the invoices
posted to the receivable, newest due date first), so the oldest charges are the ones paid. That is
how payments are allocated by default (oldest invoice first), and it makes every tenant's ageing
total equal its ledger balance at any date, whatever was refunded or reallocated since.

Buckets by days past due at ``as_of`` (``as_of - due_date``): ``current`` not yet due (negative
days), ``0-30`` (0 to 30 days: the due date itself is day 0), ``31-60``, ``61-90``, ``90+`` (91
and more). A negative balance (the tenant paid ahead) is ``credit``; its buckets are all zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

BUCKETS = ("current", "0_30", "31_60", "61_90", "90_plus")


def bucket_of(days_past_due: int) -> str:
    """The ageing bucket of a charge ``days_past_due`` days after its due date (negative: not yet due)."""
    if days_past_due < 0:
        return "current"
    if days_past_due <= 30:
        return "0_30"
    if days_past_due <= 60:
        return "31_60"
    if days_past_due <= 90:
        return "61_90"
    return "90_plus"


@dataclass(frozen=True)
class PostedCharge:
    """An invoice posted to a tenant's receivable on or before ``as_of`` and not reversed by then."""

    tenant_id: UUID
    invoice_id: UUID
    due_date: date
    amount_minor: int  # the receivable debit: the invoice's total


@dataclass(frozen=True)
class ReceivableBalance:
    """A tenant's receivable at ``as_of`` (ledger), with who and where for the report."""

    tenant_id: UUID
    tenant_name: str
    property_id: UUID
    property_name: str
    balance_minor: int  # > 0 owed, < 0 credit


@dataclass(frozen=True)
class AgingRow:
    tenant_id: UUID
    tenant_name: str
    property_id: UUID
    property_name: str
    buckets: dict[str, int]  # bucket -> minor units owed
    credit_minor: int  # >= 0: paid ahead
    oldest_due_date: date | None  # of the oldest charge still (partly) owed

    @property
    def total_due_minor(self) -> int:
        return sum(self.buckets.values())

    @property
    def balance_minor(self) -> int:
        """Equal to the tenant's receivable in the ledger at ``as_of``."""
        return self.total_due_minor - self.credit_minor


def age_balance(balance_minor: int, charges: list[PostedCharge], as_of: date) -> tuple[dict[str, int], date | None]:
    """Spread a positive balance over the newest charges first; what is left over (a balance larger
    than every charge, e.g. after a refund) is aged with the oldest charge, or as 0-30 without one."""
    buckets = dict.fromkeys(BUCKETS, 0)
    left = max(balance_minor, 0)
    oldest: date | None = None
    ordered = sorted(charges, key=lambda c: (c.due_date, c.invoice_id), reverse=True)
    for charge in ordered:
        if left <= 0:
            break
        taken = min(left, max(charge.amount_minor, 0))
        if taken <= 0:
            continue
        buckets[bucket_of((as_of - charge.due_date).days)] += taken
        oldest = charge.due_date
        left -= taken
    if left > 0:
        fallback = ordered[-1].due_date if ordered else None
        buckets[bucket_of((as_of - fallback).days) if fallback else "0_30"] += left
        oldest = fallback or oldest
    return buckets, oldest


def arrears_aging(balances: list[ReceivableBalance], charges: list[PostedCharge], as_of: date) -> list[AgingRow]:
    """One row per tenant with a non-zero receivable, by property then tenant name."""
    by_tenant: dict[UUID, list[PostedCharge]] = {}
    for c in charges:
        by_tenant.setdefault(c.tenant_id, []).append(c)
    rows = []
    for b in balances:
        if b.balance_minor == 0:
            continue
        buckets, oldest = age_balance(b.balance_minor, by_tenant.get(b.tenant_id, []), as_of)
        rows.append(
            AgingRow(
                tenant_id=b.tenant_id,
                tenant_name=b.tenant_name,
                property_id=b.property_id,
                property_name=b.property_name,
                buckets=buckets,
                credit_minor=max(-b.balance_minor, 0),
                oldest_due_date=oldest,
            )
        )
    return sorted(rows, key=lambda r: (r.property_name, r.tenant_name, str(r.tenant_id)))

"""Tenant credit: what settled payments hold beyond the invoices they paid, applied to the lease's
invoices as they are issued. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from pmsaas.domain.financial.model import OPEN, Invoice
from pmsaas.domain.shared.money import Money


@dataclass(slots=True)
class Credit:
    """What a settled payment still holds as tenant credit (its unallocated amount): applied to the
    lease's invoices as they are issued. ``next_position`` is the payment's next allocation slot."""

    payment_id: UUID
    lease_id: UUID
    tenant_id: UUID
    amount: Money
    next_position: int


@dataclass(frozen=True, slots=True)
class CreditApplication:
    payment_id: UUID
    invoice_id: UUID
    position: int
    amount: Money
    applied_on: date | None = None  # the invoice's issue date (the allocation row's ``applied_on``)


def apply_credits(invoice: Invoice, credits: list[Credit], at: datetime) -> list[CreditApplication]:
    """Apply the lease's credits (in the order given: oldest payment first) to a just-issued invoice,
    up to its balance due. Mutates the invoice (paid, status) and the credits (what is left).
    Each application is dated the invoice's issue date: the day the advance is adjusted against
    the supply it paid for (GSTR-1 table 11B).

    Only the same lease's and tenant's credit in the invoice's currency is used: the credit sits on
    that tenant's receivable, so applying it moves no money and posts nothing.
    """
    out: list[CreditApplication] = []
    for credit in credits:
        if invoice.status not in OPEN or not invoice.balance_due.is_positive:
            break
        if (
            credit.lease_id != invoice.lease_id
            or credit.tenant_id != invoice.tenant_id
            or credit.amount.currency != invoice.currency
            or not credit.amount.is_positive
        ):
            continue
        due = invoice.balance_due
        take = due if due < credit.amount else credit.amount
        invoice.apply_payment(take, at)
        out.append(CreditApplication(credit.payment_id, invoice.id, credit.next_position, take, invoice.issue_date))
        credit.amount = credit.amount - take
        credit.next_position += 1
    return out

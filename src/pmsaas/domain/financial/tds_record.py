"""The TDS record (India) kept beside a payment or an expense: what was withheld, under which
section, at which rate. The rules that compute it are in ``tds.py``; the payment that carries one
(``model.Payment.tds``) needs only the record, so the dependency goes one way: tds -> model -> tds_record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


class TdsDirection(StrEnum):
    RECEIVED = "received"  # withheld by the tenant (deductor) from rent paid to the organization
    DEDUCTED = "deducted"  # withheld by the organization (deductor) from a payee's bill


def payee_key(pan: str | None, name: str | None) -> str:
    """Who the 194C aggregate is counted for: the PAN, else the vendor's name."""
    if pan:
        return f"pan:{pan.strip().upper()}"
    return f"name:{(name or '').strip().lower()}"


@dataclass(eq=False)
class TdsDeduction:
    direction: TdsDirection
    requested: str  # the section or payment kind asked for
    gross: Money  # amount paid or credited (cash + TDS on a payment; the expense amount)
    section: str | None = None  # resolved 1961-Act label, None when no section applies
    rate: Decimal | None = None  # percent; None until computed
    amount: Money | None = None  # the TDS; None until computed (a pending expense)
    base: Money | None = None  # what the TDS was computed on (aggregates of 194C)
    act_version: str | None = None
    section_ref: str | None = None
    payment_code: str | None = None
    pan_number: str | None = None  # received: the tenant's (deductor's); deducted: the payee's
    payee_kind: str | None = None
    party_name: str | None = None  # tenant (received) or vendor (deducted)
    certificate_number: str | None = None
    computed: bool = False  # True: from the engine; False: declared by the deductor
    reason: str | None = None
    deduction_date: date | None = None
    id: UUID = field(default_factory=new_id)
    # Said once, in the answer that records it (not stored; ``reason`` keeps the gist): e.g. a
    # declared deduction on rent below the section's threshold.
    warnings: tuple[str, ...] = ()

    @property
    def tds(self) -> Money:
        return self.amount if self.amount is not None else Money.zero(self.gross.currency)

    @property
    def net(self) -> Money:
        return self.gross - self.tds

    @property
    def payee_key(self) -> str:
        """Whom the deduction counts for in a 194C aggregate (stored beside it, queried by it)."""
        return payee_key(self.pan_number, self.party_name)

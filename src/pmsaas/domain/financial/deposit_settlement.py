"""The move-out settlement of a security deposit: deductions, refund, journal entry. Pure.

The use cases and the flow of a deposit are in ``deposits.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import Allocation, PaymentMethod
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money


class DeductionKind(StrEnum):
    ARREARS = "arrears"
    DAMAGES = "damages"
    CLEANING = "cleaning"
    OTHER = "other"


# Where a deduction is credited; arrears go to the tenant's receivable (ar:<tenant>).
DEDUCTION_ACCOUNT = {
    DeductionKind.DAMAGES: "damage_income",
    DeductionKind.CLEANING: "other_income",
    DeductionKind.OTHER: "other_income",
}


@dataclass(frozen=True, slots=True)
class Deduction:
    description: str
    amount: Money
    kind: DeductionKind


@dataclass(eq=False)
class DepositSettlement:
    """The move-out statement of a lease's deposit: what was held, what was kept and why, what
    went back to the tenant."""

    organization_id: UUID
    lease_id: UUID
    tenant_id: UUID
    held: Money
    deductions: tuple[Deduction, ...]
    refund: Money
    refund_method: PaymentMethod
    settled_on: date
    created_at: datetime
    refund_reference: str | None = None
    notes: str | None = None
    arrears_paid: list[Allocation] = field(default_factory=list)  # the invoices the arrears deduction paid
    id: UUID = field(default_factory=new_id)

    @property
    def deducted(self) -> Money:
        total = Money.zero(self.held.currency)
        for d in self.deductions:
            total = total + d.amount
        return total

    def deducted_for(self, kind: DeductionKind) -> Money:
        total = Money.zero(self.held.currency)
        for d in self.deductions:
            if d.kind == kind:
                total = total + d.amount
        return total

    def entry(self, at: datetime) -> L.JournalEntry:
        lines: list[tuple[str, Money, UUID | None]] = [("deposits_held", self.held, self.lease_id)]
        lines.append((L.receivable(self.tenant_id), -self.deducted_for(DeductionKind.ARREARS), self.lease_id))
        for account in dict.fromkeys(DEDUCTION_ACCOUNT.values()):
            amount = Money.zero(self.held.currency)
            for kind, acc in DEDUCTION_ACCOUNT.items():
                if acc == account:
                    amount = amount + self.deducted_for(kind)
            lines.append((account, -amount, self.lease_id))
        lines.append(("cash", -self.refund, self.lease_id))
        return L.entry(
            organization_id=self.organization_id,
            on=self.settled_on,
            at=at,
            description="Security deposit settled at move-out",
            lines=lines,  # zero lines are dropped
            source_type="deposit_settlement",
            source_id=self.id,
        )

    def event(self, at: datetime) -> DomainEvent:
        return DomainEvent(
            name="deposit.settled",
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "settlement_id": str(self.id),
                "lease_id": str(self.lease_id),
                "tenant_id": str(self.tenant_id),
                "held": {"amount": str(self.held), "currency": self.held.currency},
                "refund": {"amount": str(self.refund), "currency": self.refund.currency},
                "organization_id": str(self.organization_id),
            },
        )

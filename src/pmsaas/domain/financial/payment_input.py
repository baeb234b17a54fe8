"""What a payment request carries, and the rules of online collection (UPI, net banking,
pre-authorized debit) that a gateway's ``collect`` starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast
from uuid import UUID

from pmsaas.domain.financial.model import COLLECTED_METHODS, COLLECTION_CURRENCY, MANUAL_METHODS, PaymentMethod
from pmsaas.domain.financial.ports import CollectionMethod, CollectionRequest, LeaseRef
from pmsaas.domain.financial.tds import TdsRequest
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class PaymentInput:
    lease_id: UUID
    amount: Money
    method: PaymentMethod
    invoice_ids: tuple[UUID, ...] = ()
    reference: str | None = None
    notes: str | None = None
    card_number: str | None = None
    tds: TdsRequest | None = None  # India: TDS the tenant withheld (manual payments only)
    received_on: date | None = None  # manual payments: the day the money came in (default: today)
    # UPI: collect it online through the gateway (the payer approves in their UPI app) rather than
    # record a transfer already received. Net banking and pre-authorized debits are always online.
    online: bool = False

    @property
    def collected(self) -> bool:
        """Collected online through the gateway, settled by its callback."""
        return self.method in COLLECTED_METHODS and (self.online or self.method not in MANUAL_METHODS)

    @property
    def manual(self) -> bool:
        """Recorded by a manager: money that already came in outside the gateway."""
        return self.method in MANUAL_METHODS and not self.collected


def check_collection(data: PaymentInput) -> None:
    """UPI and net banking collect rupees, a pre-authorized debit Canadian dollars; ``online`` only
    means something for UPI (the other two are online anyway)."""
    if data.online and data.method not in COLLECTED_METHODS:
        raise ValidationFailed.single("online", "only upi, net_banking and pre_authorized_debit are collected online")
    if not data.collected:
        return
    if data.card_number:
        raise ValidationFailed.single("card_number", "only for card payments")
    currency = COLLECTION_CURRENCY[data.method]
    if data.amount.currency != currency:
        raise ValidationFailed.single("method", f"{data.method.value} collects {currency} only")


def collection_request(data: PaymentInput, lease: LeaseRef, key: str) -> CollectionRequest:
    return CollectionRequest(
        amount=data.amount,
        method=cast(CollectionMethod, data.method.value),  # one of COLLECTED_METHODS (check_collection)
        idempotency_key=key,
        description=data.reference or "Rent and charges",
        business=lease.property_type == "commercial",
    )

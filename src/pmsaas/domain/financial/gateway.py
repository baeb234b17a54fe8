"""The payment gateway port: charge a card, collect online (UPI, net banking, a debit mandate), refund,
and learn the outcome now or later from the gateway's signed callback."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.money import Money

OutcomeStatus = Literal["succeeded", "failed", "pending"]


@dataclass(frozen=True)
class GatewayOutcome:
    status: OutcomeStatus
    gateway_payment_id: str
    failure_reason: str | None = None
    # What the payer does next for a collection (a checkout order, a UPI intent link, a client
    # secret to confirm a debit mandate): handed to the client once, never stored.
    next_action: Mapping[str, str] | None = None


# Online collection other than cards: the payer approves in their bank's or UPI app's flow (or
# signs a debit mandate), and the gateway's signed callback settles the payment later.
CollectionMethod = Literal["upi", "net_banking", "pre_authorized_debit"]


@dataclass(frozen=True)
class CollectionRequest:
    amount: Money
    method: CollectionMethod
    idempotency_key: str
    description: str  # shown to the payer by the gateway
    business: bool = False  # the payer is a business (a commercial lease): a PAD mandate's transaction type


@dataclass(frozen=True)
class GatewayEvent:
    """A gateway callback whose signature checked out: the settlement it asks for."""

    event_id: str
    gateway_payment_id: str | None  # None: an event that settles nothing (acknowledged, ignored)
    succeeded: bool = False
    failure_reason: str | None = None


class PaymentGateway(ABC):
    name: str

    @abstractmethod
    async def charge(self, *, amount: Money, card_number: str, idempotency_key: str) -> GatewayOutcome:
        """Charge once per idempotency key: a repeated key returns the first outcome."""

    @abstractmethod
    async def refund(self, *, gateway_payment_id: str, amount: Money, idempotency_key: str) -> str:
        """Refund part of a settled charge once per idempotency key; returns the gateway's refund id.

        Raises ``DependencyUnavailable`` when the gateway cannot be reached, ``Conflict`` when it
        refuses (the refund is then not recorded)."""

    async def keep_card(self, *, card_number: str, idempotency_key: str) -> str | None:
        """A reference to charge this card again without it (a subscription's renewals), from the
        gateway's vault; None when this gateway keeps no cards for us (renewals are then invoiced open).
        Only the reference is stored, never the number."""
        return None

    async def charge_and_keep(
        self, *, amount: Money, card_number: str, idempotency_key: str
    ) -> tuple[GatewayOutcome, str | None]:
        """Charge once per idempotency key and, when it succeeds, keep the card for charges without the
        customer (``keep_card``'s reference). A gateway that must save the card as part of the charge
        (Stripe: a PaymentMethod used once without a Customer cannot be saved afterwards) overrides it."""
        outcome = await self.charge(amount=amount, card_number=card_number, idempotency_key=idempotency_key)
        if outcome.status != "succeeded":
            return outcome, None
        return outcome, await self.keep_card(card_number=card_number, idempotency_key=idempotency_key)

    async def charge_kept(self, *, amount: Money, card_reference: str, idempotency_key: str) -> GatewayOutcome:
        """Charge a kept card once per idempotency key, the customer absent (a renewal)."""
        return GatewayOutcome("failed", "", f"the {self.name} gateway keeps no cards")

    async def collect(self, request: CollectionRequest) -> GatewayOutcome:
        """Start an online collection (UPI, net banking, pre-authorized debit) once per idempotency
        key: ``pending`` with the payer's ``next_action``; the signed callback settles it.

        A gateway that does not offer the method refuses it (``ValidationFailed`` on ``method``)."""
        raise ValidationFailed.single("method", f"the {self.name} gateway does not collect {request.method}")

    @abstractmethod
    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        """The event of a signed callback, once its signature (header and age) checks out.

        ``headers`` is read case-insensitively. Raises ``AuthenticationFailed`` for a missing, wrong
        or stale signature (and when no webhook secret is configured), ``UnreadableInput`` for a body
        that is not an event of the gateway's shape."""

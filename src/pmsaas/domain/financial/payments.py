"""The payment gateway port: charge a card, learn the outcome now or later (webhook)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

from pmsaas.domain.shared.money import Money

OutcomeStatus = Literal["succeeded", "failed", "pending"]


@dataclass(frozen=True)
class GatewayOutcome:
    status: OutcomeStatus
    gateway_payment_id: str
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

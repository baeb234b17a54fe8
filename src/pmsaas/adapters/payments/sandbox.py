"""The sandbox payment gateway: deterministic, offline, the embedded default.

Test cards (like a real gateway's test mode; any expiry and CVC are accepted):

=====================  ===========================================================
card number            outcome
=====================  ===========================================================
4242 4242 4242 4242    succeeds at once
5555 5555 5555 4444    succeeds at once
4000 0000 0000 0002    declined: ``card_declined``
4000 0000 0000 9995    declined: ``insufficient_funds``
4000 0000 0000 0077    pending: settles later through the signed webhook
=====================  ===========================================================

Any other number is declined with ``unknown_test_card``. The same idempotency key returns the
first outcome (and the same gateway payment id), as a real gateway does.

Online collection (``collect``), as Razorpay (UPI, net banking) and Stripe's ACSS debit
(pre-authorized debit) behave: the payment is ``pending`` at once, with the payer's next step
(a ``upi://pay`` intent link, a bank redirect; nothing for a PAD, which is already processing),
and the signed webhook below settles or fails it later (a PAD days later, a UPI payment in
seconds).

Webhook (``POST /api/v1/financial/payments/webhooks/sandbox``): body
``{"id": "evt_...", "type": "payment.succeeded" | "payment.failed", "data": {"payment_id": "sbx_...",
"failure_reason": "..."}}``, header ``Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>" with the webhook secret>`` (Stripe's scheme). Signatures older or newer than the
tolerance are refused; an event id seen before is acknowledged and ignored.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Literal

import msgspec

from pmsaas.adapters.payments.signing import CallbackSignature, sign, verify
from pmsaas.domain.financial.ports import (
    CollectionRequest,
    GatewayEvent,
    GatewayOutcome,
    OutcomeStatus,
    PaymentGateway,
)
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import UnreadableInput
from pmsaas.domain.shared.money import Money

CARDS: dict[str, tuple[OutcomeStatus, str | None]] = {
    "4242424242424242": ("succeeded", None),
    "5555555555554444": ("succeeded", None),
    "4000000000000002": ("failed", "card_declined"),
    "4000000000009995": ("failed", "insufficient_funds"),
    "4000000000000077": ("pending", None),
}
SIGNATURE_HEADER = "Sandbox-Signature"
__all__ = ["CARDS", "SIGNATURE_HEADER", "SandboxPaymentGateway", "sign", "verify"]


class _EventData(msgspec.Struct, kw_only=True):
    payment_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    failure_reason: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class _Event(msgspec.Struct, kw_only=True):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    type: Literal["payment.succeeded", "payment.failed"]
    data: _EventData


class SandboxPaymentGateway(PaymentGateway):
    name = "sandbox"

    def __init__(self, *, webhook_secret: str | None = None, tolerance: int = 300, clock: Clock | None = None) -> None:
        """``webhook_secret`` signs the callbacks (none: every callback is refused)."""
        self._by_key: dict[str, GatewayOutcome] = {}
        self._signature = CallbackSignature(SIGNATURE_HEADER, webhook_secret, tolerance=tolerance, clock=clock)

    async def charge(self, *, amount: Money, card_number: str, idempotency_key: str) -> GatewayOutcome:
        if idempotency_key in self._by_key:
            return self._by_key[idempotency_key]
        digits = "".join(ch for ch in card_number if ch.isdigit())
        status, reason = CARDS.get(digits, ("failed", "unknown_test_card"))
        # The id derives from the key, so a restarted process answers a retried key the same way.
        gateway_id = "sbx_" + uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox:{idempotency_key}").hex
        outcome = GatewayOutcome(status, gateway_id, reason)
        self._by_key[idempotency_key] = outcome
        return outcome

    async def keep_card(self, *, card_number: str, idempotency_key: str) -> str | None:
        """Like a real test mode's named payment methods (Stripe's ``pm_card_visa``): the reference
        names the test card's behaviour, not its number, so any process charges it the same way."""
        digits = "".join(ch for ch in card_number if ch.isdigit())
        status, reason = CARDS.get(digits, ("failed", "unknown_test_card"))
        tail = uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-card:{idempotency_key}").hex[:12]
        return f"sbx_card_{status}_{reason or 'ok'}_{tail}"

    async def charge_kept(self, *, amount: Money, card_reference: str, idempotency_key: str) -> GatewayOutcome:
        if idempotency_key in self._by_key:
            return self._by_key[idempotency_key]
        parts = card_reference.split("_")
        known = len(parts) >= 5 and parts[:2] == ["sbx", "card"] and parts[2] in ("succeeded", "failed", "pending")
        status: OutcomeStatus = parts[2] if known else "failed"  # type: ignore[assignment]
        reason = None if status == "succeeded" else ("_".join(parts[3:-1]) if known else "unknown_card_reference")
        gateway_id = "sbx_" + uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox:{idempotency_key}").hex
        outcome = GatewayOutcome(status, gateway_id, None if reason == "ok" else reason)
        self._by_key[idempotency_key] = outcome
        return outcome

    async def collect(self, request: CollectionRequest) -> GatewayOutcome:
        if request.idempotency_key in self._by_key:
            return self._by_key[request.idempotency_key]
        gateway_id = "sbx_" + uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-collect:{request.idempotency_key}").hex
        outcome = GatewayOutcome("pending", gateway_id, next_action=_next_action(request, gateway_id))
        self._by_key[request.idempotency_key] = outcome
        return outcome

    async def refund(self, *, gateway_payment_id: str, amount: Money, idempotency_key: str) -> str:
        """Always accepted: the sandbox keeps no balances (the ledger caps refunds)."""
        return "sbx_re_" + uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-refund:{idempotency_key}").hex

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        signed = self._signature.verified(headers, body)
        try:
            event = msgspec.json.decode(signed, type=_Event)
        except msgspec.DecodeError:  # not JSON, or not an event of this shape (ValidationError is one too)
            raise UnreadableInput("Malformed webhook body") from None
        succeeded = event.type == "payment.succeeded"
        return GatewayEvent(event.id, event.data.payment_id, succeeded, event.data.failure_reason)


def _next_action(request: CollectionRequest, gateway_id: str) -> dict[str, str] | None:
    """What the payer does next, shaped like the real gateways' (NPCI's UPI link, a bank redirect)."""
    if request.method == "upi":
        amount = f"{request.amount.amount:.2f}"
        link = f"upi://pay?pa=pmsaas.sandbox@upi&pn=Sandbox&tr={gateway_id}&am={amount}&cu={request.amount.currency}"
        return {"type": "upi_intent", "url": link}
    if request.method == "net_banking":
        return {"type": "redirect", "url": f"https://sandbox.pmsaas.invalid/net-banking/{gateway_id}"}
    return None  # a pre-authorized debit under a mandate: processing, nothing for the payer to do

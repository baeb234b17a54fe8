"""Stripe through its REST API with httpx (PaymentIntents, confirmed server-side).

A subscription's card is kept as Stripe keeps cards: a Customer with the PaymentMethod saved on it
for off-session use (``setup_future_usage=off_session`` on the upgrade's charge, or a SetupIntent
with ``usage=off_session``); renewals confirm a PaymentIntent with ``off_session=true``. The stored
reference is ``cus_…/pm_…``, never card data.

A charge is ``POST /v1/payment_intents`` (form-encoded) with ``confirm=true`` and Stripe's own
``Idempotency-Key`` header, so a retried key never charges twice at Stripe either. Outcomes:
``succeeded`` → succeeded; ``processing`` / ``requires_action`` → pending (Stripe's webhook settles
it later); a 402 ``card_error`` → failed with Stripe's decline code. Network errors and 5xx are
``DependencyUnavailable`` (503), never a silent failure.

Stripe's webhook (``POST /api/v1/financial/payments/webhooks/stripe``, ``Stripe-Signature`` checked
with ``PMSAAS_STRIPE_WEBHOOK_SECRET``) settles a pending PaymentIntent: ``payment_intent.succeeded``,
``payment_intent.payment_failed`` and ``payment_intent.canceled``; other event types are acknowledged.

A pre-authorized debit (Canada, ``collect`` with ``pre_authorized_debit``) is a PaymentIntent with
``payment_method_types[]=acss_debit`` and the PAD mandate's options (a sporadic schedule, personal
or business), left unconfirmed: the payer enters the bank account and accepts the mandate in
Stripe.js with the intent's ``client_secret`` (the payment's ``next_action``), Stripe debits it
(``payment_intent.processing``) and settles it days later (``payment_intent.succeeded`` or
``payment_intent.payment_failed``), which the webhook turns into the receipt or the failure.

Card data never reaches this server in production: clients tokenize with Stripe.js and send a
PaymentMethod id (``pm_...``). For test mode the well-known test card numbers are mapped to
Stripe's test PaymentMethods.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from pmsaas.adapters.payments.signing import CallbackSignature
from pmsaas.domain.financial.ports import CollectionRequest, GatewayEvent, GatewayOutcome, PaymentGateway
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, DependencyUnavailable, UnreadableInput, ValidationFailed
from pmsaas.domain.shared.money import Money

TEST_PAYMENT_METHODS = {
    "4242424242424242": "pm_card_visa",
    "5555555555554444": "pm_card_mastercard",
    "4000000000000002": "pm_card_chargeDeclined",
    "4000000000009995": "pm_card_chargeDeclinedInsufficientFunds",
}


# Cards only, confirmed server-side: no payment method that would redirect the payer.
_NO_REDIRECTS = {"automatic_payment_methods[enabled]": "true", "automatic_payment_methods[allow_redirects]": "never"}


def _amount(amount: Money) -> dict[str, str]:
    return {"amount": str(amount.minor), "currency": amount.currency.lower()}


class StripePaymentGateway(PaymentGateway):
    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        *,
        client: httpx.AsyncClient | None = None,
        base_url: str = "https://api.stripe.com",
        webhook_secret: str | None = None,
        tolerance: int = 300,
        clock: Clock | None = None,
    ) -> None:
        """``webhook_secret`` is the endpoint's ``whsec_…`` (none: every callback is refused)."""
        self._key = secret_key
        self._given_client = client
        self._base = base_url.rstrip("/")
        self._signature = CallbackSignature(SIGNATURE_HEADER, webhook_secret, tolerance=tolerance, clock=clock)

    @property
    def _client(self) -> httpx.AsyncClient:
        """Made on the first call to Stripe: an instance that only reads callbacks opens no connections."""
        if self._given_client is None:
            self._given_client = httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=5.0))
        return self._given_client

    @staticmethod
    def payment_method(card: str) -> str:
        if card.startswith("pm_"):
            return card
        digits = "".join(ch for ch in card if ch.isdigit())
        if digits in TEST_PAYMENT_METHODS:
            return TEST_PAYMENT_METHODS[digits]
        raise ValidationFailed.single("card_number", "send a Stripe PaymentMethod id (pm_...) or a Stripe test card")

    async def charge(self, *, amount: Money, card_number: str, idempotency_key: str) -> GatewayOutcome:
        form: dict[str, Any] = {
            **_amount(amount),
            "payment_method": self.payment_method(card_number),
            "confirm": "true",
        }
        return await self._confirm_intent(form | _NO_REDIRECTS, idempotency_key)

    # -- kept cards (a subscription's renewals) ---------------------------------------------------
    # Stripe's way: a Customer, the card saved on it as a PaymentMethod for off-session use (during
    # the first charge with ``setup_future_usage=off_session``, or without a charge by a SetupIntent
    # with ``usage=off_session``), and each renewal a PaymentIntent confirmed with ``off_session=true``.
    # The reference is "<customer id>/<payment method id>": Stripe's ids, never card data.

    async def charge_and_keep(
        self, *, amount: Money, card_number: str, idempotency_key: str
    ) -> tuple[GatewayOutcome, str | None]:
        method = self.payment_method(card_number)
        customer = await self._customer(idempotency_key)
        form = {**_amount(amount), "customer": customer, "payment_method": method, "confirm": "true"}
        form["setup_future_usage"] = "off_session"
        outcome, body = await self._intent(form | _NO_REDIRECTS, idempotency_key)
        saved = body.get("payment_method")
        if outcome.status != "succeeded" or not isinstance(saved, str):
            return outcome, None
        return outcome, f"{customer}/{saved}"

    async def keep_card(self, *, card_number: str, idempotency_key: str) -> str | None:
        method = self.payment_method(card_number)
        customer = await self._customer(idempotency_key)
        form = {"customer": customer, "payment_method": method, "confirm": "true", "usage": "off_session"}
        status, body = await self._post("/v1/setup_intents", form | _NO_REDIRECTS, f"{idempotency_key}:setup")
        if status >= 400 or body.get("status") != "succeeded" or not isinstance(body.get("payment_method"), str):
            return None  # not saved (declined, or the bank wants the customer): renewals are invoiced open
        return f"{customer}/{body['payment_method']}"

    async def charge_kept(self, *, amount: Money, card_reference: str, idempotency_key: str) -> GatewayOutcome:
        customer, _, method = card_reference.partition("/")
        if not customer.startswith("cus_") or not method.startswith("pm_"):
            return GatewayOutcome("failed", "", "unknown_card_reference")
        form = {**_amount(amount), "customer": customer, "payment_method": method}
        form |= {"off_session": "true", "confirm": "true"}
        return await self._confirm_intent(form | _NO_REDIRECTS, idempotency_key)

    async def _customer(self, idempotency_key: str) -> str:
        """A Customer per kept card (its key derives from the charge's: a retry finds the same one)."""
        status, body = await self._post(
            "/v1/customers", {"description": "pmsaas subscription"}, f"{idempotency_key}:customer"
        )
        if status >= 400 or not isinstance(body.get("id"), str):
            message = (body.get("error") or {}).get("message") or "customer refused"
            raise ValidationFailed.single("card_number", str(message))
        return str(body["id"])

    async def _post(self, path: str, form: dict[str, Any], idempotency_key: str) -> tuple[int, dict[str, Any]]:
        try:
            response = await self._client.post(
                f"{self._base}{path}",
                data=form,
                headers={"Authorization": f"Bearer {self._key}", "Idempotency-Key": idempotency_key},
            )
        except httpx.HTTPError as exc:
            raise DependencyUnavailable("payment gateway unreachable") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise DependencyUnavailable(f"payment gateway answered {response.status_code}")
        body = response.json() if response.content else {}
        return response.status_code, body if isinstance(body, dict) else {}

    async def _confirm_intent(self, form: dict[str, Any], idempotency_key: str) -> GatewayOutcome:
        return (await self._intent(form, idempotency_key))[0]

    async def _intent(self, form: dict[str, Any], idempotency_key: str) -> tuple[GatewayOutcome, dict[str, Any]]:
        """A confirmed PaymentIntent's outcome: a 402 ``card_error`` fails with Stripe's decline code
        (off session, ``authentication_required`` when the bank wants the customer)."""
        status_code, body = await self._post("/v1/payment_intents", form, idempotency_key)
        if status_code == 402:
            error = body.get("error", {})
            intent = error.get("payment_intent") or {}
            reason = error.get("decline_code") or error.get("code") or "card_declined"
            return GatewayOutcome("failed", str(intent.get("id") or f"stripe_error:{idempotency_key}"), reason), body
        if status_code >= 400:
            error = body.get("error", {})
            raise ValidationFailed.single("card_number", str(error.get("message") or "rejected by the gateway"))
        status = body.get("status")
        if status == "succeeded":
            return GatewayOutcome("succeeded", body["id"]), body
        if status in ("processing", "requires_action", "requires_capture"):
            return GatewayOutcome("pending", body["id"]), body
        return GatewayOutcome("failed", body["id"], str(status)), body

    async def collect(self, request: CollectionRequest) -> GatewayOutcome:
        if request.method != "pre_authorized_debit" or request.amount.currency != "CAD":
            raise ValidationFailed.single(
                "method", f"Stripe collects pre-authorized debits in CAD, not {request.method}"
            )
        mandate = "payment_method_options[acss_debit][mandate_options]"
        form = {
            "amount": str(request.amount.minor),
            "currency": "cad",
            "payment_method_types[]": "acss_debit",
            f"{mandate}[payment_schedule]": "sporadic",  # one debit per payment the tenant starts
            f"{mandate}[transaction_type]": "business" if request.business else "personal",
            "payment_method_options[acss_debit][verification_method]": "automatic",
            "description": request.description,
        }
        try:
            response = await self._client.post(
                f"{self._base}/v1/payment_intents",
                data=form,
                headers={"Authorization": f"Bearer {self._key}", "Idempotency-Key": request.idempotency_key},
            )
        except httpx.HTTPError as exc:
            raise DependencyUnavailable("payment gateway unreachable") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise DependencyUnavailable(f"payment gateway answered {response.status_code}")
        body = response.json() if response.content else {}
        if response.status_code >= 400:
            error = body.get("error", {})
            raise ValidationFailed.single("method", str(error.get("message") or "rejected by the gateway"))
        status = body.get("status")
        if status == "succeeded":
            return GatewayOutcome("succeeded", body["id"])
        if status in ("canceled",):
            return GatewayOutcome("failed", body["id"], "canceled")
        # requires_payment_method / requires_confirmation / requires_action: the payer confirms the
        # mandate in Stripe.js; processing: the debit is on its way. Either way the webhook settles it.
        action = {"type": "stripe_acss_debit", "client_secret": str(body.get("client_secret") or "")}
        return GatewayOutcome("pending", body["id"], next_action=action if status != "processing" else None)

    async def refund(self, *, gateway_payment_id: str, amount: Money, idempotency_key: str) -> str:
        try:
            response = await self._client.post(
                f"{self._base}/v1/refunds",
                data={"payment_intent": gateway_payment_id, "amount": str(amount.minor)},
                headers={"Authorization": f"Bearer {self._key}", "Idempotency-Key": idempotency_key},
            )
        except httpx.HTTPError as exc:
            raise DependencyUnavailable("payment gateway unreachable") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise DependencyUnavailable(f"payment gateway answered {response.status_code}")
        body = response.json() if response.content else {}
        if response.status_code >= 400 or body.get("status") in ("failed", "canceled"):
            message = body.get("error", {}).get("message") or f"refund {body.get('status')}"
            raise Conflict(f"the gateway refused the refund: {message}")
        return str(body["id"])

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        signed = self._signature.verified(headers, body)
        try:
            event = parse_webhook(signed)
        except ValueError:  # json.JSONDecodeError included
            raise UnreadableInput("Malformed webhook body") from None
        return GatewayEvent(event.event_id, event.payment_intent_id, event.succeeded, event.failure_reason)


# -- webhooks ---------------------------------------------------------------------------------

SIGNATURE_HEADER = "Stripe-Signature"
# PaymentIntent events that settle or fail a pending payment; every other event type is acknowledged and ignored.
_SETTLING_EVENTS = {
    "payment_intent.succeeded": True,
    "payment_intent.payment_failed": False,
    "payment_intent.canceled": False,
}


@dataclass(frozen=True)
class StripeCallback:
    event_id: str
    event_type: str
    payment_intent_id: str | None  # None: an event type that does not settle anything
    succeeded: bool = False
    failure_reason: str | None = None


def parse_webhook(body: bytes) -> StripeCallback:
    """The settlement a verified Stripe event asks for. Raises ``ValueError`` on a malformed event."""
    event = json.loads(body)
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        raise ValueError("not a Stripe event")
    kind = event["type"]
    if kind not in _SETTLING_EVENTS:
        return StripeCallback(event["id"], kind, None)
    intent = (event.get("data") or {}).get("object") or {}
    if not isinstance(intent, dict) or not isinstance(intent.get("id"), str):
        raise ValueError("a payment_intent event without data.object.id")
    reason = None
    if not _SETTLING_EVENTS[kind]:
        error = intent.get("last_payment_error") or {}
        reason = error.get("decline_code") or error.get("code") or intent.get("cancellation_reason") or "failed"
    return StripeCallback(event["id"], kind, intent["id"], _SETTLING_EVENTS[kind], str(reason) if reason else None)

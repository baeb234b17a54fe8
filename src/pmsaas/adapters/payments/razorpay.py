"""Razorpay through its REST API with httpx: UPI and net banking for Indian invoices.

A collection is an Order (``POST /v1/orders``, amount in paise, HTTP Basic auth with the key id and
secret). The payer pays it in Razorpay Checkout (the payment's ``next_action`` carries the order
id and the public key id; Checkout offers UPI intent/collect or the payer's bank), and Razorpay's
signed webhook settles it: ``payment.captured`` or ``order.paid`` (both arrive for one payment:
the second finds the payment no longer pending and changes nothing).

``payment.failed`` is acknowledged and settles nothing: an order stays payable after a failed
attempt (Checkout lets the payer retry, with another UPI app or bank), so failing our payment on
the first failed attempt could leave a later capture unrecorded.

The webhook signature (``X-Razorpay-Signature``) is the hex HMAC-SHA256 of the raw body with the
webhook secret; it carries no timestamp, so replays are caught by the event id
(``X-Razorpay-Event-Id``, the same on Razorpay's retries) recorded with the settlement.

A refund goes to the order's captured payment (``POST /v1/payments/{id}/refund``). Razorpay takes
no idempotency key there, so the refund carries ours as its ``receipt`` and a retry first looks
for a refund with that receipt: a lost answer never refunds twice.

Orders are not idempotent at Razorpay either: a retried request after a lost answer creates a
second order, which is harmless (an order nobody pays moves no money; the payment row, unique per
idempotency key, points at one).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

import httpx

from pmsaas.adapters.payments.signing import header
from pmsaas.domain.financial.ports import CollectionRequest, GatewayEvent, GatewayOutcome, PaymentGateway
from pmsaas.domain.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DependencyUnavailable,
    UnreadableInput,
    ValidationFailed,
)
from pmsaas.domain.shared.money import Money

SIGNATURE_HEADER = "X-Razorpay-Signature"
EVENT_ID_HEADER = "X-Razorpay-Event-Id"
_RECEIPT_MAX = 40  # Razorpay's limit on an order's or a refund's receipt


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class RazorpayPaymentGateway(PaymentGateway):
    name = "razorpay"

    def __init__(
        self,
        key_id: str,
        key_secret: str,
        *,
        client: httpx.AsyncClient | None = None,
        base_url: str = "https://api.razorpay.com",
        webhook_secret: str | None = None,
    ) -> None:
        """``webhook_secret`` is the one set on the Razorpay webhook (none: every callback is refused)."""
        self._key_id = key_id
        self._auth = (key_id, key_secret)
        self._given_client = client
        self._base = base_url.rstrip("/")
        self._webhook_secret = webhook_secret or ""

    @property
    def _client(self) -> httpx.AsyncClient:
        """Made on the first call to Razorpay: an instance that only reads callbacks opens no connections."""
        if self._given_client is None:
            self._given_client = httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=5.0))
        return self._given_client

    async def charge(self, *, amount: Money, card_number: str, idempotency_key: str) -> GatewayOutcome:
        raise ValidationFailed.single("method", "cards are charged through the card gateway, not Razorpay")

    async def collect(self, request: CollectionRequest) -> GatewayOutcome:
        if request.method not in ("upi", "net_banking") or request.amount.currency != "INR":
            raise ValidationFailed.single(
                "method", f"Razorpay collects UPI and net banking in INR, not {request.method}"
            )
        order = {
            "amount": request.amount.minor,
            "currency": "INR",
            "receipt": _receipt(request.idempotency_key),
            "notes": {"purpose": request.description[:250]},
        }
        status, body = await self._call("POST", "/v1/orders", json=order)
        if status >= 400:
            message = (body.get("error") or {}).get("description") or "rejected by the gateway"
            raise ValidationFailed.single("amount.amount", str(message))
        action = {"type": "razorpay_checkout", "order_id": str(body["id"]), "key_id": self._key_id}
        action["method"] = request.method  # Checkout opens on this method (netbanking/upi)
        if body.get("status") == "paid":  # only when an order was paid already: never for a new one
            return GatewayOutcome("succeeded", str(body["id"]))
        return GatewayOutcome("pending", str(body["id"]), next_action=action)

    async def refund(self, *, gateway_payment_id: str, amount: Money, idempotency_key: str) -> str:
        payment_id = await self._captured_payment(gateway_payment_id)
        receipt = _receipt(idempotency_key)
        _, refunds = await self._call("GET", f"/v1/payments/{payment_id}/refunds")
        for earlier in refunds.get("items") or []:
            if earlier.get("receipt") == receipt:  # a retry after a lost answer: the first refund
                return str(earlier["id"])
        status, body = await self._call(
            "POST", f"/v1/payments/{payment_id}/refund", json={"amount": amount.minor, "receipt": receipt}
        )
        if status >= 400 or body.get("status") == "failed":
            message = (body.get("error") or {}).get("description") or f"refund {body.get('status')}"
            raise Conflict(f"the gateway refused the refund: {message}")
        return str(body["id"])

    async def _captured_payment(self, order_id: str) -> str:
        status, body = await self._call("GET", f"/v1/orders/{order_id}/payments")
        captured = [p for p in body.get("items") or [] if p.get("status") in ("captured", "refunded")]
        if status >= 400 or not captured:
            raise Conflict(f"order {order_id} has no captured payment at Razorpay to refund")
        return str(captured[0]["id"])

    async def _call(self, method: str, path: str, json: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """Status and JSON body; ``DependencyUnavailable`` when Razorpay is unreachable, failing or
        refuses our credentials (a configuration problem, not the payer's)."""
        try:
            response = await self._client.request(method, f"{self._base}{path}", json=json, auth=self._auth)
        except httpx.HTTPError as exc:
            raise DependencyUnavailable("payment gateway unreachable") from exc
        if response.status_code >= 500 or response.status_code in (401, 429):
            raise DependencyUnavailable(f"payment gateway answered {response.status_code}")
        body = response.json() if response.content else {}
        return response.status_code, body if isinstance(body, dict) else {}

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        given = header(headers, SIGNATURE_HEADER)
        if not self._webhook_secret or not given or not hmac.compare_digest(sign(self._webhook_secret, body), given):
            raise AuthenticationFailed("Invalid webhook signature")
        try:
            return _event(body, header(headers, EVENT_ID_HEADER))
        except (ValueError, KeyError, TypeError, AttributeError):  # json.JSONDecodeError is a ValueError
            raise UnreadableInput("Malformed webhook body") from None


def _receipt(idempotency_key: str) -> str:
    """Our idempotency key, shortened to Razorpay's receipt limit (a digest: keys may be longer)."""
    return "pm_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[: _RECEIPT_MAX - 3]


def _event(body: bytes, event_id: str | None) -> GatewayEvent:
    event = json.loads(body)
    kind = event["event"]
    if not isinstance(kind, str) or event.get("entity") != "event":
        raise ValueError("not a Razorpay event")
    # Razorpay sends the id in a header; a byte-identical body is the same event when it is absent.
    eid = event_id or "sha256:" + hashlib.sha256(body).hexdigest()
    payload = event["payload"]
    if kind == "order.paid":
        return GatewayEvent(eid, str(payload["order"]["entity"]["id"]), True)
    if kind == "payment.captured":
        order_id = payload["payment"]["entity"].get("order_id")
        return GatewayEvent(eid, str(order_id) if order_id else None, True)
    return GatewayEvent(eid, None)  # payment.failed (the order stays payable) and every other event

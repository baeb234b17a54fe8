"""Razorpay replayed from recorded API responses through httpx's MockTransport (no network).

The bodies under ``contract/recorded/razorpay`` follow the shapes of Razorpay's API reference and
webhook samples (orders, an order's payments, refunds, and the payment.captured / order.paid /
payment.failed events)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from pmsaas.adapters.payments.razorpay import RazorpayPaymentGateway

RECORDED = Path(__file__).parent / "contract" / "recorded" / "razorpay"
KEY_ID = "rzp_test_Recorded"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / name).read_text())


class RecordedRazorpay:
    """Answers like Razorpay did: a new order id per order (unless ``fixed_order``), the order's
    payments, refunds remembered by receipt."""

    def __init__(self, *, fixed_order: bool = False, status: int | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.refunds: list[dict[str, Any]] = []
        self.fixed_order = fixed_order
        self.status = status  # answer every call with this status (an outage, refused credentials)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status == 401:
            return httpx.Response(401, json=recorded("auth_failed_401.json"))
        if self.status is not None:
            return httpx.Response(self.status, json={"error": {"code": "SERVER_ERROR"}})
        path = request.url.path
        if path == "/v1/orders":
            sent = json.loads(request.content)
            if sent["amount"] < 100:
                return httpx.Response(400, json=recorded("order_bad_request_400.json"))
            order = recorded("order_created.json")
            if not self.fixed_order:
                order["id"] = f"order_{uuid.uuid4().hex[:14]}"
            order.update(amount=sent["amount"], amount_due=sent["amount"], receipt=sent["receipt"], notes=sent["notes"])
            return httpx.Response(200, json=order)
        if path.endswith("/payments") and path.startswith("/v1/orders/"):
            return httpx.Response(200, json=recorded("order_payments.json"))
        if path.endswith("/refunds"):
            return httpx.Response(200, json={"entity": "collection", "count": len(self.refunds), "items": self.refunds})
        if path.endswith("/refund"):
            refund = recorded("refund_created.json")
            sent = json.loads(request.content)
            refund.update(id=f"rfnd_{len(self.refunds) + 1:04d}", amount=sent["amount"], receipt=sent["receipt"])
            self.refunds.append(refund)
            return httpx.Response(200, json=refund)
        return httpx.Response(404, json={"error": {"code": "BAD_REQUEST_ERROR", "description": "not found"}})


def razorpay_over_recordings(
    *, webhook_secret: str | None = None, **options: Any
) -> tuple[RazorpayPaymentGateway, RecordedRazorpay]:
    recorder = RecordedRazorpay(**options)
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    gateway = RazorpayPaymentGateway(KEY_ID, "secret_recorded", client=client, webhook_secret=webhook_secret)
    return gateway, recorder

"""Stripe replayed from recorded API responses through httpx's MockTransport (no network)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import httpx

from pmsaas.adapters.payments.stripe import StripePaymentGateway

RECORDED = Path(__file__).parent / "contract" / "recorded" / "stripe"


class RecordedStripe:
    """Answers like Stripe did for each test PaymentMethod; counts charges per idempotency key."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.by_key: dict[str, httpx.Response] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = request.headers["Idempotency-Key"]
        if key in self.by_key:  # Stripe replays the first answer for a key
            return self.by_key[key]
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        kept = {  # the customer's saved payment methods, charged off session (renewals)
            "pm_1QxRecordedSavedVisa": ("payment_intent_off_session_succeeded.json", 200),
            "pm_1QxRecordedSca": ("off_session_authentication_required_402.json", 402),
        }
        if request.url.path in ("/v1/customers", "/v1/setup_intents"):
            name = "customer_created.json" if request.url.path == "/v1/customers" else "setup_intent_succeeded.json"
            self.by_key[key] = httpx.Response(200, json=json.loads((RECORDED / name).read_text()))
            return self.by_key[key]
        if form.get("off_session") == "true" or form.get("setup_future_usage") == "off_session":
            saving = form.get("setup_future_usage") == "off_session" and form["payment_method"] == "pm_card_visa"
            name, status = (
                ("payment_intent_saved_for_off_session.json", 200)
                if saving
                else kept.get(form["payment_method"], ("card_declined_402.json", 402))
            )
            self.by_key[key] = httpx.Response(status, json=json.loads((RECORDED / name).read_text()))
            return self.by_key[key]
        if request.url.path == "/v1/refunds":
            big = int(form["amount"]) > 118000
            name, status = ("refund_too_large_400.json", 400) if big else ("refund_succeeded.json", 200)
            response = httpx.Response(status, json=json.loads((RECORDED / name).read_text()))
            self.by_key[key] = response
            return response
        name, status = {
            "pm_card_visa": ("payment_intent_succeeded.json", 200),
            "pm_card_mastercard": ("payment_intent_succeeded.json", 200),
            "pm_card_chargeDeclined": ("card_declined_402.json", 402),
            "pm_card_chargeDeclinedInsufficientFunds": ("card_declined_402.json", 402),
            "pm_delayed": ("payment_intent_processing.json", 200),
            "pm_boom": ("api_error_500.json", 500),
        }[form["payment_method"]]
        response = httpx.Response(status, json=json.loads((RECORDED / name).read_text()))
        self.by_key[key] = response
        return response


def stripe_over_recordings() -> tuple[StripePaymentGateway, RecordedStripe]:
    recorder = RecordedStripe()
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    return StripePaymentGateway("sk_test_recorded", client=client), recorder

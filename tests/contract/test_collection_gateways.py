"""Online collection behind the PaymentGateway port: Razorpay (UPI, net banking) and Stripe's ACSS
debit (pre-authorized debit) replayed from recorded responses through httpx's MockTransport, and the
sandbox that simulates both."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import httpx
import pytest

from pmsaas.adapters.payments.razorpay import EVENT_ID_HEADER, SIGNATURE_HEADER, RazorpayPaymentGateway, sign
from pmsaas.adapters.payments.sandbox import SandboxPaymentGateway
from pmsaas.adapters.payments.stripe import StripePaymentGateway, parse_webhook
from pmsaas.domain.financial.ports import CollectionRequest, GatewayEvent
from pmsaas.domain.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DependencyUnavailable,
    UnreadableInput,
    ValidationFailed,
)
from pmsaas.domain.shared.money import Money
from razorpay_support import KEY_ID, RECORDED, razorpay_over_recordings
from stripe_support import RECORDED as STRIPE_RECORDED

INR = Money.of("1180.00", "INR")
CAD = Money.of("2150.00", "CAD")
SECRET = "rzp_webhook_secret"


def _upi(key: str = "org:k1", amount: Money = INR, method: str = "upi") -> CollectionRequest:
    return CollectionRequest(amount=amount, method=method, idempotency_key=key, description="Rent and charges")  # type: ignore[arg-type]


# -- Razorpay ----------------------------------------------------------------------------------


async def test_razorpay_opens_an_order_in_paise_for_checkout():
    razorpay, recorder = razorpay_over_recordings()
    outcome = await razorpay.collect(_upi())
    assert outcome.status == "pending" and outcome.gateway_payment_id.startswith("order_")
    assert outcome.next_action == {
        "type": "razorpay_checkout",
        "order_id": outcome.gateway_payment_id,
        "key_id": KEY_ID,
        "method": "upi",
    }
    sent = recorder.requests[0]
    assert sent.method == "POST" and sent.url == "https://api.razorpay.com/v1/orders"
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"rzp_test_Recorded:secret_recorded").decode()
    body = json.loads(sent.content)
    assert body["amount"] == 118000 and body["currency"] == "INR"
    assert len(body["receipt"]) <= 40 and "org:k1" not in body["receipt"]  # a digest of our key, in Razorpay's limit
    banking = await razorpay.collect(_upi("org:k2", method="net_banking"))
    assert banking.next_action is not None and banking.next_action["method"] == "net_banking"


async def test_razorpay_refuses_what_it_does_not_collect_and_reports_outages():
    razorpay, _ = razorpay_over_recordings()
    with pytest.raises(ValidationFailed):
        await razorpay.collect(_upi(amount=Money.of("10.00", "CAD")))
    with pytest.raises(ValidationFailed):
        await razorpay.collect(_upi(method="pre_authorized_debit"))
    with pytest.raises(ValidationFailed):
        await razorpay.charge(amount=INR, card_number="4242424242424242", idempotency_key="k")
    with pytest.raises(ValidationFailed, match=r"atleast INR 1\.00"):  # Razorpay's own 400, worded by it
        await razorpay.collect(_upi(amount=Money.of("0.50", "INR")))
    for status in (401, 500, 429):
        down, _ = razorpay_over_recordings(status=status)
        with pytest.raises(DependencyUnavailable):
            await down.collect(_upi())

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    offline = RazorpayPaymentGateway("k", "s", client=httpx.AsyncClient(transport=httpx.MockTransport(unreachable)))
    with pytest.raises(DependencyUnavailable):
        await offline.collect(_upi())


async def test_a_razorpay_refund_goes_to_the_orders_captured_payment_once_per_key():
    razorpay, recorder = razorpay_over_recordings()
    half = Money.of("500.00", "INR")
    first = await razorpay.refund(gateway_payment_id="order_PbRecorded0001", amount=half, idempotency_key="r1")
    again = await razorpay.refund(gateway_payment_id="order_PbRecorded0001", amount=half, idempotency_key="r1")
    assert first == again == "rfnd_0001" and len(recorder.refunds) == 1  # the retry found the first refund
    posted = [r for r in recorder.requests if r.method == "POST"]
    assert [r.url.path for r in posted] == ["/v1/payments/pay_PbRecordedCapt1/refund"]  # the captured attempt
    assert json.loads(posted[0].content)["amount"] == 50000
    other = await razorpay.refund(gateway_payment_id="order_PbRecorded0001", amount=half, idempotency_key="r2")
    assert other == "rfnd_0002"


async def test_a_razorpay_order_without_a_captured_payment_cannot_be_refunded():
    def no_payments(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"entity": "collection", "count": 0, "items": []})

    razorpay = RazorpayPaymentGateway("k", "s", client=httpx.AsyncClient(transport=httpx.MockTransport(no_payments)))
    with pytest.raises(Conflict):
        await razorpay.refund(gateway_payment_id="order_x", amount=INR, idempotency_key="r")


def _razorpay_callback(name: str, *, secret: str = SECRET, event_id: str | None = "evt_rzp_1"):
    body = (RECORDED / name).read_bytes()
    headers = {SIGNATURE_HEADER: sign(secret, body), "Content-Type": "application/json"}
    if event_id:
        headers[EVENT_ID_HEADER] = event_id
    return headers, body


def test_razorpay_callbacks_settle_the_order_on_capture_or_payment():
    razorpay = RazorpayPaymentGateway("k", "s", webhook_secret=SECRET)
    for name in ("webhook_payment_captured.json", "webhook_order_paid.json"):
        headers, body = _razorpay_callback(name)
        assert razorpay.parse_callback(headers, body) == GatewayEvent("evt_rzp_1", "order_PbRecorded0001", True)
    # A failed attempt leaves the order payable (the payer may retry): acknowledged, settles nothing.
    headers, body = _razorpay_callback("webhook_payment_failed.json")
    assert razorpay.parse_callback(headers, body) == GatewayEvent("evt_rzp_1", None)
    headers, body = _razorpay_callback("webhook_order_paid.json")
    lower = {k.lower(): v for k, v in headers.items()}  # as ASGI servers hand them over
    assert razorpay.parse_callback(lower, body).gateway_payment_id == "order_PbRecorded0001"


def test_a_razorpay_callback_without_an_event_id_is_known_by_its_body():
    razorpay = RazorpayPaymentGateway("k", "s", webhook_secret=SECRET)
    headers, body = _razorpay_callback("webhook_order_paid.json", event_id=None)
    first = razorpay.parse_callback(headers, body)
    assert first.event_id.startswith("sha256:") and razorpay.parse_callback(headers, body) == first


def test_razorpay_refuses_wrong_missing_or_unconfigured_signatures_and_bad_bodies():
    razorpay = RazorpayPaymentGateway("k", "s", webhook_secret=SECRET)
    headers, body = _razorpay_callback("webhook_payment_captured.json")
    for refused in (
        _razorpay_callback("webhook_payment_captured.json", secret="other")[0],
        {EVENT_ID_HEADER: "evt"},
        {SIGNATURE_HEADER: "garbage"},
    ):
        with pytest.raises(AuthenticationFailed):
            razorpay.parse_callback(refused, body)
    with pytest.raises(AuthenticationFailed):  # signed for another body
        razorpay.parse_callback(headers, body + b" ")
    with pytest.raises(AuthenticationFailed):  # no webhook secret configured: never verifies
        RazorpayPaymentGateway("k", "s").parse_callback(
            _razorpay_callback("webhook_order_paid.json", secret="")[0], body
        )
    for bad in (b"{not json", b"[]", b'{"entity": "event", "event": "order.paid", "payload": {}}', b'{"event": 1}'):
        with pytest.raises(UnreadableInput):
            razorpay.parse_callback({SIGNATURE_HEADER: sign(SECRET, bad)}, bad)


# -- Stripe ACSS debit (pre-authorized debit) ---------------------------------------------------


def _stripe_acss(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, json=json.loads((STRIPE_RECORDED / "payment_intent_acss_requires_payment_method.json").read_text())
    )


async def test_stripe_opens_an_acss_debit_payment_intent_with_its_pad_mandate():
    sent: list[httpx.Request] = []

    def recorder(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _stripe_acss(request)

    stripe = StripePaymentGateway("sk_test", client=httpx.AsyncClient(transport=httpx.MockTransport(recorder)))
    pad = CollectionRequest(
        amount=CAD, method="pre_authorized_debit", idempotency_key="org:pad", description="Rent", business=True
    )
    outcome = await stripe.collect(pad)
    assert outcome.status == "pending" and outcome.gateway_payment_id == "pi_3QxRecordedAcss1"
    assert outcome.next_action == {
        "type": "stripe_acss_debit",
        "client_secret": "pi_3QxRecordedAcss1_secret_RecordedClientSecret",
    }
    assert (
        sent[0].url == "https://api.stripe.com/v1/payment_intents" and sent[0].headers["Idempotency-Key"] == "org:pad"
    )
    form = {k: v[0] for k, v in parse_qs(sent[0].content.decode()).items()}
    mandate = "payment_method_options[acss_debit][mandate_options]"
    assert form["amount"] == "215000" and form["currency"] == "cad"
    assert form["payment_method_types[]"] == "acss_debit" and "confirm" not in form  # the payer confirms the mandate
    assert form[f"{mandate}[payment_schedule]"] == "sporadic" and form[f"{mandate}[transaction_type]"] == "business"
    with pytest.raises(ValidationFailed):
        await stripe.collect(_upi())  # UPI is Razorpay's


def test_a_pad_that_fails_after_processing_reads_as_a_failure_with_stripes_code():
    body = (STRIPE_RECORDED / "event_acss_payment_failed.json").read_bytes()
    event = parse_webhook(body)
    assert (event.payment_intent_id, event.succeeded) == ("pi_3QxRecordedAcss1", False)
    assert event.failure_reason == "payment_method_insufficient_funds"
    processing = json.dumps({"id": "evt_p", "type": "payment_intent.processing", "data": {"object": {"id": "pi_1"}}})
    assert parse_webhook(processing.encode()).payment_intent_id is None  # acknowledged: still pending


# -- the sandbox simulates both ----------------------------------------------------------------


async def test_the_sandbox_collects_upi_net_banking_and_pads_as_pending_once_per_key():
    sandbox = SandboxPaymentGateway()
    upi = await sandbox.collect(_upi("k"))
    assert upi.status == "pending" and upi.next_action is not None
    assert upi.next_action["type"] == "upi_intent" and upi.next_action["url"].startswith("upi://pay?")
    assert "am=1180.00&cu=INR" in upi.next_action["url"]
    assert await sandbox.collect(_upi("k")) == upi
    banking = await sandbox.collect(_upi("k2", method="net_banking"))
    assert banking.next_action is not None and banking.next_action["type"] == "redirect"
    pad = await sandbox.collect(
        CollectionRequest(amount=CAD, method="pre_authorized_debit", idempotency_key="p", description="Rent")
    )
    assert pad.status == "pending" and pad.next_action is None and pad.gateway_payment_id != upi.gateway_payment_id

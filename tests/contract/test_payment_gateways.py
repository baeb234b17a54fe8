"""One suite for the PaymentGateway port over every adapter: the sandbox, and Stripe replaying
recorded API responses through httpx's MockTransport (no network)."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from pmsaas.adapters.payments.sandbox import SandboxPaymentGateway, sign, verify
from pmsaas.adapters.payments.stripe import StripePaymentGateway
from pmsaas.domain.shared.errors import Conflict, DependencyUnavailable, ValidationFailed
from pmsaas.domain.shared.money import Money
from stripe_support import stripe_over_recordings


@pytest.fixture(params=["sandbox", "stripe"])
def gateway(request):
    return SandboxPaymentGateway() if request.param == "sandbox" else stripe_over_recordings()[0]


INR = Money.of("1180.00", "INR")


async def test_a_good_test_card_succeeds(gateway):
    outcome = await gateway.charge(amount=INR, card_number="4242 4242 4242 4242", idempotency_key="k1")
    assert outcome.status == "succeeded" and outcome.gateway_payment_id


async def test_a_declined_card_fails_with_a_reason(gateway):
    outcome = await gateway.charge(amount=INR, card_number="4000000000009995", idempotency_key="k2")
    assert outcome.status == "failed" and outcome.failure_reason == "insufficient_funds"


async def test_the_same_key_answers_the_same_way(gateway):
    a = await gateway.charge(amount=INR, card_number="4242424242424242", idempotency_key="same")
    b = await gateway.charge(amount=INR, card_number="4242424242424242", idempotency_key="same")
    assert a == b


async def test_stripe_request_shape_and_its_other_outcomes():
    stripe, recorder = stripe_over_recordings()
    await stripe.charge(amount=INR, card_number="4242424242424242", idempotency_key="org:abc")
    sent = recorder.requests[0]
    assert sent.url == "https://api.stripe.com/v1/payment_intents"
    assert sent.headers["Authorization"] == "Bearer sk_test_recorded" and sent.headers["Idempotency-Key"] == "org:abc"
    form = parse_qs(sent.content.decode())
    assert form["amount"] == ["118000"] and form["currency"] == ["inr"] and form["confirm"] == ["true"]

    pending = await stripe.charge(amount=Money.of("50.00", "CAD"), card_number="pm_delayed", idempotency_key="k3")
    assert pending.status == "pending" and pending.gateway_payment_id == "pi_3QxRecorded0002"
    with pytest.raises(DependencyUnavailable):
        await stripe.charge(amount=INR, card_number="pm_boom", idempotency_key="k4")
    with pytest.raises(ValidationFailed):
        await stripe.charge(amount=INR, card_number="1234123412341234", idempotency_key="k5")


async def test_stripe_unreachable_is_503():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    stripe = StripePaymentGateway("sk", client=httpx.AsyncClient(transport=httpx.MockTransport(down)))
    with pytest.raises(DependencyUnavailable):
        await stripe.charge(amount=INR, card_number="4242424242424242", idempotency_key="k")


async def test_a_refund_returns_the_gateway_refund_id_and_repeats_per_key(gateway):
    charge = await gateway.charge(amount=INR, card_number="4242424242424242", idempotency_key="c")
    half = Money.of("500.00", "INR")
    first = await gateway.refund(gateway_payment_id=charge.gateway_payment_id, amount=half, idempotency_key="r1")
    again = await gateway.refund(gateway_payment_id=charge.gateway_payment_id, amount=half, idempotency_key="r1")
    assert first and first == again


async def test_stripe_refuses_a_refund_larger_than_the_charge():
    stripe, recorder = stripe_over_recordings()
    with pytest.raises(Conflict, match="greater than unrefunded"):
        await stripe.refund(gateway_payment_id="pi_1", amount=Money.of("2000.00", "INR"), idempotency_key="r2")
    form = parse_qs(recorder.requests[0].content.decode())
    assert form == {"payment_intent": ["pi_1"], "amount": ["200000"]}


def test_sandbox_webhook_signatures():
    body = b'{"id":"evt_1"}'
    header = sign("secret", body, 1_800_000_000)
    assert verify("secret", body, header, now=1_800_000_100)
    assert not verify("secret", body + b" ", header, now=1_800_000_100)
    assert not verify("other", body, header, now=1_800_000_100)
    assert not verify("secret", body, header, now=1_800_000_000 + 301)  # outside the tolerance
    assert not verify("secret", body, None) and not verify("secret", body, "garbage")

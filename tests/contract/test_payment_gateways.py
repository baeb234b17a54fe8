"""One suite for the PaymentGateway port over every adapter: the sandbox, and Stripe replaying
recorded API responses through httpx's MockTransport (no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest

from pmsaas.adapters.payments.sandbox import SIGNATURE_HEADER as SANDBOX_HEADER
from pmsaas.adapters.payments.sandbox import SandboxPaymentGateway, sign, verify
from pmsaas.adapters.payments.stripe import SIGNATURE_HEADER as STRIPE_HEADER
from pmsaas.adapters.payments.stripe import StripePaymentGateway
from pmsaas.domain.financial.ports import GatewayEvent
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DependencyUnavailable,
    UnreadableInput,
    ValidationFailed,
)
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


# -- signed callbacks (PaymentGateway.parse_callback) ------------------------------------------

SECRET = "whsec_contract"
NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _sandbox_event(event_id: str, payment_id: str, succeeded: bool, reason: str | None = None) -> dict:
    kind = "payment.succeeded" if succeeded else "payment.failed"
    return {"id": event_id, "type": kind, "data": {"payment_id": payment_id, "failure_reason": reason}}


def _stripe_event(event_id: str, payment_id: str, succeeded: bool, reason: str | None = None) -> dict:
    intent: dict = {"id": payment_id, "object": "payment_intent"}
    if not succeeded:
        intent["last_payment_error"] = {"code": "card_declined", "decline_code": reason}
    kind = "payment_intent.succeeded" if succeeded else "payment_intent.payment_failed"
    return {"id": event_id, "object": "event", "type": kind, "data": {"object": intent}}


CALLBACKS = {  # gateway → (its signature header, its event for a settlement)
    "sandbox": (SANDBOX_HEADER, _sandbox_event),
    "stripe": (STRIPE_HEADER, _stripe_event),
}


def _callback_gateway(name: str, **options):
    return SandboxPaymentGateway(**options) if name == "sandbox" else StripePaymentGateway("sk", **options)


@pytest.fixture(params=sorted(CALLBACKS))
def callbacks(request):
    """A gateway configured with a webhook secret on a fixed clock, its header and event shape."""
    gateway = _callback_gateway(request.param, webhook_secret=SECRET, tolerance=300, clock=FixedClock(NOW))
    return gateway, *CALLBACKS[request.param]


@pytest.mark.parametrize("name", sorted(CALLBACKS))
def test_without_a_webhook_secret_every_callback_is_refused(name):
    gateway = _callback_gateway(name, clock=FixedClock(NOW))
    header, event = CALLBACKS[name]
    body = json.dumps(event("evt_5", "pay_5", True)).encode()
    for secret in (SECRET, ""):
        with pytest.raises(AuthenticationFailed):
            gateway.parse_callback(_signed(header, body, secret=secret), body)


def _signed(header: str, body: bytes, *, secret: str = SECRET, at: datetime = NOW) -> dict[str, str]:
    return {header: sign(secret, body, int(at.timestamp())), "Content-Type": "application/json"}


def test_a_signed_callback_reads_as_the_settlement_it_asks_for(callbacks):
    gateway, header, event = callbacks
    body = json.dumps(event("evt_1", "pay_1", True)).encode()
    assert gateway.parse_callback(_signed(header, body), body) == GatewayEvent("evt_1", "pay_1", True, None)
    failed = json.dumps(event("evt_2", "pay_1", False, "insufficient_funds")).encode()
    assert gateway.parse_callback(_signed(header, failed), failed) == GatewayEvent(
        "evt_2", "pay_1", False, "insufficient_funds"
    )


def test_header_names_are_read_whatever_their_case(callbacks):
    gateway, header, event = callbacks
    body = json.dumps(event("evt_3", "pay_3", True)).encode()
    lower = {k.lower(): v for k, v in _signed(header, body).items()}  # as ASGI servers hand them over
    assert gateway.parse_callback(lower, body).event_id == "evt_3"


def test_a_wrong_stale_or_missing_signature_is_refused(callbacks):
    gateway, header, event = callbacks
    body = json.dumps(event("evt_4", "pay_4", True)).encode()
    refused = [
        _signed(header, body, secret="whsec_wrong"),
        _signed(header, body, at=NOW - timedelta(seconds=301)),  # outside the tolerance
        _signed(header, body, at=NOW + timedelta(seconds=301)),
        {"Content-Type": "application/json"},
        {header: "garbage"},
    ]
    for headers in refused:
        with pytest.raises(AuthenticationFailed):
            gateway.parse_callback(headers, body)
    with pytest.raises(AuthenticationFailed):  # signed for another body
        gateway.parse_callback(_signed(header, body), body + b" ")


def test_a_signed_body_that_is_not_an_event_is_unreadable(callbacks):
    gateway, header, _ = callbacks
    for body in (b"{not json", b'{"id": "evt_6"}', b"[]"):
        with pytest.raises(UnreadableInput):
            gateway.parse_callback(_signed(header, body), body)


def test_stripe_acknowledges_event_types_that_settle_nothing():
    stripe = StripePaymentGateway("sk", webhook_secret=SECRET, clock=FixedClock(NOW))
    body = json.dumps({"id": "evt_7", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}).encode()
    assert stripe.parse_callback(_signed(STRIPE_HEADER, body), body) == GatewayEvent("evt_7", None)


@pytest.mark.parametrize(
    ("card", "status", "reason"),
    [("4242 4242 4242 4242", "succeeded", None), ("4000000000009995", "failed", "insufficient_funds")],
)
async def test_the_sandbox_charges_a_kept_card_as_it_charged_the_number(card, status, reason):
    """A renewal's charge: the reference names the test card's behaviour, never its digits, and the same
    key answers the same way (one charge per period)."""
    sandbox = SandboxPaymentGateway()
    reference = await sandbox.keep_card(card_number=card, idempotency_key="upgrade-1")
    assert reference is not None and card.replace(" ", "") not in reference
    first = await sandbox.charge_kept(amount=INR, card_reference=reference, idempotency_key="renew-1")
    assert (first.status, first.failure_reason) == (status, reason)
    again = await SandboxPaymentGateway().charge_kept(amount=INR, card_reference=reference, idempotency_key="renew-1")
    assert again == first  # another process: the same outcome and payment id for the same key
    bogus = await sandbox.charge_kept(amount=INR, card_reference="pm_elsewhere", idempotency_key="renew-2")
    assert bogus.status == "failed" and bogus.failure_reason == "unknown_card_reference"


USD = Money.of("99.00", "USD")
SAVED = "cus_RecordedOrg0001/pm_1QxRecordedSavedVisa"


def _form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


async def test_stripe_keeps_the_upgrades_card_as_a_customers_payment_method_for_off_session_use():
    """The upgrade's charge makes a Customer and saves the card on it (``setup_future_usage=off_session``):
    the reference is the Customer and the PaymentMethod, never the number."""
    stripe, recorder = stripe_over_recordings()
    outcome, reference = await stripe.charge_and_keep(
        amount=USD, card_number="4242424242424242", idempotency_key="up-1"
    )
    assert outcome.status == "succeeded" and outcome.gateway_payment_id == "pi_3QxRecorded0010"
    assert reference == SAVED and "4242" not in reference
    customer, intent = recorder.requests
    assert (
        customer.url == "https://api.stripe.com/v1/customers" and customer.headers["Idempotency-Key"] == "up-1:customer"
    )
    assert intent.url == "https://api.stripe.com/v1/payment_intents" and intent.headers["Idempotency-Key"] == "up-1"
    form = _form(intent)
    assert form["customer"] == "cus_RecordedOrg0001" and form["payment_method"] == "pm_card_visa"
    assert form["setup_future_usage"] == "off_session" and form["confirm"] == "true" and form["amount"] == "9900"
    declined, kept = await stripe.charge_and_keep(amount=USD, card_number="4000000000009995", idempotency_key="up-2")
    assert (declined.status, declined.failure_reason, kept) == ("failed", "insufficient_funds", None)


async def test_stripe_keeps_a_card_without_charging_it_through_a_setup_intent():
    stripe, recorder = stripe_over_recordings()
    assert await stripe.keep_card(card_number="4242424242424242", idempotency_key="k") == SAVED
    setup = recorder.requests[1]
    assert setup.url == "https://api.stripe.com/v1/setup_intents"
    form = _form(setup)
    assert (form["usage"], form["confirm"], form["customer"]) == ("off_session", "true", "cus_RecordedOrg0001")


async def test_stripe_charges_the_kept_card_off_session_once_per_key():
    stripe, recorder = stripe_over_recordings()
    outcome = await stripe.charge_kept(amount=USD, card_reference=SAVED, idempotency_key="renew-1")
    assert (outcome.status, outcome.gateway_payment_id) == ("succeeded", "pi_3QxRecorded0011")
    assert await stripe.charge_kept(amount=USD, card_reference=SAVED, idempotency_key="renew-1") == outcome
    sent = recorder.requests[0]
    form = _form(sent)
    assert sent.headers["Idempotency-Key"] == "renew-1"
    assert (form["customer"], form["payment_method"]) == ("cus_RecordedOrg0001", "pm_1QxRecordedSavedVisa")
    assert form["off_session"] == "true" and form["confirm"] == "true" and form["currency"] == "usd"
    # A card whose bank asks for the customer (SCA) fails off session, with Stripe's code: the dunning's case.
    sca = await stripe.charge_kept(
        amount=USD, card_reference="cus_RecordedOrg0001/pm_1QxRecordedSca", idempotency_key="renew-2"
    )
    assert (sca.status, sca.failure_reason, sca.gateway_payment_id) == (
        "failed",
        "authentication_required",
        "pi_3QxRecorded0012",
    )
    before = len(recorder.requests)
    bogus = await stripe.charge_kept(amount=USD, card_reference="sbx_card_succeeded_ok_1", idempotency_key="renew-3")
    assert (bogus.status, bogus.failure_reason) == ("failed", "unknown_card_reference")
    assert len(recorder.requests) == before  # nothing sent for a reference that is not Stripe's

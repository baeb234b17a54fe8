"""Stripe's signed webhook settles a processing PaymentIntent exactly once, through HTTP.

Stripe itself is replayed (recorded PaymentIntent bodies through httpx's MockTransport); the
callback is signed like Stripe signs it (``Stripe-Signature: t=…,v1=…``)."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager

import httpx
import msgspec
import pytest
import sqlalchemy as sa
from dependency_injector import providers
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

from pmsaas.adapters.payments.signing import sign, verify
from pmsaas.adapters.payments.stripe import SIGNATURE_HEADER, StripePaymentGateway
from pmsaas.adapters.sql.tables.financial import payments
from pmsaas.adapters.sql.tables.notifications import outbox
from stripe_support import RECORDED

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

PAYMENTS = "/api/v1/financial/payments"
WEBHOOK = "/api/v1/financial/payments/webhooks/stripe"
SECRET = "whsec_test_stripe_endpoint"


def _processing(request: httpx.Request) -> httpx.Response:
    """Stripe answering a confirmation that settles later: a fresh PaymentIntent id per call."""
    body = json.loads((RECORDED / "payment_intent_processing.json").read_text())
    body["id"] = f"pi_{uuid.uuid4().hex[:24]}"
    return httpx.Response(200, json=body)


@contextmanager
def stripe_mode(api, secret: str | None = SECRET):
    client = httpx.AsyncClient(transport=httpx.MockTransport(_processing))
    settings = msgspec.structs.replace(api.container.settings(), stripe_webhook_secret=secret)
    api.container.payment_gateway.override(StripePaymentGateway("sk_test_recorded", client=client))
    api.container.settings.override(providers.Object(settings))
    try:
        yield
    finally:
        api.container.settings.reset_last_overriding()  # back to the fixture's settings
        api.container.payment_gateway.reset_override()


def _event(kind: str, intent_id: str, **intent) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": kind,
        "livemode": False,
        "data": {"object": {"id": intent_id, "object": "payment_intent", **intent}},
    }


def _now(api) -> int:
    return int(api.container.clock().now().timestamp())


def _callback(api, event: dict | bytes, *, secret: str = SECRET, at: int | None = None):
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    at = _now(api) if at is None else at  # the server judges a signature's age by its clock
    headers = {SIGNATURE_HEADER: sign(secret, body, at), "Content-Type": "application/json"}
    return api.post(WEBHOOK, content=body, headers=headers)


async def _pending_card_payment(api, owner, amount: str):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    r = await api.post(
        "/api/v1/financial/invoices", owner.token, json=invoice_body(lease, ("Rent", amount, "rent"), issue=True)
    )
    assert r.status_code == 201, r.text
    token = "pm_card_processing"  # a PaymentMethod id, as Stripe.js hands it over
    body = {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": "card", "payment_token": token}
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    payment = r.json()["data"]
    assert payment["status"] == "pending" and payment["gateway_payment_id"].startswith("pi_")
    return payment, r.json()["data"]["allocations"], lease


async def _payment_events(api, owner, payment_id: str) -> list[str]:
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.event, outbox.c.payload)
            .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
            .order_by(outbox.c.occurred_at)
        )
        return [e for e, p in rows if p.get("payment_id") == payment_id]


async def test_a_processing_payment_is_settled_once_by_stripes_signed_callback(api, owner):
    with stripe_mode(api):
        payment, allocations, _ = await _pending_card_payment(api, owner, "700.00")
        assert allocations == []
        succeeded = _event("payment_intent.succeeded", payment["gateway_payment_id"], status="succeeded")

        assert (await _callback(api, succeeded, secret="whsec_wrong")).status_code == 401
        stale = await _callback(api, succeeded, at=_now(api) - 3600)
        assert stale.status_code == 401 and stale.json()["error"]["code"] == "AUTHENTICATION_FAILED"
        unsigned = await api.post(WEBHOOK, content=json.dumps(succeeded).encode())
        assert unsigned.status_code == 401
        assert (await api.get(f"{PAYMENTS}/{payment['id']}", owner.token)).json()["data"]["status"] == "pending"

        r = await _callback(api, succeeded)
        assert r.status_code == 200, r.text
        assert r.json()["data"] == {"received": True, "payment_id": payment["id"], "status": "succeeded"}
        assert (await _callback(api, succeeded)).status_code == 200  # Stripe retries: acknowledged, nothing moves
        late_failure = _event("payment_intent.payment_failed", payment["gateway_payment_id"])
        assert (await _callback(api, late_failure)).json()["data"]["status"] == "succeeded"

        settled = (await api.get(f"{PAYMENTS}/{payment['id']}", owner.token)).json()["data"]
        assert settled["status"] == "succeeded" and settled["receipt_number"]
        assert (await trial_balance(api, owner))["gateway_clearing"] == "700.00"  # posted exactly once
        assert await _payment_events(api, owner, payment["id"]) == ["payment.received"]


async def test_a_failed_payment_intent_fails_the_payment_with_stripes_decline_code(api, owner):
    with stripe_mode(api):
        payment, _, _ = await _pending_card_payment(api, owner, "50.00")
        failed = _event(
            "payment_intent.payment_failed",
            payment["gateway_payment_id"],
            status="requires_payment_method",
            last_payment_error={"code": "card_declined", "decline_code": "insufficient_funds"},
        )
        r = await _callback(api, failed)
        assert r.status_code == 200 and r.json()["data"]["status"] == "failed", r.text
        shown = (await api.get(f"{PAYMENTS}/{payment['id']}", owner.token)).json()["data"]
        assert shown["failure_reason"] == "insufficient_funds"
        assert "gateway_clearing" not in await trial_balance(api, owner)
        assert await _payment_events(api, owner, payment["id"]) == ["payment.failed"]


async def test_other_event_types_are_acknowledged_and_bad_bodies_refused(api, owner):
    with stripe_mode(api):
        payment, _, _ = await _pending_card_payment(api, owner, "80.00")
        other = {"id": f"evt_{uuid.uuid4().hex}", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
        r = await _callback(api, other)
        assert r.status_code == 200 and r.json()["data"] == {"received": True, "payment_id": None, "status": None}

        malformed = await _callback(api, b"{not json")
        assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "BAD_REQUEST"
        no_intent = await _callback(api, {"id": "evt_x", "type": "payment_intent.succeeded", "data": {}})
        assert no_intent.status_code == 400

        unknown = await _callback(api, _event("payment_intent.succeeded", "pi_never_charged_here"))
        assert unknown.status_code == 200 and unknown.json()["data"]["payment_id"] is None
        assert (await api.get(f"{PAYMENTS}/{payment['id']}", owner.token)).json()["data"]["status"] == "pending"


async def test_a_card_payment_takes_a_number_or_a_token_never_both(api, owner):
    with stripe_mode(api):
        await set_country(api, owner, "IN")
        lease = await make_lease(api, owner, "IN", property_type="residential")
        base = {"lease_id": lease.id, "amount": money("10.00", lease.currency), "method": "card"}
        both = {**base, "card_number": "4242424242424242", "payment_token": "pm_card_visa"}
        r = await api.post(PAYMENTS, owner.token, json=both, headers=key())
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "payment_token"
        bad = await api.post(PAYMENTS, owner.token, json={**base, "payment_token": "tok_123"}, headers=key())
        assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "payment_token"
        none = await api.post(PAYMENTS, owner.token, json=base, headers=key())
        assert none.status_code == 422 and none.json()["error"]["details"][0]["field"] == "card_number"
        async with api.container.system_engine().connect() as conn:
            org = uuid.UUID(owner.org_id)
            count = await conn.scalar(sa.select(sa.func.count()).where(payments.c.organization_id == org))
        assert count == 0


async def test_without_a_configured_secret_every_stripe_callback_is_refused(api, owner):
    with stripe_mode(api, secret=None):
        payment, _, _ = await _pending_card_payment(api, owner, "90.00")
        event = _event("payment_intent.succeeded", payment["gateway_payment_id"])
        for secret in (SECRET, ""):
            r = await _callback(api, event, secret=secret)
            assert r.status_code == 401, r.text
        assert (await api.get(f"{PAYMENTS}/{payment['id']}", owner.token)).json()["data"]["status"] == "pending"


def test_signatures_accept_any_of_several_v1_values_and_nothing_else():
    body, now = b'{"id":"evt_1"}', 1_800_000_000
    good = sign("whsec_new", body, now).split(",")[1]
    old = sign("whsec_old", body, now).split(",")[1]
    assert verify("whsec_new", body, f"t={now},{old},{good},v0=abc", now=now)  # secret being rolled
    assert not verify("whsec_new", body, f"t={now},{old}", now=now)
    assert not verify("whsec_new", body, f"t={now},t={now},{good}", now=now)  # ambiguous timestamp
    assert not verify("whsec_new", body, f"t=soon,{good}", now=now)
    assert not verify("whsec_new", body + b" ", f"t={now},{good}", now=now)
    assert not verify("", body, sign("", body, now), now=now)  # no secret configured: never verifies

"""Online collection beyond cards through HTTP: UPI and net banking through Razorpay, Canadian
pre-authorized debits through Stripe's ACSS debit, and the sandbox simulating both.

Razorpay and Stripe are replayed from recorded responses (httpx's MockTransport, no network); their
callbacks are signed as they sign them. A callback settles its payment exactly once: one receipt,
one journal entry, one ``payment.received``, however often it (or its twin event) arrives."""

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

from pmsaas.adapters.payments import razorpay as rzp
from pmsaas.adapters.payments.sandbox import SIGNATURE_HEADER as SANDBOX_HEADER
from pmsaas.adapters.payments.signing import sign as stripe_style_sign
from pmsaas.adapters.payments.stripe import SIGNATURE_HEADER as STRIPE_HEADER
from pmsaas.adapters.payments.stripe import StripePaymentGateway
from pmsaas.adapters.sql.tables.financial import journal_entries, payments
from pmsaas.adapters.sql.tables.notifications import outbox
from razorpay_support import RECORDED as RZP_RECORDED
from razorpay_support import razorpay_over_recordings
from stripe_support import RECORDED as STRIPE_RECORDED

pytestmark = pytest.mark.today("2026-12-01")

PAYMENTS = "/api/v1/financial/payments"
WEBHOOKS = "/api/v1/financial/payments/webhooks"
RZP_SECRET = "rzp_whsec_test"
STRIPE_SECRET = "whsec_test_acss"


@contextmanager
def razorpay_mode(api):
    gateway, recorder = razorpay_over_recordings(webhook_secret=RZP_SECRET)
    settings = msgspec.structs.replace(
        api.container.settings(), razorpay_key_id="rzp_test_Recorded", razorpay_webhook_secret=RZP_SECRET
    )
    api.container.razorpay_gateway.override(providers.Object(gateway))
    api.container.settings.override(providers.Object(settings))
    try:
        yield recorder
    finally:
        api.container.settings.reset_last_overriding()
        api.container.razorpay_gateway.reset_override()


def _acss_intent(request: httpx.Request) -> httpx.Response:
    """Stripe opening an ACSS debit PaymentIntent: a fresh id per call, the payer confirms it."""
    body = json.loads((STRIPE_RECORDED / "payment_intent_acss_requires_payment_method.json").read_text())
    body["id"] = f"pi_{uuid.uuid4().hex[:24]}"
    body["client_secret"] = f"{body['id']}_secret_recorded"
    return httpx.Response(200, json=body)


@contextmanager
def stripe_pad_mode(api):
    client = httpx.AsyncClient(transport=httpx.MockTransport(_acss_intent))
    settings = msgspec.structs.replace(api.container.settings(), stripe_webhook_secret=STRIPE_SECRET)
    api.container.payment_gateway.override(StripePaymentGateway("sk_test_recorded", client=client))
    api.container.settings.override(providers.Object(settings))
    try:
        yield
    finally:
        api.container.settings.reset_last_overriding()
        api.container.payment_gateway.reset_override()


async def _invoiced_lease(api, owner, country: str, amount: str):
    await set_country(api, owner, country)
    lease = await make_lease(api, owner, country, property_type="residential")
    r = await api.post(
        "/api/v1/financial/invoices", owner.token, json=invoice_body(lease, ("Rent", amount, "rent"), issue=True)
    )
    assert r.status_code == 201, r.text
    return lease, r.json()["data"]


async def _collect(api, who, lease, amount: str, method: str, **extra):
    body = {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": method, **extra}
    return await api.post(PAYMENTS, who, json=body, headers=key())


async def _written(api, owner, payment_id: str) -> tuple[int, list[str]]:
    """Journal entries posted for the payment, and its events in the outbox."""
    org, pid = uuid.UUID(owner.org_id), uuid.UUID(payment_id)
    async with api.container.system_engine().connect() as conn:
        entries = await conn.scalar(
            sa.select(sa.func.count()).where(
                journal_entries.c.organization_id == org, journal_entries.c.source_id == pid
            )
        )
        rows = await conn.execute(
            sa.select(outbox.c.event, outbox.c.payload)
            .where(outbox.c.organization_id == org)
            .order_by(outbox.c.occurred_at)
        )
        return int(entries or 0), [e for e, p in rows if p.get("payment_id") == payment_id]


async def _payment_count(api, owner) -> int:
    async with api.container.system_engine().connect() as conn:
        org = uuid.UUID(owner.org_id)
        return int(await conn.scalar(sa.select(sa.func.count()).where(payments.c.organization_id == org)) or 0)


def _razorpay_event(name: str, order_id: str) -> bytes:
    event = json.loads((RZP_RECORDED / name).read_text())
    event["payload"]["payment"]["entity"]["order_id"] = order_id
    if "order" in event["payload"]:
        event["payload"]["order"]["entity"]["id"] = order_id
    return json.dumps(event).encode()


def _razorpay_callback(api, body: bytes, *, secret: str = RZP_SECRET, event_id: str | None = None):
    headers = {
        rzp.SIGNATURE_HEADER: rzp.sign(secret, body),
        rzp.EVENT_ID_HEADER: event_id or f"evt_{uuid.uuid4().hex[:14]}",
        "Content-Type": "application/json",
    }
    return api.post(f"{WEBHOOKS}/razorpay", content=body, headers=headers)


# -- UPI through Razorpay ------------------------------------------------------------------------


async def test_a_upi_payment_through_razorpay_is_settled_once_by_its_signed_callbacks(api, owner):
    with razorpay_mode(api) as recorder:
        lease, invoice = await _invoiced_lease(api, owner, "IN", "1180.00")
        r = await _collect(api, owner.token, lease, "1180.00", "upi", online=True)
        assert r.status_code == 201, r.text
        pending = r.json()["data"]
        order_id = pending["gateway_payment_id"]
        assert pending["status"] == "pending" and pending["gateway"] == "razorpay" and order_id.startswith("order_")
        assert pending["next_action"]["type"] == "razorpay_checkout" and pending["next_action"]["order_id"] == order_id
        assert json.loads(recorder.requests[0].content)["amount"] == 118000  # paise

        captured = _razorpay_event("webhook_payment_captured.json", order_id)
        bad = await _razorpay_callback(api, captured, secret="not_the_secret")
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "AUTHENTICATION_FAILED"
        unsigned = await api.post(f"{WEBHOOKS}/razorpay", content=captured)
        assert unsigned.status_code == 401
        assert await _written(api, owner, pending["id"]) == (0, [])  # nothing written

        failed_attempt = await _razorpay_callback(api, _razorpay_event("webhook_payment_failed.json", order_id))
        assert failed_attempt.status_code == 200 and failed_attempt.json()["data"]["payment_id"] is None
        assert (await api.get(f"{PAYMENTS}/{pending['id']}", owner.token)).json()["data"]["status"] == "pending"

        r = await _razorpay_callback(api, captured, event_id="evt_captured_1")
        assert r.status_code == 200, r.text
        assert r.json()["data"] == {"received": True, "payment_id": pending["id"], "status": "succeeded"}
        again = await _razorpay_callback(api, captured, event_id="evt_captured_1")  # Razorpay's retry
        assert again.status_code == 200 and again.json()["data"]["status"] == "succeeded"
        twin = await _razorpay_callback(api, _razorpay_event("webhook_order_paid.json", order_id))  # the other event
        assert twin.status_code == 200 and twin.json()["data"]["status"] == "succeeded"

        paid = (await api.get(f"{PAYMENTS}/{pending['id']}", owner.token)).json()["data"]
        assert paid["receipt_number"] and paid["allocations"] == [
            {"invoice_id": invoice["id"], "amount": money("1180.00")}
        ]
        assert paid["next_action"] is None  # answered once, at creation
        assert await _written(api, owner, pending["id"]) == (1, ["payment.received"])  # settled exactly once
        assert (await trial_balance(api, owner))["gateway_clearing"] == "1180.00"
        shown = (await api.get(f"/api/v1/financial/invoices/{invoice['id']}", owner.token)).json()["data"]
        assert shown["status"] == "paid"


async def test_a_razorpay_upi_payment_is_refunded_through_razorpay(api, owner):
    with razorpay_mode(api) as recorder:
        lease, _ = await _invoiced_lease(api, owner, "IN", "1180.00")
        pending = (await _collect(api, owner.token, lease, "1180.00", "upi", online=True)).json()["data"]
        captured = _razorpay_event("webhook_payment_captured.json", pending["gateway_payment_id"])
        assert (await _razorpay_callback(api, captured)).status_code == 200
        r = await api.post(
            f"{PAYMENTS}/{pending['id']}/refund", owner.token, json={"amount": money("500.00")}, headers=key()
        )
        assert r.status_code == 201, r.text
        assert recorder.refunds and recorder.refunds[0]["amount"] == 50000


async def test_net_banking_goes_through_razorpay_and_without_it_through_the_sandbox(api, owner):
    lease, _ = await _invoiced_lease(api, owner, "IN", "500.00")
    with razorpay_mode(api):
        r = await _collect(api, owner.token, lease, "200.00", "net_banking")
        assert r.status_code == 201 and r.json()["data"]["gateway"] == "razorpay", r.text
    r = await _collect(api, owner.token, lease, "200.00", "net_banking")
    assert r.status_code == 201 and r.json()["data"]["gateway"] == "sandbox", r.text
    assert r.json()["data"]["next_action"]["type"] == "redirect"


# -- pre-authorized debit through Stripe's ACSS debit --------------------------------------------


def _stripe_callback(api, event: dict):
    body = json.dumps(event).encode()
    at = int(api.container.clock().now().timestamp())
    headers = {STRIPE_HEADER: stripe_style_sign(STRIPE_SECRET, body, at), "Content-Type": "application/json"}
    return api.post(f"{WEBHOOKS}/stripe", content=body, headers=headers)


async def test_a_pad_that_fails_after_processing_fails_the_payment_and_leaves_the_invoice_open(api, owner):
    with stripe_pad_mode(api):
        lease, invoice = await _invoiced_lease(api, owner, "CA", "2150.00")
        r = await _collect(api, owner.token, lease, "2150.00", "pre_authorized_debit")
        assert r.status_code == 201, r.text
        pending = r.json()["data"]
        intent = pending["gateway_payment_id"]
        assert pending["status"] == "pending" and pending["gateway"] == "stripe"
        assert pending["next_action"] == {"type": "stripe_acss_debit", "client_secret": f"{intent}_secret_recorded"}

        processing = {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "payment_intent.processing",
            "data": {"object": {"id": intent}},
        }
        assert (await _stripe_callback(api, processing)).json()["data"]["payment_id"] is None  # still pending
        failed = json.loads((STRIPE_RECORDED / "event_acss_payment_failed.json").read_text())
        failed["data"]["object"]["id"] = intent
        r = await _stripe_callback(api, failed)
        assert r.status_code == 200 and r.json()["data"]["status"] == "failed", r.text
        assert (await _stripe_callback(api, failed)).json()["data"]["status"] == "failed"  # replayed: nothing more
        late_success = {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": intent}},
        }
        assert (await _stripe_callback(api, late_success)).json()["data"]["status"] == "failed"

        shown = (await api.get(f"{PAYMENTS}/{pending['id']}", owner.token)).json()["data"]
        assert shown["failure_reason"] == "payment_method_insufficient_funds" and shown["receipt_number"] is None
        assert await _written(api, owner, pending["id"]) == (0, ["payment.failed"])
        assert "gateway_clearing" not in await trial_balance(api, owner)
        still = (await api.get(f"/api/v1/financial/invoices/{invoice['id']}", owner.token)).json()["data"]
        assert still["status"] != "paid" and still["balance_due"] == money("2150.00", "CAD")


async def test_a_pad_that_succeeds_days_later_is_settled_once(api, owner):
    with stripe_pad_mode(api):
        lease, _ = await _invoiced_lease(api, owner, "CA", "2150.00")
        pending = (await _collect(api, owner.token, lease, "2150.00", "pre_authorized_debit")).json()["data"]
        succeeded = {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "payment_intent.succeeded",
            "data": {"object": {"id": pending["gateway_payment_id"], "status": "succeeded"}},
        }
        for _ in range(2):
            assert (await _stripe_callback(api, succeeded)).json()["data"]["status"] == "succeeded"
        assert await _written(api, owner, pending["id"]) == (1, ["payment.received"])
        assert (await trial_balance(api, owner))["gateway_clearing"] == "2150.00"


# -- the sandbox simulates both: a UPI payment on an Indian invoice, a PAD on an Ontario one ------


def _sandbox_callback(api, gateway_id: str, kind: str, reason: str | None = None):
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": kind,
        "data": {"payment_id": gateway_id, "failure_reason": reason},
    }
    body = json.dumps(event).encode()
    at = int(api.container.clock().now().timestamp())
    secret = api.container.settings().sandbox_webhook_secret
    headers = {SANDBOX_HEADER: stripe_style_sign(secret, body, at), "Content-Type": "application/json"}
    return api.post(f"{WEBHOOKS}/sandbox", content=body, headers=headers)


async def test_story_upi_on_a_mumbai_invoice_and_a_pad_on_an_ontario_invoice_through_the_sandbox(
    api, owner, other_owner
):
    india, india_invoice = await _invoiced_lease(api, owner, "IN", "1180.00")
    tenant_user, tenant = await owner.add_user("Tenant")
    mine = await make_lease(api, owner, "IN", property_type="residential", tenant_user_id=tenant_user)
    upi = await _collect(api, tenant, mine, "300.00", "upi", online=True)  # a tenant pays online
    assert upi.status_code == 201 and upi.json()["data"]["next_action"]["type"] == "upi_intent", upi.text

    r = await _collect(api, owner.token, india, "1180.00", "upi", online=True)
    assert r.status_code == 201, r.text
    pending = r.json()["data"]
    assert pending["gateway"] == "sandbox" and pending["next_action"]["url"].startswith("upi://pay?")
    settled = await _sandbox_callback(api, pending["gateway_payment_id"], "payment.succeeded")
    assert settled.json()["data"]["status"] == "succeeded"
    assert (await _sandbox_callback(api, pending["gateway_payment_id"], "payment.succeeded")).status_code == 200
    assert await _written(api, owner, pending["id"]) == (1, ["payment.received"])
    paid = (await api.get(f"/api/v1/financial/invoices/{india_invoice['id']}", owner.token)).json()["data"]
    assert paid["status"] == "paid"

    ontario, ontario_invoice = await _invoiced_lease(api, other_owner, "CA", "2260.00")
    r = await _collect(api, other_owner.token, ontario, "2260.00", "pre_authorized_debit")
    assert r.status_code == 201 and r.json()["data"]["next_action"] is None, r.text  # processing
    pad = r.json()["data"]
    bounced = await _sandbox_callback(api, pad["gateway_payment_id"], "payment.failed", "insufficient_funds")
    assert bounced.json()["data"]["status"] == "failed"
    open_still = (await api.get(f"/api/v1/financial/invoices/{ontario_invoice['id']}", other_owner.token)).json()
    assert open_still["data"]["status"] != "paid"
    r = await _collect(api, other_owner.token, ontario, "2260.00", "pre_authorized_debit")
    retry = r.json()["data"]
    assert (await _sandbox_callback(api, retry["gateway_payment_id"], "payment.succeeded")).status_code == 200
    done = (await api.get(f"/api/v1/financial/invoices/{ontario_invoice['id']}", other_owner.token)).json()["data"]
    assert done["status"] == "paid"
    assert (await trial_balance(api, other_owner))["gateway_clearing"] == "2260.00"
    assert (await trial_balance(api, owner))["gateway_clearing"] == "1180.00"  # the tenant's UPI still pending


# -- bad input, tenancy, roles ----------------------------------------------------------------------


async def test_collections_refuse_the_wrong_currency_method_or_fields_and_write_nothing(api, owner):
    india, _ = await _invoiced_lease(api, owner, "IN", "500.00")
    cases = [
        ((india, "100.00", "pre_authorized_debit"), {}, "method"),  # a PAD collects CAD
        ((india, "100.00", "cash"), {"online": True}, "online"),
        ((india, "100.00", "net_banking"), {"card_number": "4242424242424242"}, "card_number"),
        ((india, "100.00", "upi"), {"online": "yes"}, "online"),
        ((india, "0.00", "net_banking"), {}, "amount.amount"),
    ]
    for (lease, amount, method), extra, field in cases:
        r = await _collect(api, owner.token, lease, amount, method, **extra)
        assert r.status_code == 422, (method, r.text)
        assert r.json()["error"]["details"][0]["field"] == field, r.text
    assert await _payment_count(api, owner) == 0


async def test_a_card_gateway_that_does_not_collect_upi_says_so(api, owner):
    with stripe_pad_mode(api):  # Stripe configured, Razorpay not: never sandbox money
        india, _ = await _invoiced_lease(api, owner, "IN", "500.00")
        r = await _collect(api, owner.token, india, "100.00", "upi", online=True)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "method", r.text
    assert await _payment_count(api, owner) == 0


async def test_another_organization_cannot_collect_on_a_lease_it_does_not_own(api, owner, other_owner):
    india, _ = await _invoiced_lease(api, owner, "IN", "500.00")
    r = await _collect(api, other_owner.token, india, "100.00", "upi", online=True)
    assert r.status_code == 404, r.text
    assert await _payment_count(api, owner) == 0 and await _payment_count(api, other_owner) == 0


async def test_a_tenant_collects_online_on_their_own_lease_only_and_cannot_record_upi(api, owner):
    tenant_user, tenant = await owner.add_user("Tenant")
    await set_country(api, owner, "IN")
    mine = await make_lease(api, owner, "IN", property_type="residential", tenant_user_id=tenant_user)
    theirs = await make_lease(api, owner, "IN", property_type="residential")
    assert (await _collect(api, tenant, mine, "100.00", "net_banking")).status_code == 201
    assert (await _collect(api, tenant, theirs, "100.00", "net_banking")).status_code == 404
    recorded = await _collect(api, tenant, mine, "100.00", "upi")  # not online: a manual record
    assert recorded.status_code == 403, recorded.text

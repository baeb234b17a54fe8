"""Payments and refunds through HTTP: allocation, credit, idempotency, the sandbox gateway and its
signed webhook, refunds, tenancy and roles. The trial balance is checked to stay at zero."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

from pmsaas.adapters.payments.sandbox import SIGNATURE_HEADER, SandboxPaymentGateway, sign
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.domain.shared.errors import Conflict

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"
WEBHOOK = "/api/v1/financial/payments/webhooks/sandbox"


async def _setup(api, owner, **kw):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential", **kw)
    return lease


async def _invoice(api, owner, lease, amount, due="2026-12-10"):
    body = invoice_body(lease, ("Rent", amount, "rent"), issue=True, due_date=due)
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _pay(lease, amount, method="cash", **extra):
    return {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": method, **extra}


async def _events(api, owner):
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.event, outbox.c.payload)
            .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
            .order_by(outbox.c.occurred_at)
        )
        return [(e, p) for e, p in rows]


async def test_a_manual_payment_pays_the_oldest_invoices_first_and_keeps_the_rest_as_credit(api, owner):
    lease = await _setup(api, owner)
    old = await _invoice(api, owner, lease, "1000.00", due="2026-12-05")
    new = await _invoice(api, owner, lease, "1000.00", due="2026-12-20")
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "1500.00", reference="CASH-1"), headers=key())
    assert r.status_code == 201, r.text
    p = r.json()["data"]
    assert p["status"] == "succeeded" and p["receipt_number"] == "RCT/26-27/000001"
    assert [(a["invoice_id"], a["amount"]["amount"]) for a in p["allocations"]] == [
        (old["id"], "1000.00"),
        (new["id"], "500.00"),
    ]
    assert (await api.get(f"{INVOICES}/{old['id']}", owner.token)).json()["data"]["status"] == "paid"
    second = (await api.get(f"{INVOICES}/{new['id']}", owner.token)).json()["data"]
    assert second["status"] == "partially_paid" and second["balance_due"] == money("500.00")

    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "800.00"), headers=key())
    assert r.json()["data"]["unallocated"] == money("300.00")  # tenant credit
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert ledger["balance"] == money("-300.00")
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "2300.00" and balances[f"ar:{lease.tenant_id}"] == "-300.00"

    paid = (await api.get(f"{INVOICES}/{new['id']}/payments", owner.token)).json()["data"]
    assert len(paid) == 2
    receipt = (await api.get(f"{PAYMENTS}/{p['id']}/receipt", owner.token)).json()["data"]
    assert receipt["receipt_number"] == "RCT/26-27/000001" and receipt["amount"] == money("1500.00")
    names = [e for e, _ in await _events(api, owner)]
    assert names.count("payment.received") == 2 and names.count("invoice.paid") == 2


async def test_named_invoices_are_paid_first(api, owner):
    lease = await _setup(api, owner)
    old = await _invoice(api, owner, lease, "1000.00", due="2026-12-05")
    new = await _invoice(api, owner, lease, "1000.00", due="2026-12-20")
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "1000.00", invoice_ids=[new["id"]]), headers=key())
    assert [a["invoice_id"] for a in r.json()["data"]["allocations"]] == [new["id"]]
    assert (await api.get(f"{INVOICES}/{old['id']}", owner.token)).json()["data"]["status"] == "issued"


async def test_idempotency_key_is_required_and_money_moves_once(api, owner):
    lease = await _setup(api, owner)
    await _invoice(api, owner, lease, "1000.00")
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "400.00"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"

    headers = key()
    first = await api.post(PAYMENTS, owner.token, json=_pay(lease, "400.00"), headers=headers)
    again = await api.post(PAYMENTS, owner.token, json=_pay(lease, "400.00"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    other = await api.post(PAYMENTS, owner.token, json=_pay(lease, "999.00"), headers=headers)
    assert other.status_code == 422, other.text
    assert (await trial_balance(api, owner))["cash"] == "400.00"
    listed = (await api.get(PAYMENTS, owner.token)).json()["meta"]["pagination"]["total_count"]
    assert listed == 1


async def test_concurrent_requests_with_one_key_move_money_once(api, owner):
    lease = await _setup(api, owner)
    headers = key()
    results = await asyncio.gather(
        *(api.post(PAYMENTS, owner.token, json=_pay(lease, "250.00"), headers=headers) for _ in range(5))
    )
    assert {r.status_code for r in results} <= {201, 409}, [r.text for r in results]
    ids = {r.json()["data"]["id"] for r in results if r.status_code == 201}
    assert len(ids) == 1
    assert (await trial_balance(api, owner))["cash"] == "250.00"


async def test_card_payments_through_the_sandbox_gateway(api, owner):
    lease = await _setup(api, owner)
    inv = await _invoice(api, owner, lease, "1000.00")
    ok = await api.post(
        PAYMENTS, owner.token, json=_pay(lease, "1000.00", "card", card_number="4242 4242 4242 4242"), headers=key()
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["data"]["status"] == "succeeded" and ok.json()["data"]["gateway"] == "sandbox"
    assert (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]["status"] == "paid"

    declined = await api.post(
        PAYMENTS, owner.token, json=_pay(lease, "10.00", "card", card_number="4000000000000002"), headers=key()
    )
    assert declined.status_code == 201
    d = declined.json()["data"]
    assert d["status"] == "failed" and d["failure_reason"] == "card_declined" and d["receipt_number"] is None
    assert (await api.get(f"{PAYMENTS}/{d['id']}/receipt", owner.token)).status_code == 409
    assert (await trial_balance(api, owner))["gateway_clearing"] == "1000.00"
    assert "payment.failed" in [e for e, _ in await _events(api, owner)]

    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "10.00", "card"), headers=key())
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "card_number"


def _webhook(api, event: dict, *, secret: str | None = None, at: int | None = None):
    body = json.dumps(event).encode()
    settings = api.container.settings()
    at = int(api.container.clock().now().timestamp()) if at is None else at  # the server's clock judges its age
    signature = sign(secret or settings.sandbox_webhook_secret, body, at)
    return api.post(WEBHOOK, content=body, headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"})


async def test_delayed_settlement_is_settled_once_by_the_signed_webhook(api, owner):
    lease = await _setup(api, owner)
    inv = await _invoice(api, owner, lease, "700.00")
    r = await api.post(
        PAYMENTS, owner.token, json=_pay(lease, "700.00", "card", card_number="4000000000000077"), headers=key()
    )
    pending = r.json()["data"]
    assert pending["status"] == "pending" and pending["allocations"] == []
    assert "gateway_clearing" not in await trial_balance(api, owner)

    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "payment.succeeded",
        "data": {"payment_id": pending["gateway_payment_id"]},
    }
    bad = await _webhook(api, event, secret="whsec_wrong")
    assert bad.status_code == 401
    stale = await _webhook(api, event, at=int(api.container.clock().now().timestamp()) - 3600)
    assert stale.status_code == 401
    assert (await api.get(f"{PAYMENTS}/{pending['id']}", owner.token)).json()["data"]["status"] == "pending"

    r = await _webhook(api, event)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "succeeded"
    replay = await _webhook(api, event)
    assert replay.status_code == 200
    late_fail = await _webhook(
        api,
        {
            "id": f"evt_{uuid.uuid4().hex}",
            "type": "payment.failed",
            "data": {"payment_id": pending["gateway_payment_id"]},
        },
    )
    assert late_fail.json()["data"]["status"] == "succeeded"
    assert (await trial_balance(api, owner))["gateway_clearing"] == "700.00"  # settled exactly once
    assert (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]["status"] == "paid"
    events = [e for e, p in await _events(api, owner) if p.get("payment_id") == pending["id"]]
    assert events == ["payment.received"]


async def test_a_webhook_can_fail_a_pending_payment(api, owner):
    lease = await _setup(api, owner)
    r = await api.post(
        PAYMENTS, owner.token, json=_pay(lease, "50.00", "card", card_number="4000000000000077"), headers=key()
    )
    gid = r.json()["data"]["gateway_payment_id"]
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "payment.failed",
        "data": {"payment_id": gid, "failure_reason": "expired"},
    }
    assert (await _webhook(api, event)).json()["data"]["status"] == "failed"
    assert "gateway_clearing" not in await trial_balance(api, owner)


async def test_refunds_never_exceed_what_was_paid_and_reopen_invoices(api, owner):
    lease = await _setup(api, owner)
    inv = await _invoice(api, owner, lease, "1000.00")
    p = (await api.post(PAYMENTS, owner.token, json=_pay(lease, "1200.00"), headers=key())).json()["data"]
    url = f"{PAYMENTS}/{p['id']}/refund"

    r = await api.post(url, owner.token, json={"amount": money("100.00")})
    assert r.status_code == 400
    headers = key()
    r = await api.post(url, owner.token, json={"amount": money("300.00"), "reason": "overpaid"}, headers=headers)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["payment"]["status"] == "partially_refunded" and data["refund"]["amount"] == money("300.00")
    # 200 of credit went first, then 100 came off the invoice, which is open again.
    reopened = (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]
    assert reopened["status"] == "partially_paid" and reopened["balance_due"] == money("100.00")
    again = await api.post(url, owner.token, json={"amount": money("300.00"), "reason": "overpaid"}, headers=headers)
    assert again.status_code == 201 and again.json()["data"]["refund"]["id"] == data["refund"]["id"]

    too_much = await api.post(url, owner.token, json={"amount": money("900.01")}, headers=key())
    assert too_much.status_code == 422, too_much.text
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "900.00"
    r = await api.post(url, owner.token, json={"amount": money("900.00")}, headers=key())
    assert r.status_code == 201 and r.json()["data"]["payment"]["status"] == "refunded"
    assert (await api.post(url, owner.token, json={"amount": money("0.01")}, headers=key())).status_code == 409
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert ledger["balance"] == money("1000.00")


async def test_payment_to_a_cancelled_invoice_is_refused(api, owner):
    lease = await _setup(api, owner)
    inv = await _invoice(api, owner, lease, "1000.00")
    await api.post(f"{INVOICES}/{inv['id']}/cancel", owner.token)
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "1000.00", invoice_ids=[inv["id"]]), headers=key())
    assert r.status_code == 409, r.text
    assert "cash" not in await trial_balance(api, owner)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": money("-5.00")}, "amount.amount"),
        ({"amount": money("0.00")}, "amount.amount"),
        ({"amount": money("5.00", "CAD")}, "amount.currency"),
        ({"amount": {"amount": 5, "currency": "INR"}}, "amount.amount"),
        ({"method": "bitcoin"}, "method"),
        ({"tip": "1"}, "tip"),
        ({"invoice_ids": ["not-a-uuid"]}, "invoice_ids.0"),
    ],
)
async def test_bad_payments_are_422_and_move_no_money(api, owner, change, field):
    lease = await _setup(api, owner)
    body = _pay(lease, "10.00")
    body.update(change)
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text
    assert await trial_balance(api, owner) == {}


async def test_another_organizations_payments_are_404(api, owner, other_owner):
    lease = await _setup(api, owner)
    await set_country(api, other_owner, "IN")
    p = (await api.post(PAYMENTS, owner.token, json=_pay(lease, "10.00"), headers=key())).json()["data"]
    for method, url, kw in [
        ("GET", f"{PAYMENTS}/{p['id']}", {}),
        ("PUT", f"{PAYMENTS}/{p['id']}", {"json": {"reference": "x"}}),
        ("GET", f"{PAYMENTS}/{p['id']}/receipt", {}),
        ("POST", f"{PAYMENTS}/{p['id']}/refund", {"json": {"amount": money("1.00")}, "headers": key()}),
        ("POST", PAYMENTS, {"json": _pay(lease, "10.00"), "headers": key()}),
    ]:
        r = await api.request(method, url, token=other_owner.token, **kw)
        assert r.status_code == 404, (method, url, r.text)
    assert (await api.get(PAYMENTS, other_owner.token)).json()["data"] == []
    assert (await trial_balance(api, owner))["cash"] == "10.00"


async def test_tenants_pay_their_own_lease_by_card_only(api, owner):
    await set_country(api, owner, "IN")
    tenant_user, tenant = await owner.add_user("Tenant")
    mine = await make_lease(api, owner, "IN", property_type="residential", tenant_user_id=tenant_user)
    theirs = await make_lease(api, owner, "IN", property_type="residential")
    card = {"card_number": "4242424242424242"}
    r = await api.post(PAYMENTS, tenant, json=_pay(mine, "100.00", "card", **card), headers=key())
    assert r.status_code == 201, r.text
    r = await api.post(PAYMENTS, tenant, json=_pay(theirs, "100.00", "card", **card), headers=key())
    assert r.status_code == 404
    r = await api.post(PAYMENTS, tenant, json=_pay(mine, "100.00", "cash"), headers=key())
    assert r.status_code == 403
    other = (await api.post(PAYMENTS, owner.token, json=_pay(theirs, "5.00"), headers=key())).json()["data"]
    listed = (await api.get(PAYMENTS, tenant)).json()["data"]
    assert [p["lease_id"] for p in listed] == [mine.id]
    assert (await api.get(f"{PAYMENTS}/{other['id']}", tenant)).status_code == 404
    assert (
        await api.post(f"{PAYMENTS}/{other['id']}/refund", tenant, json={"amount": money("1.00")}, headers=key())
    ).status_code == 403


async def test_a_tenant_cannot_read_another_tenants_payment_through_a_reused_key(api, owner):
    await set_country(api, owner, "IN")
    a_user, a = await owner.add_user("Tenant")
    b_user, b = await owner.add_user("Tenant")
    lease_a = await make_lease(api, owner, "IN", tenant_user_id=a_user)
    await make_lease(api, owner, "IN", tenant_user_id=b_user)
    body = _pay(lease_a, "100.00", "card", card_number="4242424242424242")
    headers = {"Idempotency-Key": f"shared-{uuid.uuid4().hex}"}
    assert (await api.post(PAYMENTS, a, json=body, headers=headers)).status_code == 201
    r = await api.post(PAYMENTS, b, json=body, headers=headers)
    assert r.status_code in (404, 422), r.text  # never tenant A's payment
    assert "data" not in r.json() or r.json().get("success") is False


async def test_payment_update_and_methods(api, owner):
    lease = await _setup(api, owner)
    p = (await api.post(PAYMENTS, owner.token, json=_pay(lease, "10.00", "upi"), headers=key())).json()["data"]
    r = await api.put(f"{PAYMENTS}/{p['id']}", owner.token, json={"reference": "UPI-123", "notes": "ok"})
    assert r.status_code == 200 and r.json()["data"]["reference"] == "UPI-123"
    assert (await api.put(f"{PAYMENTS}/{p['id']}", owner.token, json={"amount": "1"})).status_code == 422
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.put(f"{PAYMENTS}/{p['id']}", manager, json={"reference": "x"})).status_code == 403

    r = await api.post(
        "/api/v1/financial/payment-methods",
        owner.token,
        json={"type": "upi", "label": "UPI", "details": {"vpa": "rent@bank"}},
    )
    assert r.status_code == 201, r.text
    methods = (await api.get("/api/v1/financial/payment-methods", owner.token)).json()["data"]
    assert [(m["type"], m["details"]) for m in methods] == [("upi", {"vpa": "rent@bank"})]
    assert (
        await api.post("/api/v1/financial/payment-methods", owner.token, json={"type": "gold", "label": "x"})
    ).status_code == 422


class RefusingGateway(SandboxPaymentGateway):
    async def refund(self, *, gateway_payment_id, amount, idempotency_key):
        raise Conflict("the gateway refused the refund: charge disputed")


async def test_card_refunds_go_through_the_gateway_and_a_refusal_records_nothing(api, owner):
    lease = await _setup(api, owner)
    body = _pay(lease, "500.00", "card", card_number="4242424242424242")
    p = (await api.post(PAYMENTS, owner.token, json=body, headers=key())).json()["data"]
    url = f"{PAYMENTS}/{p['id']}/refund"
    with api.container.payment_gateway.override(RefusingGateway()):
        r = await api.post(url, owner.token, json={"amount": money("100.00")}, headers=key())
    assert r.status_code == 409, r.text
    assert (await trial_balance(api, owner))["gateway_clearing"] == "500.00"
    assert (await api.get(f"{PAYMENTS}/{p['id']}", owner.token)).json()["data"]["refunded"] == money("0.00")
    r = await api.post(url, owner.token, json={"amount": money("100.00")}, headers=key())
    assert r.status_code == 201, r.text
    assert (await trial_balance(api, owner))["gateway_clearing"] == "400.00"

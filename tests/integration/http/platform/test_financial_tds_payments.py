"""TDS withheld by a tenant on rent (India) through HTTP: the cash plus the TDS settle the invoices,
the journal debits cash and tds_receivable, refunds return cash only, bad input writes nothing."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, set_org_pan, trial_balance

from pmsaas.domain.financial.tax import rates as R

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"
ORG_PAN = "AABCA1234C"
TENANT_PAN = "AAACT2345K"


async def _setup(api, owner, *, rent="60000.00", pan=ORG_PAN, **kw):
    """An Indian organization, a shop let to a company that deducts TDS, one issued rent invoice
    (rent + 18 % GST)."""
    await set_country(api, owner, "IN")
    await set_org_pan(api, owner, pan)
    lease = await make_lease(api, owner, "IN", tds_applicable=True, tenant_pan=TENANT_PAN, **kw)
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", rent, "rent"), issue=True))
    assert r.status_code == 201, r.text
    return lease, r.json()["data"]


def _pay(lease, amount, tds=None, method="bank_transfer"):
    body = {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": method}
    if tds is not None:
        body["tds"] = tds
    return body


async def _invoice(api, owner, invoice_id):
    return (await api.get(f"{INVOICES}/{invoice_id}", owner.token)).json()["data"]


async def test_declared_tds_credits_the_tenant_with_cash_plus_tds(api, owner, other_owner):
    lease, invoice = await _setup(api, owner)
    assert invoice["total"] == money("70800.00")
    tds = {"tds_section": "194-I(b)", "tds_amount": money("6000.00"), "tds_certificate_number": "TDS123456789"}
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "64800.00", tds), headers=key())
    assert r.status_code == 201, r.text
    p = r.json()["data"]
    assert p["amount"] == money("64800.00")  # the cash received
    assert p["allocations"] == [{"invoice_id": invoice["id"], "amount": money("70800.00")}]  # the gross
    assert p["unallocated"] == money("0.00")
    block = p["tds"]
    act = R.act_section_on("194-I(b)", api.container.clock().today())
    assert block["direction"] == "received" and block["tds_section"] == "194-I(b)" and block["tds_rate"] == 10.0
    assert block["tds_amount"] == money("6000.00") and block["gross_amount"] == money("70800.00")
    assert block["net_amount"] == money("64800.00") and block["computed"] is False
    assert (block["act_version"], block["section_ref"]) == (act.act_version, act.section_ref)
    assert block["pan_number"] == TENANT_PAN and block["tds_certificate_number"] == "TDS123456789"
    assert (await _invoice(api, owner, invoice["id"]))["status"] == "paid"

    balances = await trial_balance(api, owner)
    assert balances["cash"] == "64800.00" and balances["tds_receivable"] == "6000.00"
    assert balances[f"ar:{lease.tenant_id}"] == "0.00"
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert ledger["balance"] == money("0.00")
    receipt = (await api.get(f"{PAYMENTS}/{p['id']}/receipt", owner.token)).json()["data"]
    assert receipt["tds"]["tds_amount"] == money("6000.00")

    # Another organization does not see the payment.
    assert (await api.get(f"{PAYMENTS}/{p['id']}", other_owner.token)).status_code == 404
    r = await api.put(f"{PAYMENTS}/{p['id']}", other_owner.token, json={"tds_certificate_number": "X"})
    assert r.status_code == 404


async def test_refunds_return_cash_only_and_the_ledger_stays_balanced(api, owner):
    lease, invoice = await _setup(api, owner)
    tds = {"tds_section": "194-I(b)", "tds_amount": money("6000.00")}
    p = (await api.post(PAYMENTS, owner.token, json=_pay(lease, "64800.00", tds), headers=key())).json()["data"]
    refund = f"{PAYMENTS}/{p['id']}/refund"

    r = await api.post(refund, owner.token, json={"amount": money("64800.01")}, headers=key())
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "amount.amount"
    assert "TDS" in r.json()["error"]["details"][0]["message"]

    r = await api.post(refund, owner.token, json={"amount": money("4800.00")}, headers=key())
    assert r.status_code == 201, r.text
    after = r.json()["data"]["payment"]
    assert after["status"] == "partially_refunded" and after["allocations"][0]["amount"] == money("66000.00")
    r = await api.post(refund, owner.token, json={"amount": money("60000.00")}, headers=key())
    assert r.status_code == 201, r.text
    after = r.json()["data"]["payment"]
    assert after["status"] == "refunded" and after["refunded"] == money("64800.00")
    # The TDS stays applied: the invoice keeps 6,000 paid, the tenant owes the refunded cash.
    assert after["allocations"] == [{"invoice_id": invoice["id"], "amount": money("6000.00")}]
    inv = await _invoice(api, owner, invoice["id"])
    assert inv["status"] == "partially_paid" and inv["balance_due"] == money("64800.00")
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "0.00" and balances["tds_receivable"] == "6000.00"
    assert balances[f"ar:{lease.tenant_id}"] == "64800.00"
    r = await api.post(refund, owner.token, json={"amount": money("0.01")}, headers=key())
    assert r.status_code in (409, 422), r.text


@pytest.mark.parametrize(
    ("rent", "cash", "tds"),
    [
        # 194-I from 2025-04-01: no TDS unless the rent for the month exceeds Rs 50,000.
        ("50000.00", "59000.00", "0.00"),  # rent 50,000 + GST 9,000
        ("50001.00", "54001.18", "5000.00"),  # rent 50,001 + GST 9,000.18; 10 % = 5,000.10 → 5,000
    ],
)
async def test_computed_tds_follows_the_monthly_threshold(api, owner, rent, cash, tds):
    lease, invoice = await _setup(api, owner, rent=rent)
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, cash, {"tds_section": "194-I(b)"}), headers=key())
    assert r.status_code == 201, r.text
    p = r.json()["data"]
    assert p["tds"]["computed"] is True and p["tds"]["tds_amount"] == money(tds)
    assert p["allocations"] == [{"invoice_id": invoice["id"], "amount": invoice["total"]}]
    assert p["unallocated"] == money("0.00")
    assert (await _invoice(api, owner, invoice["id"]))["status"] == "paid"
    balances = await trial_balance(api, owner)
    assert balances["cash"] == cash and balances.get("tds_receivable", "0.00") == tds


async def test_computed_tds_without_the_landlords_pan_is_20_percent(api, owner):
    lease, invoice = await _setup(api, owner, pan=None)  # s.206AA: the payee furnished no PAN
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "58800.00", {"tds_section": "194-I(b)"}), headers=key())
    assert r.status_code == 201, r.text
    block = r.json()["data"]["tds"]
    assert block["tds_amount"] == money("12000.00") and block["tds_rate"] == 20.0
    assert "206AA" in block["reason"] or "394" in block["section_ref"]
    assert (await _invoice(api, owner, invoice["id"]))["status"] == "paid"


async def test_the_certificate_number_is_filled_in_later(api, owner):
    lease, _ = await _setup(api, owner)
    tds = {"tds_section": "194-I(b)", "tds_amount": money("6000.00")}
    p = (await api.post(PAYMENTS, owner.token, json=_pay(lease, "64800.00", tds), headers=key())).json()["data"]
    assert p["tds"]["tds_certificate_number"] is None
    r = await api.put(f"{PAYMENTS}/{p['id']}", owner.token, json={"tds_certificate_number": "TDS123456789"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["tds"]["tds_certificate_number"] == "TDS123456789"
    r = await api.put(f"{PAYMENTS}/{p['id']}", owner.token, json={"notes": "Form 16C received"})
    assert r.json()["data"]["tds"]["tds_certificate_number"] == "TDS123456789"  # omitted: kept
    got = (await api.get(f"{PAYMENTS}/{p['id']}", owner.token)).json()["data"]
    assert got["tds"]["tds_certificate_number"] == "TDS123456789" and got["notes"] == "Form 16C received"

    plain = (await api.post(PAYMENTS, owner.token, json=_pay(lease, "100.00"), headers=key())).json()["data"]
    assert plain["tds"] is None
    r = await api.put(f"{PAYMENTS}/{plain['id']}", owner.token, json={"tds_certificate_number": "TDS1"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "tds_certificate_number"


@pytest.mark.parametrize(
    ("tds", "method", "field"),
    [
        ({"tds_section": "194-I(b)", "tds_amount": money("-1.00")}, "cash", "tds.tds_amount.amount"),
        # 20,000 of TDS on 64,800 of cash is more than 20 % of the gross (84,800).
        ({"tds_section": "194-I(b)", "tds_amount": money("20000.00")}, "cash", "tds.tds_amount.amount"),
        ({"tds_section": "194Z"}, "cash", "tds.tds_section"),
        ({"tds_section": "194C"}, "cash", "tds.tds_section"),  # a tenant pays rent, not a contract
        ({"tds_section": "194-I(b)", "tds_rate": 150}, "cash", "tds.tds_rate"),
        ({"tds_section": "194-I(b)"}, "card", "tds"),
    ],
)
async def test_bad_tds_is_422_and_writes_nothing(api, owner, tds, method, field):
    lease, _ = await _setup(api, owner)
    body = _pay(lease, "64800.00", tds, method=method)
    if method == "card":
        body["card_number"] = "4242 4242 4242 4242"
    r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text
    assert (await api.get(PAYMENTS, owner.token)).json()["meta"]["pagination"]["total_count"] == 0
    assert "cash" not in await trial_balance(api, owner)


async def test_tds_only_for_indian_organizations_and_tds_applicable_leases(api, owner, other_owner):
    plain = await make_lease(api, owner, "IN")  # tds_applicable false
    await set_country(api, owner, "IN")
    r = await api.post(PAYMENTS, owner.token, json=_pay(plain, "100.00", {"tds_section": "194-I(b)"}), headers=key())
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "tds", r.text
    assert "tds_applicable" in r.json()["error"]["details"][0]["message"]

    await set_country(api, other_owner, "CA")
    lease = await make_lease(api, other_owner, "CA")
    body = _pay(lease, "100.00", {"tds_section": "194-I(b)", "tds_amount": money("0.00", "CAD")})
    r = await api.post(PAYMENTS, other_owner.token, json=body, headers=key())
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "tds", r.text
    assert "INR" in r.json()["error"]["details"][0]["message"]
    assert (await api.get(PAYMENTS, other_owner.token)).json()["meta"]["pagination"]["total_count"] == 0


async def test_a_replayed_tds_payment_moves_money_once(api, owner):
    lease, _ = await _setup(api, owner)
    headers = key()
    body = _pay(lease, "64800.00", {"tds_section": "194-I(b)", "tds_amount": money("6000.00")})
    first = await api.post(PAYMENTS, owner.token, json=body, headers=headers)
    again = await api.post(PAYMENTS, owner.token, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.json()["data"]["tds"]["tds_amount"] == money("6000.00")
    other = _pay(lease, "64800.00", {"tds_section": "194-I(b)", "tds_amount": money("5000.00")})
    r = await api.post(PAYMENTS, owner.token, json=other, headers=headers)
    assert r.status_code == 422, r.text
    balances = await trial_balance(api, owner)
    assert balances["cash"] == "64800.00" and balances["tds_receivable"] == "6000.00"

"""Issue 10: an untyped 'other' charge on commercial premises, society maintenance charged by a
landlord, a deposit paid back without reopening the invoice, an amount past the books' limit, and
settings that keep what was not sent."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-01")

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"


async def test_an_other_line_on_a_commercial_lease_needs_a_supply_type(api, owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN")
    body = invoice_body(shop, ("Rent", "50000.00", "rent"), ("Parking", "3000.00", "other"))
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["error"]["details"]] == ["lines.1.supply_type"]
    body["lines"][1]["supply_type"] = "property_management_fee"
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["lines"][1]["tax"] == money("540.00")  # 18 %
    flat = await make_lease(api, owner, "IN", property_type="residential")
    r = await api.post(INVOICES, owner.token, json=invoice_body(flat, ("Key replacement", "500.00", "other")))
    assert r.status_code == 201, r.text  # residential: still allowed untyped (no tax)


async def test_society_maintenance_is_exempt_only_for_a_housing_society(api, owner, other_owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    line = {"description": "Maintenance", "amount": money("5000.00"), "charge_type": "other"}
    body = invoice_body(lease) | {"lines": [line | {"supply_type": "society_maintenance"}]}
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    taxes = r.json()["data"]["lines"][0]["taxes"]
    assert [(t["tax"], t["rate"], t["amount"]["amount"]) for t in taxes] == [
        ("CGST", 9.0, "450.00"),
        ("SGST", 9.0, "450.00"),
    ]  # a landlord charging a tenant: not entry 77(c)

    settings = f"/api/v1/organizations/{owner.org_id}/settings"
    r = await api.put(settings, owner.token, json={"country": "IN", "is_housing_society": True})
    assert r.status_code == 200 and r.json()["data"]["is_housing_society"] is True, r.text
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.json()["data"]["lines"][0]["taxes"] == []  # a society billing a member, within Rs 7,500
    r = await api.put(
        f"/api/v1/organizations/{other_owner.org_id}/settings",
        other_owner.token,
        json={"country": "CA", "is_housing_society": True},
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "is_housing_society"


async def test_a_deposit_refund_leaves_the_invoice_paid_and_moves_deposits_held(api, owner):
    await set_country(api, owner, "IN")
    flat = await make_lease(api, owner, "IN", property_type="residential", rent="25000.00")
    body = invoice_body(flat, ("Rent", "25000.00", "rent"), ("Security deposit", "100000.00", "deposit"), issue=True)
    inv = (await api.post(INVOICES, owner.token, json=body)).json()["data"]
    pay = {"lease_id": flat.id, "amount": money("125000.00"), "method": "bank_transfer"}
    p = (await api.post(PAYMENTS, owner.token, json=pay, headers=key())).json()["data"]
    assert (await trial_balance(api, owner))["deposits_held"] == "-100000.00"

    refund = {"amount": money("40000.00"), "reason": "deposit returned at move-out", "deposit": True}
    r = await api.post(f"{PAYMENTS}/{p['id']}/refund", owner.token, json=refund, headers=key())
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["refund"]["deposit"] is True
    assert data["payment"]["deposit_refunded"] == money("40000.00") and data["payment"]["refunded"] == money("0.00")
    assert data["payment"]["unallocated"] == money("0.00")
    assert (await api.get(f"{INVOICES}/{inv['id']}", owner.token)).json()["data"]["status"] == "paid"
    balances = await trial_balance(api, owner)
    assert balances["deposits_held"] == "-60000.00" and balances["cash"] == "85000.00"
    assert balances.get(f"ar:{flat.tenant_id}", "0.00") == "0.00"

    too_much = {"amount": money("60000.01"), "deposit": True}
    r = await api.post(f"{PAYMENTS}/{p['id']}/refund", owner.token, json=too_much, headers=key())
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "amount.amount", r.text
    assert (await trial_balance(api, owner))["deposits_held"] == "-60000.00"


async def test_an_amount_past_the_books_limit_is_422(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    body = invoice_body(lease, ("Rent", "99999999999999999999", "rent"))
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"].startswith("lines.0.amount")


async def test_settings_keep_the_regional_fields_not_sent(api, owner):
    url = f"/api/v1/organizations/{owner.org_id}/settings"
    body = {"country": "CA", "province": "BC", "time_zone": "America/Vancouver", "locale": "fr-CA"}
    assert (await api.put(url, owner.token, json=body)).status_code == 200
    r = await api.put(url, owner.token, json={"country": "CA", "tax_registration_number": "123456782RT0001"})
    assert r.status_code == 200, r.text
    s = r.json()["data"]
    assert (s["province"], s["time_zone"], s["locale"], s["currency"]) == ("BC", "America/Vancouver", "fr-CA", "CAD")
    assert s["tax_registration_number"] == "123456782RT0001"
    # null clears to the country's default; another country starts from its own defaults
    r = await api.put(url, owner.token, json={"country": "CA", "time_zone": None, "province": None})
    s = r.json()["data"]
    assert (s["province"], s["time_zone"], s["locale"]) == (None, "America/Toronto", "fr-CA")
    r = await api.put(url, owner.token, json={"country": "IN", "tax_registration_number": None})
    s = r.json()["data"]
    assert (s["province"], s["time_zone"], s["locale"], s["currency"]) == (None, "Asia/Kolkata", "en-IN", "INR")

"""Issue 10: a security deposit is no supply in the GST return; the TDS report's amount is the rent
TDS was deducted on; TDS on rent below the threshold says so (computed) or warns (declared)."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, set_org_pan

pytestmark = pytest.mark.today("2026-12-01")

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"
TENANT_PAN = "AAACT2345K"


async def test_deposits_are_not_exempt_turnover_in_the_gst_return(api, owner):
    await set_country(api, owner, "IN")
    flat = await make_lease(api, owner, "IN", property_type="residential", rent="28500.00")
    body = invoice_body(
        flat, ("Rent December", "28500.00", "rent"), ("Security deposit", "250000.00", "deposit"), issue=True
    )
    assert (await api.post(INVOICES, owner.token, json=body)).status_code == 201
    r = await api.get("/api/v1/financial/gst-returns", owner.token, params={"from": "2026-12"})
    [dec] = r.json()["data"]
    assert dec["exempt_value"]["amount"] == "28500.00"  # not 2,78,500: the deposit is not a supply
    assert dec["taxable_value"]["amount"] == "0.00"


async def _tds_lease(api, owner, rent):
    await set_country(api, owner, "IN")
    await set_org_pan(api, owner, "AABCA1234C")
    return await make_lease(api, owner, "IN", rent=rent, tds_applicable=True, tenant_pan=TENANT_PAN)


async def test_the_tds_report_shows_the_rent_tds_was_deducted_on(api, owner):
    lease = await _tds_lease(api, owner, "100000.00")
    body = invoice_body(
        lease, ("Rent December", "100000.00", "rent"), ("Security deposit", "300000.00", "deposit"), issue=True
    )
    inv = (await api.post(INVOICES, owner.token, json=body)).json()["data"]
    assert inv["total"]["amount"] == "418000.00"  # rent + 18 % GST + deposit
    tds = {"tds_section": "194-I(b)", "tds_amount": money("10000.00")}
    pay = {"lease_id": lease.id, "amount": money("408000.00"), "method": "bank_transfer", "tds": tds}
    r = await api.post(PAYMENTS, owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    assert r.json()["data"]["tds"]["warnings"] == []

    report = (await api.get("/api/v1/financial/tds-reports", owner.token, params={"fy": "2026-27"})).json()["data"]
    [row] = report["rows"]
    assert row["amount"] == money("100000.00")  # the rent; not 4,18,000 (GST and deposit included)
    assert row["tds_amount"] == money("10000.00")
    assert [t["amount"]["amount"] for t in report["totals"]] == ["100000.00"]


async def test_computed_tds_below_the_monthly_threshold_says_so(api, owner):
    lease = await _tds_lease(api, owner, "25000.00")
    inv = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "25000.00", "rent"), issue=True))
    assert inv.json()["data"]["total"]["amount"] == "29500.00"
    # The tenant held back 10 % of the rent anyway and paid the rest.
    pay = {
        "lease_id": lease.id,
        "amount": money("27000.00"),
        "method": "bank_transfer",
        "tds": {"tds_section": "194-I(b)"},
    }
    r = await api.post(PAYMENTS, owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    block = r.json()["data"]["tds"]
    assert block["computed"] is True and block["tds_amount"] == money("0.00")
    assert "part payment" not in block["reason"]
    assert block["reason"].startswith("below the s.194-I(b) threshold, no TDS is due")
    assert "monthly threshold of Rs 50000" in block["reason"]


async def test_a_declared_tds_below_the_threshold_is_accepted_with_a_warning(api, owner):
    lease = await _tds_lease(api, owner, "25000.00")
    await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "25000.00", "rent"), issue=True))
    tds = {"tds_section": "194-I(b)", "tds_amount": money("2500.00")}
    pay = {"lease_id": lease.id, "amount": money("27000.00"), "method": "bank_transfer", "tds": tds}
    r = await api.post(PAYMENTS, owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    block = r.json()["data"]["tds"]
    assert block["tds_amount"] == money("2500.00") and block["computed"] is False
    [warning] = block["warnings"]
    assert "below the s.194-I(b) threshold" in warning and "monthly threshold of Rs 50000" in warning
    assert "below the s.194-I(b) threshold" in block["reason"]  # kept with the record
    again = (await api.get(f"{PAYMENTS}/{r.json()['data']['id']}", owner.token)).json()["data"]["tds"]
    assert "below the s.194-I(b) threshold" in again["reason"]

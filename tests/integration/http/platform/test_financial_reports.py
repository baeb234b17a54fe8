"""GST returns per month from the issued invoices, as JSON and CSV."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, make_lease, set_country

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"
RETURNS = "/api/v1/financial/gst-returns"


async def test_monthly_returns_split_taxable_exempt_and_reverse_charge(api, owner, other_owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN")
    flat = await make_lease(api, owner, "IN", property_type="residential")
    company_flat = await make_lease(api, owner, "IN", property_type="residential", tenant_gstin="27AABCP1234Q1Z7")
    for lease, amount in [(shop, "100000.00"), (flat, "35000.00"), (company_flat, "60000.00")]:
        body = invoice_body(lease, ("Rent", amount, "rent"), issue=True)
        assert (await api.post(INVOICES, owner.token, json=body)).status_code == 201
    cancelled = (await api.post(INVOICES, owner.token, json=invoice_body(shop, issue=True))).json()["data"]
    await api.post(f"{INVOICES}/{cancelled['id']}/cancel", owner.token)
    await api.post(INVOICES, owner.token, json=invoice_body(shop))  # a draft is not a supply

    r = await api.get(RETURNS, owner.token, params={"from": "2026-11", "to": "2026-12"})
    assert r.status_code == 200, r.text
    nov, dec = r.json()["data"]
    assert nov["period"] == "2026-11" and nov["invoices"] == 0
    assert dec["invoices"] == 3
    assert dec["taxable_value"]["amount"] == "100000.00"
    assert dec["exempt_value"]["amount"] == "35000.00"
    assert dec["reverse_charge_value"]["amount"] == "60000.00"
    assert {k: v["amount"] for k, v in dec["tax"].items()} == {"CGST": "9000.00", "SGST": "9000.00"}

    csv = await api.get(RETURNS, owner.token, params={"from": "2026-12", "format": "csv"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == [
        "period,currency,invoices,taxable_value,exempt_value,reverse_charge_value,CGST,SGST,CGST_payable,SGST_payable",
        "2026-12,INR,3,100000.00,35000.00,60000.00,9000.00,9000.00,9000.00,9000.00",
    ]
    # Another organization sees its own (empty) figures, never these.
    theirs = (await api.get(RETURNS, other_owner.token, params={"from": "2026-12"})).json()["data"]
    assert theirs[0]["invoices"] == 0


async def test_bad_parameters_and_roles(api, owner):
    for params in (
        {"from": "2026-13"},
        {"from": "2026-12", "to": "2026-01"},
        {"format": "xml"},
        {"from": "2020-01", "to": "2026-01"},
    ):
        r = await api.get(RETURNS, owner.token, params=params)
        assert r.status_code == 422, (params, r.text)
    _, tenant = await owner.add_user("Tenant")
    _, staff = await owner.add_user("MaintenanceStaff")
    assert (await api.get(RETURNS, tenant)).status_code == 403
    assert (await api.get(RETURNS, staff)).status_code == 403
    assert (await api.get(RETURNS, owner.token)).status_code == 200

"""Issue 16: GSTR-3B tables 3.1(a), (c), (d) and 4 over HTTP, from the invoices and the approved
vendor bills' tax, every figure checked against the ledger (tax_payable, rcm_payable, input_tax)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from fin_support import invoice_body, make_lease, money, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-15")

REPORT = "/api/v1/financial/reports/gstr3b"
EXPENSES = "/api/v1/financial/expenses"
KA = {"city": "Bengaluru", "province": "KA", "postal_code": "560001"}


async def _invoice(api: Any, owner: Any, lease: Any, amount: str) -> None:
    body = invoice_body(lease, ("Rent", amount, "rent"), issue=True, issue_date="2026-12-01", due_date="2026-12-10")
    r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
    assert r.status_code == 201, r.text


async def _bill(api: Any, owner: Any, amount: str, taxes: dict[str, str], **flags: Any) -> None:
    lines = [
        {"tax": head, "amount": money(value), "rate": 9 if head != "IGST" else 18} for head, value in taxes.items()
    ]
    body = {
        "category": "repairs",
        "description": "Bill",
        "amount": money(amount),
        "expense_date": "2026-12-05",
        "input_tax": {"lines": lines, **flags},
    }
    r = await api.post(EXPENSES, owner.token, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["input_tax"]["lines"][0]["rate"] in (9.0, 18.0)
    r = await api.post(f"{EXPENSES}/{r.json()['data']['id']}/approve", owner.token)
    assert r.status_code == 200, r.text


def _d(x: str) -> Decimal:
    return Decimal(x)


async def test_gstr3b_tables_from_invoices_bills_and_the_ledger(api, owner):
    await set_country(api, owner, "IN")
    body = {"country": "IN", "province": "MH", "gst_number": "27AABCP1234Q1Z7"}
    assert (await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)).status_code == 200
    await _invoice(api, owner, await make_lease(api, owner, tenant_gstin="29AAAPK5678L1Z4"), "100000.00")
    rcm = await make_lease(api, owner, property_type="residential", tenant_gstin="07AAFFR9012M2ZW")
    await _invoice(api, owner, rcm, "60000.00")  # the tenant's reverse charge: not in 3.1(a)
    await _invoice(api, owner, await make_lease(api, owner), "40000.00")
    await _invoice(api, owner, await make_lease(api, owner, address=KA), "150000.00")
    await _invoice(api, owner, await make_lease(api, owner, property_type="residential"), "30000.00")
    await _bill(api, owner, "10000.00", {"CGST": "900.00", "SGST": "900.00"})
    # Office rent from an unregistered landlord (entry 5AB): the organization pays the tax itself.
    await _bill(api, owner, "50000.00", {"CGST": "4500.00", "SGST": "4500.00"}, reverse_charge=True)
    await _bill(api, owner, "20000.00", {"IGST": "3600.00"}, claimable=False)  # blocked credit

    r = await api.get(REPORT, owner.token, params={"from": "2026-12"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    doc = data["gstr3b"]
    assert (doc["gstin"], doc["ret_period"]) == ("27AABCP1234Q1Z7", "122026")
    sup = doc["sup_details"]
    assert sup["osup_det"] == {
        "txval": "290000.00",
        "iamt": "27000.00",
        "camt": "12600.00",
        "samt": "12600.00",
        "csamt": "0.00",
    }
    assert sup["osup_nil_exmp"]["txval"] == "30000.00" and sup["osup_nongst"]["txval"] == "0.00"
    assert sup["isup_rev"] == {
        "txval": "50000.00",
        "iamt": "0.00",
        "camt": "4500.00",
        "samt": "4500.00",
        "csamt": "0.00",
    }
    itc = {row["ty"]: row for row in doc["itc_elg"]["itc_avl"]}
    assert (itc["ISRC"]["camt"], itc["OTH"]["camt"], itc["OTH"]["iamt"]) == ("4500.00", "900.00", "3600.00")
    assert doc["itc_elg"]["itc_rev"][0] == {
        "ty": "RUL",
        "iamt": "3600.00",
        "camt": "0.00",
        "samt": "0.00",
        "csamt": "0.00",
    }
    net = doc["itc_elg"]["itc_net"]
    assert (net["iamt"], net["camt"], net["samt"]) == ("0.00", "5400.00", "5400.00")

    tb = await trial_balance(api, owner)
    assert _d(sup["osup_det"]["camt"]) == -_d(tb["tax_payable:CGST"])
    assert _d(sup["osup_det"]["iamt"]) == -_d(tb["tax_payable:IGST"])
    assert _d(sup["isup_rev"]["camt"]) == -_d(tb["rcm_payable:CGST"])
    assert _d(net["camt"]) == _d(tb["input_tax:CGST"]) and _d(net["samt"]) == _d(tb["input_tax:SGST"])
    assert "input_tax:IGST" not in tb  # the blocked IGST is part of the cost
    assert _d(tb["expenses"]) == Decimal("83600.00")
    assert _d(tb["accounts_payable"]) == -Decimal("85400.00")  # the vendors: value + tax, not the RCM tax

    c = await api.get(REPORT, owner.token, params={"from": "2026-12", "format": "csv"})
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    rows = {row["table"]: row for row in csv.DictReader(io.StringIO(c.text))}
    assert rows["3.1(a)"]["cgst"] == sup["osup_det"]["camt"] and rows["3.1(d)"]["taxable_value"] == "50000.00"
    assert rows["4(C)"]["cgst"] == net["camt"] and rows["4(B)(1)"]["igst"] == "3600.00"
    assert [r["table"] for r in data["rows"]] == list(rows)


async def test_tenants_and_staff_are_refused_the_returns_and_another_organization_sees_none(api, owner, other_owner):
    await set_country(api, owner, "IN")
    await set_country(api, other_owner, "IN")
    await _invoice(api, owner, await make_lease(api, owner), "40000.00")
    await _bill(api, owner, "10000.00", {"CGST": "900.00", "SGST": "900.00"})
    _, tenant = await owner.add_user("Tenant")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, manager = await owner.add_user("PropertyManager")
    for path in ("gstr1", "gstr3b", "form-16a"):
        url = f"/api/v1/financial/reports/{path}"
        for who in (tenant, staff):
            r = await api.get(url, who)
            assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS", (path, r.text)
        assert (await api.get(url, manager)).status_code == 200, path
    # Another organization's return is its own: nothing of the first one's books.
    theirs = (await api.get(REPORT, other_owner.token, params={"from": "2026-12"})).json()["data"]["gstr3b"]
    assert theirs["sup_details"]["osup_det"]["txval"] == "0.00"
    assert theirs["itc_elg"]["itc_net"]["camt"] == "0.00"
    mine = (await api.get(REPORT, owner.token, params={"from": "2026-12"})).json()["data"]["gstr3b"]
    assert mine["sup_details"]["osup_det"]["txval"] == "40000.00" and mine["itc_elg"]["itc_net"]["camt"] == "900.00"

"""The books keep the organization's calendar, not UTC's. At 01:30 on 1 April in Mumbai it is still
31 March in UTC: a payment received then is receipted in the new financial year's series and dated
1 April in the ledger, on its receipt and in GSTR-1 table 13; its refund and a cancelled invoice's
reversal are dated 1 April; the billing run issues its invoices on 1 April. Each of these took the
UTC date before."""

from __future__ import annotations

import uuid

import pytest
from fin_support import invoice_body, key, make_lease, money, pdf_text, set_country

from pmsaas.domain.flows.rent_billing import run_billing

pytestmark = pytest.mark.today("2027-03-31T20:00:00+00:00")  # 1 April 2027, 01:30 in Mumbai

INVOICES, PAYMENTS = "/api/v1/financial/invoices", "/api/v1/financial/payments"
APRIL_1 = "2027-04-01"
SUPPLIER = "27AABCP1234Q1Z7"  # Maharashtra


async def _india(api, owner) -> None:
    await set_country(api, owner, "IN")
    body = {"country": "IN", "province": "MH", "gst_number": SUPPLIER, "address": "12 Nariman Point\nMumbai"}
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)
    assert r.status_code == 200, r.text


async def _ledger_dates(api, owner, lease) -> dict[str, set[str]]:
    r = await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)
    assert r.status_code == 200, r.text
    dates: dict[str, set[str]] = {}
    for line in r.json()["data"]["entries"]:
        dates.setdefault(line["description"].split(" ")[0], set()).add(line["date"])
    return dates


async def test_a_payment_its_refund_and_a_cancellation_after_midnight_in_india(api, owner):
    await _india(api, owner)
    lease = await make_lease(api, owner, "IN", rent="30000.00")  # commercial: 35,400.00 with GST
    body = invoice_body(lease, ("Rent April 2027", "30000.00", "rent"), issue=True, issue_date=APRIL_1)
    r = await api.post(INVOICES, owner.token, json={**body, "due_date": "2027-04-10"})
    assert r.status_code == 201, r.text
    pay = {"lease_id": lease.id, "amount": money("36400.00"), "method": "upi", "reference": "UPI 4455"}
    r = await api.post(PAYMENTS, owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    payment = r.json()["data"]
    assert "/27-28/" in payment["receipt_number"], payment["receipt_number"]  # FY 2027-28, not 2026-27

    r = await api.post(
        f"{PAYMENTS}/{payment['id']}/refund", owner.token, json={"amount": money("1000.00")}, headers=key()
    )
    assert r.status_code == 201, r.text
    spare = invoice_body(lease, ("Rent correction April 2027", "500.00", "rent"), issue=True, issue_date=APRIL_1)
    r = await api.post(INVOICES, owner.token, json={**spare, "due_date": "2027-04-10"})
    assert r.status_code == 201, r.text
    r = await api.post(f"{INVOICES}/{r.json()['data']['id']}/cancel", owner.token)
    assert r.status_code == 200, r.text

    dates = await _ledger_dates(api, owner, lease)
    assert dates["Payment"] == {APRIL_1} and dates["Refund"] == {APRIL_1}, dates
    assert {APRIL_1} == {d for kind, ds in dates.items() for d in ds}, dates  # the reversal too

    r = await api.get(f"{PAYMENTS}/{payment['id']}/receipt.pdf", owner.token)
    assert r.status_code == 200, r.text
    assert "Date received 1 April 2027" in pdf_text(r.content)

    async def receipts_in(month: str) -> list[str]:  # GSTR-1 table 13's receipt vouchers
        r = await api.get("/api/v1/financial/reports/gstr1", owner.token, params={"from": month})
        assert r.status_code == 200, r.text
        docs = {d["doc_num"]: d["docs"] for d in r.json()["data"]["gstr1"]["doc_issue"]["doc_det"]}
        return [x["from"] for x in docs.get(6, [])]

    assert await receipts_in("2027-04") == [payment["receipt_number"]]
    assert await receipts_in("2027-03") == []


async def test_the_billing_run_issues_on_the_organizations_day(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential", rent="30000.00")
    summary = await run_billing(
        uow_factory=api.container.system_uow,
        clock=api.container.clock(),
        period="2027-04",
        organization_id=uuid.UUID(owner.org_id),
    )
    assert (summary.created, summary.failed) == (1, {}), summary
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id})
    [invoice] = r.json()["data"]
    assert invoice["issue_date"] == APRIL_1 and invoice["due_date"] >= APRIL_1, invoice
    assert "/27-28/" in invoice["number"], invoice["number"]


async def test_the_gst_calculators_default_supply_date_is_the_organizations_day(api, owner):
    await _india(api, owner)
    body = {"amount": "1000.00", "supply_type": "commercial_rent", "supplier_state": "27", "property_state": "MH"}
    r = await api.post("/api/v1/financial/gst-calculator", owner.token, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["supply_date"] == APRIL_1  # UTC's 31 March before

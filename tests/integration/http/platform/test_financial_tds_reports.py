"""GET /api/v1/financial/tds-reports: TDS per quarter of India's fiscal year, from what was posted,
as JSON and CSV; tenancy, roles, bad parameters."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, set_org_pan

from pmsaas.adapters.sql.repositories.financial.ledger import SqlLedgerRepository
from pmsaas.domain.financial.tds import quarter_bounds, quarter_of

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

REPORT = "/api/v1/financial/tds-reports"
TENANT_PAN = "AAACT2345K"
PLUMBER_PAN = "AABCP1234C"


async def _tds_payment(api, owner, lease, certificate=None):
    r = await api.post(
        "/api/v1/financial/invoices", owner.token, json=invoice_body(lease, ("Rent", "60000.00", "rent"), issue=True)
    )
    assert r.status_code == 201, r.text
    tds = {"tds_section": "194-I(b)", "tds_amount": money("6000.00")}
    if certificate:
        tds["tds_certificate_number"] = certificate
    body = {"lease_id": lease.id, "amount": money("64800.00"), "method": "bank_transfer", "tds": tds}
    r = await api.post("/api/v1/financial/payments", owner.token, json=body, headers=key())
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _tds_expense(api, owner, amount, on):
    body = {
        "category": "repairs",
        "description": "Plumbing",
        "amount": money(amount),
        "expense_date": on.isoformat(),
        "vendor": "Pipes & Co",
        "tds": {"tds_section": "194C", "pan_number": PLUMBER_PAN},
    }
    e = (await api.post("/api/v1/financial/expenses", owner.token, json=body)).json()["data"]
    r = await api.post(f"/api/v1/financial/expenses/{e['id']}/approve", owner.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def _setup(api, owner):
    await set_country(api, owner, "IN")
    await set_org_pan(api, owner, "AABCA1234C")
    lease = await make_lease(api, owner, "IN", tds_applicable=True, tenant_pan=TENANT_PAN)
    today = api.container.clock().today()
    fy, quarter = quarter_of(today)
    start, _ = quarter_bounds(fy, quarter)
    paid = await _tds_payment(api, owner, lease, certificate="TDS123456789")
    refunded = await _tds_payment(api, owner, lease)
    r = await api.post(
        f"/api/v1/financial/payments/{refunded['id']}/refund",
        owner.token,
        json={"amount": money("64800.00")},
        headers=key(),
    )
    assert r.status_code == 201, r.text
    this_quarter = await _tds_expense(api, owner, "30001.00", today)
    last_quarter = await _tds_expense(api, owner, "40000.00", start - timedelta(days=1))
    below = await _tds_expense(api, owner, "1000.00", today)  # no TDS: not a row
    return {
        "fy": fy,
        "quarter": quarter,
        "paid": paid,
        "refunded": refunded,
        "expense": this_quarter,
        "earlier": last_quarter,
        "below": below,
    }


async def test_the_quarter_report_from_the_ledger(api, owner, other_owner):
    s = await _setup(api, owner)
    r = await api.get(REPORT, owner.token, params={"fy": s["fy"], "quarter": s["quarter"]})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["fy"], data["quarter"], data["currency"]) == (s["fy"], s["quarter"], "INR")
    rows = data["rows"]
    assert [(x["direction"], x["source_id"]) for x in rows] == [
        ("deducted", s["expense"]["id"]),
        ("received", s["paid"]["id"]),
        ("received", s["refunded"]["id"]),  # a refund returns cash only: the TDS stays
    ]
    expense, paid = rows[0], rows[1]
    assert expense["party_name"] == "Pipes & Co" and expense["pan_number"] == PLUMBER_PAN
    assert expense["tds_section"] == "194C" and expense["tds_rate"] == 2.0
    assert expense["amount"] == money("30001.00") and expense["tds_amount"] == money("600.00")
    assert expense["act_version"] == s["expense"]["tds"]["act_version"] and expense["section_ref"]
    assert paid["party_name"] == "Tara Tenant" and paid["pan_number"] == TENANT_PAN
    # amount paid or credited = the rent TDS was deducted on (60000.00), not the receipt with GST (70800.00)
    assert paid["amount"] == money("60000.00") and paid["tds_amount"] == money("6000.00")
    assert paid["tds_certificate_number"] == "TDS123456789" and paid["quarter"] == s["quarter"]
    totals = [
        (t["direction"], t["tds_section"], t["count"], t["amount"]["amount"], t["tds_amount"]["amount"])
        for t in data["totals"]
    ]
    assert totals == [
        ("deducted", "194C", 1, "30001.00", "600.00"),
        ("received", "194-I(b)", 2, "120000.00", "12000.00"),
    ]
    assert data["total_tds"] == {"deducted": money("600.00"), "received": money("12000.00")}

    # direction filter, the default fiscal year and quarter, the whole year
    only = (await api.get(REPORT, owner.token, params={"quarter": s["quarter"], "direction": "received"})).json()
    assert [x["source_id"] for x in only["data"]["rows"]] == [s["paid"]["id"], s["refunded"]["id"]]
    earlier_fy, earlier_q = quarter_of(datetime.fromisoformat(s["earlier"]["expense_date"]).date())
    earlier = (await api.get(REPORT, owner.token, params={"fy": earlier_fy, "quarter": earlier_q})).json()
    assert [(x["source_id"], x["tds_amount"]) for x in earlier["data"]["rows"]] == [
        (s["earlier"]["id"], money("800.00"))
    ]

    # Another organization sees none of these rows, nor the ids.
    theirs = (await api.get(REPORT, other_owner.token, params={"fy": s["fy"]})).json()["data"]
    assert theirs["rows"] == [] and theirs["totals"] == []
    assert (await api.get(f"/api/v1/financial/expenses/{s['expense']['id']}", other_owner.token)).status_code == 404


async def test_csv_export(api, owner):
    s = await _setup(api, owner)
    r = await api.get(REPORT, owner.token, params={"fy": s["fy"], "quarter": s["quarter"], "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert f'filename="tds-{s["fy"]}-{s["quarter"]}.csv"' in r.headers["content-disposition"]
    assert r.text.splitlines()[0] == (
        "direction,quarter,date,party_name,pan_number,tds_section,act_version,section_ref,amount,"
        "tds_rate,tds_amount,currency,tds_certificate_number,source_type,source_id"
    )
    lines = list(csv.reader(io.StringIO(r.text)))
    assert len(lines) == 4
    cells = lines[1]
    assert cells[0:2] == ["deducted", s["quarter"]] and cells[3:6] == ["Pipes & Co", PLUMBER_PAN, "194C"]
    assert cells[6] == s["expense"]["tds"]["act_version"]
    assert cells[8:15] == ["30001.00", "2", "600.00", "INR", "", "expense", s["expense"]["id"]]
    assert lines[2][8:13] == ["60000.00", "10", "6000.00", "INR", "TDS123456789"]


async def test_a_reversed_posting_leaves_the_report(api, owner):
    s = await _setup(api, owner)
    expense_id = uuid.UUID(s["expense"]["id"])
    async with api.container.system_engine().begin() as conn:
        ledger = SqlLedgerRepository(conn)
        original = await ledger.entry_for(uuid.UUID(owner.org_id), "expense", expense_id)
        await ledger.post(original.reversal(at=api.container.clock().now(), on=original.entry_date))
    r = await api.get(REPORT, owner.token, params={"fy": s["fy"], "quarter": s["quarter"], "direction": "deducted"})
    assert r.json()["data"]["rows"] == [], r.text


@pytest.mark.parametrize(
    "params",
    [
        {"quarter": "Q5"},
        {"fy": "2026-28"},
        {"fy": "2026"},
        {"fy": "abcd-ef"},
        {"direction": "both"},
        {"format": "xml"},
    ],
)
async def test_bad_parameters_are_422(api, owner, params):
    r = await api.get(REPORT, owner.token, params=params)
    assert r.status_code == 422, (params, r.text)
    assert r.json()["error"]["code"] == "VALIDATION_ERROR" or r.json()["error"]["details"], r.text


async def test_roles(api, owner):
    _, tenant = await owner.add_user("Tenant")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.get(REPORT, tenant)).status_code == 403
    assert (await api.get(REPORT, staff)).status_code == 403
    assert (await api.get(REPORT, manager)).status_code == 200
    assert (await api.get(REPORT, owner.token)).status_code == 200

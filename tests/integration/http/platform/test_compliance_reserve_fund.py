"""A condominium's reserve fund from the ledger, over HTTP: an opening balance recorded once, the
reserve fund line of a unit owner's invoice paid, an expense paid from the fund; the Ontario status
certificate (and BC's Form B) certify opening + contributions - spending, which is the ledger's
``reserve_fund:<property>`` balance, in JSON and in the PDF's text. The contributions are not income
(income and expenses, owner statement); another organization gets 404; bad input 422."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, pdf_text, set_country, trial_balance

from pmsaas.adapters.sql.tables.properties import leases

pytestmark = pytest.mark.today("2026-12-01")

CERT = "/api/v1/compliance/status-certificate"
FUNDS = "/api/v1/financial/reserve-funds"
EXPENSES = "/api/v1/financial/expenses"
REPORTS = "/api/v1/financial/reports"
BC = {"street": "1 Robson St", "city": "Vancouver", "province": "BC", "postal_code": "V6B 1A1"}


async def _unit_of(api: Any, lease: Any) -> str:
    async with api.container.system_engine().connect() as conn:
        query = sa.select(leases.c.unit_id).where(leases.c.id == uuid.UUID(lease.id))
        return str((await conn.execute(query)).scalar_one())


async def _invoice(api: Any, owner: Any, lease: Any, month: str) -> dict[str, Any]:
    body = invoice_body(
        lease,
        (f"Common expenses {month}", "500.00", "rent"),
        (f"Reserve fund {month}", "150.00", "reserve_fund"),
        issue=True,
        issue_date=f"{month}-01",
        due_date=f"{month}-01",
    )
    r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def _condo(api: Any, owner: Any, address: dict[str, str] | None = None) -> tuple[Any, str]:
    """Opening 10,000.00 (30 September); October and November billed 150.00 each to the fund,
    October paid; a 2,000.00 roof repair from the fund on 20 October. The fund: 8,300.00."""
    await set_country(api, owner, "CA")
    lease = await make_lease(
        api, owner, "CA", property_type="residential", rent="500.00", start=date(2025, 1, 1), address=address
    )
    opening = {"amount": money("10000.00", "CAD"), "as_of": "2026-09-30"}
    r = await api.post(f"{FUNDS}/{lease.property_id}/opening-balance", owner.token, json=opening)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["account"] == f"reserve_fund:{lease.property_id}"
    october = await _invoice(api, owner, lease, "2026-10")
    reserve_line = october["lines"][1]
    assert reserve_line["charge_type"] == "reserve_fund" and reserve_line["supply_type"] == "society_maintenance"
    assert october["tax_total"]["amount"] == "0.00"  # condominium fees: exempt, as the common expenses
    await _invoice(api, owner, lease, "2026-11")
    pay = {
        "lease_id": lease.id,
        "amount": money("650.00", "CAD"),
        "method": "bank_transfer",
        "received_on": "2026-10-05",
    }
    r = await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    roof = {
        "category": "reserve_fund",
        "description": "Roof membrane replacement",
        "amount": money("2000.00", "CAD"),
        "expense_date": "2026-10-20",
        "property_id": lease.property_id,
    }
    r = await api.post(EXPENSES, owner.token, json=roof)
    assert r.status_code == 201, r.text
    assert (await api.post(f"{EXPENSES}/{r.json()['data']['id']}/approve", owner.token)).status_code == 200
    return lease, await _unit_of(api, lease)


async def test_the_status_certificate_certifies_the_ledgers_reserve_fund(api, owner):
    lease, unit = await _condo(api, owner)
    books = await trial_balance(api, owner)
    assert books[f"reserve_fund:{lease.property_id}"] == "-8300.00"  # a credit: 10,000 + 150 + 150 - 2,000
    assert "expenses" not in books  # the repair is the fund's spending, not an operating expense
    r = await api.get(CERT, owner.token, params={"unit_id": unit, "request_date": "2026-12-01"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["reserve_fund_balance"] == {"amount": "8300.00", "currency": "CAD"}
    assert data["reserve_fund_as_of"] == "2026-11-30"  # Ontario: the end of the last month
    assert data["reserve_fund"] is None  # no budget: no planned contribution
    assert data["common_expenses"]["amount"] == "500.00"
    # Read at an earlier date: November's contribution is not in the October figure.
    for as_of, on in (("2026-10-31", "2026-10-31"), ("2026-11-15", "2026-10-31"), ("2026-10-10", "2026-09-30")):
        r = await api.get(CERT, owner.token, params={"unit_id": unit, "request_date": "2026-12-01", "as_of": as_of})
        data = r.json()["data"]
        expected = {"2026-10-31": "8150.00", "2026-09-30": "10000.00"}[on]
        assert (data["reserve_fund_balance"]["amount"], data["reserve_fund_as_of"]) == (expected, on), as_of


async def test_the_certificate_pdf_prints_the_reserve_fund_next_to_the_planned_contribution(api, owner):
    lease, unit = await _condo(api, owner)
    budget = {
        "name": "Budget 2026",
        "property_id": lease.property_id,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "categories": [{"name": "Reserve fund", "amount": money("1800.00", "CAD")}],
    }
    assert (await api.post("/api/v1/financial/budgets", owner.token, json=budget)).status_code == 201
    data = (await api.get(CERT, owner.token, params={"unit_id": unit})).json()["data"]
    assert data["reserve_fund"]["amount"] == "1800.00" and data["reserve_fund_balance"]["amount"] == "8300.00"
    r = await api.get(CERT, owner.token, params={"unit_id": unit}, headers={"Accept": "application/pdf"})
    assert r.status_code == 200, r.text
    text = pdf_text(r.content)
    books = await trial_balance(api, owner)
    fund = f"{-float(books[f'reserve_fund:{lease.property_id}']):,.2f}"
    for figure in (fund, "8,300.00", "Reserve fund (ledger) as at 30 November 2026", "1,800.00", "planned", "Form 13"):
        assert figure in text, (figure, text)


async def test_a_bc_form_b_reads_the_fund_at_the_date(api, owner):
    _, unit = await _condo(api, owner, BC)
    r = await api.get(CERT, owner.token, params={"unit_id": unit, "request_date": "2026-12-01", "as_of": "2026-11-15"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["certificate_type"] == "bc_form_b"
    assert (data["reserve_fund_balance"]["amount"], data["reserve_fund_as_of"]) == ("8300.00", "2026-11-15")
    r = await api.get(CERT, owner.token, params={"unit_id": unit}, headers={"Accept": "application/pdf"})
    text = pdf_text(r.content)
    assert "Contingency reserve fund" in text and "8,300.00" in text and "approved" in text, text


async def test_contributions_are_not_income(api, owner):
    lease, _ = await _condo(api, owner)
    params = {"from": "2026-10-01", "to": "2026-10-31", "property_id": lease.property_id}
    r = await api.get(f"{REPORTS}/owner-statements", owner.token, params=params)
    assert r.status_code == 200, r.text
    row = r.json()["data"]["rows"][0]
    assert row["rent_collected"]["amount"] == "500.00" and row["other_income_collected"]["amount"] == "0.00"
    assert row["reserve_fund_collected"]["amount"] == "150.00" and row["collected"]["amount"] == "650.00"
    assert row["expenses"]["amount"] == "0.00"
    assert row["closing_balance"]["amount"] == "500.00"  # the fund's money is not the owner's
    r = await api.get(f"{REPORTS}/income-expenses", owner.token, params={"from": "2026-10-01", "to": "2026-11-30"})
    assert r.status_code == 200, r.text
    rows = [x for x in r.json()["data"]["rows"] if x["property_id"] == lease.property_id]
    assert sum(float(x["total_income"]["amount"]) for x in rows) == 1000.00  # rent only, never the 300.00
    assert sum(float(x["total_expenses"]["amount"]) for x in rows) == 0.00


async def test_the_opening_balance_is_once_audited_and_another_organizations_property_is_404(api, owner, other_owner):
    lease, _ = await _condo(api, owner)
    url = f"{FUNDS}/{lease.property_id}/opening-balance"
    again = {"amount": money("1.00", "CAD"), "as_of": "2026-09-30"}
    r = await api.post(url, owner.token, json=again)
    assert r.status_code == 409 and r.json()["error"]["code"] == "RESOURCE_CONFLICT", r.text
    r = await api.post(url, other_owner.token, json=again)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND", r.text
    assert (await api.post(f"{FUNDS}/{uuid.uuid4()}/opening-balance", owner.token, json=again)).status_code == 404
    r = await api.get("/api/v1/identity/audit-events", owner.token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    actions = [e for e in r.json()["data"] if e["action"] == "reserve_fund.opening_balance_recorded"]
    assert len(actions) == 1 and actions[0]["details"]["amount"] == "10000.00", actions


async def test_bad_input_is_422(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="500.00", start=date(2025, 1, 1))
    url = f"{FUNDS}/{lease.property_id}/opening-balance"
    for body, field in (
        ({"amount": money("-5.00", "CAD"), "as_of": "2026-09-30"}, "amount.amount"),
        ({"amount": money("5.00", "CAD"), "as_of": "2026-12-02"}, "as_of"),
        ({"amount": money("5.00", "USD"), "as_of": "2026-09-30"}, "amount.currency"),
        ({"amount": money("5.00", "CAD")}, "as_of"),
    ):
        r = await api.post(url, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in [d["field"] for d in r.json()["error"]["details"]], (body, r.text)
    no_property = {
        "category": "Reserve_Fund",
        "description": "Boiler",
        "amount": money("10.00", "CAD"),
        "expense_date": "2026-10-20",
    }
    r = await api.post(EXPENSES, owner.token, json=no_property)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "property_id", r.text
    body = invoice_body(lease, ("Reserve fund", "150.00", "reserve_fund"))
    body["lines"][0]["supply_type"] = "residential_rent"
    r = await api.post("/api/v1/financial/invoices", owner.token, json=body)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "lines.0.supply_type", r.text


async def test_a_reserve_fund_line_is_not_credited_back(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="500.00", start=date(2025, 1, 1))
    invoice = await _invoice(api, owner, lease, "2026-11")
    note = {"reason": "billed twice", "lines": [{"line": 1, "amount": money("150.00", "CAD")}]}
    r = await api.post(f"/api/v1/financial/invoices/{invoice['id']}/credit-notes", owner.token, json=note)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "lines.1.line", r.text


async def test_only_the_books_keepers_record_an_opening_balance_and_hostile_input_is_refused(api, owner):
    await set_country(api, owner, "CA")
    lease = await make_lease(api, owner, "CA", property_type="residential", rent="500.00", start=date(2025, 1, 1))
    url = f"{FUNDS}/{lease.property_id}/opening-balance"
    _, tenant = await owner.add_user("Tenant")
    r = await api.post(url, tenant, json={"amount": money("5.00", "CAD"), "as_of": "2026-09-30"})
    assert r.status_code == 403 and r.json()["error"]["code"], r.text
    for body in (
        {"amount": {"amount": str(2**63), "currency": "CAD"}, "as_of": "2026-09-30"},
        {"amount": money("5.00", "CAD"), "as_of": "9999-12-31"},
        {"amount": money("5.00", "CAD"), "as_of": "2026-09-30", "note": "unknown field"},
        {"amount": {"amount": "5.00\x00", "currency": "CAD"}, "as_of": "2026-09-30"},
        {"amount": 5, "as_of": "2026-09-30"},
    ):
        r = await api.post(url, owner.token, json=body)
        assert 400 <= r.status_code < 500 and r.json()["error"]["code"], (body, r.text)
    r = await api.post(url, owner.token, content=b'{"amount": ', headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    r = await api.post(
        url, owner.token, content=b"[" * 1000 + b"]" * 1000, headers={"Content-Type": "application/json"}
    )
    assert 400 <= r.status_code < 500, r.text
    tb = await api.get("/api/v1/financial/trial-balance", owner.token)
    assert not [a for a in tb.json()["data"]["accounts"] if a["account"].startswith("reserve_fund:")]  # nothing written

"""Issue 16: the GST/HST return's line 106 (input tax credits) from the GST/HST on approved vendor
bills, per period and province; line 109 = 103 - 106; QST input tax refunds for Quebec apart. Each
figure is checked against the ledger's input_tax accounts."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal
from typing import Any

import pytest
from fin_support import invoice_body, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.tables.properties import properties

pytestmark = pytest.mark.today("2026-12-15")

REPORTS = "/api/v1/compliance/provincial-reports"
EXPENSES = "/api/v1/financial/expenses"


async def _lease_in(api: Any, owner: Any, province: str) -> Any:
    lease = await make_lease(api, owner, "CA", rent="1000.00")
    if province != "ON":
        async with api.container.system_engine().begin() as conn:
            where = properties.c.id == uuid.UUID(lease.property_id)
            await conn.execute(properties.update().where(where).values(province=province, city="Montréal"))
    return lease


async def _bill(api: Any, owner: Any, amount: str, on: str, taxes: dict[str, str], **extra: Any) -> dict[str, Any]:
    lines = [{"tax": head, "amount": money(value, "CAD")} for head, value in taxes.items()]
    body = {
        "category": "repairs",
        "description": "Roof repair",
        "amount": money(amount, "CAD"),
        "expense_date": on,
        "vendor": "Roofers Inc",
        "input_tax": {"lines": lines, "supplier_tax_id": "123456782RT0001", **extra.pop("tax", {})},
        **extra,
    }
    r = await api.post(EXPENSES, owner.token, json=body)
    assert r.status_code == 201, r.text
    r = await api.post(f"{EXPENSES}/{r.json()['data']['id']}/approve", owner.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_line_106_from_the_vendor_bills_and_109_is_103_less_106(api, owner):
    await set_country(api, owner, "CA")
    ontario, quebec = await _lease_in(api, owner, "ON"), await _lease_in(api, owner, "QC")
    for lease in (ontario, quebec):
        body = invoice_body(lease, ("Rent", "1000.00", "rent"), issue=True, issue_date="2026-11-03")
        assert (await api.post("/api/v1/financial/invoices", owner.token, json=body)).status_code == 201
    bill = await _bill(api, owner, "400.00", "2026-11-10", {"HST": "52.00"}, property_id=ontario.property_id)
    assert bill["input_tax"]["total"] == {"amount": "52.00", "currency": "CAD"}
    assert bill["input_tax"]["claimable"] is True and bill["input_tax"]["reverse_charge"] is False
    await _bill(api, owner, "200.00", "2026-11-12", {"GST": "10.00", "QST": "19.95"}, property_id=quebec.property_id)
    await _bill(api, owner, "100.00", "2026-12-01", {"HST": "13.00"})  # no property: the organization's ON
    # A blocked credit is part of the cost: not on line 106.
    await _bill(api, owner, "300.00", "2026-11-20", {"HST": "39.00"}, tax={"claimable": False})

    r = await api.get(REPORTS, owner.token, params={"from": "2026-11", "to": "2026-12"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    rows = {(x["period"], x["province"]): {k: v["amount"] for k, v in x["lines"].items()} for x in data["gst_hst"]}
    assert rows == {
        ("2026-11", "ON"): {"line_101": "1000.00", "line_103": "130.00", "line_106": "52.00", "line_109": "78.00"},
        ("2026-11", "QC"): {"line_101": "1000.00", "line_103": "50.00", "line_106": "10.00", "line_109": "40.00"},
        ("2026-12", "ON"): {"line_101": "0.00", "line_103": "0.00", "line_106": "13.00", "line_109": "-13.00"},
    }
    [qst] = data["qst"]
    assert (qst["qst_collected"]["amount"], qst["input_tax_refunds"]["amount"], qst["net_qst"]["amount"]) == (
        "99.75",
        "19.95",
        "79.80",
    )

    c = await api.get(REPORTS, owner.token, params={"from": "2026-11", "to": "2026-12", "format": "csv"})
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv"), c.text
    table = list(csv.DictReader(io.StringIO(c.text)))
    assert {(r["period"], r["province"]): r["input_tax_credits"] for r in table if r["return"] == "GST/HST"} == {
        k: v["line_106"] for k, v in rows.items()
    }
    assert [(r["return"], r["input_tax_credits"], r["net_tax"]) for r in table if r["return"] == "QST"] == [
        ("QST", "19.95", "79.80")
    ]

    tb = await trial_balance(api, owner)
    line_106 = sum(Decimal(v["line_106"]) for v in rows.values())
    assert line_106 == Decimal(tb["input_tax:HST"]) + Decimal(tb["input_tax:GST"]) == Decimal("75.00")
    assert Decimal(qst["input_tax_refunds"]["amount"]) == Decimal(tb["input_tax:QST"])
    # The vendor is owed the bill with its tax; the blocked HST went to expenses.
    assert Decimal(tb["accounts_payable"]) == -Decimal("1133.95")
    assert Decimal(tb["expenses"]) == Decimal("1039.00")


async def test_input_tax_must_fit_the_country_and_currency(api, owner):
    await set_country(api, owner, "CA")
    body = {
        "category": "repairs",
        "description": "Roof",
        "amount": money("100.00", "CAD"),
        "expense_date": "2026-11-01",
        "input_tax": {"lines": [{"tax": "CGST", "amount": money("9.00", "CAD")}], "reverse_charge": True},
    }
    r = await api.post(EXPENSES, owner.token, json=body)
    assert r.status_code == 422, r.text
    fields = {d["field"] for d in r.json()["error"]["details"]}
    assert fields == {"input_tax.lines.0.tax", "input_tax.reverse_charge"}
    body["input_tax"] = {"lines": [{"tax": "HST", "amount": money("-1.00", "CAD")}]}
    r = await api.post(EXPENSES, owner.token, json=body)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "input_tax.lines.0.amount.amount"
    for rate in ("NaN", "Infinity", "101"):
        body["input_tax"] = {"lines": [{"tax": "HST", "amount": money("13.00", "CAD"), "rate": rate}]}
        r = await api.post(EXPENSES, owner.token, json=body)
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "input_tax.lines.0.rate", r.text

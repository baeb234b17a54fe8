"""GET /api/v1/financial/reports/form-16a: Form 16A data per deductee and quarter for the TDS the
organization withheld from vendors, checked against the ledger's tds_payable; JSON and CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from fin_support import money, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-15")  # the suite's fixed clock

REPORT = "/api/v1/financial/reports/form-16a"
PLUMBER_PAN = "AABCP1234C"  # a company: 194C at 2 %
PAINTER_PAN = "ABCPR1234K"  # an individual: 194C at 1 %
TAN = "MUMA12345B"


async def _expense(api: Any, owner: Any, vendor: str, pan: str | None, amount: str, on: str) -> dict[str, Any]:
    tds: dict[str, Any] = {"tds_section": "194C"}
    if pan:
        tds["pan_number"] = pan
    body = {
        "category": "repairs",
        "description": f"Work by {vendor}",
        "amount": money(amount),
        "expense_date": on,
        "vendor": vendor,
        "tds": tds,
    }
    r = await api.post("/api/v1/financial/expenses", owner.token, json=body)
    assert r.status_code == 201, r.text
    r = await api.post(f"/api/v1/financial/expenses/{r.json()['data']['id']}/approve", owner.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def _setup(api: Any, owner: Any) -> None:
    await set_country(api, owner, "IN")
    body = {"country": "IN", "province": "MH", "pan_number": "AABCA1234C", "tan_number": TAN.lower()}
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["tan_number"] == TAN


async def test_form_16a_per_deductee_and_quarter_matches_the_ledger(api, owner):
    await _setup(api, owner)
    await _expense(api, owner, "Pipes & Co", PLUMBER_PAN, "40000.00", "2026-10-05")  # Q3: 800
    await _expense(api, owner, "Pipes & Co", PLUMBER_PAN, "35000.00", "2026-12-02")  # Q3: 700
    await _expense(api, owner, "Ravi Painter", PAINTER_PAN, "31000.00", "2026-11-10")  # Q3: 310
    await _expense(api, owner, "Pipes & Co", PLUMBER_PAN, "50000.00", "2026-09-20")  # Q2: 1000
    await _expense(api, owner, "Small job", None, "500.00", "2026-12-03")  # under the limits: no TDS

    r = await api.get(REPORT, owner.token, params={"fy": "2026-27", "quarter": "Q3"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert (data["from"], data["to"], data["currency"]) == ("2026-10-01", "2026-12-31", "INR")
    assert data["deductor"]["tan_number"] == TAN and data["deductor"]["pan_number"] == "AABCA1234C"
    by_pan = {c["deductee_pan"]: c for c in data["certificates"]}
    assert set(by_pan) == {PLUMBER_PAN, PAINTER_PAN}
    plumber = by_pan[PLUMBER_PAN]
    assert (plumber["fy"], plumber["quarter"], plumber["deductee_name"]) == ("2026-27", "Q3", "Pipes & Co")
    assert [(d["date"], d["amount_paid"]["amount"], d["tds_amount"]["amount"]) for d in plumber["deductions"]] == [
        ("2026-10-05", "40000.00", "800.00"),
        ("2026-12-02", "35000.00", "700.00"),
    ]
    assert plumber["deductions"][0]["tds_section"] == "194C" and plumber["deductions"][0]["tds_rate"] == 2.0
    assert (plumber["amount_paid"]["amount"], plumber["tds_amount"]["amount"]) == ("75000.00", "1500.00")
    assert by_pan[PAINTER_PAN]["tds_amount"]["amount"] == "310.00"

    # The whole year's certificates carry every deduction posted to tds_payable.
    year = (await api.get(REPORT, owner.token, params={"fy": "2026-27"})).json()["data"]
    assert (year["certificates"][0]["quarter"], year["certificates"][0]["deductee_pan"]) == ("Q2", PLUMBER_PAN)
    tb = await trial_balance(api, owner)
    posted = sum(Decimal(c["tds_amount"]["amount"]) for c in year["certificates"])
    assert posted == -Decimal(tb["tds_payable"]) == Decimal("2810.00")

    # CSV: one row per deduction, the same figures.
    c = await api.get(REPORT, owner.token, params={"fy": "2026-27", "quarter": "Q3", "format": "csv"})
    assert c.status_code == 200 and c.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(c.text)))
    assert {(r["deductee_pan"], r["amount_paid"], r["tds_amount"], r["deductor_tan"]) for r in rows} == {
        (PLUMBER_PAN, "40000.00", "800.00", TAN),
        (PLUMBER_PAN, "35000.00", "700.00", TAN),
        (PAINTER_PAN, "31000.00", "310.00", TAN),
    }


async def test_form_16a_refuses_other_countries_and_bad_input(api, owner):
    await _setup(api, owner)
    assert (await api.get(REPORT, owner.token, params={"quarter": "Q5"})).status_code == 422
    assert (await api.get(REPORT, owner.token, params={"fy": "2026-28"})).status_code == 422
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": "IN", "province": "MH", "tan_number": "MUM12345B"},
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "tan_number"
    body = {"country": "CA", "province": "ON", "pan_number": None, "tan_number": None}
    assert (await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json=body)).status_code == 200
    r = await api.get(REPORT, owner.token)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "organization"

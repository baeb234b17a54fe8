"""Budgets through HTTP: categories, variance against approved expenses in the ledger, tenancy, roles."""

from __future__ import annotations

import pytest
from fin_support import money, set_country

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

BASE = "/api/v1/financial/budgets"
EXPENSES = "/api/v1/financial/expenses"


def _budget(**changes):
    body = {
        "name": "FY 2026-27 maintenance",
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "categories": [
            {"name": "repairs", "amount": money("50000.00")},
            {"name": "cleaning", "amount": money("20000.00")},
        ],
    }
    body.update(changes)
    return body


async def _expense(api, owner, category, amount, day="2026-11-20", approve=True):
    body = {"category": category, "description": f"{category} bill", "amount": money(amount), "expense_date": day}
    e = (await api.post(EXPENSES, owner.token, json=body)).json()["data"]
    if approve:
        assert (await api.post(f"{EXPENSES}/{e['id']}/approve", owner.token)).status_code == 200


async def test_variance_compares_the_budget_with_approved_expenses_in_the_period(api, owner):
    await set_country(api, owner, "IN")
    r = await api.post(BASE, owner.token, json=_budget())
    assert r.status_code == 201, r.text
    b = r.json()["data"]
    assert b["total"] == money("70000.00")
    await _expense(api, owner, "repairs", "30000.00")
    await _expense(api, owner, "repairs", "25000.00")
    await _expense(api, owner, "security", "5000.00")
    await _expense(api, owner, "cleaning", "9999.00", approve=False)  # pending: not in the ledger
    await _expense(api, owner, "cleaning", "1000.00", day="2026-03-31")  # before the period

    r = await api.get(f"{BASE}/{b['id']}/variance", owner.token)
    assert r.status_code == 200, r.text
    v = r.json()["data"]
    rows = {
        x["category"]: (x["budgeted"]["amount"], x["actual"]["amount"], x["variance"]["amount"])
        for x in v["categories"]
    }
    assert rows == {
        "repairs": ("50000.00", "55000.00", "-5000.00"),
        "cleaning": ("20000.00", "0.00", "20000.00"),
        "security": ("0.00", "5000.00", "-5000.00"),
    }
    assert (v["budgeted"], v["actual"], v["variance"]) == (money("70000.00"), money("60000.00"), money("10000.00"))


async def test_categories_update_and_delete(api, owner):
    await set_country(api, owner, "IN")
    b = (await api.post(BASE, owner.token, json=_budget(categories=[]))).json()["data"]
    r = await api.post(f"{BASE}/{b['id']}/categories", owner.token, json={"name": "repairs", "amount": money("100.00")})
    assert r.status_code == 201 and r.json()["data"]["total"] == money("100.00")
    dup = await api.post(f"{BASE}/{b['id']}/categories", owner.token, json={"name": "Repairs", "amount": money("1.00")})
    assert dup.status_code == 409
    cats = (await api.get(f"{BASE}/{b['id']}/categories", owner.token)).json()["data"]
    assert [c["name"] for c in cats] == ["repairs"]
    r = await api.put(f"{BASE}/{b['id']}", owner.token, json=_budget(name="Renamed"))
    assert r.status_code == 200 and r.json()["data"]["name"] == "Renamed" and len(r.json()["data"]["categories"]) == 2
    assert (await api.delete(f"{BASE}/{b['id']}", owner.token)).status_code == 204
    assert (await api.get(f"{BASE}/{b['id']}", owner.token)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_end": "2026-01-01"}, "period_end"),
        ({"categories": [{"name": "x", "amount": money("1.00", "CAD")}]}, "amount.currency"),
        ({"categories": [{"name": "x", "amount": money("-1.00")}]}, "amount.amount"),
        ({"name": ""}, "name"),
        ({"owner": "me"}, "owner"),
    ],
)
async def test_bad_budgets_are_422(api, owner, change, field):
    await set_country(api, owner, "IN")
    r = await api.post(BASE, owner.token, json=_budget(**change))
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text


async def test_other_organizations_and_roles(api, owner, other_owner):
    await set_country(api, owner, "IN")
    b = (await api.post(BASE, owner.token, json=_budget())).json()["data"]
    for method, url, kw in [
        ("GET", f"{BASE}/{b['id']}", {}),
        ("PUT", f"{BASE}/{b['id']}", {"json": _budget()}),
        ("DELETE", f"{BASE}/{b['id']}", {}),
        ("GET", f"{BASE}/{b['id']}/categories", {}),
        ("POST", f"{BASE}/{b['id']}/categories", {"json": {"name": "x", "amount": money("1.00")}}),
        ("GET", f"{BASE}/{b['id']}/variance", {}),
    ]:
        r = await api.request(method, url, token=other_owner.token, **kw)
        assert r.status_code == 404, (method, url, r.text)
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    assert (await api.get(f"{BASE}/{b['id']}/variance", manager)).status_code == 200
    assert (await api.delete(f"{BASE}/{b['id']}", manager)).status_code == 403
    assert (await api.get(BASE, tenant)).status_code == 403

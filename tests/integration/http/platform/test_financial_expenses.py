"""Expenses through HTTP: approval posts to the ledger, only pending ones change, tenancy, roles."""

from __future__ import annotations

import uuid

import pytest
from fin_support import money, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

BASE = "/api/v1/financial/expenses"


def _body(**changes):
    body = {
        "category": "repairs",
        "description": "Lift AMC, November",
        "amount": money("11800.00"),
        "expense_date": "2026-11-20",
        "vendor": "Otis",
        "attachments": [
            {"name": "bill.pdf", "url": "https://files.example.com/bill.pdf", "content_type": "application/pdf"}
        ],
    }
    body.update(changes)
    return body


async def test_approve_posts_to_the_ledger_and_freezes_the_expense(api, owner):
    await set_country(api, owner, "IN")
    r = await api.post(BASE, owner.token, json=_body())
    assert r.status_code == 201, r.text
    e = r.json()["data"]
    assert e["status"] == "pending" and await trial_balance(api, owner) == {}
    r = await api.put(f"{BASE}/{e['id']}", owner.token, json=_body(amount=money("12000.00")))
    assert r.status_code == 200 and r.json()["data"]["version"] == 2

    r = await api.post(f"{BASE}/{e['id']}/approve", owner.token)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "approved" and r.json()["data"]["decided_by"] == owner.user_id
    balances = await trial_balance(api, owner)
    assert balances == {"accounts_payable": "-12000.00", "expenses": "12000.00"}
    for method, url in [
        ("PUT", f"{BASE}/{e['id']}"),
        ("DELETE", f"{BASE}/{e['id']}"),
        ("POST", f"{BASE}/{e['id']}/approve"),
        ("POST", f"{BASE}/{e['id']}/reject"),
    ]:
        r = await api.request(method, url, token=owner.token, json=_body() if method == "PUT" else None)
        assert r.status_code == 409, (method, url, r.text)
    atts = (await api.get(f"{BASE}/{e['id']}/attachments", owner.token)).json()["data"]
    assert [a["name"] for a in atts] == ["bill.pdf"]


async def test_reject_and_delete(api, owner):
    await set_country(api, owner, "IN")
    a = (await api.post(BASE, owner.token, json=_body())).json()["data"]
    b = (await api.post(BASE, owner.token, json=_body())).json()["data"]
    r = await api.post(f"{BASE}/{a['id']}/reject", owner.token, json={"reason": "duplicate bill"})
    assert r.status_code == 200 and r.json()["data"]["rejection_reason"] == "duplicate bill"
    assert (await api.delete(f"{BASE}/{b['id']}", owner.token)).status_code == 204
    assert (await api.get(f"{BASE}/{b['id']}", owner.token)).status_code == 404
    listed = (await api.get(BASE, owner.token, params={"status": "rejected"})).json()["data"]
    assert [x["id"] for x in listed] == [a["id"]]
    assert await trial_balance(api, owner) == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": money("-1.00")}, "amount.amount"),
        ({"amount": money("1.00", "USD")}, "amount.currency"),
        ({"category": ""}, "category"),
        ({"expense_date": "soon"}, "expense_date"),
        ({"attachments": [{"name": "x", "url": "ftp://x"}]}, "attachments.0.url"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_expenses_are_422(api, owner, change, field):
    await set_country(api, owner, "IN")
    r = await api.post(BASE, owner.token, json=_body(**change))
    assert r.status_code == 422, r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text


async def test_other_organizations_and_roles(api, owner, other_owner):
    await set_country(api, owner, "IN")
    e = (await api.post(BASE, owner.token, json=_body())).json()["data"]
    for method, url in [
        ("GET", f"{BASE}/{e['id']}"),
        ("PUT", f"{BASE}/{e['id']}"),
        ("DELETE", f"{BASE}/{e['id']}"),
        ("POST", f"{BASE}/{e['id']}/approve"),
        ("POST", f"{BASE}/{e['id']}/reject"),
        ("GET", f"{BASE}/{e['id']}/attachments"),
    ]:
        r = await api.request(method, url, token=other_owner.token, json=_body() if method == "PUT" else None)
        assert r.status_code == 404, (method, url, r.text)
    assert (await api.get(f"{BASE}/{uuid.uuid4()}", owner.token)).status_code == 404
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    created = await api.post(BASE, manager, json=_body())
    assert created.status_code == 201
    assert (await api.post(f"{BASE}/{created.json()['data']['id']}/approve", manager)).status_code == 403
    assert (await api.get(BASE, tenant)).status_code == 403
    assert (await api.post(BASE, tenant, json=_body())).status_code == 403

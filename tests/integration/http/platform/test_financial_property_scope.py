"""`property_id` in expense and budget bodies names a property of the caller's organization (issue 11):
another organization's property is refused like a random id, on create and on update."""

from __future__ import annotations

import uuid

import pytest
from fin_support import money, set_country

from leasing_support import new_property

pytestmark = pytest.mark.today("2026-12-01")

EXPENSES = "/api/v1/financial/expenses"
BUDGETS = "/api/v1/financial/budgets"


def _expense(property_id: str) -> dict:
    return {
        "category": "repairs",
        "description": "Lift AMC",
        "amount": money("100.00"),
        "expense_date": "2026-11-20",
        "property_id": property_id,
    }


def _budget(property_id: str) -> dict:
    return {
        "name": "FY",
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "property_id": property_id,
        "categories": [{"name": "repairs", "amount": money("500.00")}],
    }


def _refused(r) -> None:
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"] == [
        {"field": "property_id", "message": "no such property in this organization"}
    ]


@pytest.mark.parametrize(("base", "body"), [(EXPENSES, _expense), (BUDGETS, _budget)])
async def test_a_foreign_or_unknown_property_is_refused(api, owner, other_owner, base, body):
    await set_country(api, owner, "IN")
    mine, theirs = await new_property(api, owner), await new_property(api, other_owner)
    for foreign in (theirs, str(uuid.uuid4())):
        _refused(await api.post(base, owner.token, json=body(foreign)))
    r = await api.post(base, owner.token, json=body(mine))
    assert r.status_code == 201, r.text
    assert r.json()["data"]["property_id"] == mine
    _refused(await api.put(f"{base}/{r.json()['data']['id']}", owner.token, json=body(theirs)))

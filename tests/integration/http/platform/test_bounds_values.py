"""Bounds on amounts, dates, nesting, size and query text (issue 11): each was a 500 before."""

from __future__ import annotations

import uuid

import pytest
from fin_support import money, set_country, trial_balance

from leasing_support import LEASES, PROPERTIES, lease_body, new_property, new_tenant, new_unit

pytestmark = pytest.mark.today("2026-12-01")

EXPENSES = "/api/v1/financial/expenses"


def _expense(amount: str) -> dict:
    return {"category": "repairs", "description": "Lift", "amount": money(amount), "expense_date": "2026-11-20"}


def _assert_422(r, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["success"] is False and body["error"]["code"] == "VALIDATION_ERROR"
    assert field in {d["field"] for d in body["error"]["details"]}, body


@pytest.mark.parametrize(
    "amount",
    [
        "99999999999999999999",
        "9223372036854775808",
        "92233720368547758.07",
        "10000000000000.00",
        "-10000000000000.00",
        "10000000000000",
    ],
)
async def test_amounts_past_the_bound_are_422(api, owner, amount):
    await set_country(api, owner, "IN")
    _assert_422(await api.post(EXPENSES, owner.token, json=_expense(amount)), "amount.amount")


async def test_the_largest_amounts_still_sum_in_the_trial_balance(api, owner):
    await set_country(api, owner, "IN")
    for _ in range(3):
        r = await api.post(EXPENSES, owner.token, json=_expense("9999999999999.99"))
        assert r.status_code == 201, r.text
        assert (await api.post(f"{EXPENSES}/{r.json()['data']['id']}/approve", owner.token)).status_code == 200
    assert await trial_balance(api, owner) == {
        "accounts_payable": "-29999999999999.97",
        "expenses": "29999999999999.97",
    }


async def test_a_ledger_sum_past_64_bits_is_still_exact(api, owner):
    """Amounts entered before the bound (or by a batch path) can still push one account's sum past
    2^63 minor units: SQLite's SUM would raise, the trial balance must not."""
    from pmsaas.domain.shared.money import Money

    await set_country(api, owner, "IN")
    org = uuid.UUID(owner.org_id)
    ledger_of = _ledger_writer(api)
    big = Money.from_minor(2**62, "INR")
    await ledger_of(org, big)
    await ledger_of(org, big)
    balances = await trial_balance(api, owner)
    assert balances["expenses"] == str(Money.from_minor(2**63, "INR"))


def _ledger_writer(api):
    from datetime import date

    from pmsaas.domain.financial import ledger as L

    async def post(org: uuid.UUID, amount) -> None:
        entry = L.JournalEntry(
            organization_id=org,
            entry_date=date(2026, 12, 1),
            description="past the bound",
            lines=(L.JournalLine("expenses", amount), L.JournalLine("accounts_payable", -amount)),
            posted_at=api.container.clock().now(),
            source_id=uuid.uuid4(),
        )
        async with api.container.system_uow() as uow:
            await uow.ledger.post(entry)
            await uow.commit()

    return post


@pytest.mark.parametrize(("field", "value"), [("end_date", "9999-12-31"), ("start_date", "1899-12-31")])
async def test_lease_dates_outside_1900_2200_are_422(api, owner, field, value):
    pid = await new_property(api, owner)
    uid, tid = await new_unit(api, owner, pid), await new_tenant(api, owner, pid)
    body = lease_body(uid, **{field: value})
    r = await api.post(f"{PROPERTIES}/{pid}/tenants/{tid}/lease", owner.token, json=body)
    _assert_422(r, field)


async def test_renewal_to_year_9999_is_422(api, owner):
    pid = await new_property(api, owner)
    uid, tid = await new_unit(api, owner, pid), await new_tenant(api, owner, pid)
    lid = (await api.post(f"{PROPERTIES}/{pid}/tenants/{tid}/lease", owner.token, json=lease_body(uid))).json()
    lid = lid["data"]["id"]
    assert (await api.post(f"{LEASES}/{lid}/activate", owner.token)).status_code == 200
    _assert_422(await api.post(f"{LEASES}/{lid}/renew", owner.token, json={"end_date": "9999-12-31"}), "end_date")
    assert (await api.get(f"{LEASES}/{lid}", owner.token)).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/identity/login", "/api/v1/properties"])
async def test_deep_json_is_400_before_parsing(api, owner, path):
    deep = "[" * 1000 + "]" * 1000
    body = '{"email": "a@example.com", "password": ' + deep + "}"
    r = await api.post(path, owner.token, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "BAD_REQUEST" and "nested" in r.json()["error"]["message"]


async def test_shallow_brackets_inside_strings_are_fine(api, owner):
    text = "[" * 100 + "{" * 100
    r = await api.post(
        "/api/v1/identity/login",
        content='{"email": "a@example.com", "password": "' + text + '"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 401, r.text


async def test_a_body_past_the_size_cap_is_413_in_the_envelope(api, owner):
    body = '{"name": "' + "x" * (3 * 1024 * 1024) + '"}'
    r = await api.post("/api/v1/properties", owner.token, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.json()["success"] is False and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize("query", ["search=a%00b", "status=%1b", "a%00=1"])
async def test_control_characters_in_the_query_are_422(api, owner, query):
    r = await api.get(f"{PROPERTIES}?{query}", owner.token)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"

"""TDS the organization deducts as payer (India) through HTTP: computed at approval with the payee's
fiscal-year aggregate (194C), s.206AA without PAN, posted Dr expenses / Cr accounts_payable /
Cr tds_payable."""

from __future__ import annotations

import uuid

import pytest
from fin_support import money, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

BASE = "/api/v1/financial/expenses"
PLUMBER_PAN = "AAAPL1234C"  # 4th letter P: an individual (194C 1 %)
COMPANY_PAN = "AABCP1234C"  # C: a company (194C 2 %)


def _body(amount, tds=None, **changes):
    body = {
        "category": "repairs",
        "description": "Plumbing",
        "amount": money(amount),
        "expense_date": "2026-11-20",
        "vendor": "Pipes & Co",
    }
    if tds is not None:
        body["tds"] = tds
    body.update(changes)
    return body


async def _approved(api, owner, amount, tds, **changes):
    r = await api.post(BASE, owner.token, json=_body(amount, tds, **changes))
    assert r.status_code == 201, r.text
    r = await api.post(f"{BASE}/{r.json()['data']['id']}/approve", owner.token)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_194c_single_sum_and_fy_aggregate_per_payee(api, owner, other_owner):
    await set_country(api, owner, "IN")
    tds = {"tds_section": "194C", "pan_number": PLUMBER_PAN}
    r = await api.post(BASE, owner.token, json=_body("30000.00", tds))
    pending = r.json()["data"]
    assert pending["tds"]["tds_amount"] is None and pending["tds"]["tds_section"] == "194C"
    assert pending["tds"]["direction"] == "deducted" and pending["tds"]["pan_number"] == PLUMBER_PAN
    assert (await api.get(f"{BASE}/{pending['id']}", other_owner.token)).status_code == 404
    r = await api.post(f"{BASE}/{pending['id']}/approve", owner.token)
    first = r.json()["data"]["tds"]
    assert first["tds_amount"] == money("0.00") and "single sum not above" in first["reason"]

    # A rejected bill to the same payee does not count towards the aggregate.
    rejected = (await api.post(BASE, owner.token, json=_body("50000.00", tds))).json()["data"]
    assert (await api.post(f"{BASE}/{rejected['id']}/reject", owner.token)).status_code == 200

    for _ in range(2):
        assert (await _approved(api, owner, "30000.00", tds))["tds"]["tds_amount"] == money("0.00")
    at_limit = await _approved(api, owner, "10000.00", tds)  # aggregate exactly 1,00,000: not above
    assert at_limit["tds"]["tds_amount"] == money("0.00")
    crossing = await _approved(api, owner, "5000.00", tds)  # 1,05,000: 1 % on all of it (caught up)
    assert crossing["tds"]["tds_amount"] == money("1050.00") and crossing["tds"]["tds_rate"] == 1.0
    assert crossing["tds"]["net_amount"] == money("3950.00")
    after = await _approved(api, owner, "10000.00", tds)  # already deducted on the earlier ones
    assert after["tds"]["tds_amount"] == money("100.00")
    # Another payee starts from zero.
    other = await _approved(api, owner, "20000.00", {"tds_section": "contract_work", "pan_number": COMPANY_PAN})
    assert other["tds"]["tds_amount"] == money("0.00") and other["tds"]["tds_section"] == "194C"

    balances = await trial_balance(api, owner)
    assert balances["expenses"] == "135000.00"
    assert balances["tds_payable"] == "-1150.00"
    assert balances["accounts_payable"] == "-133850.00"


@pytest.mark.parametrize(
    ("amount", "tds", "expected", "rate"),
    [
        ("30001.00", {"tds_section": "194C", "pan_number": PLUMBER_PAN}, "300.00", 1.0),
        ("30001.00", {"tds_section": "194C", "pan_number": COMPANY_PAN}, "600.00", 2.0),
        ("30001.00", {"tds_section": "194C", "payee_kind": "other"}, "6000.00", 20.0),  # no PAN: s.206AA
        ("60000.00", {"tds_section": "rent_land_building", "pan_number": COMPANY_PAN}, "6000.00", 10.0),
        ("50000.00", {"tds_section": "194-I(b)", "pan_number": COMPANY_PAN}, "0.00", 0.0),
    ],
)
async def test_the_engine_decides_the_deduction_at_approval(api, owner, amount, tds, expected, rate):
    await set_country(api, owner, "IN")
    e = await _approved(api, owner, amount, tds)
    assert e["tds"]["tds_amount"] == money(expected) and e["tds"]["tds_rate"] == rate
    assert e["tds"]["computed"] is True and e["tds"]["act_version"]
    balances = await trial_balance(api, owner)
    assert balances["expenses"] == amount
    assert balances.get("tds_payable", "0.00") == ("-" + expected if expected != "0.00" else "0.00")


async def test_edit_and_delete_keep_the_tds_block_in_step(api, owner):
    await set_country(api, owner, "IN")
    e = (await api.post(BASE, owner.token, json=_body("40000.00", {"tds_section": "194C"}))).json()["data"]
    r = await api.put(f"{BASE}/{e['id']}", owner.token, json=_body("40000.00"))
    assert r.status_code == 200 and r.json()["data"]["tds"] is None
    r = await api.put(f"{BASE}/{e['id']}", owner.token, json=_body("40000.00", {"tds_section": "194C"}))
    assert r.json()["data"]["tds"]["gross_amount"] == money("40000.00")
    listed = (await api.get(BASE, owner.token)).json()["data"]
    assert listed[0]["tds"]["tds_section"] == "194C"
    assert (await api.delete(f"{BASE}/{e['id']}", owner.token)).status_code == 204
    assert (await api.get(f"{BASE}/{e['id']}", owner.token)).status_code == 404


@pytest.mark.parametrize(
    ("country", "tds", "field"),
    [
        ("IN", {"tds_section": "194Z"}, "tds.tds_section"),
        ("IN", {"tds_section": "194C", "payee_kind": "robot"}, "tds.payee_kind"),
        ("IN", {"tds_section": "194C", "tds_amount": money("10.00")}, "tds.tds_amount"),
        ("CA", {"tds_section": "194C"}, "tds"),
    ],
)
async def test_bad_expense_tds_is_422_and_writes_nothing(api, owner, country, tds, field):
    await set_country(api, owner, country)
    currency = {"IN": "INR", "CA": "CAD"}[country]
    body = {**_body("40000.00", tds), "amount": money("40000.00", currency)}
    r = await api.post(BASE, owner.token, json=body)
    assert r.status_code == 422, r.text
    assert any(d["field"].startswith(field) for d in r.json()["error"]["details"]), r.text
    assert (await api.get(BASE, owner.token)).json()["data"] == []


async def test_the_payee_aggregate_is_read_under_a_per_payee_lock(api, owner):
    """Two approvals for one payee cannot both read the 194C aggregate before either commits: on
    PostgreSQL the second waits for the first (here: its lock timeout fires); SQLite serializes
    writers itself."""
    from datetime import date

    import sqlalchemy as sa

    from pmsaas.adapters.sql.repositories.financial.tds import SqlTdsRepository

    org = uuid.UUID(owner.org_id)
    args = (org, "194C", "pan:" + COMPANY_PAN, date(2026, 4, 1), date(2027, 3, 31))
    engine = api.container.system_engine()
    async with engine.connect() as first:
        await first.begin()
        assert await SqlTdsRepository(first).payee_totals(*args) == (0, 0)
        if engine.dialect.name != "postgresql":
            return
        async with engine.connect() as second:
            await second.begin()
            await second.execute(sa.text("SET LOCAL lock_timeout = '200ms'"))
            with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
                await SqlTdsRepository(second).payee_totals(*args)
            await second.rollback()
        other_payee = (*args[:2], "pan:AAAPL1234C", *args[3:])
        async with engine.connect() as third:
            await third.begin()
            await third.execute(sa.text("SET LOCAL lock_timeout = '200ms'"))
            assert await SqlTdsRepository(third).payee_totals(*other_payee) == (0, 0)  # another payee: no wait
            await third.rollback()
        await first.rollback()

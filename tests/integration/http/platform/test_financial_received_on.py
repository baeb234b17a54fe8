"""A manual payment's received_on: the day the money came in, recorded later. It dates the ledger
entry and the receipt; never in the organization's future, never before 1900, manual methods only."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"


def _pay(lease, amount: str, method: str = "cheque", **extra):  # type: ignore[no-untyped-def]
    return {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": method, **extra}


@pytest.mark.today("2026-12-07")
async def test_a_cheque_received_last_week_is_booked_on_its_day(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential", rent="20000.00")
    r = await api.post(INVOICES, owner.token, json=invoice_body(lease, ("Rent", "20000.00", "rent"), issue=True))
    assert r.status_code == 201, r.text
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "20000.00", received_on="2026-11-30"), headers=key())
    assert r.status_code == 201, r.text
    p = r.json()["data"]
    assert p["received_on"] == "2026-11-30" and p["status"] == "succeeded"
    receipt = (await api.get(f"{PAYMENTS}/{p['id']}/receipt", owner.token)).json()["data"]
    assert receipt["received_on"] == "2026-11-30"
    ledger = (await api.get(f"/api/v1/leases/{lease.id}/ledger", owner.token)).json()["data"]
    assert [e["date"] for e in ledger["entries"] if e["source_type"] == "payment"] == ["2026-11-30"]
    assert (await trial_balance(api, owner))["cash"] == "20000.00"

    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "1.00", "cash"), headers=key())
    assert r.json()["data"]["received_on"] == "2026-12-07"  # not given: the day it is recorded


@pytest.mark.today("2026-12-07")
async def test_received_on_bad_input_is_422_and_writes_nothing(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    for body, field in (
        (_pay(lease, "10.00", received_on="2026-12-08"), "received_on"),  # tomorrow in Kolkata
        (_pay(lease, "10.00", received_on="1899-12-31"), "received_on"),
        (_pay(lease, "10.00", "card", card_number="4242424242424242", received_on="2026-12-01"), "received_on"),
        (_pay(lease, "10.00", received_on="2026-02-30"), None),
        (_pay(lease, "10.00", received_on="yesterday"), None),
        (_pay(lease, "10.00", received_on=20261201), None),
    ):
        r = await api.post(PAYMENTS, owner.token, json=body, headers=key())
        assert r.status_code == 422, (body, r.text)
        if field:
            assert r.json()["error"]["details"][0]["field"] == field, r.text
    listed = (await api.get(f"{PAYMENTS}?lease_id={lease.id}", owner.token)).json()["data"]
    assert listed == []


@pytest.mark.today("2026-12-07T20:00:00Z")
async def test_today_is_the_organizations_day(api, owner):
    # 20:00 UTC on 7 December is already 8 December (01:30) in India.
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "10.00", received_on="2026-12-08"), headers=key())
    assert r.status_code == 201, r.text
    r = await api.post(PAYMENTS, owner.token, json=_pay(lease, "10.00", received_on="2026-12-09"), headers=key())
    assert r.status_code == 422, r.text

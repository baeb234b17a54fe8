"""The story of an Indian commercial lease over HTTP: parking and maintenance as recurring charges,
the December billing run (rent, deposit, parking and maintenance with GST), the deposit collected,
January unpaid, move-out: the deposit applied to January's arrears and a damage deduction, the rest
refunded. The books balance and nothing is left in deposits_held."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fin_support import key, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.tables.properties import leases
from pmsaas.domain.flows.rent_billing import run_billing

INVOICES = "/api/v1/financial/invoices"


async def _bill(api, owner, period: str):  # type: ignore[no-untyped-def]
    return await run_billing(
        uow_factory=api.container.system_uow,
        clock=api.container.clock(),
        period=period,
        organization_id=uuid.UUID(owner.org_id),
    )


def _heads(line) -> list[tuple[str, float, str]]:  # type: ignore[no-untyped-def]
    return [(t["tax"], t["rate"], t["amount"]["amount"]) for t in line["taxes"]]


@pytest.mark.today("2026-12-01")
async def test_recurring_charges_billed_with_gst_and_the_deposit_settled_at_move_out(api, owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN", rent="50000.00", start=date(2026, 12, 1))
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            leases.update().where(leases.c.id == uuid.UUID(shop.id)).values(security_deposit_minor=15000000)
        )
    base = f"/api/v1/leases/{shop.id}/recurring-charges"
    for kind, description, amount, supply in (
        ("parking", "Parking, 2 bays", "3000.00", "property_management_fee"),
        ("maintenance", "Building maintenance", "5000.00", "society_maintenance"),
    ):
        body = {
            "kind": kind,
            "description": description,
            "amount": money(amount),
            "start_date": "2026-12-01",
            "supply_type": supply,
        }
        r = await api.post(base, owner.token, json=body)
        assert r.status_code == 201, r.text

    summary = await _bill(api, owner, "2026-12")
    assert (summary.created, summary.failed) == (1, {})
    [dec] = (await api.get(INVOICES, owner.token, params={"lease_id": shop.id})).json()["data"]
    lines = {line["description"]: line for line in dec["lines"]}
    gst18 = lambda a: [("CGST", 9.0, a), ("SGST", 9.0, a)]  # noqa: E731
    assert _heads(lines["Parking, 2 bays"]) == gst18("270.00")
    assert _heads(lines["Building maintenance"]) == gst18("450.00")  # a landlord's maintenance: taxable
    assert lines["Parking, 2 bays"]["supply_type"] == "property_management_fee"
    assert [line["charge_type"] for line in dec["lines"]].count("deposit") == 1
    # Rent 50,000 + 18 %, parking 3,000 + 18 %, maintenance 5,000 + 18 %, deposit 1,50,000 (no GST).
    assert dec["total"] == money("218440.00")
    pay = {"lease_id": shop.id, "amount": money("218440.00"), "method": "bank_transfer"}
    assert (await api.post("/api/v1/financial/payments", owner.token, json=pay, headers=key())).status_code == 201
    assert (await api.get(f"/api/v1/leases/{shop.id}/deposit", owner.token)).json()["data"]["held"] == money(
        "150000.00"
    )

    clock = api.container.clock()
    clock.pin(clock.now().replace(month=1, year=2027))  # a month later (the suite clock is pinned)
    owner.token = (await api.login(owner.email, owner.password))["access_token"]  # the old one expired
    summary = await _bill(api, owner, "2027-01")
    assert summary.created == 1
    jan = next(
        i
        for i in (await api.get(INVOICES, owner.token, params={"lease_id": shop.id})).json()["data"]
        if i["id"] != dec["id"]
    )
    assert jan["total"] == money("68440.00")  # no deposit this month

    body = {
        "deductions": [
            {"description": "January unpaid", "amount": money("68440.00"), "kind": "arrears"},
            {"description": "Damaged shutter", "amount": money("12000.00"), "kind": "damages"},
        ],
        "refund_method": "bank_transfer",
        "refund_reference": "NEFT 7781",
    }
    r = await api.post(f"/api/v1/leases/{shop.id}/deposit/settlement", owner.token, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["refund"] == money("69560.00")
    assert (await api.get(f"{INVOICES}/{jan['id']}", owner.token)).json()["data"]["status"] == "paid"
    balances = await trial_balance(api, owner)  # balanced
    assert balances["deposits_held"] == "0.00"
    assert balances[f"ar:{shop.tenant_id}"] == "0.00"
    assert balances["damage_income"] == "-12000.00"
    assert balances["cash"] == "148880.00"  # 2,18,440 in, 69,560 back
    statement = (await api.get(f"/api/v1/leases/{shop.id}/deposit/settlement", owner.token)).json()["data"]
    assert statement["arrears_paid"] == [{"invoice_id": jan["id"], "amount": money("68440.00")}]

"""Security deposits over HTTP: held per lease with its movements, settled once at move-out
(arrears, damages, the rest refunded) in one balanced journal entry; bad input writes nothing."""

from __future__ import annotations

import pytest
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

pytestmark = pytest.mark.today("2026-12-01")  # the suite's fixed clock

INVOICES = "/api/v1/financial/invoices"
PAYMENTS = "/api/v1/financial/payments"


def deposit_url(lease) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/leases/{lease.id}/deposit"


async def _held_lease(api, owner, deposit: str = "100000.00", rent: str = "25000.00"):  # type: ignore[no-untyped-def]
    """A residential lease whose first invoice (rent + deposit) is issued and paid in full."""
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential", rent=rent)
    body = invoice_body(lease, ("Rent", rent, "rent"), ("Security deposit", deposit, "deposit"), issue=True)
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    total = f"{float(rent) + float(deposit):.2f}"
    pay = {"lease_id": lease.id, "amount": money(total), "method": "bank_transfer"}
    r = await api.post(PAYMENTS, owner.token, json=pay, headers=key())
    assert r.status_code == 201, r.text
    return lease, r.json()["data"]


async def _arrears(api, owner, lease, amount: str = "25000.00") -> dict:  # type: ignore[no-untyped-def]
    body = invoice_body(lease, ("Rent December 2026", amount, "rent"), issue=True)
    r = await api.post(INVOICES, owner.token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_the_deposit_held_and_its_movements(api, owner):
    lease, payment = await _held_lease(api, owner)
    r = await api.get(deposit_url(lease), owner.token)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["held"] == money("100000.00") and data["settled"] is False and data["settlement"] is None
    assert [(m["source_type"], m["amount"]["amount"], m["balance"]["amount"]) for m in data["movements"]] == [
        ("invoice", "100000.00", "100000.00")
    ]
    refund = {"amount": money("10000.00"), "deposit": True}
    r = await api.post(f"{PAYMENTS}/{payment['id']}/refund", owner.token, json=refund, headers=key())
    assert r.status_code == 201, r.text
    data = (await api.get(deposit_url(lease), owner.token)).json()["data"]
    assert data["held"] == money("90000.00")
    assert [m["amount"]["amount"] for m in data["movements"]] == ["100000.00", "-10000.00"]
    r = await api.get(f"{deposit_url(lease)}/settlement", owner.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"


async def test_move_out_settlement_pays_arrears_keeps_damages_and_refunds_the_rest(api, owner):
    lease, _ = await _held_lease(api, owner)
    arrears = await _arrears(api, owner, lease)
    body = {
        "deductions": [
            {"description": "December rent unpaid", "amount": money("25000.00"), "kind": "arrears"},
            {"description": "Broken window", "amount": money("8000.00"), "kind": "damages"},
            {"description": "Deep cleaning", "amount": money("2000.00"), "kind": "cleaning"},
        ],
        "refund_method": "cheque",
        "refund_reference": "CHQ 000123",
    }
    r = await api.post(f"{deposit_url(lease)}/settlement", owner.token, json=body)
    assert r.status_code == 201, r.text
    s = r.json()["data"]
    assert s["held"] == money("100000.00") and s["total_deducted"] == money("35000.00")
    assert s["refund"] == money("65000.00") and s["refund_method"] == "cheque"
    assert s["arrears_paid"] == [{"invoice_id": arrears["id"], "amount": money("25000.00")}]
    assert s["settled_on"] == "2026-12-01"
    assert (await api.get(f"{INVOICES}/{arrears['id']}", owner.token)).json()["data"]["status"] == "paid"

    balances = await trial_balance(api, owner)
    assert balances["deposits_held"] == "0.00"
    assert balances["damage_income"] == "-8000.00" and balances["other_income"] == "-2000.00"
    assert balances[f"ar:{lease.tenant_id}"] == "0.00"
    assert balances["cash"] == "60000.00"  # 125,000 in, 65,000 back

    statement = (await api.get(f"{deposit_url(lease)}/settlement", owner.token)).json()["data"]
    assert statement == s
    held = (await api.get(deposit_url(lease), owner.token)).json()["data"]
    assert held["held"] == money("0.00") and held["settled"] is True
    assert held["movements"][-1]["source_type"] == "deposit_settlement"

    # Exactly once: a second settlement is refused and moves nothing.
    r = await api.post(f"{deposit_url(lease)}/settlement", owner.token, json={"deductions": []})
    assert r.status_code == 409, r.text
    assert (await trial_balance(api, owner))["cash"] == "60000.00"


async def test_a_settlement_without_deductions_refunds_everything(api, owner):
    lease, _ = await _held_lease(api, owner, deposit="50000.00")
    r = await api.post(f"{deposit_url(lease)}/settlement", owner.token, json={})
    assert r.status_code == 201, r.text
    assert r.json()["data"]["refund"] == money("50000.00")
    assert r.json()["data"]["refund_method"] == "bank_transfer"
    assert (await trial_balance(api, owner))["deposits_held"] == "0.00"


async def test_bad_settlements_write_nothing(api, owner):
    lease, _ = await _held_lease(api, owner, deposit="30000.00")
    await _arrears(api, owner, lease, "5000.00")
    url = f"{deposit_url(lease)}/settlement"

    def one(amount: str, kind: str = "damages", currency: str = "INR") -> dict:
        return {"deductions": [{"description": "x", "amount": money(amount, currency), "kind": kind}]}

    cases = [
        (one("30000.01"), "deductions"),  # more than held
        (one("5000.01", "arrears"), "deductions"),  # more than owed
        (one("100.00", currency="CAD"), "deductions.0.amount.currency"),
        (one("0.00"), "deductions.0.amount.amount"),
        (one("-1.00"), "deductions.0.amount.amount"),
        (one("1.001"), "deductions.0.amount.amount"),
        (one("99999999999999999999"), "deductions"),  # past the books' limit or past what is held
    ]
    for body, field in cases:
        r = await api.post(url, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"
        assert r.json()["error"]["details"][0]["field"].startswith(field), (body, r.text)
    for body in (
        {"deductions": [{"description": "x", "amount": money("1.00"), "kind": "rent"}]},
        {"deductions": [], "surprise": 1},
        {"deductions": "none"},
        {"deductions": [{"description": "a\u0000b", "amount": money("1.00"), "kind": "other"}]},
        {"refund_method": "card"},
    ):
        r = await api.post(url, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
    r = await api.post(url, owner.token, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422), r.text
    assert (await trial_balance(api, owner))["deposits_held"] == "-30000.00"
    assert (await api.get(url, owner.token)).status_code == 404


async def test_a_lease_without_a_deposit_cannot_be_settled(api, owner):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", property_type="residential")
    r = await api.post(f"{deposit_url(lease)}/settlement", owner.token, json={})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "deductions", r.text


async def test_another_organizations_lease_is_404_and_roles_apply(api, owner, other_owner):
    lease, _ = await _held_lease(api, owner)
    for path in (deposit_url(lease), f"{deposit_url(lease)}/settlement"):
        r = await api.get(path, other_owner.token)
        assert r.status_code == 404, r.text
    r = await api.post(f"{deposit_url(lease)}/settlement", other_owner.token, json={})
    assert r.status_code == 404, r.text

    tenant_user, tenant = await owner.add_user("Tenant")
    mine = await make_lease(api, owner, "IN", property_type="residential", tenant_user_id=tenant_user)
    assert (await api.get(deposit_url(mine), tenant)).status_code == 200
    assert (await api.get(deposit_url(lease), tenant)).status_code == 404  # another tenant's lease
    assert (await api.post(f"{deposit_url(mine)}/settlement", tenant, json={})).status_code == 403
    _, manager = await owner.add_user("PropertyManager")
    r = await api.post(f"{deposit_url(lease)}/settlement", manager, json={})
    assert r.status_code == 201, r.text
    assert (await trial_balance(api, owner))["deposits_held"] == "0.00"

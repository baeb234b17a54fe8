"""Recurring charges on a lease over HTTP: CRUD, bad input, tenancy and roles, in the schedule."""

from __future__ import annotations

import pytest
from fin_support import make_lease, money, set_country

pytestmark = pytest.mark.today("2026-12-01")


def url(lease, charge_id: str | None = None) -> str:  # type: ignore[no-untyped-def]
    base = f"/api/v1/leases/{lease.id}/recurring-charges"
    return f"{base}/{charge_id}" if charge_id else base


def parking(**extra):  # type: ignore[no-untyped-def]
    body = {
        "kind": "parking",
        "description": "Covered parking, 2 bays",
        "amount": money("3000.00"),
        "frequency": "monthly",
        "start_date": "2026-12-01",
        "supply_type": "property_management_fee",
    }
    body.update(extra)
    return body


async def test_crud_and_the_schedule(api, owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN")
    r = await api.post(url(shop), owner.token, json=parking())
    assert r.status_code == 201, r.text
    c = r.json()["data"]
    assert (c["kind"], c["amount"], c["frequency"], c["end_date"], c["version"]) == (
        "parking",
        money("3000.00"),
        "monthly",
        None,
        1,
    )
    assert [x["id"] for x in (await api.get(url(shop), owner.token)).json()["data"]] == [c["id"]]
    assert (await api.get(url(shop, c["id"]), owner.token)).json()["data"] == c

    body = parking(amount=money("3500.00"), end_date="2027-02-28", frequency="quarterly")
    r = await api.put(url(shop, c["id"]), owner.token, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["amount"] == money("3500.00") and r.json()["data"]["version"] == 2

    r = await api.get(f"/api/v1/leases/{shop.id}/schedule?from=2026-11-01&to=2027-03-31", owner.token)
    data = r.json()["data"]
    others = [(x["due_date"], x["amount"]["amount"], x["supply_type"]) for x in data if x["type"] == "other"]
    assert others == [("2026-12-01", "3500.00", "property_management_fee")]  # quarterly, ends in February
    # Adjacent windows: each month once.
    r1 = await api.get(f"/api/v1/leases/{shop.id}/schedule?from=2026-11-01&to=2026-12-15", owner.token)
    r2 = await api.get(f"/api/v1/leases/{shop.id}/schedule?from=2026-12-16&to=2027-03-31", owner.token)
    assert sum(x["type"] == "other" for x in r1.json()["data"] + r2.json()["data"]) == 1

    assert (await api.delete(url(shop, c["id"]), owner.token)).status_code == 204
    assert (await api.get(url(shop, c["id"]), owner.token)).status_code == 404
    assert (await api.get(url(shop), owner.token)).json()["data"] == []


async def test_bad_input_is_422_and_writes_nothing(api, owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN")
    cases = [
        (parking(amount=money("3000.00", "CAD")), "amount.currency"),
        (parking(amount=money("0.00")), "amount.amount"),
        (parking(amount=money("-5.00")), "amount.amount"),
        (parking(amount=money("1.001")), "amount.amount"),
        (parking(end_date="2026-11-30"), "end_date"),
        (parking(start_date="1899-12-31"), "start_date"),
    ]
    for body, field in cases:
        r = await api.post(url(shop), owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["details"][0]["field"] == field, (body, r.text)
    for body in (
        parking(kind="rent"),
        parking(frequency="weekly"),
        parking(supply_type="parking_fee"),
        parking(surprise=True),
        parking(description="a\u0000b"),
        parking(description=""),
        parking(amount="3000.00"),
        parking(start_date="2026-13-01"),
    ):
        r = await api.post(url(shop), owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
    r = await api.post(url(shop), owner.token, content=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    assert (await api.get(url(shop), owner.token)).json()["data"] == []


async def test_another_organization_gets_404_and_roles_apply(api, owner, other_owner):
    await set_country(api, owner, "IN")
    shop = await make_lease(api, owner, "IN")
    c = (await api.post(url(shop), owner.token, json=parking())).json()["data"]
    assert (await api.get(url(shop), other_owner.token)).status_code == 404
    assert (await api.get(url(shop, c["id"]), other_owner.token)).status_code == 404
    assert (await api.post(url(shop), other_owner.token, json=parking())).status_code == 404
    assert (await api.put(url(shop, c["id"]), other_owner.token, json=parking())).status_code == 404
    assert (await api.delete(url(shop, c["id"]), other_owner.token)).status_code == 404
    other = await make_lease(api, owner, "IN")
    assert (await api.get(url(other, c["id"]), owner.token)).status_code == 404  # another lease's charge

    tenant_user, tenant = await owner.add_user("Tenant")
    mine = await make_lease(api, owner, "IN", tenant_user_id=tenant_user)
    # A tenant reads the charges of the leases it may read (the leases' own rule).
    lease_status = (await api.get(f"/api/v1/leases/{mine.id}", tenant)).status_code
    assert (await api.get(url(mine), tenant)).status_code == lease_status
    assert (await api.post(url(mine), tenant, json=parking())).status_code == 403
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.post(url(shop), manager, json=parking())).status_code == 201

"""The monthly reports: another organization sees none of these figures and gets 404 for these
property ids, tenants and maintenance staff get 403, bad parameters are 422 in the envelope."""

from __future__ import annotations

import uuid

import pytest
from fin_support import invoice_body, make_lease, set_country

pytestmark = pytest.mark.today("2026-12-15")

REPORTS = "/api/v1/financial/reports"
NAMES = ("arrears-aging", "rent-roll", "deposits-held", "income-expenses", "owner-statements", "gstr1-b2b")


async def _books(api, owner):  # type: ignore[no-untyped-def]
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN", tenant_gstin="27AABCP1234Q1Z7")
    body = invoice_body(lease, ("Rent", "50000.00", "rent"), ("Deposit", "100000.00", "deposit"), issue=True)
    assert (await api.post("/api/v1/financial/invoices", owner.token, json=body)).status_code == 201
    return lease


async def test_another_organization_sees_nothing_of_ours(api, owner, other_owner):
    lease = await _books(api, owner)
    await set_country(api, other_owner, "IN")
    for name in NAMES:
        mine = await api.get(
            f"{REPORTS}/{name}",
            owner.token,
            params={"from": "2026-12-01"} if name in ("income-expenses", "owner-statements") else {},
        )
        assert mine.status_code == 200 and mine.json()["data"]["rows"], (name, mine.text)
        theirs = await api.get(f"{REPORTS}/{name}", other_owner.token)
        assert theirs.status_code == 200, (name, theirs.text)
        assert theirs.json()["data"]["rows"] == [], name
    for name in ("rent-roll", "deposits-held", "income-expenses", "owner-statements"):
        r = await api.get(f"{REPORTS}/{name}", other_owner.token, params={"property_id": lease.property_id})
        assert r.status_code == 404, (name, r.text)
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
        r = await api.get(f"{REPORTS}/{name}", owner.token, params={"property_id": str(uuid.uuid4())})
        assert r.status_code == 404, (name, r.text)
        r = await api.get(f"{REPORTS}/{name}", owner.token, params={"property_id": lease.property_id})
        assert r.status_code == 200 and r.json()["data"]["property_id"] == lease.property_id


async def test_tenants_and_staff_are_refused(api, owner):
    await _books(api, owner)
    _, tenant = await owner.add_user("Tenant")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, manager = await owner.add_user("PropertyManager")
    for name in NAMES:
        for who in (tenant, staff):
            for fmt in ("json", "csv"):
                r = await api.get(f"{REPORTS}/{name}", who, params={"format": fmt})
                assert r.status_code == 403, (name, r.text)
                assert r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS"
        assert (await api.get(f"{REPORTS}/{name}", manager)).status_code == 200, name


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("arrears-aging", {"as_of": "2026-02-30"}, "as_of"),
        ("arrears-aging", {"as_of": "yesterday"}, "as_of"),
        ("arrears-aging", {"format": "xml"}, "format"),
        ("rent-roll", {"property_id": "not-a-uuid"}, "property_id"),
        ("rent-roll", {"format": "pdf"}, "format"),
        ("deposits-held", {"as_of": "2026-13-01"}, "as_of"),
        ("income-expenses", {"from": "2026-12-31", "to": "2026-12-01"}, "to"),
        ("income-expenses", {"from": "2020-01-01", "to": "2026-12-31"}, "to"),
        ("income-expenses", {"from": "12/01/2026"}, "from"),
        ("owner-statements", {"from": "2026-12-31", "to": "2026-01-01"}, "to"),
        ("owner-statements", {"to": "2026-12-32"}, "to"),
        ("owner-statements", {"format": "xlsx"}, "format"),
        ("gstr1-b2b", {"from": "2026-13"}, "from"),
        ("gstr1-b2b", {"from": "2026-12", "to": "2026-01"}, "to"),
        ("gstr1-b2b", {"to": "2026-1"}, "to"),
        ("gstr1-b2b", {"format": "json5"}, "format"),
    ],
)
async def test_bad_parameters_are_422(api, owner, name, params, field):
    await set_country(api, owner, "IN")
    r = await api.get(f"{REPORTS}/{name}", owner.token, params=params)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in {d["field"] for d in error["details"]}, error


async def test_defaults_are_the_organizations_today_and_this_month(api, owner):
    await set_country(api, owner, "IN")
    aging = (await api.get(f"{REPORTS}/arrears-aging", owner.token)).json()["data"]
    assert aging["as_of"] == "2026-12-15"
    ie = (await api.get(f"{REPORTS}/income-expenses", owner.token)).json()["data"]
    assert (ie["from"], ie["to"]) == ("2026-12-01", "2026-12-31")
    nov = (await api.get(f"{REPORTS}/owner-statements", owner.token, params={"to": "2026-11-15"})).json()["data"]
    assert (nov["from"], nov["to"]) == ("2026-11-01", "2026-11-15")
    b2b = (await api.get(f"{REPORTS}/gstr1-b2b", owner.token, params={"from": "2026-02"})).json()["data"]
    assert (b2b["from"], b2b["to"]) == ("2026-02-01", "2026-02-28")
    csv = await api.get(f"{REPORTS}/rent-roll", owner.token, params={"format": "csv"})
    assert csv.text.splitlines() == [
        "lease_id,property_id,property_name,unit_name,tenant_id,tenant_name,lease_status,"
        "start_date,end_date,rent,deposit_agreed,deposit_held,balance"
    ]


@pytest.mark.today("2026-12-31T20:00:00+00:00")  # 1 January 2027, 01:30 in Mumbai
async def test_as_of_is_the_organizations_today_in_its_time_zone(api, owner):
    await set_country(api, owner, "IN")
    r = await api.put(
        f"/api/v1/organizations/{owner.org_id}/settings",
        owner.token,
        json={"country": "IN", "province": "MH", "time_zone": "Asia/Kolkata"},
    )
    assert r.status_code == 200, r.text
    assert (await api.get(f"{REPORTS}/arrears-aging", owner.token)).json()["data"]["as_of"] == "2027-01-01"
    ie = (await api.get(f"{REPORTS}/owner-statements", owner.token)).json()["data"]
    assert (ie["from"], ie["to"]) == ("2027-01-01", "2027-01-31")

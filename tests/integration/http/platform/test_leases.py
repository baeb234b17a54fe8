"""Leases through HTTP: creation rules, the status machine, overlaps (also concurrent), renewals,
schedules, lists and who sees what."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from leasing_support import (
    LEASES,
    PROPERTIES,
    lease_body,
    leased_unit,
    new_lease,
    new_property,
    new_tenant,
    new_unit,
)
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.domain.shared.errors import Conflict

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for


def codes(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


def lease_url(pid: str, tid: str) -> str:
    return f"{PROPERTIES}/{pid}/tenants/{tid}/lease"


async def setup(api, owner) -> tuple[str, str, str]:
    pid = await new_property(api, owner)
    return pid, await new_unit(api, owner, pid), await new_tenant(api, owner, pid)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2026-12-31"}, "end_date"),  # before the start
        ({"end_date": "2027-01-01"}, "end_date"),  # same day
        ({"rent": {"amount": "0.00", "currency": "USD"}}, "rent"),
        ({"rent": {"amount": "-100.00", "currency": "USD"}}, "rent"),
        ({"rent": {"amount": "100.001", "currency": "USD"}}, "rent.amount"),
        ({"rent": {"amount": 1500, "currency": "USD"}}, "rent.amount"),
        ({"rent": {"amount": "1500.00", "currency": "CAD"}}, "rent.currency"),
        ({"security_deposit": {"amount": "-1.00", "currency": "USD"}}, "security_deposit"),
        ({"billing_day": 0}, "billing_day"),
        ({"billing_day": 32}, "billing_day"),
        ({"grace_days": -1}, "grace_days"),
        ({"late_fee": {"kind": "percentage", "value": "150"}}, "late_fee.value"),
        ({"late_fee": {"kind": "weekly", "value": "5"}}, "late_fee.kind"),
        ({"escalation": {"kind": "percentage", "value": "-3"}}, "escalation.value"),
        ({"tds_applicable": True}, "tds_applicable"),  # a US organization
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"start_date": 20270101}, "start_date"),
        ({"unit_id": str(uuid.uuid4())}, "unit_id"),
        ({"co_tenant_ids": [str(uuid.uuid4())]}, "co_tenant_ids.0"),
        ({"pets": True}, "pets"),
    ],
)
async def test_bad_lease_bodies_are_422_and_write_nothing(api, owner, changes, field):
    pid, uid, tid = await setup(api, owner)
    r = await api.post(lease_url(pid, tid), owner.token, json={**lease_body(uid), **changes})
    assert codes(r) == (422, "VALIDATION_ERROR"), r.text
    assert any(d["field"].startswith(field) for d in r.json()["error"]["details"]), r.text
    r = await api.get(LEASES, owner.token, params={"tenant_id": tid})
    assert r.json()["data"] == []


async def test_references_to_other_properties_are_422(api, owner):
    pid, uid, tid = await setup(api, owner)
    other = await new_property(api, owner, name="Other")
    their_unit = await new_unit(api, owner, other)
    their_tenant = await new_tenant(api, owner, other)
    r = await api.post(lease_url(pid, tid), owner.token, json=lease_body(their_unit))
    assert codes(r) == (422, "VALIDATION_ERROR") and r.json()["error"]["details"][0]["field"] == "unit_id"
    r = await api.post(lease_url(pid, tid), owner.token, json=lease_body(uid, co_tenant_ids=[their_tenant]))
    assert r.json()["error"]["details"][0]["field"] == "co_tenant_ids.0"
    r = await api.post(lease_url(pid, tid), owner.token, json=lease_body(uid, co_tenant_ids=[tid]))
    assert r.json()["error"]["details"][0]["field"] == "co_tenant_ids.0"
    # A tenant of another property in the path: 404.
    assert codes(await api.post(lease_url(pid, their_tenant), owner.token, json=lease_body(uid)))[0] == 404


async def test_a_billing_day_past_the_months_end_falls_on_its_last_day(api, owner):
    pid, uid, tid = await setup(api, owner)
    lid = await new_lease(api, owner, pid, tid, uid, billing_day=31, security_deposit=None)
    r = await api.get(f"{LEASES}/{lid}/schedule", owner.token, params={"from": "2027-02-01", "to": "2027-04-30"})
    assert [c["due_date"] for c in r.json()["data"]] == ["2027-02-28", "2027-03-31", "2027-04-30"]


async def test_proration_of_a_partial_first_month(api, owner):
    pid, uid, tid = await setup(api, owner)
    body = {"start_date": "2027-01-15", "rent": {"amount": "3100.00", "currency": "USD"}, "security_deposit": None}
    lid = await new_lease(api, owner, pid, tid, uid, **body)
    r = await api.get(f"{LEASES}/{lid}/schedule", owner.token, params={"from": "2027-01-01", "to": "2027-01-31"})
    [rent] = r.json()["data"]
    assert rent["amount"] == {"amount": "1700.00", "currency": "USD"}  # 17 of 31 days
    assert (rent["period_start"], rent["due_date"]) == ("2027-01-15", "2027-01-15")


async def test_overlapping_leases_cannot_both_be_active(api, owner):
    ids = await leased_unit(api, owner)  # 2027-01-01 .. 2027-12-31
    tid2 = await new_tenant(api, owner, ids["pid"], email="second@example.com")
    overlapping = await new_lease(api, owner, ids["pid"], tid2, ids["uid"], start_date="2027-12-01", end_date=None)
    after = await new_lease(api, owner, ids["pid"], tid2, ids["uid"], start_date="2028-01-01", end_date=None)
    r = await api.post(f"{LEASES}/{overlapping}/activate", owner.token)
    assert codes(r) == (409, "RESOURCE_CONFLICT")
    assert (await api.get(f"{LEASES}/{overlapping}", owner.token)).json()["data"]["status"] == "draft"
    assert (await api.post(f"{LEASES}/{after}/activate", owner.token)).status_code == 200  # a future lease


async def test_two_concurrent_activations_one_wins(api, owner):
    pid, uid, tid = await setup(api, owner)
    tid2 = await new_tenant(api, owner, pid, email="second@example.com")
    first = await new_lease(api, owner, pid, tid, uid)
    second = await new_lease(api, owner, pid, tid2, uid, start_date="2027-06-01", end_date=None)
    results = await asyncio.gather(
        api.post(f"{LEASES}/{first}/activate", owner.token), api.post(f"{LEASES}/{second}/activate", owner.token)
    )
    assert sorted(r.status_code for r in results) == [200, 409], [r.text for r in results]
    active = (await api.get(LEASES, owner.token, params={"unit_id": uid, "status": "active"})).json()["data"]
    assert len(active) == 1


async def test_illegal_transitions_are_409(api, owner):
    pid, uid, tid = await setup(api, owner)
    lid = await new_lease(api, owner, pid, tid, uid)
    for action, kw in [("notice", {"json": {"move_out_date": "2027-05-31"}}), ("end", {}), ("renew", {})]:
        r = await api.post(f"{LEASES}/{lid}/{action}", owner.token, **kw)
        assert codes(r) == (409, "RESOURCE_CONFLICT"), (action, r.text)
    assert (await api.post(f"{LEASES}/{lid}/activate", owner.token)).status_code == 200
    assert codes(await api.post(f"{LEASES}/{lid}/activate", owner.token))[0] == 409
    assert codes(await api.post(f"{LEASES}/{lid}/end", owner.token))[0] == 409  # term not over, no notice
    r = await api.post(f"{LEASES}/{lid}/terminate", owner.token, json={"termination_date": "2027-03-31"})
    assert r.status_code == 200 and r.json()["data"]["terminated_on"] == "2027-03-31"
    for action in ("activate", "terminate", "end"):
        assert codes(await api.post(f"{LEASES}/{lid}/{action}", owner.token))[0] == 409
    assert codes(await api.put(f"{LEASES}/{lid}", owner.token, json=lease_body(uid)))[0] == 409
    # Rent stops at the termination.
    r = await api.get(f"{LEASES}/{lid}/schedule", owner.token, params={"from": "2027-03-01", "to": "2027-05-31"})
    assert [c["period_end"] for c in r.json()["data"]] == ["2027-03-31"]


async def test_action_bodies_are_validated(api, owner):
    ids = await leased_unit(api, owner)
    url = f"{LEASES}/{ids['lid']}"
    for body in ({}, {"move_out_date": "soon"}, {"move_out_date": "2027-05-31", "x": 1}):
        assert codes(await api.post(f"{url}/notice", owner.token, json=body))[0] == 422
    r = await api.post(f"{url}/notice", owner.token, json={"move_out_date": "2028-02-01"})
    assert codes(r) == (422, "VALIDATION_ERROR")  # after the end date
    hdr = {"Content-Type": "application/json"}
    assert codes(await api.post(f"{url}/notice", owner.token, content=b"{", headers=hdr))[0] == 400
    assert codes(await api.post(f"{url}/terminate", owner.token, json={"when": "now"}))[0] == 422
    assert (await api.get(url, owner.token)).json()["data"]["status"] == "active"


async def test_drafts_are_fully_editable_running_leases_only_in_part(api, owner):
    pid, uid, tid = await setup(api, owner)
    lid = await new_lease(api, owner, pid, tid, uid)
    r = await api.put(
        f"{LEASES}/{lid}", owner.token, json=lease_body(uid, rent={"amount": "1600.00", "currency": "USD"})
    )
    assert r.status_code == 200 and r.json()["data"]["rent"]["amount"] == "1600.00"
    await api.post(f"{LEASES}/{lid}/activate", owner.token)
    same = lease_body(uid, rent={"amount": "1600.00", "currency": "USD"})
    r = await api.put(f"{LEASES}/{lid}", owner.token, json={**same, "grace_days": 10})
    assert r.status_code == 200 and r.json()["data"]["grace_days"] == 10
    r = await api.put(f"{LEASES}/{lid}", owner.token, json={**same, "rent": {"amount": "1.00", "currency": "USD"}})
    assert codes(r) == (409, "RESOURCE_CONFLICT")
    assert (await api.get(f"{LEASES}/{lid}", owner.token)).json()["data"]["rent"]["amount"] == "1600.00"


async def test_renewal_creates_the_next_active_lease(api, owner):
    ids = await leased_unit(api, owner)
    r = await api.post(f"{LEASES}/{ids['lid']}/renew", owner.token)
    assert r.status_code == 200, r.text
    nxt = r.json()["data"]
    assert (nxt["start_date"], nxt["end_date"], nxt["status"]) == ("2028-01-01", "2028-12-31", "active")
    assert nxt["rent"]["amount"] == "1545.00" and nxt["security_deposit"] is None  # +3 % on the anniversary
    assert nxt["renewed_from_id"] == ids["lid"] and nxt["id"] != ids["lid"]
    assert codes(await api.post(f"{LEASES}/{ids['lid']}/renew", owner.token))[0] == 409  # only once
    r = await api.get(f"{PROPERTIES}/{ids['pid']}/tenants/{ids['tid']}/lease", owner.token)
    assert r.json()["data"]["id"] == ids["lid"]  # the current one first
    r = await api.get(LEASES, owner.token, params={"tenant_id": ids["tid"], "sort_by": "start_date"})
    assert [x["start_date"] for x in r.json()["data"]] == ["2027-01-01", "2028-01-01"]


async def test_list_filters_and_bad_parameters(api, owner):
    ids = await leased_unit(api, owner)
    pid2 = await new_property(api, owner, name="Second")
    uid2, tid2 = await new_unit(api, owner, pid2), await new_tenant(api, owner, pid2)
    draft = await new_lease(api, owner, pid2, tid2, uid2, end_date=None)
    everything = (await api.get(LEASES, owner.token)).json()
    assert everything["meta"]["pagination"]["total_count"] == 2
    by = {
        "status": ("draft", [draft]),
        "property_id": (ids["pid"], [ids["lid"]]),
        "unit_id": (uid2, [draft]),
        "tenant_id": (ids["tid"], [ids["lid"]]),
        "ending_before": ("2028-01-01", [ids["lid"]]),
    }
    for name, (value, expected) in by.items():
        r = await api.get(LEASES, owner.token, params={name: value})
        assert [x["id"] for x in r.json()["data"]] == expected, name
    for params in ({"status": "pending"}, {"unit_id": "x"}, {"ending_before": "tomorrow"}, {"sort_by": "rent"}):
        assert codes(await api.get(LEASES, owner.token, params=params)) == (422, "VALIDATION_ERROR"), params


async def test_schedule_parameters_are_validated(api, owner):
    ids = await leased_unit(api, owner)
    url = f"{LEASES}/{ids['lid']}/schedule"
    for params in (
        {},
        {"from": "2027-01-01"},
        {"from": "x", "to": "2027-01-31"},
        {"from": "2027-02-01", "to": "2027-01-01"},
    ):
        assert codes(await api.get(url, owner.token, params=params)) == (422, "VALIDATION_ERROR"), params


async def test_another_organizations_leases_are_404_everywhere(api, owner, other_owner):
    ids = await leased_unit(api, owner)
    lid = ids["lid"]
    calls = [
        ("GET", f"{LEASES}/{lid}", {}),
        ("PUT", f"{LEASES}/{lid}", {"json": lease_body(ids["uid"])}),
        ("POST", f"{LEASES}/{lid}/activate", {}),
        ("POST", f"{LEASES}/{lid}/notice", {"json": {"move_out_date": "2027-05-31"}}),
        ("POST", f"{LEASES}/{lid}/end", {}),
        ("POST", f"{LEASES}/{lid}/terminate", {}),
        ("POST", f"{LEASES}/{lid}/renew", {}),
        ("GET", f"{LEASES}/{lid}/schedule", {"params": {"from": "2027-01-01", "to": "2027-01-31"}}),
        ("GET", lease_url(ids["pid"], ids["tid"]), {}),
        ("POST", lease_url(ids["pid"], ids["tid"]), {"json": lease_body(ids["uid"])}),
    ]
    for method, url, kw in calls:
        r = await api.request(method, url, token=other_owner.token, **kw)
        assert codes(r) == (404, "RESOURCE_NOT_FOUND"), (method, url, r.text)
    assert (await api.get(LEASES, other_owner.token)).json()["data"] == []
    # Their own tenant, our unit: the unit is unknown to them.
    their_pid = await new_property(api, other_owner)
    their_tid = await new_tenant(api, other_owner, their_pid)
    r = await api.post(lease_url(their_pid, their_tid), other_owner.token, json=lease_body(ids["uid"]))
    assert codes(r) == (422, "VALIDATION_ERROR")
    assert (await api.get(f"{LEASES}/{lid}", owner.token)).json()["data"]["status"] == "active"


async def test_roles(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    pid, uid, tid = await setup(api, owner)
    r = await api.post(lease_url(pid, tid), manager, json=lease_body(uid))
    assert r.status_code == 201
    lid = r.json()["data"]["id"]
    assert (await api.post(f"{LEASES}/{lid}/activate", manager)).status_code == 200
    for method, url, kw in [
        ("GET", LEASES, {}),
        ("GET", f"{LEASES}/{lid}", {}),
        ("POST", f"{LEASES}/{lid}/terminate", {}),
        ("POST", lease_url(pid, tid), {"json": lease_body(uid)}),
    ]:
        r = await api.request(method, url, token=staff, **kw)
        assert codes(r) == (403, "INSUFFICIENT_PERMISSIONS"), (method, url)


async def test_a_tenant_sees_only_its_own_leases_and_units(api, owner):
    ids = await leased_unit(api, owner)
    user_id, _ = await owner.add_user("Tenant", password="tenant password 1")
    r = await api.put(
        f"{PROPERTIES}/{ids['pid']}/tenants/{ids['tid']}",
        owner.token,
        json={"name": "Tara", "email": "tara@example.com", "user_id": user_id},
    )
    assert r.status_code == 200, r.text
    users = (await api.get("/api/v1/identity/users", owner.token, params={"page_size": 100})).json()["data"]
    token = (await api.login(next(u["email"] for u in users if u["id"] == user_id), "tenant password 1"))[
        "access_token"
    ]
    other_unit = await new_unit(api, owner, ids["pid"], name="Unit 202")
    other_tenant = await new_tenant(api, owner, ids["pid"], email="neighbour@example.com")
    other_lease = await new_lease(api, owner, ids["pid"], other_tenant, other_unit)
    await api.post(f"{LEASES}/{other_lease}/activate", owner.token)
    draft = await new_lease(api, owner, ids["pid"], ids["tid"], other_unit, start_date="2029-01-01", end_date=None)

    assert [x["id"] for x in (await api.get(LEASES, token)).json()["data"]] == [ids["lid"]]
    assert (await api.get(f"{LEASES}/{ids['lid']}", token)).status_code == 200
    assert (
        await api.get(f"{LEASES}/{ids['lid']}/schedule", token, params={"from": "2027-01-01", "to": "2027-01-31"})
    ).status_code == 200
    for lid in (other_lease, draft):
        assert codes(await api.get(f"{LEASES}/{lid}", token)) == (404, "RESOURCE_NOT_FOUND")
    units = (await api.get(f"{PROPERTIES}/{ids['pid']}/units", token)).json()["data"]
    assert [u["id"] for u in units] == [ids["uid"]]
    assert (await api.get(f"{PROPERTIES}/{ids['pid']}/units/{other_unit}", token)).status_code == 404
    assert codes(await api.post(f"{LEASES}/{ids['lid']}/terminate", token))[0] == 403


async def test_lease_events_reach_the_outbox(api, owner):
    ids = await leased_unit(api, owner)
    await api.post(f"{LEASES}/{ids['lid']}/renew", owner.token)
    await api.post(f"{LEASES}/{ids['lid']}/notice", owner.token, json={"move_out_date": "2027-12-31"})
    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.event, outbox.c.payload)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
                .order_by(outbox.c.occurred_at)
            )
        ).all()
    mine = [e for e, p in rows if p.get("lease_id") == ids["lid"]]
    assert mine == ["lease.created", "lease.activated", "lease.renewed", "lease.notice_given"]
    renewed = next(p for e, p in rows if e == "lease.renewed" and p["lease_id"] == ids["lid"])
    assert sorted(e for e, p in rows if p.get("lease_id") == renewed["renewal_id"]) == [
        "lease.activated",
        "lease.created",
    ]
    assert "unit.status_changed" in [e for e, p in rows if p.get("unit_id") == ids["uid"] and "lease_id" not in p]


async def test_a_tenants_lease_list_counts_no_drafts(api, owner):
    ids = await leased_unit(api, owner)
    user_id, _ = await owner.add_user("Tenant", password="tenant password 1")
    await api.put(
        f"{PROPERTIES}/{ids['pid']}/tenants/{ids['tid']}",
        owner.token,
        json={"name": "Tara", "email": "tara@example.com", "user_id": user_id},
    )
    await new_lease(api, owner, ids["pid"], ids["tid"], ids["uid"], start_date="2029-01-01", end_date=None)
    users = (await api.get("/api/v1/identity/users", owner.token, params={"page_size": 100})).json()["data"]
    email = next(u["email"] for u in users if u["id"] == user_id)
    token = (await api.login(email, "tenant password 1"))["access_token"]
    r = await api.get(LEASES, token)
    assert r.json()["meta"]["pagination"]["total_count"] == 1
    assert (await api.get(LEASES, token, params={"status": "draft"})).json()["data"] == []
    assert (await api.get(LEASES, owner.token, params={"tenant_id": ids["tid"]})).json()["meta"]["pagination"][
        "total_count"
    ] == 2


async def test_a_property_with_active_leases_cannot_be_deleted(api, owner):
    ids = await leased_unit(api, owner)
    assert codes(await api.delete(f"{PROPERTIES}/{ids['pid']}", owner.token)) == (409, "RESOURCE_CONFLICT")
    await api.post(f"{LEASES}/{ids['lid']}/terminate", owner.token)
    assert (await api.delete(f"{PROPERTIES}/{ids['pid']}", owner.token)).status_code == 204


async def test_the_database_itself_refuses_overlapping_occupancy_on_postgresql(api, owner):
    """Below the domain check: on PostgreSQL an exclusion constraint refuses a second occupying
    lease for the same days; SQLite serializes writers (BEGIN IMMEDIATE) instead, so the domain's
    check under the unit lock is the guard there."""
    ids = await leased_unit(api, owner)
    async with api.container.system_uow() as uow:
        running = await uow.leases.get(uuid.UUID(owner.org_id), uuid.UUID(ids["lid"]))
        twin = replace(running, id=uuid.uuid4(), start_date=running.start_date.replace(month=6))
        if api.backend == "postgres":
            with pytest.raises(Conflict):
                await uow.leases.add(twin)
        else:
            await uow.leases.add(twin)  # not committed: the unit of work rolls back


async def test_active_on_finds_the_leases_to_bill_on_a_day(api, owner):
    """The port the billing run reads: running leases whose occupancy includes the day."""
    ids = await leased_unit(api, owner)  # 2027-01-01 .. 2027-12-31
    tid2 = await new_tenant(api, owner, ids["pid"], email="second@example.com")
    uid2 = await new_unit(api, owner, ids["pid"], name="Unit 202")
    leaving = await new_lease(api, owner, ids["pid"], tid2, uid2, start_date="2027-03-01", end_date=None)
    await api.post(f"{LEASES}/{leaving}/activate", owner.token)
    await api.post(f"{LEASES}/{leaving}/notice", owner.token, json={"move_out_date": "2027-06-30"})
    await new_lease(api, owner, ids["pid"], tid2, uid2, start_date="2027-07-01", end_date=None)  # a draft
    org = uuid.UUID(owner.org_id)
    found = {}
    async with api.container.system_uow() as uow:
        for day in (date(2026, 12, 31), date(2027, 6, 30), date(2027, 7, 1)):
            found[day.isoformat()] = {str(x.id) for x in await uow.leases.active_on(org, day)}
    assert found == {
        "2026-12-31": set(),
        "2027-06-30": {ids["lid"], leaving},
        "2027-07-01": {ids["lid"]},
    }


# 20:00 UTC on 31 March is already 1 April in Mumbai (UTC+05:30).
@pytest.mark.today("2027-03-31T20:00:00+00:00")
async def test_an_indian_lease_uses_inr_tds_and_the_local_date(api, owner):
    r = await api.put(f"/api/v1/organizations/{owner.org_id}/settings", owner.token, json={"country": "IN"})
    assert r.status_code == 200, r.text
    pid = await new_property(api, owner, address={"city": "Mumbai", "province": "MH", "postal_code": "400076"})
    uid = await new_unit(api, owner, pid, market_rent={"amount": "25000.00", "currency": "INR"})
    tid = await new_tenant(api, owner, pid, phone="+91 98765 43210", emergency_contact=None)
    inr = {
        "rent": {"amount": "25000.00", "currency": "INR"},
        "security_deposit": {"amount": "75000.00", "currency": "INR"},
        "late_fee": None,
        "tds_applicable": True,
    }
    r = await api.post(lease_url(pid, tid), owner.token, json=lease_body(uid, **inr))
    assert r.status_code == 201, r.text
    assert r.json()["data"]["tds_applicable"] is True and r.json()["data"]["rent"]["currency"] == "INR"
    lid = r.json()["data"]["id"]
    r = await api.post(lease_url(pid, tid), owner.token, json=lease_body(uid))  # USD in an INR organization
    assert codes(r) == (422, "VALIDATION_ERROR")
    assert (await api.post(f"{LEASES}/{lid}/activate", owner.token)).status_code == 200
    r = await api.post(f"{LEASES}/{lid}/terminate", owner.token)
    assert r.status_code == 200 and r.json()["data"]["terminated_on"] == "2027-04-01"

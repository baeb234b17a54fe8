"""Property amenities, policies and owners (PropertyOwner sees only what it owns)."""

from __future__ import annotations

import uuid

import pytest

from leasing_support import LEASES, PROPERTIES, leased_unit, new_property
from support import property_body

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

POLICIES = {
    "pets_allowed": True,
    "pet_notes": "cats and small dogs",
    "smoking_allowed": False,
    "parking": {"available": True, "spaces": 40, "notes": "underground"},
    "quiet_hours": {"start": "22:00", "end": "07:00"},
    "late_fee": {"kind": "flat", "value": "50.00", "cap": "100.00"},
    "grace_days": 5,
}


def codes(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def test_amenities_and_policies_are_edited_through_the_property(api, owner):
    pid = await new_property(api, owner)
    assert (await api.get(f"{PROPERTIES}/{pid}/amenities", owner.token)).json()["data"] == {
        "property_id": pid,
        "amenities": [],
    }
    body = property_body(amenities=["Gym", "Pool", "gym", " Laundry "], policies=POLICIES)
    r = await api.put(f"{PROPERTIES}/{pid}", owner.token, json=body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["amenities"] == ["Gym", "Pool", "Laundry"]
    r = await api.get(f"{PROPERTIES}/{pid}/amenities", owner.token)
    assert r.json()["data"]["amenities"] == ["Gym", "Pool", "Laundry"]
    r = await api.get(f"{PROPERTIES}/{pid}/policies", owner.token)
    assert r.status_code == 200 and r.json()["data"] == POLICIES
    # A PUT without the fields keeps them; null clears them.
    r = await api.put(f"{PROPERTIES}/{pid}", owner.token, json=property_body(name="Renamed"))
    assert r.json()["data"]["amenities"] == ["Gym", "Pool", "Laundry"]
    assert r.json()["data"]["policies"] == POLICIES
    r = await api.put(f"{PROPERTIES}/{pid}", owner.token, json=property_body(amenities=None, policies=None))
    assert r.json()["data"]["amenities"] == []
    assert (await api.get(f"{PROPERTIES}/{pid}/policies", owner.token)).json()["data"]["late_fee"] is None


async def test_new_leases_take_the_propertys_late_fee_and_grace_days(api, owner):
    pid = await new_property(api, owner, policies=POLICIES)
    r = await api.post(f"{PROPERTIES}/{pid}/units", owner.token, json={"name": "1A"})
    uid = r.json()["data"]["id"]
    r = await api.post(f"{PROPERTIES}/{pid}/tenants", owner.token, json={"name": "T", "email": "t@example.com"})
    tid = r.json()["data"]["id"]
    body = {"unit_id": uid, "start_date": "2027-01-01", "rent": {"amount": "1000.00", "currency": "USD"}}
    r = await api.post(f"{PROPERTIES}/{pid}/tenants/{tid}/lease", owner.token, json=body)
    assert r.status_code == 201, r.text
    lease = r.json()["data"]
    assert lease["grace_days"] == 5 and lease["end_date"] is None
    assert lease["late_fee"] == {"kind": "flat", "value": "50.00", "cap": {"amount": "100.00", "currency": "USD"}}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amenities": ["ok", ""]}, "amenities"),
        ({"amenities": "gym"}, "amenities"),
        ({"policies": {"quiet_hours": {"start": "25:00", "end": "07:00"}}}, "policies.quiet_hours.start"),
        ({"policies": {"late_fee": {"kind": "flat", "value": "-1"}}}, "policies.late_fee.value"),
        ({"policies": {"late_fee": {"kind": "percentage", "value": "101"}}}, "policies.late_fee.value"),
        ({"policies": {"grace_days": -1}}, "policies.grace_days"),
        ({"policies": {"pets": True}}, "policies.pets"),
        ({"owner_ids": [str(uuid.uuid4())]}, "owner_ids.0"),
        ({"owner_ids": ["x"]}, "owner_ids"),
    ],
)
async def test_bad_profiles_are_422(api, owner, changes, field):
    pid = await new_property(api, owner)
    r = await api.put(f"{PROPERTIES}/{pid}", owner.token, json=property_body(**changes))
    assert codes(r) == (422, "VALIDATION_ERROR"), r.text
    assert any(d["field"].startswith(field) for d in r.json()["error"]["details"]), r.text
    assert (await api.get(f"{PROPERTIES}/{pid}", owner.token)).json()["data"]["version"] == 1


async def test_a_property_owner_sees_only_the_properties_it_owns(api, owner):
    owner_user, owner_token = await owner.add_user("PropertyOwner")
    manager_user, _ = await owner.add_user("PropertyManager")
    ids = await leased_unit(api, owner)
    theirs, other = ids["pid"], await new_property(api, owner, name="Not theirs")
    r = await api.put(f"{PROPERTIES}/{theirs}", owner.token, json=property_body(owner_ids=[manager_user]))
    assert codes(r) == (422, "VALIDATION_ERROR")  # owners must have the PropertyOwner role
    r = await api.put(f"{PROPERTIES}/{theirs}", owner.token, json=property_body(owner_ids=[owner_user]))
    assert r.status_code == 200 and r.json()["data"]["owner_ids"] == [owner_user]

    assert [p["id"] for p in (await api.get(PROPERTIES, owner_token)).json()["data"]] == [theirs]
    assert (await api.get(f"{PROPERTIES}/{theirs}", owner_token)).status_code == 200
    for url in (
        f"{PROPERTIES}/{other}",
        f"{PROPERTIES}/{other}/units",
        f"{PROPERTIES}/{other}/amenities",
        f"{PROPERTIES}/{other}/policies",
    ):
        assert codes(await api.get(url, owner_token)) == (404, "RESOURCE_NOT_FOUND"), url
    assert (await api.get(f"{PROPERTIES}/{theirs}/units/{ids['uid']}", owner_token)).status_code == 200
    assert [x["id"] for x in (await api.get(LEASES, owner_token)).json()["data"]] == [ids["lid"]]
    assert (await api.get(f"{LEASES}/{ids['lid']}", owner_token)).status_code == 200
    # Read only.
    assert codes(await api.put(f"{PROPERTIES}/{theirs}", owner_token, json=property_body()))[0] == 403
    assert codes(await api.post(f"{LEASES}/{ids['lid']}/terminate", owner_token))[0] == 403
    # Managers still see everything.
    assert len((await api.get(PROPERTIES, owner.token)).json()["data"]) == 2


async def test_another_organizations_amenities_and_policies_are_404(api, owner, other_owner):
    pid = await new_property(api, owner)
    for part in ("amenities", "policies"):
        r = await api.get(f"{PROPERTIES}/{pid}/{part}", other_owner.token)
        assert codes(r) == (404, "RESOURCE_NOT_FOUND")
    # Someone else's user cannot be made an owner here.
    r = await api.put(f"{PROPERTIES}/{pid}", owner.token, json=property_body(owner_ids=[other_owner.user_id]))
    assert codes(r) == (422, "VALIDATION_ERROR")


async def test_roles_for_amenities_and_policies(api, owner):
    _, tenant = await owner.add_user("Tenant")
    _, manager = await owner.add_user("PropertyManager")
    pid = await new_property(api, owner)
    for part in ("amenities", "policies"):
        assert codes(await api.get(f"{PROPERTIES}/{pid}/{part}", tenant)) == (403, "INSUFFICIENT_PERMISSIONS")
        assert (await api.get(f"{PROPERTIES}/{pid}/{part}", manager)).status_code == 200

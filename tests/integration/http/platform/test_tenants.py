"""Tenant profiles through HTTP: validation per country, account links, visibility."""

from __future__ import annotations

import uuid

import jwt
import pytest
import sqlalchemy as sa

from leasing_support import LEASES, PROPERTIES, leased_unit, new_property, new_tenant, tenant_body
from pmsaas.adapters.sql.tables.notifications import outbox

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

MUMBAI = {"city": "Mumbai", "province": "MH", "postal_code": "400076"}


def tenants(pid: str) -> str:
    return f"{PROPERTIES}/{pid}/tenants"


def codes(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def test_create_get_replace_delete_with_events(api, owner):
    pid = await new_property(api, owner)
    r = await api.post(tenants(pid), owner.token, json=tenant_body(business_number="123456782"))
    assert r.status_code == 201, r.text
    t = r.json()["data"]
    assert t["phone"] == "+16045550134"  # E.164, parsed as a Canadian number (the property is in BC)
    assert t["emergency_contact"] == {"name": "Ed Tenant", "phone": "+16045550199", "relationship": "brother"}
    assert t["business_number"] == "123456782" and t["user_id"] is None
    tid = t["id"]
    assert (await api.get(f"{tenants(pid)}/{tid}", owner.token)).json()["data"]["name"] == "Tara Tenant"
    r = await api.put(f"{tenants(pid)}/{tid}", owner.token, json=tenant_body(name="Tara T.", phone=None))
    assert r.status_code == 200 and r.json()["data"]["phone"] is None and r.json()["data"]["version"] == 2
    assert (await api.delete(f"{tenants(pid)}/{tid}", owner.token)).status_code == 204
    assert (await api.get(f"{tenants(pid)}/{tid}", owner.token)).status_code == 404
    async with api.container.system_engine().connect() as conn:
        names = (
            await conn.execute(
                sa.select(outbox.c.event)
                .where(outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.event.like("tenant.%"))
                .order_by(outbox.c.occurred_at)
            )
        ).scalars()
        assert list(names) == ["tenant.created", "tenant.updated", "tenant.deleted"]


async def test_indian_tax_ids_are_checked_and_normalized(api, owner):
    pid = await new_property(api, owner, address=MUMBAI)
    body = tenant_body(phone="98765 43210", emergency_contact=None, pan_number="abcpe1234f", gstin="27AAPFU0939F1ZV")
    r = await api.post(tenants(pid), owner.token, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["phone"] == "+919876543210"
    assert r.json()["data"]["pan_number"] == "ABCPE1234F" and r.json()["data"]["gstin"] == "27AAPFU0939F1ZV"


@pytest.mark.parametrize(
    ("changes", "field", "address"),
    [
        ({"pan_number": "ABCPE1234"}, "pan_number", MUMBAI),
        ({"gstin": "27AAPFU0939F1ZX"}, "gstin", MUMBAI),
        ({"pan_number": "ABCPE1234F"}, "pan_number", None),  # not an Indian property
        ({"business_number": "123456789"}, "business_number", None),  # bad check digit
        ({"business_number": "123456782"}, "business_number", MUMBAI),  # not a Canadian property
        ({"phone": "12"}, "phone", None),
        ({"phone": "555-0134"}, "phone", None),
        ({"emergency_contact": {"name": "Ed", "phone": "x"}}, "emergency_contact.phone", None),
        ({"emergency_contact": {"name": "Ed"}}, "emergency_contact.phone", None),
        ({"email": "not-an-email"}, "email", None),
        ({"name": ""}, "name", None),
        ({"nickname": "T"}, "nickname", None),
        ({"user_id": "not-a-uuid"}, "user_id", None),
    ],
)
async def test_bad_tenant_bodies_are_422_and_write_nothing(api, owner, changes, field, address):
    pid = await new_property(api, owner, address=address) if address else await new_property(api, owner)
    body = tenant_body(**changes)
    if address:
        body["phone"] = "+91 98765 43210"
        body["emergency_contact"] = None
    r = await api.post(tenants(pid), owner.token, json=body)
    assert codes(r) == (422, "VALIDATION_ERROR"), r.text
    assert field in [d["field"] for d in r.json()["error"]["details"]], r.text
    assert (await api.get(tenants(pid), owner.token)).json()["data"] == []


async def test_linking_a_tenant_account_puts_the_profile_in_the_token(api, owner):
    pid = await new_property(api, owner)
    tenant_user, _ = await owner.add_user("Tenant", password="tenant password 1")
    manager_user, _ = await owner.add_user("PropertyManager")
    r = await api.post(tenants(pid), owner.token, json=tenant_body(user_id=manager_user))
    assert codes(r) == (422, "VALIDATION_ERROR")  # only users with the Tenant role
    r = await api.post(tenants(pid), owner.token, json=tenant_body(user_id=str(uuid.uuid4())))
    assert codes(r) == (422, "VALIDATION_ERROR")
    r = await api.post(tenants(pid), owner.token, json=tenant_body(user_id=tenant_user))
    assert r.status_code == 201, r.text
    tid = r.json()["data"]["id"]
    # One profile per account.
    r = await api.post(tenants(pid), owner.token, json=tenant_body(email="x@example.com", user_id=tenant_user))
    assert codes(r) == (409, "RESOURCE_CONFLICT")

    users = (await api.get("/api/v1/identity/users", owner.token, params={"page_size": 100})).json()["data"]
    email = next(u["email"] for u in users if u["id"] == tenant_user)
    login = await api.login(email, "tenant password 1")
    token = login["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["tenant_profile_id"] == tid
    # The tenant sees its own profile, and only it.
    other = await new_tenant(api, owner, pid, email="other@example.com")
    assert [t["id"] for t in (await api.get(tenants(pid), token)).json()["data"]] == [tid]
    assert (await api.get(f"{tenants(pid)}/{tid}", token)).status_code == 200
    assert codes(await api.get(f"{tenants(pid)}/{other}", token)) == (404, "RESOURCE_NOT_FOUND")
    assert codes(await api.put(f"{tenants(pid)}/{tid}", token, json=tenant_body())) == (
        403,
        "INSUFFICIENT_PERMISSIONS",
    )

    # Unlinking clears the membership's profile.
    r = await api.put(f"{tenants(pid)}/{tid}", owner.token, json=tenant_body(user_id=None))
    assert r.status_code == 200 and r.json()["data"]["user_id"] is None
    token = (await api.login(email, "tenant password 1"))["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["tenant_profile_id"] is None


async def test_a_tenant_with_a_running_lease_cannot_be_deleted(api, owner):
    ids = await leased_unit(api, owner)
    r = await api.delete(f"{tenants(ids['pid'])}/{ids['tid']}", owner.token)
    assert codes(r) == (409, "RESOURCE_CONFLICT")
    await api.post(f"{LEASES}/{ids['lid']}/terminate", owner.token)
    assert (await api.delete(f"{tenants(ids['pid'])}/{ids['tid']}", owner.token)).status_code == 204


async def test_another_organizations_tenants_are_404_everywhere(api, owner, other_owner):
    pid = await new_property(api, owner)
    tid = await new_tenant(api, owner, pid)
    their_pid = await new_property(api, other_owner)
    calls = [
        ("GET", tenants(pid), {}),
        ("POST", tenants(pid), {"json": tenant_body()}),
        ("GET", f"{tenants(pid)}/{tid}", {}),
        ("PUT", f"{tenants(pid)}/{tid}", {"json": tenant_body()}),
        ("DELETE", f"{tenants(pid)}/{tid}", {}),
        ("GET", f"{tenants(pid)}/{tid}/lease", {}),
        ("GET", f"{tenants(their_pid)}/{tid}", {}),
    ]
    for method, url, kw in calls:
        r = await api.request(method, url, token=other_owner.token, **kw)
        assert codes(r) == (404, "RESOURCE_NOT_FOUND"), (method, url, r.text)


async def test_a_tenant_of_another_property_is_404_under_this_one(api, owner):
    pid, other = await new_property(api, owner), await new_property(api, owner, name="Other")
    tid = await new_tenant(api, owner, other)
    assert (await api.get(f"{tenants(pid)}/{tid}", owner.token)).status_code == 404
    assert (await api.put(f"{tenants(pid)}/{tid}", owner.token, json=tenant_body())).status_code == 404


async def test_roles(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, prop_owner = await owner.add_user("PropertyOwner")
    pid = await new_property(api, owner)
    r = await api.post(tenants(pid), manager, json=tenant_body())
    assert r.status_code == 201
    tid = r.json()["data"]["id"]
    assert (await api.put(f"{tenants(pid)}/{tid}", manager, json=tenant_body(name="M"))).status_code == 200
    for token in (staff, prop_owner):
        for method, url, kw in [
            ("GET", tenants(pid), {}),
            ("POST", tenants(pid), {"json": tenant_body()}),
            ("DELETE", f"{tenants(pid)}/{tid}", {}),
        ]:
            r = await api.request(method, url, token=token, **kw)
            assert codes(r) == (403, "INSUFFICIENT_PERMISSIONS"), (method, url)
    assert (await api.delete(f"{tenants(pid)}/{tid}", manager)).status_code == 204

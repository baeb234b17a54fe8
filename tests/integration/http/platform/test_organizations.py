"""Organizations and their settings through the HTTP app."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from pmsaas.adapters.sql.tables.notifications import outbox

ORGS = "/api/v1/organizations"


def error_code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    assert r.json()["success"] is False
    return r.json()["error"]["code"]


def fields(r: Any) -> list[str]:
    return [d["field"] for d in r.json()["error"]["details"]]


async def test_list_shows_only_my_organizations(api, owner, other_owner):
    r = await api.get(ORGS, owner.token)
    assert r.status_code == 200, r.text
    assert [o["id"] for o in r.json()["data"]] == [owner.org_id]
    assert r.json()["meta"]["pagination"]["total_count"] == 1
    org = r.json()["data"][0]
    assert org["name"] == "Acme Rentals" and org["plan"] == "standard" and org["status"] == "active"
    assert org["settings"] == {
        "country": "US",
        "province": None,
        "state": None,
        "currency": "USD",
        "time_zone": "America/New_York",
        "locale": "en-US",
        "gst_number": None,
        "pan_number": None,
        "tan_number": None,
        "gst_registered": True,
        "tax_registration_number": None,
        "invoice_number_format": None,
        "receipt_number_format": None,
        "invoice_round_off": False,
        "is_housing_society": False,
        "address": None,
        "require_mfa_for": [],
        "billing_day": 1,
        "rent_reminder_days": [3],
        "overdue_notice_days": [1, 7],
    }


async def test_create_makes_the_creator_owner(api, owner):
    body = {"name": "Mumbai Towers", "settings": {"country": "IN", "state": "MH"}}
    r = await api.post(ORGS, owner.token, json=body)
    assert r.status_code == 201, r.text
    org = r.json()["data"]
    assert org["settings"] == {
        "country": "IN",
        "province": "MH",
        "state": "MH",
        "currency": "INR",
        "time_zone": "Asia/Kolkata",
        "locale": "en-IN",
        "gst_number": None,
        "pan_number": None,
        "tan_number": None,
        "gst_registered": True,
        "tax_registration_number": None,
        "invoice_number_format": None,
        "receipt_number_format": None,
        "invoice_round_off": False,
        "is_housing_society": False,
        "address": None,
        "require_mfa_for": [],
        "billing_day": 1,
        "rent_reminder_days": [3],
        "overdue_notice_days": [1, 7],
    }
    new = {"X-Organization-ID": org["id"]}
    r = await api.get("/api/v1/identity/me", owner.token, headers=new)
    assert r.json()["data"]["organization_id"] == org["id"] and r.json()["data"]["roles"] == ["OrganizationOwner"]
    # The new organization is empty and separate from the first.
    assert (await api.get("/api/v1/properties", owner.token, headers=new)).json()["data"] == []
    assert {o["id"] for o in (await api.get(ORGS, owner.token)).json()["data"]} == {owner.org_id, org["id"]}
    r = await api.put(f"{ORGS}/{org['id']}", owner.token, headers=new, json={"name": "Mumbai Towers Ltd"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["settings"]["currency"] == "INR"  # settings untouched when omitted


async def test_get_update_delete(api, owner):
    r = await api.get(f"{ORGS}/{owner.org_id}", owner.token)
    assert r.status_code == 200 and r.json()["data"]["id"] == owner.org_id
    body = {"name": "Acme Rentals Canada", "settings": {"country": "CA", "province": "QC"}}
    r = await api.put(f"{ORGS}/{owner.org_id}", owner.token, json=body)
    assert r.status_code == 200, r.text
    org = r.json()["data"]
    assert org["name"] == "Acme Rentals Canada"
    assert org["settings"]["currency"] == "CAD" and org["settings"]["time_zone"] == "America/Toronto"
    assert org["updated_at"] >= org["created_at"]

    r = await api.delete(f"{ORGS}/{owner.org_id}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert error_code(await api.get(f"{ORGS}/{owner.org_id}", owner.token), 404) == "RESOURCE_NOT_FOUND"
    assert (await api.get(ORGS, owner.token)).json()["data"] == []
    # Its former owner no longer holds any role there.
    assert error_code(await api.delete(f"{ORGS}/{owner.org_id}", owner.token), 403) == "INSUFFICIENT_PERMISSIONS"
    # The token that still names it acts for no organization; signing in again lands in none.
    r = await api.get("/api/v1/properties", owner.token)
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    assert (await api.get("/api/v1/identity/me", owner.token)).json()["data"]["organization_id"] is None
    tokens = await api.login(owner.email, owner.password)
    assert tokens["user"]["organization_id"] is None
    # The account goes on: it can create a new organization.
    r = await api.post(ORGS, tokens["access_token"], json={"name": "Fresh start"})
    assert r.status_code == 201, r.text


async def test_organization_events_reach_the_outbox(api, owner):
    await api.put(f"{ORGS}/{owner.org_id}", owner.token, json={"name": "Renamed"})
    await api.put(f"{ORGS}/{owner.org_id}/settings", owner.token, json={"country": "IN"})
    await api.delete(f"{ORGS}/{owner.org_id}", owner.token)
    async with api.container.system_engine().connect() as conn:
        names = (
            (
                await conn.execute(
                    sa.select(outbox.c.event)
                    .where(outbox.c.organization_id == uuid.UUID(owner.org_id))
                    .where(outbox.c.event.like("organization.%"))
                    .order_by(outbox.c.occurred_at)
                )
            )
            .scalars()
            .all()
        )
    assert names == ["organization.created", "organization.updated", "organization.updated", "organization.deleted"]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"country": "IN"}, ("INR", "Asia/Kolkata", "en-IN", None)),
        ({"country": "CA", "province": "bc"}, ("CAD", "America/Toronto", "en-CA", "BC")),
        ({"country": "US", "state": "TX", "time_zone": "America/Chicago"}, ("USD", "America/Chicago", "en-US", "TX")),
        (
            {"country": "IN", "currency": "inr", "locale": "hi-IN", "state": "KA"},
            ("INR", "Asia/Kolkata", "hi-IN", "KA"),
        ),
        ({"country": "CA", "time_zone": "America/Vancouver"}, ("CAD", "America/Vancouver", "en-CA", None)),
    ],
)
async def test_settings_defaults_per_country(api, owner, settings, expected):
    r = await api.put(f"{ORGS}/{owner.org_id}/settings", owner.token, json=settings)
    assert r.status_code == 200, r.text
    s = r.json()["data"]
    assert (s["currency"], s["time_zone"], s["locale"], s["province"]) == expected
    assert s["province"] == s["state"]
    assert (await api.get(f"{ORGS}/{owner.org_id}/settings", owner.token)).json()["data"] == s


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"country": "FR"}, "country"),
        ({"country": "in"}, "country"),
        ({}, "country"),
        ({"country": "IN", "state": "ON"}, "state"),
        ({"country": "CA", "province": "MH"}, "province"),
        ({"country": "US", "state": "BC"}, "state"),
        ({"country": "CA", "province": "BC", "state": "ON"}, "state"),
        ({"country": "IN", "currency": "USD"}, "currency"),
        ({"country": "CA", "currency": "US"}, "currency"),
        ({"country": "US", "currency": "EUR"}, "currency"),
        ({"country": "US", "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"country": "US", "time_zone": "../../etc/passwd"}, "time_zone"),
        ({"country": "US", "time_zone": "EST5EDT "}, "time_zone"),
        ({"country": "US", "time_zone": ""}, "time_zone"),
        ({"country": "US", "locale": "x" * 17}, "locale"),
        ({"country": "US", "locale": ""}, "locale"),
        ({"country": "US", "locale": "en IN"}, "locale"),
        ({"country": "US", "locale": "12"}, "locale"),
        ({"country": "US", "colour": "blue"}, "colour"),
        ({"country": 1}, "country"),
    ],
)
async def test_bad_settings_are_422_and_change_nothing(api, owner, settings, field):
    before = (await api.get(f"{ORGS}/{owner.org_id}/settings", owner.token)).json()["data"]
    r = await api.put(f"{ORGS}/{owner.org_id}/settings", owner.token, json=settings)
    assert error_code(r, 422) == "VALIDATION_ERROR"
    assert field in fields(r)
    assert (await api.get(f"{ORGS}/{owner.org_id}/settings", owner.token)).json()["data"] == before
    # The same rules apply when the settings come with a create.
    r = await api.post(ORGS, owner.token, json={"name": "X", "settings": settings})
    assert error_code(r, 422) == "VALIDATION_ERROR"
    assert f"settings.{field}" in fields(r)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({}, "name"),
        ({"name": "A", "plan": "enterprise"}, "plan"),
    ],
)
async def test_bad_organization_bodies(api, owner, body, field):
    r = await api.post(ORGS, owner.token, json=body)
    assert error_code(r, 422) == "VALIDATION_ERROR" and field in fields(r)
    r = await api.put(f"{ORGS}/{owner.org_id}", owner.token, json=body)
    assert error_code(r, 422) == "VALIDATION_ERROR" and field in fields(r)
    assert len((await api.get(ORGS, owner.token)).json()["data"]) == 1


async def test_malformed_json_is_400(api, owner):
    r = await api.post(ORGS, owner.token, content=b"{", headers={"Content-Type": "application/json"})
    assert error_code(r, 400) == "BAD_REQUEST"


async def test_another_organization_is_404_on_every_route(api, owner, other_owner):
    for org_id in (owner.org_id, str(uuid.uuid4())):
        calls = [
            ("GET", f"{ORGS}/{org_id}", {}),
            ("PUT", f"{ORGS}/{org_id}", {"json": {"name": "Hijacked"}}),
            ("DELETE", f"{ORGS}/{org_id}", {}),
            ("GET", f"{ORGS}/{org_id}/settings", {}),
            ("PUT", f"{ORGS}/{org_id}/settings", {"json": {"country": "IN"}}),
        ]
        for method, url, kw in calls:
            r = await api.request(method, url, token=other_owner.token, **kw)
            assert error_code(r, 404) == "RESOURCE_NOT_FOUND", (method, url)
    assert (await api.get(f"{ORGS}/not-a-uuid", owner.token)).status_code == 404
    r = await api.get(f"{ORGS}/{owner.org_id}", owner.token)
    assert r.json()["data"]["name"] == "Acme Rentals" and r.json()["data"]["settings"]["country"] == "US"


async def test_roles(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    for token in (manager, tenant):
        # Members can see their organization...
        assert (await api.get(f"{ORGS}/{owner.org_id}", token)).status_code == 200
        assert (await api.get(f"{ORGS}/{owner.org_id}/settings", token)).status_code == 200
        assert [o["id"] for o in (await api.get(ORGS, token)).json()["data"]] == [owner.org_id]
        # ...but not change it.
        for method, url, kw in [
            ("PUT", f"{ORGS}/{owner.org_id}", {"json": {"name": "Mine now"}}),
            ("PUT", f"{ORGS}/{owner.org_id}/settings", {"json": {"country": "IN"}}),
            ("DELETE", f"{ORGS}/{owner.org_id}", {}),
        ]:
            r = await api.request(method, url, token=token, **kw)
            assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS", (method, url)
    assert (await api.get(f"{ORGS}/{owner.org_id}", owner.token)).json()["data"]["name"] == "Acme Rentals"


async def test_changing_another_of_my_organizations_needs_it_selected(api, owner):
    second = (await api.post(ORGS, owner.token, json={"name": "Second"})).json()["data"]["id"]
    r = await api.put(f"{ORGS}/{second}", owner.token, json={"name": "Renamed"})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    r = await api.put(f"{ORGS}/{second}", owner.token, json={"name": "Renamed"}, headers={"X-Organization-ID": second})
    assert r.status_code == 200, r.text


async def test_a_member_with_another_role_elsewhere_cannot_change_it(api, owner, other_owner):
    r = await api.post(
        "/api/v1/identity/users", other_owner.token, json={"email": owner.email, "name": "x", "roles": ["Tenant"]}
    )
    assert r.status_code == 201
    # An existing account joins once it accepts the e-mailed invitation (issue 11).
    mail = [m for m in api.container.mailer().sent if m.to == owner.email][-1]
    secret = next(line for line in mail.body.splitlines() if line and " " not in line and len(line) >= 40)
    assert (await api.post(f"/api/v1/identity/invitations/{secret}/accept", owner.token)).status_code == 201
    assert (await api.get(f"{ORGS}/{other_owner.org_id}", owner.token)).status_code == 200
    # Owner of its own organization, Tenant in the rival one: no change there, with or without the header.
    r = await api.put(f"{ORGS}/{other_owner.org_id}", owner.token, json={"name": "Mine"})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    headers = {"X-Organization-ID": other_owner.org_id}
    r = await api.delete(f"{ORGS}/{other_owner.org_id}", owner.token, headers=headers)
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"

"""The audit log over HTTP: what is recorded (sign-ins, failures, role changes) with the request's
facts, the owners' reading (filters, pages, CSV), tenancy, roles, bad input, and that the table is
append-only in the database itself."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import sqlalchemy as sa

ID = "/api/v1/identity"
URL = f"{ID}/audit-events"
pytestmark = pytest.mark.today("2026-12-14T10:00:05+00:00")


def error_code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    return r.json()["error"]["code"]


async def events(api: Any, token: str, **params: Any) -> list[dict[str, Any]]:
    r = await api.get(URL, token, params={"page_size": 100, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_sign_ins_are_recorded_with_the_requests_facts(api, owner):
    headers = {"X-Request-ID": "req-audit-login-1", "User-Agent": "AuditTest/2.0"}
    r = await api.post(f"{ID}/login", json={"email": owner.email, "password": "wrong password"}, headers=headers)
    assert r.status_code == 401
    headers = {"X-Request-ID": "req-audit-login-2", "User-Agent": "AuditTest/2.0"}
    r = await api.post(f"{ID}/login", json={"email": owner.email, "password": owner.password}, headers=headers)
    assert r.status_code == 200
    found = {e["request_id"]: e for e in await events(api, owner.token) if e["request_id"]}
    failed, ok = found["req-audit-login-1"], found["req-audit-login-2"]
    assert (failed["action"], failed["details"]["reason"]) == ("login.failed", "wrong_password")
    assert (ok["action"], ok["details"]["method"]) == ("login.succeeded", "password")
    for e in (failed, ok):
        assert e["actor_id"] == owner.user_id and e["target_id"] == owner.user_id
        assert e["user_agent"] == "AuditTest/2.0" and e["ip"]
        assert e["target_type"] == "user" and e["target_label"] == owner.email


async def test_a_failed_sign_in_for_an_unknown_email_keeps_no_user_and_no_address(api, owner):
    email = api.email("nobody")
    headers = {"X-Request-ID": "req-audit-unknown"}
    r = await api.post(f"{ID}/login", json={"email": email, "password": "whatever it is"}, headers=headers)
    assert r.status_code == 401
    async with api.container.system_engine().connect() as conn:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT organization_id, actor_user_id, target_id, target_label, action, details "
                    "FROM identity_audit_events WHERE request_id = 'req-audit-unknown'"
                )
            )
        ).all()
    [row] = rows
    assert row.organization_id is None and row.actor_user_id is None and row.target_id is None
    assert row.action == "login.failed" and email not in str(tuple(row))
    assert row.target_label.startswith("sha256:")
    assert not [e for e in await events(api, owner.token) if e["request_id"] == "req-audit-unknown"]


async def test_role_and_permission_changes_are_recorded(api, owner):
    r = await api.post(
        f"{ID}/roles", owner.token, json={"name": "Accountant", "permissions": ["financial:read"], "description": ""}
    )
    assert r.status_code == 201, r.text
    role_id = r.json()["data"]["id"]
    r = await api.put(f"{ID}/roles/{role_id}/permissions", owner.token, json={"permissions": ["financial:read"]})
    assert r.status_code == 200, r.text
    user_id, _ = await owner.add_user("PropertyManager")
    r = await api.put(f"{ID}/users/{user_id}/roles", owner.token, json={"roles": ["Accountant"]})
    assert r.status_code == 200, r.text
    r = await api.put(f"{ID}/users/{user_id}/roles", owner.token, json={"roles": ["PropertyManager"]})
    assert (await api.delete(f"{ID}/roles/{role_id}", owner.token)).status_code == 204
    log = await events(api, owner.token)
    actions = [e["action"] for e in log]
    for action in ("role.created", "role.permissions_changed", "role.deleted"):
        assert actions.count(action) == 1, actions
    created = next(e for e in log if e["action"] == "role.created")
    assert created["target_id"] == role_id and created["details"]["permissions"] == "financial:read"
    changes = [e for e in log if e["action"] == "user.roles_changed"]
    assert [(c["details"]["from"], c["details"]["to"]) for c in changes] == [
        ("PropertyManager", "Accountant"),
        ("Accountant", "PropertyManager"),
    ]
    assert all(c["actor_id"] == owner.user_id and c["target_id"] == user_id for c in changes)


async def test_filters_and_pages(api, owner):
    for _ in range(3):
        await api.login(owner.email, owner.password)
    await api.post(f"{ID}/login", json={"email": owner.email, "password": "wrong password"})
    ok = await events(api, owner.token, action="login.succeeded")
    assert len(ok) == 4 and {e["action"] for e in ok} == {"login.succeeded"}  # the fixture's sign-in + 3
    assert await events(api, owner.token, actor_id=owner.user_id)
    assert await events(api, owner.token, actor_id="00000000-0000-0000-0000-000000000001") == []
    assert len(await events(api, owner.token, **{"from": "2026-12-14", "to": "2026-12-14"})) == 5
    assert await events(api, owner.token, **{"from": "2026-12-15"}) == []
    assert await events(api, owner.token, to="2026-12-13T23:59:59Z") == []
    r = await api.get(URL, owner.token, params={"page_size": 2, "page": 2, "sort_order": "desc"})
    body = r.json()
    assert len(body["data"]) == 2 and body["meta"]["pagination"]["total_count"] == 5


async def test_csv_export_with_formulas_defused(api, owner):
    await api.post(
        f"{ID}/login",
        json={"email": owner.email, "password": owner.password},
        headers={"User-Agent": '=HYPERLINK("http://evil.example")'},
    )
    r = await api.get(URL, owner.token, params={"format": "csv", "action": "login.succeeded"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2 and {row["action"] for row in rows} == {"login.succeeded"}
    agents = {row["user_agent"] for row in rows}
    assert '\'=HYPERLINK("http://evil.example")' in agents  # shown as text, never run
    assert all(row["actor_id"] == owner.user_id for row in rows)


async def test_another_organizations_events_are_invisible(api, owner, other_owner):
    await api.post(f"{ID}/login", json={"email": owner.email, "password": "wrong password"})
    mine = await events(api, owner.token)
    theirs = await events(api, other_owner.token)
    assert mine and theirs
    assert not {e["id"] for e in mine} & {e["id"] for e in theirs}
    assert await events(api, other_owner.token, actor_id=owner.user_id) == []
    r = await api.get(URL, other_owner.token, params={"format": "csv", "actor_id": owner.user_id})
    assert r.status_code == 200 and len(r.text.strip().splitlines()) == 1  # the header only


@pytest.mark.parametrize("role", ["PropertyManager", "Tenant", "PropertyOwner", "MaintenanceStaff"])
async def test_only_owners_read_the_audit_log(api, owner, role):
    _, token = await owner.add_user(role)
    assert error_code(await api.get(URL, token), 403) == "INSUFFICIENT_PERMISSIONS"
    assert error_code(await api.get(URL, token, params={"format": "csv"}), 403) == "INSUFFICIENT_PERMISSIONS"
    assert error_code(await api.get(URL), 401) == "AUTHENTICATION_FAILED"


@pytest.mark.parametrize(
    "params",
    [
        {"format": "xml"},
        {"from": "yesterday"},
        {"to": "2026-13-01"},
        {"from": "2026-12-10", "to": "2026-12-01"},
        {"actor_id": "not-a-uuid"},
        {"sort_by": "action"},
        {"page_size": 1000},
        {"action": "x" * 65},
    ],
)
async def test_bad_filters_are_422(api, owner, params):
    assert error_code(await api.get(URL, owner.token, params=params), 422) == "VALIDATION_ERROR"


async def test_the_table_refuses_update_and_delete(api, owner):
    for statement in (
        "UPDATE identity_audit_events SET action = 'login.succeeded'",
        "DELETE FROM identity_audit_events",
    ):
        async with api.container.system_engine().connect() as conn:
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                await conn.execute(sa.text(statement))
            await conn.rollback()
    assert await events(api, owner.token)  # still there


async def test_key_client_and_plan_changes_are_recorded(api, owner):
    """Issue 13 item 8: key and client creation or revocation and plan changes, each with the
    request's facts, in the change's own transaction."""
    headers = {"X-Request-ID": "req-audit-changes", "User-Agent": "AuditTest/3.0"}
    r = await api.post(
        f"{ID}/api-keys", owner.token, json={"name": "Books", "scopes": ["financial:read"]}, headers=headers
    )
    assert r.status_code == 201, r.text
    key_id = r.json()["data"]["id"]
    assert (await api.post(f"{ID}/api-keys/{key_id}/rotate", owner.token, json={}, headers=headers)).status_code == 200
    assert (await api.delete(f"{ID}/api-keys/{key_id}", owner.token, headers=headers)).status_code == 204
    client = {"name": "Partner", "redirect_uris": ["https://partner.example.com/cb"], "scopes": ["tickets:read"]}
    r = await api.post(f"{ID}/oauth-clients", owner.token, json=client, headers=headers)
    assert r.status_code == 201, r.text
    client_id = r.json()["data"]["id"]
    assert (await api.delete(f"{ID}/oauth-clients/{client_id}", owner.token, headers=headers)).status_code == 204
    billing = f"/api/v1/organizations/{owner.org_id}/billing"
    upgrade = {"plan": "premium", "card_number": "4242424242424242"}
    assert (await api.post(f"{billing}/upgrade", owner.token, json=upgrade, headers=headers)).status_code == 200
    r = await api.post(f"{billing}/downgrade", owner.token, json={"plan": "standard"}, headers=headers)
    assert r.status_code == 200, r.text

    mine = [e for e in await events(api, owner.token) if e["request_id"] == "req-audit-changes"]
    assert [e["action"] for e in mine] == [
        "api_key.created",
        "api_key.rotated",
        "api_key.revoked",
        "oauth_client.created",
        "oauth_client.revoked",
        "subscription.upgraded",
        "subscription.downgrade_scheduled",
    ]
    assert all(e["actor_id"] == owner.user_id and e["user_agent"] == "AuditTest/3.0" for e in mine)
    assert mine[0]["target_id"] == key_id and mine[0]["details"]["scopes"] == "financial:read"
    assert mine[3]["target_id"] == client_id and mine[5]["details"]["plan"] == "premium"
    assert mine[0]["target_label"].startswith("Books (prefix ") and "pmk_" not in str(mine)  # never the secret

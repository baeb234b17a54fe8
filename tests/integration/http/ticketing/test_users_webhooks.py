"""/v1/users and /v1/webhooks: the seed's shapes, role mapping, scopes, tenancy, stored secrets."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from ops_support import make_api_key, make_place, make_ticket, patch
from pmsaas.adapters.sql.tables.notifications import webhooks as ticket_webhooks

USER_KEYS = {"id", "name", "email", "role", "created_at", "properties"}
USER_DETAIL_KEYS = USER_KEYS | {"phone", "updated_at", "preferences"}


async def test_users_list_and_detail_in_the_seed_shape(api, owner):
    place = await make_place(api, owner)
    staff_id, _ = await owner.add_user("MaintenanceStaff")
    manager_id, _ = await owner.add_user("PropertyManager")
    tenant_id, _ = await owner.add_user("Tenant")
    t = await make_ticket(api, owner.token, place)
    await patch(api, f"/v1/tickets/{t['id']}", owner.token, json={"assigned_to": staff_id})

    r = await api.get("/v1/users", owner.token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["pagination"]["total"] == 4 and body["meta"]["pagination"]["per_page"] == 10
    by_id = {u["id"]: u for u in body["data"]}
    assert all(set(u) == USER_KEYS for u in body["data"])
    assert by_id[owner.user_id]["role"] == "admin"
    assert by_id[manager_id]["role"] == "manager"
    assert by_id[staff_id]["role"] == "staff"
    assert by_id[tenant_id]["role"] == "guest"
    assert by_id[staff_id]["properties"] == [{"id": place.property_id, "name": "Seaside Apartments"}]
    assert by_id[manager_id]["properties"] == []

    for role, expected in (
        ("admin", owner.user_id),
        ("manager", manager_id),
        ("staff", staff_id),
        ("guest", tenant_id),
    ):
        r = await api.get(f"/v1/users?role={role}", owner.token)
        assert [u["id"] for u in r.json()["data"]] == [expected], role
    r = await api.get(f"/v1/users?property_id={place.property_id}", owner.token)
    assert [u["id"] for u in r.json()["data"]] == [staff_id]

    r = await api.get(f"/v1/users/{staff_id}", owner.token)
    assert r.status_code == 200
    detail = r.json()["data"]
    assert set(detail) == USER_DETAIL_KEYS
    assert detail["preferences"] == {"notifications": {"email": True, "sms": False}}
    assert detail["role"] == "staff" and detail["email"].startswith("maintenancestaff-")


async def test_user_preferences_are_the_stored_ones(api, owner, other_owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    r = await api.put("/api/v1/notifications/preferences", tenant, json={"channels": {"email": False, "sms": True}})
    assert r.status_code == 200, r.text
    detail = (await api.get(f"/v1/users/{tenant_id}", owner.token)).json()["data"]
    assert detail["preferences"] == {"notifications": {"email": False, "sms": True}}
    users_key = await make_api_key(api, owner, "users:read")  # an API key reads them too
    r = await api.get(f"/v1/users/{tenant_id}", users_key)
    assert r.json()["data"]["preferences"] == {"notifications": {"email": False, "sms": True}}
    assert (await api.get(f"/v1/users/{tenant_id}", other_owner.token)).status_code == 404


async def test_users_bad_input_scopes_and_tenancy(api, owner, other_owner):
    for query in ("role=owner", "per_page=500", "property_id=x"):
        r = await api.get(f"/v1/users?{query}", owner.token)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    assert (await api.get(f"/v1/users/{owner.user_id}", other_owner.token)).status_code == 404
    assert (await api.get(f"/v1/users/{uuid.uuid4()}", owner.token)).status_code == 404
    assert owner.user_id not in [u["id"] for u in (await api.get("/v1/users", other_owner.token)).json()["data"]]
    tickets_key = await make_api_key(api, owner, "tickets:read")
    r = await api.get("/v1/users", tickets_key)
    assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope"
    users_key = await make_api_key(api, owner, "users:read")
    assert (await api.get(f"/v1/users/{owner.user_id}", users_key)).status_code == 200
    _, tenant = await owner.add_user("Tenant")
    assert (await api.get("/v1/users", tenant)).status_code == 403


WEBHOOK = {
    "url": "https://your-server.com/webhook-endpoint",
    "events": ["ticket.created", "ticket.updated", "ticket.resolved"],
    "secret": "your_webhook_secret",
}


async def test_register_and_list_webhooks_with_the_secret_encrypted(api, owner, other_owner):
    r = await api.post("/v1/webhooks", owner.token, json=WEBHOOK)
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert set(data) == {"id", "url", "events", "created_at"}
    assert data["url"] == WEBHOOK["url"] and data["events"] == WEBHOOK["events"]
    async with api.container.system_engine().connect() as conn:
        row = (
            await conn.execute(sa.select(ticket_webhooks).where(ticket_webhooks.c.id == uuid.UUID(data["id"])))
        ).one()
    assert WEBHOOK["secret"] not in row.secret_sealed
    assert api.container.secret_box().open(row.secret_sealed) == WEBHOOK["secret"]

    listed = (await api.get("/v1/webhooks", owner.token)).json()["data"]
    assert [w["id"] for w in listed] == [data["id"]] and "secret" not in listed[0]
    assert (await api.get("/v1/webhooks", other_owner.token)).json()["data"] == []


async def test_webhook_bad_input_and_scopes(api, owner):
    for body, field in [
        ({**WEBHOOK, "events": ["ticket.exploded"]}, "events.0"),
        ({**WEBHOOK, "events": []}, "events"),
        ({**WEBHOOK, "url": "ftp://x.example"}, "url"),
        ({**WEBHOOK, "url": "http://localhost:8000/hook"}, "url"),
        ({**WEBHOOK, "url": "http://169.254.169.254/latest/meta-data"}, "url"),
        ({**WEBHOOK, "url": "https://10.0.0.7/hook"}, "url"),
        ({**WEBHOOK, "url": "https://[::1]/hook"}, "url"),
        ({**WEBHOOK, "secret": "short"}, "secret"),
        ({**WEBHOOK, "active": True}, "active"),
        ({"url": WEBHOOK["url"], "events": WEBHOOK["events"]}, "secret"),
    ]:
        r = await api.post("/v1/webhooks", owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.json()["error"]["details"], (field, r.json())
    key = await make_api_key(api, owner, "tickets:read", "tickets:write")
    r = await api.post("/v1/webhooks", key, json=WEBHOOK)
    assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope"
    hooks_key = await make_api_key(api, owner, "webhooks:write")
    assert (await api.post("/v1/webhooks", hooks_key, json=WEBHOOK)).status_code == 201
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.post("/v1/webhooks", manager, json=WEBHOOK)).status_code == 403

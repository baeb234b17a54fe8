"""/api/v1/notifications: each user's inbox, sending to members, tenancy, roles and bad input."""

from __future__ import annotations

import uuid

from notify_support import N, fields_of, notify, unread


async def test_a_member_receives_reads_and_dismisses_a_notification(api, owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    sent = await notify(api, owner.token, tenant_id, data={"invoice_id": "INV-7", "amount": "1180.00"})
    assert sent["read"] is False and sent["read_at"] is None and sent["channel"] == "in_app"
    assert sent["user_id"] == tenant_id and sent["created_by"] == owner.user_id
    assert await unread(api, tenant) == 1

    listed = (await api.get(N, tenant)).json()
    assert [n["id"] for n in listed["data"]] == [sent["id"]] and listed["meta"]["pagination"]["total_count"] == 1
    assert listed["data"][0]["data"] == {"invoice_id": "INV-7", "amount": "1180.00"}
    r = await api.post(f"{N}/{sent['id']}/mark-read", tenant)
    assert r.status_code == 200 and r.json()["data"]["read"] is True and r.json()["data"]["read_at"]
    assert await unread(api, tenant) == 0
    assert [n["id"] for n in (await api.get(f"{N}?read=true", tenant)).json()["data"]] == [sent["id"]]
    assert (await api.get(f"{N}?read=false", tenant)).json()["data"] == []

    r = await api.put(f"{N}/{sent['id']}", tenant, json={"read": False})
    assert r.status_code == 200 and r.json()["data"]["read"] is False
    assert await unread(api, tenant) == 1
    assert (await api.delete(f"{N}/{sent['id']}", tenant)).status_code == 204
    assert (await api.get(f"{N}/{sent['id']}", tenant)).status_code == 404
    assert await unread(api, tenant) == 0


async def test_bulk_mark_read_by_ids_or_all(api, owner):
    manager_id, manager = await owner.add_user("PropertyManager")
    ids = [(await notify(api, owner.token, manager_id, title=f"Note {i}"))["id"] for i in range(4)]
    r = await api.post(f"{N}/bulk-mark-read", manager, json={"ids": [*ids[:2], str(uuid.uuid4())]})
    assert r.status_code == 200, r.text
    assert r.json()["data"] == {"marked": 2, "unread_count": 2}
    r = await api.post(f"{N}/bulk-mark-read", manager, json={"all": True})
    assert r.json()["data"] == {"marked": 2, "unread_count": 0}
    for body in ({}, {"all": False}, {"ids": ids, "all": True}, {"ids": []}, {"ids": ["x"]}):
        r = await api.post(f"{N}/bulk-mark-read", manager, json=body)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", (body, r.text)


async def test_nobody_sees_another_users_or_organizations_notifications(api, owner, other_owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    _, neighbour = await owner.add_user("Tenant")
    sent = await notify(api, owner.token, tenant_id)
    url = f"{N}/{sent['id']}"
    for token in (neighbour, owner.token, other_owner.token):  # the owner sent it, but it is not theirs
        assert (await api.get(url, token)).status_code == 404
        assert (await api.put(url, token, json={"read": True})).status_code == 404
        assert (await api.post(f"{url}/mark-read", token)).status_code == 404
        assert (await api.delete(url, token)).status_code == 404
        r = await api.post(f"{N}/bulk-mark-read", token, json={"ids": [sent["id"]]})
        assert r.json()["data"]["marked"] == 0
        assert (await api.get(N, token)).json()["data"] == []
    assert await unread(api, tenant) == 1
    # Sending to a member of another organization: no such user here.
    r = await api.post(N, other_owner.token, json={"user_id": tenant_id, "type": "x", "title": "t", "body": "b"})
    assert r.status_code == 422 and fields_of(r) == ["user_id"]


async def test_only_managers_and_owners_send_and_everyone_reads_their_own(api, owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    manager_id, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    body = {"user_id": manager_id, "type": "announcement", "title": "t", "body": "b"}
    for token in (tenant, staff):
        r = await api.post(N, token, json=body)
        assert r.status_code == 403 and r.json()["error"]["code"] == "INSUFFICIENT_PERMISSIONS", r.text
        assert (await api.get(N, token)).status_code == 200
        assert (await api.get(f"{N}/unread-count", token)).status_code == 200
    await notify(api, manager, tenant_id)
    assert await unread(api, tenant) == 1
    assert (await api.get(N)).status_code == 401


async def test_bad_input_is_refused(api, owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    ok = {"user_id": tenant_id, "type": "announcement", "title": "t", "body": "b"}
    for body, field in [
        ({**ok, "colour": "red"}, "colour"),
        ({**ok, "user_id": "not-a-uuid"}, "user_id"),
        ({**ok, "title": ""}, "title"),
        ({**ok, "title": "x" * 201}, "title"),
        ({**ok, "title": "nul\u0000byte"}, "title"),
        ({**ok, "data": {"k": "nul\u0000"}}, "data"),
        ({**ok, "data": {"k": "x" * 20_000}}, "data"),
        ({**ok, "data": ["not", "an", "object"]}, None),  # a wrong type: 422 (the path is the body's)
        ({**ok, "channel": "pigeon"}, "channel"),
        ({**ok, "type": "Not An Event"}, "type"),
        ({**ok, "user_id": str(uuid.uuid4())}, "user_id"),
    ]:
        r = await api.post(N, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] == "VALIDATION_ERROR", r.text
        assert field is None or field in fields_of(r), (field, r.text)
    r = await api.post(N, owner.token, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)
    sent = await notify(api, owner.token, tenant_id)
    for body in ({}, {"read": "yes"}, {"read": True, "title": "edited"}):
        assert (await api.put(f"{N}/{sent['id']}", tenant, json=body)).status_code == 422, body
    assert (await api.get(f"{N}?read=maybe", tenant)).status_code in (400, 422)
    assert (await api.get(f"{N}?page_size=500", tenant)).status_code in (400, 422)
    assert (await api.get(f"{N}/not-a-uuid", tenant)).status_code == 404

"""/api/v1/operations/maintenance-requests: the same tickets as /v1, in the platform's envelope."""

from __future__ import annotations

import io
import uuid

from ops_support import make_api_key, make_place, make_tenant, ticket_body

BASE = "/api/v1/operations/maintenance-requests"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 100


async def create(api, token, place, **changes):
    r = await api.post(BASE, token, json=ticket_body(place, **changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_create_get_list_edit_delete(api, owner):
    place = await make_place(api, owner)
    req = await create(api, owner.token, place, priority="critical")
    assert req["status"] == "open" and req["priority"] == "critical"
    assert req["property_name"] == "Seaside Apartments" and req["unit_name"] == "Unit 101"
    assert req["requester_id"] == owner.user_id and req["assignee_id"] is None
    sla = req["sla"]
    assert sla["response_breached"] is False and sla["resolution_breached"] is False and sla["breached"] is False
    assert sla["due_at"] == sla["response_due_at"]
    assert req["comments"] == [] and req["attachments"] == []

    # the same aggregate on the ticketing surface
    assert (await api.get(f"/v1/tickets/{req['id']}", owner.token)).json()["data"]["priority"] == "critical"

    listed = await api.get(f"{BASE}?priority=critical&sort_by=priority&sort_order=desc", owner.token)
    assert listed.status_code == 200 and [x["id"] for x in listed.json()["data"]] == [req["id"]]
    assert listed.json()["meta"]["pagination"]["total_count"] == 1

    body = ticket_body(place, title="Leak, bigger now", priority="high", category="plumbing")
    r = await api.put(f"{BASE}/{req['id']}", owner.token, json=body)
    assert r.status_code == 200 and r.json()["data"]["title"] == "Leak, bigger now"
    assert r.json()["data"]["version"] == 2
    r = await api.put(f"{BASE}/{req['id']}", owner.token, json=ticket_body(place, unit="Unit 102"))
    assert r.status_code == 422

    r = await api.delete(f"{BASE}/{req['id']}", owner.token)
    assert r.status_code == 204 and r.content == b""
    assert (await api.get(f"{BASE}/{req['id']}", owner.token)).status_code == 404


async def test_assign_complete_close_reopen_and_history(api, owner):
    place = await make_place(api, owner)
    staff_id, staff = await owner.add_user("MaintenanceStaff")
    tenant = await make_tenant(api, owner, place)
    req = await create(api, tenant.token, place)
    url = f"{BASE}/{req['id']}"

    r = await api.post(f"{url}/assign", owner.token, json={"assignee_id": tenant.user_id})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "assignee_id"
    r = await api.post(f"{url}/assign", owner.token, json={"assignee_id": staff_id})
    assert r.status_code == 200 and r.json()["data"]["assignee_id"] == staff_id
    assert r.json()["data"]["assignee_name"] == "MaintenanceStaff person"
    assert r.json()["data"]["sla"]["responded_at"] is not None

    assert (await api.post(f"{url}/close", staff, json={})).status_code == 409
    r = await api.post(f"{url}/complete", staff, json={"note": "Replaced the seal"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "resolved"
    assert (await api.post(f"{url}/complete", staff, json={})).status_code == 409
    r = await api.post(f"{url}/reopen", owner.token, json={"note": "still dripping"})
    assert r.status_code == 200 and r.json()["data"]["status"] == "open"
    assert (await api.post(f"{url}/start", staff, json={})).json()["data"]["status"] == "in_progress"
    assert (await api.post(f"{url}/complete", staff, json={})).status_code == 200
    r = await api.post(f"{url}/comments", owner.token, json={"text": "internal", "internal": True})
    assert r.status_code == 201 and r.json()["data"]["internal"] is True
    assert (await api.post(f"{url}/close", owner.token, json={})).json()["data"]["status"] == "closed"

    r = await api.get(f"{url}/updates", owner.token)
    assert r.status_code == 200
    kinds = [u["kind"] for u in r.json()["data"]]
    assert kinds[0] == "created" and kinds[1] == "assigned"
    moves = [(u["from_status"], u["to_status"]) for u in r.json()["data"] if u["kind"] == "status_changed"]
    assert moves == [
        ("open", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "open"),
        ("open", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]
    notes = [u["note"] for u in r.json()["data"] if u["note"]]
    assert "Replaced the seal" in notes and "still dripping" in notes
    # closed: no more comments; the tenant sees its history without internal notes
    tenant_view = (await api.get(f"{url}/updates", tenant.token)).json()["data"]
    assert all(not u["internal"] for u in tenant_view) and len(tenant_view) == len(r.json()["data"]) - 1
    assert "commented" in kinds
    assert (await api.post(f"{url}/comments", tenant.token, json={"text": "thanks"})).status_code == 409


async def test_tenant_creates_only_for_its_unit_and_sees_only_its_own(api, owner):
    place = await make_place(api, owner)
    alice = await make_tenant(api, owner, place, "Unit 101")
    bob = await make_tenant(api, owner, place, "Unit 102")
    mine = await create(api, alice.token, place)
    assert mine["tenant_id"] == alice.tenant_id
    theirs = await create(api, bob.token, place, unit="Unit 102")
    r = await api.post(BASE, alice.token, json=ticket_body(place, unit="Unit 102"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert [x["id"] for x in (await api.get(BASE, alice.token)).json()["data"]] == [mine["id"]]
    for path in ("", "/updates"):
        assert (await api.get(f"{BASE}/{theirs['id']}{path}", alice.token)).status_code == 404
    for action in ("assign", "complete", "close"):
        r = await api.post(f"{BASE}/{mine['id']}/{action}", alice.token, json={})
        assert r.status_code in (403, 422) if action == "assign" else r.status_code == 403
    assert (await api.delete(f"{BASE}/{mine['id']}", alice.token)).status_code == 403


async def test_other_organization_gets_404_everywhere(api, owner, other_owner):
    place = await make_place(api, owner)
    req = await create(api, owner.token, place)
    url = f"{BASE}/{req['id']}"
    other_staff, _ = await other_owner.add_user("MaintenanceStaff")
    calls = [
        ("GET", url, None),
        ("PUT", url, ticket_body(place)),
        ("DELETE", url, None),
        ("POST", f"{url}/assign", {"assignee_id": other_staff}),
        ("POST", f"{url}/complete", {}),
        ("POST", f"{url}/start", {}),
        ("GET", f"{url}/updates", None),
        ("POST", f"{url}/comments", {"text": "hi"}),
    ]
    for method, path, body in calls:
        kw = {"json": body} if body is not None else {}
        r = await api.request(method, path, token=other_owner.token, **kw)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    # and assigning our request to their user is a 422, not a leak
    r = await api.post(f"{url}/assign", owner.token, json={"assignee_id": other_staff})
    assert r.status_code == 422
    assert (await api.get(url, owner.token)).json()["data"]["assignee_id"] is None


async def test_roles(api, owner):
    place = await make_place(api, owner)
    req = await create(api, owner.token, place)
    _, security = await owner.add_user("SecurityStaff")
    _, manager = await owner.add_user("PropertyManager")
    _, prop_owner = await owner.add_user("PropertyOwner")
    for token in (security, prop_owner):
        assert (await api.get(BASE, token)).status_code == 403
        assert (await api.post(BASE, token, json=ticket_body(place))).status_code == 403
    assert (await api.get(BASE, manager)).status_code == 200
    staff_id, _ = await owner.add_user("MaintenanceStaff")
    r = await api.post(f"{BASE}/{req['id']}/assign", manager, json={"assignee_id": staff_id})
    assert r.status_code == 200
    key = await make_api_key(api, owner, "tickets:read")
    assert (await api.get(BASE, key)).status_code == 200
    assert (await api.post(BASE, key, json=ticket_body(place))).status_code == 403


async def test_bad_input(api, owner):
    place = await make_place(api, owner)
    req = await create(api, owner.token, place)
    r = await api.post(BASE, owner.token, content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST"
    for body, field in [
        ({**ticket_body(place), "urgency": 1}, "urgency"),
        (ticket_body(place, priority="urgent"), "priority"),
        (ticket_body(place, title=7), "title"),
        (ticket_body(place, property_id=str(uuid.uuid4()), unit=None), "property_id"),
    ]:
        r = await api.post(BASE, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in [d["field"] for d in r.json()["error"]["details"]]
    for query in ("page_size=101", "sort_by=title", "status=done"):
        assert (await api.get(f"{BASE}?{query}", owner.token)).status_code == 422
    r = await api.post(f"{BASE}/{req['id']}/assign", owner.token, json={"assignee_id": "me"})
    assert r.status_code == 422
    r = await api.post(f"{BASE}/{req['id']}/assign", owner.token, json={"assignee_id": str(uuid.uuid4())})
    assert r.status_code == 422


async def test_custom_categories(api, owner, other_owner):
    place = await make_place(api, owner)
    r = await api.post(BASE, owner.token, json=ticket_body(place, category="elevator"))
    assert r.status_code == 422
    r = await api.post("/api/v1/operations/categories", owner.token, json={"name": "Elevator"})
    assert r.status_code == 201 and r.json()["data"] == {"name": "elevator", "custom": True}
    assert (await api.post("/api/v1/operations/categories", owner.token, json={"name": "elevator"})).status_code == 409
    assert (await api.post("/api/v1/operations/categories", owner.token, json={"name": "plumbing"})).status_code == 409
    assert (await api.post("/api/v1/operations/categories", owner.token, json={"name": "!!"})).status_code == 422
    names = [c["name"] for c in (await api.get("/api/v1/operations/categories", owner.token)).json()["data"]]
    assert names[:8] == ["plumbing", "electrical", "hvac", "appliance", "pest", "security", "cleaning", "other"]
    assert names[-1] == "elevator"
    assert (await api.post(BASE, owner.token, json=ticket_body(place, category="elevator"))).status_code == 201
    other_place = await make_place(api, other_owner)
    r = await api.post(BASE, other_owner.token, json=ticket_body(other_place, category="elevator"))
    assert r.status_code == 422  # custom categories are per organization


async def test_attachments_upload_download_and_refusals(api, owner, other_owner):
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    req = await create(api, tenant.token, place)
    url = f"{BASE}/{req['id']}/attachments"

    r = await api.post(url, tenant.token, files={"file": ("leak.png", io.BytesIO(PNG), "image/png")})
    assert r.status_code == 201, r.text
    a = r.json()["data"]
    assert a["content_type"] == "image/png" and a["size"] == len(PNG) and a["filename"] == "leak.png"
    r = await api.get(a["url"], tenant.token)
    assert r.status_code == 200 and r.content == PNG and r.headers["content-type"].startswith("image/png")
    assert (await api.get(a["url"], other_owner.token)).status_code == 404
    assert (await api.get(a["url"])).status_code == 401

    # the /v1 surface: same file, seed fields, absolute authorized URL
    r = await api.post(
        f"/v1/tickets/{req['id']}/attachments", owner.token, files={"file": ("report.bin", io.BytesIO(PDF), "x/y")}
    )
    assert r.status_code == 201, r.text
    v1 = r.json()["data"]
    assert set(v1) == {"id", "filename", "url", "size", "content_type", "created_at"}
    assert v1["content_type"] == "application/pdf" and v1["filename"] == "report.pdf"
    assert v1["url"].startswith("http") and v1["url"].endswith(f"/v1/tickets/{req['id']}/attachments/{v1['id']}")
    detail = (await api.get(f"/v1/tickets/{req['id']}", owner.token)).json()["data"]
    assert [x["id"] for x in detail["attachments"]] == [a["id"], v1["id"]]
    r = await api.get(f"/v1/tickets/{req['id']}/attachments/{v1['id']}", owner.token)
    assert r.status_code == 200 and r.content == PDF

    # disguised: an executable named .jpg with an image content type
    r = await api.post(url, owner.token, files={"file": ("leak.jpg", io.BytesIO(b"MZ\x90\x00" * 50), "image/jpeg")})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "file"
    # oversized
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (10 * 1024 * 1024)
    r = await api.post(url, owner.token, files={"file": ("big.jpg", io.BytesIO(big), "image/jpeg")})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "file", r.text
    # no file part, and another organization
    assert (
        await api.post(url, owner.token, files={"other": ("a.png", io.BytesIO(PNG), "image/png")})
    ).status_code == 422
    r = await api.post(url, other_owner.token, files={"file": ("leak.png", io.BytesIO(PNG), "image/png")})
    assert r.status_code == 404
    after = (await api.get(f"{BASE}/{req['id']}", owner.token)).json()["data"]["attachments"]
    assert len(after) == 2


async def test_a_custom_role_works_requests_only_when_it_grants_maintenance_update(api, owner):
    place = await make_place(api, owner)
    url = f"{BASE}/{(await create(api, owner.token, place))['id']}"
    member = {}
    for name, permissions in (
        ("Handyman", ["maintenance:read", "maintenance:update"]),
        ("Inspector", ["maintenance:read", "property:read"]),
    ):
        role = {"name": name, "description": f"{name} of the estate", "permissions": permissions}
        assert (await api.post("/api/v1/identity/roles", owner.token, json=role)).status_code == 201
        user = {"email": api.email(name.lower()), "name": f"{name} person", "roles": [name], "password": "a long pass"}
        r = await api.post("/api/v1/identity/users", owner.token, json=user)
        assert r.status_code == 201, r.text
        member[name] = r.json()["data"]["id"]

    r = await api.post(f"{url}/assign", owner.token, json={"assignee_id": member["Inspector"]})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "assignee_id"
    assert (await api.get(url, owner.token)).json()["data"]["assignee_id"] is None
    r = await api.post(f"{url}/assign", owner.token, json={"assignee_id": member["Handyman"]})
    assert r.status_code == 200 and r.json()["data"]["assignee_id"] == member["Handyman"]
    assert r.json()["data"]["assignee_name"] == "Handyman person"

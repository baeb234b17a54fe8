"""/v1/tickets: the ticketing seed's shapes, filters, scopes, workflow and tenancy, through HTTP."""

from __future__ import annotations

import re
import uuid

import sqlalchemy as sa

from ops_support import make_api_key, make_place, make_tenant, make_ticket, patch, ticket_body
from pmsaas.adapters.sql.tables.notifications import outbox

BASE = "/v1/tickets"
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SEED_LIST_KEYS = {
    "id", "title", "description", "status", "priority", "category", "created_at", "updated_at",
    "property", "unit", "requester", "assigned_to",
}  # fmt: skip
SEED_POST_KEYS = SEED_LIST_KEYS - {"assigned_to"}
SEED_DETAIL_KEYS = SEED_LIST_KEYS | {"attachments", "comments"}


async def test_create_matches_the_seed_field_for_field(api, owner):
    place = await make_place(api, owner)
    r = await api.post(BASE, owner.token, json=ticket_body(place))
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"status", "data"} and body["status"] == "success"
    t = body["data"]
    assert set(t) == SEED_POST_KEYS
    assert t["status"] == "open" and t["priority"] == "high" and t["category"] == "plumbing"
    assert t["title"] == "Water leak in bathroom"
    assert t["property"] == {"id": place.property_id, "name": "Seaside Apartments"}
    assert t["unit"] == {"id": place.units["Unit 101"], "name": "Unit 101"}
    assert t["requester"] == {"id": owner.user_id, "name": "Olivia Owner"}
    assert TS.match(t["created_at"]) and TS.match(t["updated_at"])
    uuid.UUID(t["id"])


async def test_get_list_patch_delete_shapes(api, owner):
    place = await make_place(api, owner)
    staff_id, _ = await owner.add_user("MaintenanceStaff")
    t = await make_ticket(api, owner.token, place)

    r = await api.get(f"{BASE}/{t['id']}", owner.token)
    assert r.status_code == 200
    detail = r.json()["data"]
    assert set(detail) == SEED_DETAIL_KEYS
    assert detail["assigned_to"] is None and detail["attachments"] == [] and detail["comments"] == []

    r = await patch(api, f"{BASE}/{t['id']}", owner.token, json={"status": "in_progress", "assigned_to": staff_id})
    assert r.status_code == 200, r.text
    patched = r.json()["data"]
    assert set(patched) == SEED_LIST_KEYS
    assert patched["status"] == "in_progress"
    assert patched["assigned_to"] == {"id": staff_id, "name": "MaintenanceStaff person"}

    r = await api.get(BASE, owner.token)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "success"
    assert [set(x) for x in body["data"]] == [SEED_LIST_KEYS]
    pagination = body["meta"]["pagination"]
    assert pagination == {
        "total": 1,
        "count": 1,
        "per_page": 10,
        "current_page": 1,
        "total_pages": 1,
        "links": {"next": None, "prev": None},
    }

    r = await patch(api, f"{BASE}/{t['id']}", owner.token, json={})
    assert r.status_code == 200 and r.json()["data"]["updated_at"] == patched["updated_at"]  # nothing to do
    r = await patch(api, f"{BASE}/{t['id']}", owner.token, json={"assigned_to": None, "priority": "critical"})
    assert r.status_code == 200 and r.json()["data"]["assigned_to"] is None
    assert r.json()["data"]["priority"] == "critical"

    r = await api.delete(f"{BASE}/{t['id']}", owner.token)
    assert r.status_code == 200 and r.json() == {"status": "success", "data": None}
    assert (await api.get(f"{BASE}/{t['id']}", owner.token)).status_code == 404


async def test_pagination_links_filters_and_sorting(api, owner):
    place = await make_place(api, owner)
    other = await make_place(api, owner, name="Hilltop", unit_names=("A1",))
    staff_id, _ = await owner.add_user("MaintenanceStaff")
    made = []
    for priority in ("low", "critical", "medium", "high", "high"):
        made.append(await make_ticket(api, owner.token, place, priority=priority))
    elsewhere = await make_ticket(api, owner.token, other, unit="A1", priority="high")
    await patch(api, f"{BASE}/{made[3]['id']}", owner.token, json={"assigned_to": staff_id})

    r = await api.get(f"{BASE}?per_page=2&page=1", owner.token)
    p = r.json()["meta"]["pagination"]
    assert p["total"] == 6 and p["count"] == 2 and p["total_pages"] == 3 and p["per_page"] == 2
    assert (
        p["links"]["next"].startswith("http") and "page=2" in p["links"]["next"] and "per_page=2" in p["links"]["next"]
    )
    assert p["links"]["prev"] is None
    r = await api.get(f"{BASE}?per_page=2&page=3", owner.token)
    assert r.json()["meta"]["pagination"]["links"]["next"] is None
    assert "page=2" in r.json()["meta"]["pagination"]["links"]["prev"]

    r = await api.get(f"{BASE}?status=open&priority=high", owner.token)
    assert {x["id"] for x in r.json()["data"]} == {made[3]["id"], made[4]["id"], elsewhere["id"]}
    r = await api.get(f"{BASE}?property_id={other.property_id}", owner.token)
    assert [x["id"] for x in r.json()["data"]] == [elsewhere["id"]]
    r = await api.get(f"{BASE}?assigned_to={staff_id}", owner.token)
    assert [x["id"] for x in r.json()["data"]] == [made[3]["id"]]

    r = await api.get(f"{BASE}?sort=priority&order=desc&property_id={place.property_id}", owner.token)
    assert [x["priority"] for x in r.json()["data"]] == ["critical", "high", "high", "medium", "low"]
    r = await api.get(f"{BASE}?sort=created_at&order=asc&property_id={place.property_id}", owner.token)
    assert [x["id"] for x in r.json()["data"]] == [m["id"] for m in made]


async def test_bad_query_parameters_are_422(api, owner):
    for query in ("per_page=101", "per_page=0", "page=0", "status=pending", "priority=urgent", "sort=title",
                  "order=up", "assigned_to=nobody", "property_id=abc123"):  # fmt: skip
        r = await api.get(f"{BASE}?{query}", owner.token)
        assert r.status_code == 422, (query, r.text)
        assert r.json()["status"] == "error" and r.json()["error"]["code"] == "validation_error"


async def test_workflow_through_patch_and_illegal_transitions_are_409(api, owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    url = f"{BASE}/{t['id']}"
    r = await patch(api, url, owner.token, json={"status": "closed"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    r = await patch(api, url, owner.token, json={"status": "resolved"})
    assert r.status_code == 409
    assert (await api.get(url, owner.token)).json()["data"]["status"] == "open"
    for target in ("in_progress", "resolved", "open", "in_progress", "resolved", "closed"):
        r = await patch(api, url, owner.token, json={"status": target})
        assert r.status_code == 200, (target, r.text)
        assert r.json()["data"]["status"] == target
    r = await patch(api, url, owner.token, json={"status": "open"})
    assert r.status_code == 409
    r = await patch(api, url, owner.token, json={"title": "x"})
    assert r.status_code == 409  # closed tickets are read-only

    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(sa.select(outbox.c.event).where(outbox.c.payload["ticket_id"].as_string() == t["id"]))
        events = [r.event for r in rows]
    assert events.count("ticket.created") == 1 and events.count("maintenance.created") == 1
    assert events.count("ticket.resolved") == 2 and events.count("maintenance.completed") == 2
    assert events.count("ticket.updated") == 6


async def test_patch_bad_input_changes_nothing(api, owner, other_owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    url = f"{BASE}/{t['id']}"
    tenant = await make_tenant(api, owner, place)
    stranger_id, _ = await other_owner.add_user("MaintenanceStaff")
    cases = [
        ({"status": "in_progress", "colour": "red"}, "colour"),
        ({"priority": "urgent"}, "priority"),
        ({"title": ""}, "title"),
        ({"title": 42}, "title"),
        ({"assigned_to": "not-a-uuid"}, "assigned_to"),
        ({"assigned_to": tenant.user_id}, "assigned_to"),  # a tenant may not work tickets
        ({"assigned_to": stranger_id}, "assigned_to"),  # a user of another organization
        ({"status": "in_progress", "category": "unicorns"}, "category"),
    ]
    for body, field in cases:
        r = await patch(api, url, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        error = r.json()["error"]
        assert error["code"] == "validation_error" and field in error["details"], (body, error)
        assert isinstance(error["details"][field], list)
    r = await patch(api, url, owner.token, content=b"{oops", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["status"] == "error"
    after = (await api.get(url, owner.token)).json()["data"]
    assert after["status"] == "open" and after["assigned_to"] is None and after["updated_at"] == t["updated_at"]


async def test_create_bad_input(api, owner, other_owner):
    place = await make_place(api, owner)
    foreign = await make_place(api, other_owner)
    r = await api.post(BASE, owner.token, json={"description": "no title", "property_id": place.property_id})
    assert r.status_code == 422
    # Seed 002's own example, word for word.
    assert r.json() == {
        "status": "error",
        "error": {
            "code": "validation_error",
            "message": "The title field is required.",
            "details": {"title": ["The title field is required."]},
        },
    }
    for body, field in [
        (ticket_body(place, priority="urgent"), "priority"),
        (ticket_body(place, extra=True), "extra"),
        (ticket_body(place, property_id="abc123"), "property_id"),
        (ticket_body(place, property_id=foreign.property_id, unit=None), "property_id"),
        ({**ticket_body(place), "unit_id": foreign.units["Unit 101"]}, "unit_id"),
        (ticket_body(place, category="unicorns"), "category"),
        (ticket_body(place, title="x" * 201), "title"),
    ]:
        r = await api.post(BASE, owner.token, json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.json()["error"]["details"], (field, r.json())
    r = await api.post(BASE, owner.token, content=b"[1,", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"
    assert (await api.get(BASE, owner.token)).json()["meta"]["pagination"]["total"] == 0


async def test_other_organizations_tickets_are_404(api, owner, other_owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    url = f"{BASE}/{t['id']}"
    for r in (
        await api.get(url, other_owner.token),
        await patch(api, url, other_owner.token, json={"status": "in_progress"}),
        await api.delete(url, other_owner.token),
    ):
        assert r.status_code == 404 and r.json() == {
            "status": "error",
            "error": {"code": "not_found", "message": "ticket not found", "details": {}},
        }
    assert (await api.get(BASE, other_owner.token)).json()["data"] == []
    r = await api.post(f"{url}/comments", other_owner.token, json={"text": "hello"})
    assert r.status_code == 404
    r = await api.post(
        f"{url}/attachments", other_owner.token, files={"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")}
    )
    assert r.status_code == 404
    assert (await api.get(f"{url}/attachments/{uuid.uuid4()}", other_owner.token)).status_code == 404
    foreign_key = await make_api_key(api, other_owner, "tickets:read", "tickets:write")
    assert (await api.get(url, foreign_key)).status_code == 404
    assert (await api.get(url, owner.token)).json()["data"]["status"] == "open"


async def test_api_key_scopes(api, owner):
    place = await make_place(api, owner)
    reader = await make_api_key(api, owner, "tickets:read")
    writer = await make_api_key(api, owner, "tickets:read", "tickets:write")
    users_only = await make_api_key(api, owner, "users:read")
    t = await make_ticket(api, writer, place)
    assert t["requester"]["name"] == "API key: Integration"
    r = await api.get(BASE, reader)
    assert r.status_code == 200 and r.headers["X-RateLimit-Limit"] == "1000"
    assert int(r.headers["X-RateLimit-Remaining"]) <= 999 and int(r.headers["X-RateLimit-Reset"]) > 0
    r = await api.get(BASE, headers={"X-API-Key": reader})
    assert r.status_code == 200
    for r in (
        await api.post(BASE, reader, json=ticket_body(place)),
        await patch(api, f"{BASE}/{t['id']}", reader, json={"status": "in_progress"}),
        await api.delete(f"{BASE}/{t['id']}", reader),
        await api.get(BASE, users_only),
    ):
        assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope"
    r = await api.get(BASE, "pmk_abcdefgh_wrong")
    assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_failed"
    assert (await api.get(BASE)).status_code == 401


async def test_roles(api, owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    _, security = await owner.add_user("SecurityStaff")
    _, staff = await owner.add_user("MaintenanceStaff")
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.get(BASE, security)).status_code == 403
    assert (await api.post(BASE, security, json=ticket_body(place))).status_code == 403
    assert (await api.get(BASE, staff)).status_code == 200
    r = await patch(api, f"{BASE}/{t['id']}", staff, json={"status": "in_progress"})
    assert r.status_code == 200
    assert (await api.delete(f"{BASE}/{t['id']}", manager)).status_code == 200


async def test_a_tenant_reports_for_its_own_unit_and_sees_only_its_own(api, owner):
    place = await make_place(api, owner)
    alice = await make_tenant(api, owner, place, "Unit 101")
    bob = await make_tenant(api, owner, place, "Unit 102")
    mine = await make_ticket(api, alice.token, place)
    assert mine["requester"] == {"id": alice.user_id, "name": "John Doe"}
    theirs = await make_ticket(api, bob.token, place, unit="Unit 102")
    staffs = await make_ticket(api, owner.token, place)

    r = await api.post(BASE, alice.token, json=ticket_body(place, unit="Unit 102"))
    assert r.status_code == 422 and "unit_id" in r.json()["error"]["details"]
    r = await api.post(BASE, alice.token, json=ticket_body(place, unit=None))
    assert r.status_code == 422

    listed = (await api.get(BASE, alice.token)).json()["data"]
    assert [x["id"] for x in listed] == [mine["id"]]
    assert (await api.get(f"{BASE}/{theirs['id']}", alice.token)).status_code == 404
    assert (await api.get(f"{BASE}/{staffs['id']}", alice.token)).status_code == 404
    assert (await api.get(f"{BASE}/{mine['id']}", alice.token)).status_code == 200
    r = await patch(api, f"{BASE}/{mine['id']}", alice.token, json={"status": "in_progress"})
    assert r.status_code == 403
    assert (await api.delete(f"{BASE}/{mine['id']}", alice.token)).status_code == 403


async def test_comments_internal_and_public(api, owner):
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    t = await make_ticket(api, tenant.token, place)
    url = f"{BASE}/{t['id']}"
    r = await api.post(f"{url}/comments", owner.token, json={"text": "I'll check this out this afternoon."})
    assert r.status_code == 201, r.text
    c = r.json()["data"]
    assert set(c) == {"id", "text", "user", "created_at"} and c["user"] == {"id": owner.user_id, "name": "Olivia Owner"}
    assert (
        await api.post(f"{url}/comments", owner.token, json={"text": "tenant is rude", "internal": True})
    ).status_code == 201
    assert (await api.post(f"{url}/comments", tenant.token, json={"text": "thanks"})).status_code == 201
    assert (await api.post(f"{url}/comments", tenant.token, json={"text": "x", "internal": True})).status_code == 403
    assert (await api.post(f"{url}/comments", owner.token, json={"text": ""})).status_code == 422
    staff_view = [x["text"] for x in (await api.get(url, owner.token)).json()["data"]["comments"]]
    tenant_view = [x["text"] for x in (await api.get(url, tenant.token)).json()["data"]["comments"]]
    assert staff_view == ["I'll check this out this afternoon.", "tenant is rude", "thanks"]
    assert tenant_view == ["I'll check this out this afternoon.", "thanks"]


async def test_properties_count_their_active_tickets(api, owner, other_owner):
    place = await make_place(api, owner)
    await make_ticket(api, owner.token, place)
    busy = await make_ticket(api, owner.token, place)
    done = await make_ticket(api, owner.token, place)
    await patch(api, f"{BASE}/{busy['id']}", owner.token, json={"status": "in_progress"})
    for status in ("in_progress", "resolved"):
        await patch(api, f"{BASE}/{done['id']}", owner.token, json={"status": status})
    gone = await make_ticket(api, owner.token, place)
    await api.delete(f"{BASE}/{gone['id']}", owner.token)
    other_place = await make_place(api, other_owner)
    await make_ticket(api, other_owner.token, other_place)
    key = await make_api_key(api, owner, "properties:read")
    r = await api.get("/v1/properties", key)
    assert r.status_code == 200, r.text
    counts = {p["id"]: p["active_tickets_count"] for p in r.json()["data"]}
    assert counts == {place.property_id: 2}
    tickets_key = await make_api_key(api, owner, "tickets:read")
    r = await api.get("/v1/properties", tickets_key)
    assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope"


async def test_idempotent_create(api, owner):
    place = await make_place(api, owner)
    headers = {"Idempotency-Key": f"leak-{uuid.uuid4()}"}
    first = await api.post(BASE, owner.token, json=ticket_body(place), headers=headers)
    again = await api.post(BASE, owner.token, json=ticket_body(place), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert (await api.get(BASE, owner.token)).json()["meta"]["pagination"]["total"] == 1

"""/api/v1/notifications/templates: CRUD, /send with variables, preferences honoured; and the story."""

from __future__ import annotations

import uuid

from fin_support import mail_marker, mails_since

from notify_support import N, fields_of, unread

T = f"{N}/templates"
RENT = {
    "name": "rent_due",
    "channel": "in_app",
    "locale": "en-IN",
    "subject": "Rent for {{month}}",
    "body": "Dear {{name}}, your rent of {{amount}} is due on {{due_date}}.",
    "event_type": "invoice.created",
}


async def _template(api, token, **kw):
    r = await api.post(T, token, json={**RENT, **kw})
    assert r.status_code == 201, r.text
    return r.json()["data"]


VARS = {"month": "December", "name": "Tara", "amount": "₹25,000.00", "due_date": "2026-12-05"}


async def test_story_a_manager_templates_a_reminder_and_the_tenant_reads_it(api, owner):
    _, manager = await owner.add_user("PropertyManager")
    tenant_id, tenant = await owner.add_user("Tenant")
    template = await _template(api, manager)
    assert template["variables"] == ["month", "name", "amount", "due_date"]
    assert await unread(api, tenant) == 0

    r = await api.post(f"{T}/{template['id']}/send", manager, json={"recipients": [tenant_id], "variables": VARS})
    assert r.status_code == 200, r.text
    [delivery] = r.json()["data"]["deliveries"]
    assert delivery["status"] == "created" and delivery["channel"] == "in_app" and delivery["user_id"] == tenant_id

    assert await unread(api, tenant) == 1
    [seen] = (await api.get(N, tenant)).json()["data"]
    assert seen["id"] == delivery["notification_id"] and seen["template_id"] == template["id"]
    assert seen["title"] == "Rent for December"
    assert seen["body"] == "Dear Tara, your rent of ₹25,000.00 is due on 2026-12-05."
    assert seen["type"] == "invoice.created" and seen["read"] is False
    assert (await api.post(f"{N}/{seen['id']}/mark-read", tenant)).status_code == 200
    assert await unread(api, tenant) == 0


async def test_an_unknown_or_missing_variable_is_named_and_nothing_is_sent(api, owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    template = await _template(api, owner.token)
    url = f"{T}/{template['id']}/send"
    r = await api.post(url, owner.token, json={"recipients": [tenant_id], "variables": {**VARS, "flat": "4B"}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert fields_of(r) == ["variables.flat"]
    missing = {k: v for k, v in VARS.items() if k != "amount"}
    r = await api.post(url, owner.token, json={"recipients": [tenant_id], "variables": missing})
    assert r.status_code == 422 and fields_of(r) == ["variables.amount"]
    r = await api.post(url, owner.token, json={"recipients": [tenant_id], "variables": {**VARS, "name": "{{x}}"}})
    assert r.status_code == 422 and fields_of(r) == ["variables.name"]
    assert await unread(api, tenant) == 0


async def test_email_templates_queue_mail_and_preferences_are_honoured(api, owner):
    tenant_id, tenant = await owner.add_user("Tenant")
    other_id, other = await owner.add_user("Tenant")
    template = await _template(api, owner.token, channel="email", name="rent_mail")
    r = await api.put(
        f"{N}/preferences", other, json={"events": {"invoice.created": {"email": False, "in_app": False}}}
    )
    assert r.status_code == 200, r.text
    marker = mail_marker(api)  # by identity: the console mailer keeps only its latest messages
    r = await api.post(
        f"{T}/{template['id']}/send", owner.token, json={"recipients": [tenant_id, other_id], "variables": VARS}
    )
    assert r.status_code == 200, r.text
    got = {(d["user_id"], d["channel"]): d["status"] for d in r.json()["data"]["deliveries"]}
    assert got == {
        (tenant_id, "in_app"): "created",
        (tenant_id, "email"): "queued",
        (other_id, "in_app"): "opted_out",
        (other_id, "email"): "opted_out",
    }
    [mail] = mails_since(api, marker)
    assert mail.subject == "Rent for December" and "₹25,000.00" in mail.body and mail.to.startswith("tenant-")
    assert await unread(api, tenant) == 1 and await unread(api, other) == 0


async def test_templates_crud_conflicts_tenancy_and_roles(api, owner, other_owner):
    _, tenant = await owner.add_user("Tenant")
    t = await _template(api, owner.token)
    url = f"{T}/{t['id']}"
    assert (await api.get(url, owner.token)).json()["data"]["body"] == RENT["body"]
    r = await api.post(f"{url}/send", owner.token, json={"recipients": [other_owner.user_id], "variables": VARS})
    assert r.status_code == 422 and fields_of(r) == ["recipients"]  # not a member of this organization
    r = await api.post(T, owner.token, json=RENT)
    assert r.status_code == 409 and r.json()["error"]["code"] == "RESOURCE_CONFLICT"
    assert (await api.post(T, owner.token, json={**RENT, "locale": "hi-IN"})).status_code == 201
    r = await api.put(url, owner.token, json={**RENT, "body": "Hello {{name}}", "active": False})
    assert r.status_code == 200 and r.json()["data"]["variables"] == ["month", "name"]
    r = await api.post(f"{url}/send", owner.token, json={"recipients": [owner.user_id], "variables": {}})
    assert r.status_code == 409  # inactive
    listed = (await api.get(f"{T}?sort_by=name", owner.token)).json()
    assert listed["meta"]["pagination"]["total_count"] == 2 and t["id"] in [x["id"] for x in listed["data"]]
    for method, path, body in (
        ("GET", url, None),
        ("PUT", url, RENT),
        ("DELETE", url, None),
        ("POST", f"{url}/send", {"recipients": [owner.user_id]}),
    ):
        r = await api.request(method, path, token=other_owner.token, json=body)
        assert r.status_code == 404, (method, path, r.text)
        assert (await api.request(method, path, token=tenant, json=body)).status_code == 403
    assert (await api.get(T, other_owner.token)).json()["data"] == []
    assert (await api.delete(url, owner.token)).status_code == 204
    assert (await api.get(url, owner.token)).status_code == 404


async def test_template_bad_input(api, owner):
    for body, field in [
        ({**RENT, "body": "Hi {{ name }"}, "body"),
        ({**RENT, "body": "Hi {name}"}, "body"),
        ({**RENT, "subject": "Rent {{ 1month }}"}, "subject"),
        ({**RENT, "channel": "email", "subject": None}, "subject"),
        ({**RENT, "channel": "fax"}, "channel"),
        ({**RENT, "locale": "english"}, "locale"),
        ({**RENT, "body": ""}, "body"),
        ({**RENT, "body": "nul\u0000"}, "body"),
        ({**RENT, "priority": 1}, "priority"),
        ({**RENT, "active": "yes"}, "active"),
    ]:
        r = await api.post(T, owner.token, json=body)
        assert r.status_code == 422 and field in fields_of(r), (body, r.text)
    t = await _template(api, owner.token, name="bad_send")
    url = f"{T}/{t['id']}/send"
    for body in (
        {"recipients": []},
        {"recipients": ["x"]},
        {"recipients": [str(uuid.uuid4())] * 101},
        {"recipients": [owner.user_id], "variables": {"month": ["a"]}},
        {"recipients": [owner.user_id], "variables": {"month": "nul\u0000"}},
        {"recipients": [owner.user_id], "variables": VARS, "extra": 1},
    ):
        assert (await api.post(url, owner.token, json=body)).status_code == 422, body

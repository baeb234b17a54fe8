"""Community events over HTTP: seats and a wait list promoted in order, closing time, a tenant sees
its own property's events, the calendar file, roles and another organization's ids."""

from __future__ import annotations

import uuid

import pytest
from fin_support import mail_marker, mails_since

from community_support import EVENTS, event_body, new_event, new_property, resident
from pmsaas.domain.flows.community_notices import remind_organizations
from pmsaas.entrypoints.worker.tasks import TASKS

pytestmark = pytest.mark.today("2026-12-01")


def codes(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def inbox(api, token: str) -> list[dict]:
    r = await api.get("/api/v1/notifications", token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_wait_list_is_promoted_in_order_when_a_seat_frees(api, owner):
    pid = await new_property(api, owner)
    eid = await new_event(api, owner, capacity=2)
    people = [await resident(api, owner, pid, phone=f"+1 604 555 01{i}0") for i in range(5)]
    statuses = []
    for p in people:
        r = await api.post(f"{EVENTS}/{eid}/register", p["token"])
        assert r.status_code == 201, r.text
        statuses.append(r.json()["data"]["status"])
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted", "waitlisted"]
    assert codes(await api.post(f"{EVENTS}/{eid}/register", people[0]["token"])) == (409, "RESOURCE_CONFLICT")

    # A seat frees: the first on the wait list (people[2]) takes it, then people[3], never people[4] first.
    assert (await api.delete(f"{EVENTS}/{eid}/register", people[1]["token"])).status_code == 204
    a = (await api.get(f"{EVENTS}/{eid}/attendees", owner.token)).json()["data"]
    assert [(x["user_id"], x["status"]) for x in a["attendees"]] == [
        (people[0]["id"], "registered"),
        (people[2]["id"], "registered"),
        (people[3]["id"], "waitlisted"),
        (people[4]["id"], "waitlisted"),
    ]
    assert (a["registered_count"], a["waitlist_count"]) == (2, 2)
    assert any(n["type"] == "community.event_seat" for n in await inbox(api, people[2]["token"]))
    assert not any(n["type"] == "community.event_seat" for n in await inbox(api, people[4]["token"]))

    # A waiter leaving promotes nobody; the next seat goes to people[4] after people[3].
    assert (await api.delete(f"{EVENTS}/{eid}/register", people[3]["token"])).status_code == 204
    assert (await api.delete(f"{EVENTS}/{eid}/register", people[0]["token"])).status_code == 204
    a = (await api.get(f"{EVENTS}/{eid}/attendees", owner.token)).json()["data"]
    assert [(x["user_id"], x["status"]) for x in a["attendees"]] == [
        (people[2]["id"], "registered"),
        (people[4]["id"], "registered"),
    ]
    assert codes(await api.delete(f"{EVENTS}/{eid}/register", people[0]["token"])) == (404, "RESOURCE_NOT_FOUND")

    # A larger capacity on PUT seats the wait list at once.
    late = await resident(api, owner, pid, phone="+1 604 555 0177")
    assert (await api.post(f"{EVENTS}/{eid}/register", late["token"])).json()["data"]["status"] == "waitlisted"
    r = await api.put(f"{EVENTS}/{eid}", owner.token, json=event_body(capacity=1))
    assert codes(r) == (422, "VALIDATION_ERROR")  # two residents already hold a seat
    r = await api.put(f"{EVENTS}/{eid}", owner.token, json=event_body(capacity=3))
    assert r.status_code == 200, r.text
    a = (await api.get(f"{EVENTS}/{eid}/attendees", owner.token)).json()["data"]
    assert a["waitlist_count"] == 0 and a["registered_count"] == 3

    # Cancelled: everyone registered hears of it, and the event is gone.
    assert (await api.delete(f"{EVENTS}/{eid}", owner.token)).status_code == 204
    assert any(n["type"] == "community.event_cancelled" for n in await inbox(api, late["token"]))
    assert codes(await api.get(f"{EVENTS}/{eid}", people[2]["token"])) == (404, "RESOURCE_NOT_FOUND")


async def test_confirmation_mail_carries_the_calendar_file(api, owner):
    pid = await new_property(api, owner)
    eid = await new_event(api, owner, title="Yoga; on the lawn, at dawn")
    r1 = await resident(api, owner, pid)
    marker = mail_marker(api)  # by identity: the console mailer keeps only its latest messages
    assert (await api.post(f"{EVENTS}/{eid}/register", r1["token"])).status_code == 201
    mails = [m for m in mails_since(api, marker) if m.to == r1["email"]]
    assert len(mails) == 1
    (attachment,) = mails[0].attachments
    assert attachment.content_type.startswith("text/calendar")
    body = attachment.content.decode()
    assert f"UID:{eid}@community.pmsaas\r\n" in body
    assert "DTSTART:20261220T180000Z\r\n" in body and "DTEND:20261220T210000Z\r\n" in body
    assert "SUMMARY:Yoga\\; on the lawn\\, at dawn\r\n" in body

    r = await api.get(f"{EVENTS}/{eid}/ics", r1["token"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert r.text.startswith("BEGIN:VCALENDAR\r\n") and f"UID:{eid}@community.pmsaas" in r.text


async def test_closing_time_capacity_without_wait_list_and_bad_input(api, owner):
    pid = await new_property(api, owner)
    closed = await new_event(
        api, owner, start_time="2026-12-20T18:00:00Z", registration_deadline="2026-11-30T00:00:00Z"
    )
    full = await new_event(api, owner, capacity=1, waitlist_enabled=False)
    a, b = (
        await resident(api, owner, pid, phone="+1 604 555 0111"),
        await resident(api, owner, pid, phone="+1 604 555 0112"),
    )
    r = await api.post(f"{EVENTS}/{closed}/register", a["token"])
    assert codes(r) == (422, "VALIDATION_ERROR"), r.text
    assert (await api.post(f"{EVENTS}/{full}/register", a["token"])).status_code == 201
    assert codes(await api.post(f"{EVENTS}/{full}/register", b["token"])) == (409, "RESOURCE_CONFLICT")
    for bad in (
        event_body(end_time="2026-12-20T17:00:00Z"),
        event_body(registration_deadline="2026-12-21T00:00:00Z"),
        event_body(capacity=0),
        event_body(start_time="2026-12-20T18:00:00"),
        event_body(property_id=str(uuid.uuid4())),
        event_body(colour="red"),
    ):
        assert codes(await api.post(EVENTS, owner.token, json=bad)) == (422, "VALIDATION_ERROR"), bad
    both = event_body(end_time="2026-12-20T17:00:00Z", registration_deadline="2026-12-21T00:00:00Z")
    details = (await api.post(EVENTS, owner.token, json=both)).json()["error"]["details"]
    assert {d["field"] for d in details} == {"end_time", "registration_deadline"}  # the fields as sent
    listed = (await api.get(EVENTS, owner.token, params={"page_size": 100})).json()
    assert listed["meta"]["pagination"]["total_count"] == 2  # nothing written by the bad requests
    r = await api.put(f"{EVENTS}/{full}", owner.token, json=event_body(capacity=1, waitlist_enabled=False, title="x"))
    assert r.status_code == 200 and r.json()["data"]["title"] == "x"


async def test_a_tenant_sees_only_its_propertys_and_org_wide_events(api, owner):
    home, elsewhere = await new_property(api, owner), await new_property(api, owner)
    mine = await new_event(api, owner, property_id=home)
    theirs = await new_event(api, owner, property_id=elsewhere)
    everyone = await new_event(api, owner)
    r = await resident(api, owner, home)
    listed = (await api.get(EVENTS, r["token"], params={"page_size": 100})).json()["data"]
    assert {e["id"] for e in listed} == {mine, everyone}
    for path in ("", "/ics"):
        assert codes(await api.get(f"{EVENTS}/{theirs}{path}", r["token"])) == (404, "RESOURCE_NOT_FOUND")
    assert codes(await api.post(f"{EVENTS}/{theirs}/register", r["token"])) == (404, "RESOURCE_NOT_FOUND")
    assert (await api.post(f"{EVENTS}/{mine}/register", r["token"])).status_code == 201
    # The manager sees all three; starts_after filters, and must carry a zone.
    assert len((await api.get(EVENTS, owner.token, params={"page_size": 100})).json()["data"]) == 3
    r = await api.get(EVENTS, owner.token, params={"starts_after": "2026-12-21T00:00:00Z"})
    assert r.status_code == 200 and r.json()["data"] == []
    r = await api.get(EVENTS, owner.token, params={"starts_after": "2026-12-21T00:00:00"})
    assert codes(r) == (422, "VALIDATION_ERROR")


async def test_roles(api, owner):
    pid = await new_property(api, owner)
    eid = await new_event(api, owner)
    r = await resident(api, owner, pid)
    _, manager = await owner.add_user("PropertyManager")
    _, staff = await owner.add_user("MaintenanceStaff")
    assert codes(await api.post(EVENTS, r["token"], json=event_body())) == (403, "INSUFFICIENT_PERMISSIONS")
    assert codes(await api.put(f"{EVENTS}/{eid}", r["token"], json=event_body())) == (403, "INSUFFICIENT_PERMISSIONS")
    assert codes(await api.delete(f"{EVENTS}/{eid}", r["token"])) == (403, "INSUFFICIENT_PERMISSIONS")
    assert codes(await api.get(f"{EVENTS}/{eid}/attendees", r["token"])) == (403, "INSUFFICIENT_PERMISSIONS")
    assert codes(await api.get(EVENTS, staff)) == (403, "INSUFFICIENT_PERMISSIONS")  # not a resident
    assert codes(await api.post(f"{EVENTS}/{eid}/register", staff)) == (403, "INSUFFICIENT_PERMISSIONS")
    created = await api.post(EVENTS, manager, json=event_body())
    assert created.status_code == 201
    assert (await api.delete(f"{EVENTS}/{created.json()['data']['id']}", manager)).status_code == 204


async def test_another_organizations_ids_are_404(api, owner, other_owner):
    pid = await new_property(api, owner)
    eid = await new_event(api, owner)
    foreign = other_owner.token
    assert (await api.post(f"{EVENTS}/{eid}/register", (await resident(api, owner, pid))["token"])).status_code == 201
    for method, path, body in (
        ("GET", f"{EVENTS}/{eid}", None),
        ("PUT", f"{EVENTS}/{eid}", event_body()),
        ("DELETE", f"{EVENTS}/{eid}", None),
        ("POST", f"{EVENTS}/{eid}/register", None),
        ("DELETE", f"{EVENTS}/{eid}/register", None),
        ("GET", f"{EVENTS}/{eid}/attendees", None),
        ("GET", f"{EVENTS}/{eid}/ics", None),
    ):
        r = await api.request(method, path, token=foreign, json=body)
        assert codes(r) == (404, "RESOURCE_NOT_FOUND"), (method, path, r.text)
    assert eid not in {e["id"] for e in (await api.get(EVENTS, foreign)).json()["data"]}
    assert codes(await api.post(EVENTS, foreign, json=event_body(property_id=pid))) == (422, "VALIDATION_ERROR")
    # Still there, untouched.
    assert (await api.get(f"{EVENTS}/{eid}/attendees", owner.token)).json()["data"]["registered_count"] == 1


@pytest.mark.today("2026-12-19T20:30:00+00:00")  # an hour no other test's scheduled run claims
async def test_reminders_go_once_to_seated_attendees_through_the_scheduled_job(api, owner):
    pid = await new_property(api, owner)
    soon = await new_event(api, owner, capacity=1)  # 2026-12-20T18:00Z: within a day
    later = await new_event(api, owner, start_time="2026-12-27T18:00:00Z", end_time="2026-12-27T19:00:00Z")
    seated = await resident(api, owner, pid, phone="+1 604 555 0131")
    waiting = await resident(api, owner, pid, phone="+1 604 555 0132")
    for eid in (soon, later):
        assert (await api.post(f"{EVENTS}/{eid}/register", seated["token"])).status_code == 201
    assert (await api.post(f"{EVENTS}/{soon}/register", waiting["token"])).json()["data"]["status"] == "waitlisted"

    made = await TASKS["run_scheduled_jobs"]({"container": api.container})
    (run,) = [r for r in made if r["job"] == "event_reminders"]
    assert run["outcome"] == "succeeded"
    reminders = [n for n in await inbox(api, seated["token"]) if n["type"] == "community.event_reminder"]
    assert [n["data"]["event_id"] for n in reminders] == [soon]
    assert not [n for n in await inbox(api, waiting["token"]) if n["type"] == "community.event_reminder"]

    # Once per (event, attendee): another pass sends nothing new.
    c = api.container
    again = await remind_organizations(
        uow_factory=c.system_uow, clock=c.clock(), organization_ids=[uuid.UUID(owner.org_id)]
    )
    assert again == {"reminders_sent": 0}
    assert len([n for n in await inbox(api, seated["token"]) if n["type"] == "community.event_reminder"]) == 1

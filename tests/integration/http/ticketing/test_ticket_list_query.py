"""The ticket list through its query port (``queries/ticket_list.py``, one statement per page) answers the same
bytes as the path it replaced (the repository's page, then the directories' names:
``TicketListThroughRepositories``), for each filter, sort, page and cursor of ``GET /v1/tickets`` and of the
platform's maintenance-requests list (the same use case). Tickets are made over HTTP; each request is sent
twice, once down each path."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.operations import TicketListThroughRepositories
from ops_support import make_api_key, make_place, make_tenant, make_ticket, patch
from pmsaas.adapters.sql.uow_later_contexts import LaterContextRepositories

pytestmark = pytest.mark.today("2026-12-01")

BASE = "/v1/tickets"


async def _tickets(api: Any, owner: Any) -> dict[str, str]:
    """A dozen tickets: every status and priority, with and without unit, assignee, a key as requester."""
    place = await make_place(api, owner)
    other = await make_place(api, owner, "Hill Crest", ("A1",))
    staff_id, _ = await owner.add_user("MaintenanceStaff")
    key = await make_api_key(api, owner, "tickets:read", "tickets:write")
    tenant = await make_tenant(api, owner, place)
    made = []
    for i, priority in enumerate(["low", "medium", "high", "critical"] * 2):
        unit = None if i % 3 == 0 else "Unit 102" if i % 2 else "Unit 101"
        made.append(await make_ticket(api, owner.token, place, title=f"Ticket {i}", priority=priority, unit=unit))
    made.append(await make_ticket(api, key, other, title="From the key", unit="A1", category="electrical"))
    made.append(await make_ticket(api, tenant.token, place, title="From the tenant"))
    for ticket, changes in (
        (made[0], {"status": "in_progress", "assigned_to": staff_id}),
        (made[1], {"status": "in_progress"}),
        (made[2], {"assigned_to": staff_id, "priority": "critical"}),
        (made[8], {"assigned_to": staff_id}),
    ):
        r = await patch(api, f"{BASE}/{ticket['id']}", owner.token, json=changes)
        assert r.status_code == 200, r.text
    for status in ("in_progress", "resolved", "closed"):
        r = await patch(api, f"{BASE}/{made[3]['id']}", owner.token, json={"status": status})
        assert r.status_code == 200, r.text
    r = await api.request("DELETE", f"{BASE}/{made[4]['id']}", token=owner.token)
    assert r.status_code == 200, r.text
    return {
        "property": place.property_id,
        "other": other.property_id,
        "staff": staff_id,
        "unit": place.units["Unit 101"],
    }


QUERIES = [
    BASE,
    f"{BASE}?status=open",
    f"{BASE}?status=in_progress&priority=low",
    f"{BASE}?priority=critical",
    f"{BASE}?status=closed",
    f"{BASE}?assigned_to={{staff}}",
    f"{BASE}?property_id={{other}}",
    f"{BASE}?status=open&property_id={{property}}&per_page=2&page=2",
    f"{BASE}?per_page=3&page=2&sort=priority&order=asc",
    f"{BASE}?per_page=4&sort=updated_at",
    f"{BASE}?per_page=100&page=3",
    f"{BASE}?cursor=&per_page=4",
    f"{BASE}?cursor=&per_page=3&sort=priority&order=asc",
    "/api/v1/operations/maintenance-requests?category=electrical",
    "/api/v1/operations/maintenance-requests?unit_id={unit}&sort_by=status",
    "/api/v1/operations/maintenance-requests?created_after=2020-01-01T00:00:00Z&page_size=5&page=2",
]


def _comparable(body: bytes) -> bytes:
    """The platform envelope's meta carries the request's own id and time: everything else must match."""
    return body.split(b'"meta"')[0] if body.startswith(b'{"success"') else body


@pytest.fixture
def old_path(monkeypatch: pytest.MonkeyPatch) -> Any:
    def use() -> None:
        monkeypatch.setattr(LaterContextRepositories, "ticket_list", property(TicketListThroughRepositories))

    return use


async def test_the_list_answers_the_same_bytes_as_before(api, owner, old_path):
    ids = await _tickets(api, owner)
    urls = [q.format(**ids) for q in QUERIES]
    new = {url: await api.get(url, owner.token) for url in urls}
    # Follow each cursor one page on (the cursor the new path wrote; the old path must write the same).
    for url in [u for u in urls if "cursor=" in u]:
        cursor = new[url].json()["meta"]["pagination"]["next_cursor"]
        assert cursor, url
        followed = url.replace("cursor=", f"cursor={cursor}")
        urls.append(followed)
        new[followed] = await api.get(followed, owner.token)
    old_path()
    for url in urls:
        before = await api.get(url, owner.token)
        assert new[url].status_code == before.status_code == 200, (url, before.text)
        assert _comparable(new[url].content) == _comparable(before.content), url
    listed = new[BASE].json()
    assert listed["meta"]["pagination"]["total"] == 9  # one deleted
    assert {t["requester"]["name"] for t in listed["data"]} >= {"API key: Integration", "John Doe"}


async def test_another_organization_sees_none_of_them(api, owner, other_owner):
    await _tickets(api, owner)
    stranger = other_owner
    key = await make_api_key(api, stranger, "tickets:read")
    for token in (stranger.token, key):
        r = await api.get(BASE, token)
        assert r.status_code == 200, r.text
        assert r.json()["data"] == [] and r.json()["meta"]["pagination"]["total"] == 0

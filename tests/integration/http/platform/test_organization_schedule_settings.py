"""PUT /api/v1/organizations/{id}/settings: the billing day and the rent notice days."""

from __future__ import annotations

from typing import Any

import pytest

from notify_support import fields_of as fields

ORGS = "/api/v1/organizations"
pytestmark = pytest.mark.today("2026-12-01")


def error_code(r: Any, status: int) -> str:
    assert r.status_code == status, r.text
    return str(r.json()["error"]["code"])


async def test_the_schedule_has_defaults_and_is_set_kept_and_reset(api, owner):
    url = f"{ORGS}/{owner.org_id}/settings"
    s = (await api.get(url, owner.token)).json()["data"]
    assert (s["billing_day"], s["rent_reminder_days"], s["overdue_notice_days"]) == (1, [3], [1, 7])
    body = {"country": "IN", "billing_day": 5, "rent_reminder_days": [7, 3, 3], "overdue_notice_days": [14]}
    r = await api.put(url, owner.token, json=body)
    assert r.status_code == 200, r.text
    s = r.json()["data"]
    assert (s["billing_day"], s["rent_reminder_days"], s["overdue_notice_days"]) == (5, [3, 7], [14])
    r = await api.put(url, owner.token, json={"country": "IN", "gst_registered": True})  # absent: kept
    assert r.json()["data"]["billing_day"] == 5 and r.json()["data"]["rent_reminder_days"] == [3, 7]
    r = await api.put(url, owner.token, json={"country": "IN", "billing_day": None, "rent_reminder_days": []})
    s = r.json()["data"]
    assert (s["billing_day"], s["rent_reminder_days"], s["overdue_notice_days"]) == (1, [], [14])


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"billing_day": 0}, "billing_day"),
        ({"billing_day": 29}, "billing_day"),
        ({"billing_day": True}, "billing_day"),
        ({"rent_reminder_days": [61]}, "rent_reminder_days"),
        ({"rent_reminder_days": [-1]}, "rent_reminder_days"),
        ({"rent_reminder_days": 3}, "rent_reminder_days"),
        ({"rent_reminder_days": [1, 2, 3, 4, 5, 6]}, "rent_reminder_days"),
        ({"overdue_notice_days": [0]}, "overdue_notice_days"),
        ({"overdue_notice_days": [91]}, "overdue_notice_days"),
        ({"overdue_notice_days": [1.5]}, "overdue_notice_days"),
    ],
)
async def test_a_bad_schedule_is_422_and_changes_nothing(api, owner, extra, field):
    url = f"{ORGS}/{owner.org_id}/settings"
    before = (await api.get(url, owner.token)).json()["data"]
    r = await api.put(url, owner.token, json={"country": "IN", **extra})
    assert error_code(r, 422) == "VALIDATION_ERROR"
    assert any(f.startswith(field) for f in fields(r)), fields(r)
    assert (await api.get(url, owner.token)).json()["data"] == before


async def test_only_owners_set_it_and_another_organization_is_404(api, owner, other_owner):
    _, manager = await owner.add_user("PropertyManager")
    url = f"{ORGS}/{owner.org_id}/settings"
    r = await api.put(url, manager, json={"country": "IN", "billing_day": 9})
    assert error_code(r, 403) == "INSUFFICIENT_PERMISSIONS"
    r = await api.put(url, other_owner.token, json={"country": "IN", "billing_day": 9})
    assert r.status_code == 404, r.text
    assert (await api.get(url, owner.token)).json()["data"]["billing_day"] == 1

"""Helpers of the community HTTP tests: residents are tenants whose account is linked to a profile."""

from __future__ import annotations

from typing import Any

from leasing_support import PROPERTIES, new_property, tenant_body

EVENTS = "/api/v1/community/events"
LISTINGS = "/api/v1/community/marketplace/listings"
PASSWORD = "resident password 1"


def event_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Diwali potluck",
        "description": "Bring a dish; lamps, sweets, music.",
        "location": "Clubhouse, Tower B",
        "start_time": "2026-12-20T18:00:00Z",
        "end_time": "2026-12-20T21:00:00Z",
        "capacity": 2,
    }
    body.update(changes)
    return body


async def resident(api: Any, owner: Any, pid: str, phone: str = "+1 604 555 0142") -> dict[str, str]:
    """A Tenant user linked to a tenant profile of ``pid``: its id, token, e-mail and phone."""
    user_id, _ = await owner.add_user("Tenant", password=PASSWORD)
    users = (await api.get("/api/v1/identity/users", owner.token, params={"page_size": 100})).json()["data"]
    email = next(u["email"] for u in users if u["id"] == user_id)
    r = await api.post(
        f"{PROPERTIES}/{pid}/tenants", owner.token, json=tenant_body(email=email, phone=phone, user_id=user_id)
    )
    assert r.status_code == 201, r.text
    token = (await api.login(email, PASSWORD))["access_token"]
    return {"id": user_id, "token": token, "email": email, "phone": phone}


async def new_event(api: Any, owner: Any, **changes: Any) -> str:
    r = await api.post(EVENTS, owner.token, json=event_body(**changes))
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


__all__ = ["EVENTS", "LISTINGS", "event_body", "new_event", "new_property", "resident"]

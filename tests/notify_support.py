"""Helpers of the notifications HTTP tests."""

from __future__ import annotations

from typing import Any

N = "/api/v1/notifications"


def fields_of(r: Any) -> list[str]:
    return [d["field"] for d in r.json()["error"]["details"]]


async def notify(api: Any, token: str, user_id: str, **kw: Any) -> dict[str, Any]:
    body = {"user_id": user_id, "type": "announcement", "title": "Water off", "body": "From 10 to 12", **kw}
    r = await api.post(N, token, json=body)
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def unread(api: Any, token: str) -> int:
    r = await api.get(f"{N}/unread-count", token)
    assert r.status_code == 200, r.text
    return r.json()["data"]["unread_count"]

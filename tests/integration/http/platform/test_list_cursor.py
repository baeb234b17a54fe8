"""Keyset pagination: ``?cursor=`` (meta.pagination.next_cursor) walks every row once, in the same
order as ``page``, on the property, lease, invoice and ticket lists; a tampered cursor is 422."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fin_support import invoice_body, make_lease, set_country

from ops_support import make_place, make_ticket
from support import property_body

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for


def _meta(body: dict[str, Any]) -> dict[str, Any]:
    pagination: dict[str, Any] = body["meta"]["pagination"]
    return pagination


async def walk(api: Any, token: str, url: str, params: dict[str, Any], size_key: str = "page_size") -> list[str]:
    """Every id of the list, following next_cursor from the first page."""
    seen: list[str] = []
    query: dict[str, Any] = {**params, size_key: 2}
    for _ in range(20):
        r = await api.get(url, token, params=query)
        assert r.status_code == 200, r.text
        seen += [item["id"] for item in r.json()["data"]]
        cursor = _meta(r.json())["next_cursor"]
        if cursor is None:
            return seen
        query = {**params, size_key: 2, "cursor": cursor, "page": 999}  # page is ignored with a cursor
    raise AssertionError("the cursor never ended")


async def every_id(api: Any, token: str, url: str, params: dict[str, Any], size_key: str = "page_size") -> list[str]:
    r = await api.get(url, token, params={**params, size_key: 100})
    assert r.status_code == 200, r.text
    assert _meta(r.json())["next_cursor"] is None
    return [item["id"] for item in r.json()["data"]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort_by": "name"},
        {"sort_by": "name", "sort_order": "desc"},
        {"sort_by": "created_at", "sort_order": "desc"},
    ],
)
async def test_property_cursor_walks_every_row_once(api, owner, params):
    for name in ("Cedar", "Aspen", "Birch", "Aspen", "Elm"):  # a repeated name: the id breaks the tie
        assert (await api.post("/api/v1/properties", owner.token, json=property_body(name=name))).status_code == 201
    expected = await every_id(api, owner.token, "/api/v1/properties", params)
    assert len(expected) == 5
    assert await walk(api, owner.token, "/api/v1/properties", params) == expected


async def test_property_cursor_page_flags_and_filters(api, owner, other_owner):
    for name in ("Aspen", "Birch", "Cedar"):
        await api.post("/api/v1/properties", owner.token, json=property_body(name=name))
    await api.post("/api/v1/properties", other_owner.token, json=property_body(name="Other"))
    first = (await api.get("/api/v1/properties", owner.token, params={"page_size": 2, "sort_by": "name"})).json()
    cursor = _meta(first)["next_cursor"]
    r = await api.get("/api/v1/properties", owner.token, params={"page_size": 2, "sort_by": "name", "cursor": cursor})
    body = r.json()
    assert [p["name"] for p in body["data"]] == ["Cedar"]
    assert _meta(body)["has_next"] is False and _meta(body)["has_previous"] is True
    assert _meta(body)["next_cursor"] is None and _meta(body)["total_count"] == 3
    # Another organization's reader with the same cursor (after "Birch") sees only their own rows.
    r = await api.get("/api/v1/properties", other_owner.token, params={"sort_by": "name", "cursor": cursor})
    assert r.status_code == 200 and [p["name"] for p in r.json()["data"]] == ["Other"]


def _tampered(cursor: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[5] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "mangle",
    [
        _tampered,
        lambda c: c[:-3],
        lambda c: "not a cursor",
        lambda c: c + "A",
        lambda c: base64.b64encode(b"[1]").decode(),
    ],
)
async def test_a_tampered_cursor_is_422(api, owner, mangle):
    for name in ("Aspen", "Birch", "Cedar"):
        await api.post("/api/v1/properties", owner.token, json=property_body(name=name))
    cursor = _meta((await api.get("/api/v1/properties", owner.token, params={"page_size": 1})).json())["next_cursor"]
    r = await api.get("/api/v1/properties", owner.token, params={"cursor": mangle(cursor)})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert [d["field"] for d in r.json()["error"]["details"]] == ["cursor"]


async def test_a_cursor_for_another_sort_is_422(api, owner):
    for name in ("Aspen", "Birch"):
        await api.post("/api/v1/properties", owner.token, json=property_body(name=name))
    cursor = _meta((await api.get("/api/v1/properties", owner.token, params={"page_size": 1})).json())["next_cursor"]
    r = await api.get("/api/v1/properties", owner.token, params={"cursor": cursor, "sort_by": "name"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "cursor"
    r = await api.get("/api/v1/properties", owner.token, params={"cursor": cursor, "sort_order": "desc"})
    assert r.status_code == 422


async def test_lease_and_invoice_cursors(api, owner):
    await set_country(api, owner, "IN")
    created = [await make_lease(api, owner) for _ in range(3)]
    for params in ({}, {"sort_by": "start_date", "sort_order": "desc"}):
        expected = await every_id(api, owner.token, "/api/v1/leases", params)
        assert sorted(expected) == sorted(lease.id for lease in created)
        assert await walk(api, owner.token, "/api/v1/leases", params) == expected
    for lease in created:
        r = await api.post("/api/v1/financial/invoices", owner.token, json=invoice_body(lease))
        assert r.status_code == 201, r.text
    for params in ({}, {"sort_by": "total", "sort_order": "desc"}):
        expected = await every_id(api, owner.token, "/api/v1/financial/invoices", params)
        assert len(expected) == 3
        assert await walk(api, owner.token, "/api/v1/financial/invoices", params) == expected


async def test_ticket_cursor(api, owner):
    place = await make_place(api, owner)
    for priority in ("high", "low", "high", "critical"):
        await make_ticket(api, owner.token, place, priority=priority)
    for params in ({"cursor": ""}, {"sort": "priority", "order": "asc", "cursor": ""}):  # "": opts in
        expected = await every_id(api, owner.token, "/v1/tickets", params, size_key="per_page")
        assert len(expected) == 4
        assert await walk(api, owner.token, "/v1/tickets", params, size_key="per_page") == expected
    r = await api.get("/v1/tickets", owner.token)
    assert "next_cursor" not in r.json()["meta"]["pagination"]  # the seed's shape unless asked for
    r = await api.get("/v1/tickets", owner.token, params={"cursor": "garbage"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"

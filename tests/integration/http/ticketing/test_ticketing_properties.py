"""GET /v1/properties in the ticketing seed's shape, with its pagination and errors."""

from __future__ import annotations

from leasing_support import PROPERTIES, new_property, new_unit

BASE = "/v1/properties"


async def test_the_seed_shape_with_unit_counts(api, owner):
    pid = await new_property(
        api,
        owner,
        name="Seaside Apartments",
        address={"street": "123 Ocean Drive", "city": "Beachtown", "province": "CA", "postal_code": "90210"},
    )
    await new_unit(api, owner, pid, name="1")
    gone = await new_unit(api, owner, pid, name="2")
    await new_unit(api, owner, pid, name="3")
    assert (await api.delete(f"{PROPERTIES}/{pid}/units/{gone}", owner.token)).status_code == 204
    r = await api.get(BASE, owner.token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success"
    assert body["data"] == [
        {
            "id": pid,
            "name": "Seaside Apartments",
            "address": {
                "street": "123 Ocean Drive",
                "city": "Beachtown",
                "state": "CA",
                "zip": "90210",
                "country": "USA",
            },
            "units_count": 2,
            "active_tickets_count": 0,
        }
    ]
    assert body["meta"]["pagination"] == {
        "total": 1,
        "count": 1,
        "per_page": 10,
        "current_page": 1,
        "total_pages": 1,
        "links": {"next": None, "prev": None},
    }


async def test_pages_and_absolute_links(api, owner):
    for name in ("A", "B", "C"):
        await new_property(api, owner, name=name)
    r = await api.get(BASE, owner.token, params={"per_page": 2})
    meta = r.json()["meta"]["pagination"]
    assert [p["name"] for p in r.json()["data"]] == ["A", "B"]
    assert (meta["total"], meta["count"], meta["total_pages"]) == (3, 2, 2)
    assert meta["links"]["next"].startswith("http") and meta["links"]["next"].endswith("page=2")
    assert meta["links"]["prev"] is None
    r = await api.get(BASE, owner.token, params={"per_page": 2, "page": 2})
    assert [p["name"] for p in r.json()["data"]] == ["C"]
    assert r.json()["meta"]["pagination"]["links"]["prev"].endswith("page=1")


async def test_bad_parameters_and_missing_credentials(api, owner):
    for params in ({"per_page": 101}, {"per_page": 0}, {"page": 0}, {"page": "x"}):
        r = await api.get(BASE, owner.token, params=params)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error", params
        assert r.json()["status"] == "error"
    r = await api.get(BASE)
    assert r.status_code == 401 and r.json()["error"]["code"] == "authentication_failed"


async def test_other_organizations_and_roles(api, owner, other_owner):
    await new_property(api, owner)
    assert (await api.get(BASE, other_owner.token)).json()["data"] == []
    _, tenant = await owner.add_user("Tenant")
    r = await api.get(BASE, tenant)
    assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope"
    key = await api.post(
        "/api/v1/identity/api-keys", owner.token, json={"name": "Zapier", "scopes": ["properties:read"]}
    )
    assert key.status_code == 201, key.text
    assert len((await api.get(BASE, key.json()["data"]["key"])).json()["data"]) == 1
    tickets_only = await api.post(
        "/api/v1/identity/api-keys", owner.token, json={"name": "T", "scopes": ["tickets:read"]}
    )
    r = await api.get(BASE, tickets_only.json()["data"]["key"])
    assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope"

"""Every list answers in the list envelope: ``meta.pagination`` on /api/v1, ``per_page`` paging on /v1.

The OpenAPI document is the inventory: a GET whose ``data`` is an array is a list, and it is declared
with the list envelope, except the fixed catalogues and the date-range reports named below.
"""

from __future__ import annotations

from ops_support import make_place, ticket_body

# Not collections of the organization's records: the product's role and permission catalogues, and
# computed rows for a requested date range (a lease's charges, the GST returns of some months).
NOT_LISTS = {
    "/api/v1/identity/roles",
    "/api/v1/identity/permissions",
    "/api/v1/leases/{lease_id}/schedule",
    "/api/v1/financial/gst-returns",
}


async def test_every_list_is_declared_with_the_list_envelope(api):
    spec = (await api.get("/schema/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    bare = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        content = (get or {}).get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if not content or "$ref" not in content["schema"] or path in NOT_LISTS:
            continue
        schema = schemas[content["schema"]["$ref"].rsplit("/", 1)[-1]]
        if schema.get("properties", {}).get("data", {}).get("type") != "array":
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        paging = {"page", "per_page"} if path.startswith("/v1/") else {"page", "page_size"}
        envelope = "TicketingList_" if path.startswith("/v1/") else "Paginated_"
        if not paging <= names or not content["schema"]["$ref"].split("/")[-1].startswith(envelope):
            bare.append(path)
    assert bare == []


async def test_payment_methods_pages(api, owner):
    url = "/api/v1/financial/payment-methods"
    for label in ("UPI", "Bank transfer", "Cheque"):
        kind = {"UPI": "upi", "Bank transfer": "bank_transfer", "Cheque": "cheque"}[label]
        assert (await api.post(url, owner.token, json={"type": kind, "label": label})).status_code == 201
    r = await api.get(f"{url}?page=2&page_size=2", owner.token)
    assert r.status_code == 200, r.text
    assert [m["label"] for m in r.json()["data"]] == ["Cheque"]
    assert r.json()["meta"]["pagination"] == {
        "page": 2,
        "page_size": 2,
        "total_count": 3,
        "total_pages": 2,
        "has_next": False,
        "has_previous": True,
    }
    everything = (await api.get(url, owner.token)).json()
    assert len(everything["data"]) == 3 and everything["meta"]["pagination"]["page_size"] == 20
    assert (await api.get(f"{url}?page_size=101", owner.token)).status_code == 422
    assert (await api.get(f"{url}?page=0", owner.token)).status_code == 422


async def test_a_requests_history_and_categories_page(api, owner):
    place = await make_place(api, owner)
    base = "/api/v1/operations/maintenance-requests"
    req = (await api.post(base, owner.token, json=ticket_body(place))).json()["data"]
    for n in range(3):
        r = await api.post(f"{base}/{req['id']}/comments", owner.token, json={"text": f"note {n}"})
        assert r.status_code == 201, r.text
    full = (await api.get(f"{base}/{req['id']}/updates", owner.token)).json()
    total = full["meta"]["pagination"]["total_count"]
    assert total == len(full["data"]) >= 1
    first = (await api.get(f"{base}/{req['id']}/updates?page_size=1", owner.token)).json()
    assert first["data"] == full["data"][:1] and first["meta"]["pagination"]["has_next"] is (total > 1)

    cats = (await api.get("/api/v1/operations/categories?page_size=3", owner.token)).json()
    assert [c["name"] for c in cats["data"]] == ["plumbing", "electrical", "hvac"]
    assert cats["meta"]["pagination"]["total_count"] >= 8


async def test_webhooks_page_on_the_ticketing_surface(api, owner):
    for n in range(3):
        body = {"url": f"https://example.com/hook/{n}", "events": ["ticket.created"], "secret": "s" * 32}
        assert (await api.post("/v1/webhooks", owner.token, json=body)).status_code == 201
    r = (await api.get("/v1/webhooks?per_page=2", owner.token)).json()
    pagination = r["meta"]["pagination"]
    assert len(r["data"]) == 2 and pagination["total"] == 3 and pagination["per_page"] == 2
    assert pagination["links"]["next"].endswith("per_page=2&page=2") and pagination["links"]["prev"] is None
    assert (await api.get("/v1/webhooks?per_page=101", owner.token)).status_code == 422

"""The BOLA matrix (issue 11, OWASP API1): generated from the OpenAPI document, every operation with an
id in its path, its body or its query, called by another organization's owner with the first
organization's id, answers exactly what a random id gets (status and error code; a list filtered by
the id is as empty).

Both organizations get one of every resource (tests/bola_support.py). An id the route table names
that the factory does not know fails the test: a new route cannot be forgotten here.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from test_bounds_text import _sample  # a plausible body from an operation's request schema

from bola_support import MUMBAI, PNG, Org, factory_key, make_everything, money
from conftest import SUITE_CLOCK
from support import pinned_instant

pytestmark = pytest.mark.today("2026-12-01")

# Not ids of records: an invitation's token is its own secret credential, accepted by whoever holds it.
NOT_IDS = {("/api/v1/identity/invitations/{token}/accept", "token")}
# Body and query fields that carry ids, and the factory id each names.
FIELD_IDS = {
    "actor_id": "user_id",
    "owner_ids": "user_id",
    "unit_id": "spare_unit_id",
    "co_tenant_ids": "co_tenant_id",
    "user_id": "user_id",
    "assignee_id": "user_id",
    "assigned_to": "user_id",
    "property_id": "property_id",
    "tenant_id": "tenant_id",
    "maintenance_request_id": "request_id",
    "vendor_id": "vendor_id",
    "work_order_id": "order_id",
    "lease_id": "lease_id",
    "invoice_ids": "invoice_id",
    "ids": "notification_id",
    "recipients": "user_id",
    "recipient_id": "user_id",
}


def _request(b: Org) -> dict[str, Any]:
    return {
        "title": "Another leak",
        "description": "Water again, this time in the kitchen",
        "priority": "low",
        "category": "plumbing",
        "property_id": b.ids["property_id"],
        "unit_id": b.ids["unit_id"],
    }


def _lease(b: Org) -> dict[str, Any]:
    return {"unit_id": b.ids["spare_unit_id"], "start_date": "2027-01-01", "rent": money("10.00", b.currency)}


def _order(b: Org) -> dict[str, Any]:
    return {
        "maintenance_request_id": b.ids["request_id"],
        "vendor_id": b.ids["vendor_id"],
        "description": "Fix it",
        "scheduled_start": "2026-12-03T09:00:00Z",
        "scheduled_end": "2026-12-03T13:00:00Z",
        "estimated_cost": money("10.00", b.currency),
    }


def _invoice(b: Org) -> dict[str, Any]:
    line = {"description": "Rent", "amount": money("10.00", b.currency), "charge_type": "rent"}
    return {"lease_id": b.ids["lease_id"], "issue_date": "2026-12-01", "due_date": "2026-12-10", "lines": [line]}


def _expense(b: Org) -> dict[str, Any]:
    body = {"category": "repairs", "description": "Pump", "amount": money("1.00", b.currency)}
    return body | {"expense_date": "2026-11-20", "property_id": b.ids["property_id"]}


def _budget(b: Org) -> dict[str, Any]:
    return {
        "name": "Plan",
        "period_start": "2026-04-01",
        "period_end": "2027-03-31",
        "property_id": b.ids["property_id"],
        "categories": [{"name": "repairs", "amount": money("5.00", b.currency)}],
    }


def _property(b: Org) -> dict[str, Any]:
    from support import property_body

    return property_body(address=MUMBAI, owner_ids=[b.ids["user_id"]])


def _event(b: Org) -> dict[str, Any]:
    return {
        "title": "Carol evening",
        "start_time": "2026-12-22T18:00:00Z",
        "end_time": "2026-12-22T20:00:00Z",
        "property_id": b.ids["property_id"],
    }


def _society_filing(b: Org) -> dict[str, Any]:
    return {
        "property_id": b.ids["property_id"],
        "financial_year": "2025-26",
        "society_registration_number": "MHS/123/2024",
        "registrar_office": "Mumbai",
        "bye_laws_version": "2024.1",
        "construction_cost": money("1000000.00", b.currency),
        "audit_status": "completed",
    }


def _tenant(b: Org) -> dict[str, Any]:
    return {"name": "Tim Tenant", "email": "tim@example.com", "user_id": b.ids["user_id"]}


# A valid body per operation with an id in its body, made of the calling organization's own records:
# the only thing wrong with the request is the one id under test.
BODIES: dict[tuple[str, str], Callable[[Org], dict[str, Any]]] = {
    ("POST", "/api/v1/properties"): _property,
    ("PUT", "/api/v1/properties/{property_id}"): _property,
    ("POST", "/api/v1/properties/{property_id}/tenants/{tenant_id}/lease"): lambda b: (
        _lease(b) | {"co_tenant_ids": [b.ids["co_tenant_id"]]}
    ),
    ("POST", "/api/v1/properties/{property_id}/tenants"): _tenant,
    ("PUT", "/api/v1/properties/{property_id}/tenants/{tenant_id}"): _tenant,
    ("PUT", "/api/v1/leases/{lease_id}"): lambda b: _lease(b) | {"co_tenant_ids": [b.ids["co_tenant_id"]]},
    ("POST", "/api/v1/operations/maintenance-requests/{request_id}/assign"): lambda b: {
        "assignee_id": b.ids["user_id"]
    },
    ("POST", "/api/v1/operations/maintenance-requests"): _request,
    ("PUT", "/api/v1/operations/maintenance-requests/{request_id}"): _request,
    ("POST", "/api/v1/operations/work-orders"): _order,
    ("PUT", "/api/v1/operations/work-orders/{order_id}"): _order,
    ("POST", "/api/v1/operations/vendors/{vendor_id}/rate"): lambda b: {
        "work_order_id": b.ids["order_id"],
        "rating": 5,
    },
    ("POST", "/v1/tickets"): _request,
    ("PATCH", "/v1/tickets/{ticket_id}"): lambda b: {"assigned_to": b.ids["user_id"]},
    ("POST", "/api/v1/financial/invoices"): _invoice,
    ("PUT", "/api/v1/financial/invoices/{invoice_id}"): _invoice,
    ("POST", "/api/v1/financial/payments"): lambda b: {
        "lease_id": b.ids["lease_id"],
        "amount": money("1.00", b.currency),
        "method": "bank_transfer",
        "invoice_ids": [b.ids["invoice_id"]],
    },
    ("POST", "/api/v1/financial/expenses"): _expense,
    ("PUT", "/api/v1/financial/expenses/{expense_id}"): _expense,
    ("POST", "/api/v1/financial/budgets"): _budget,
    ("PUT", "/api/v1/financial/budgets/{budget_id}"): _budget,
    ("POST", "/api/v1/notifications/bulk-mark-read"): lambda b: {"ids": [b.ids["notification_id"]]},
    ("POST", "/api/v1/notifications"): lambda b: {
        "user_id": b.ids["user_id"],
        "type": "announcement",
        "title": "Hello",
        "body": "Hi",
    },
    ("POST", "/api/v1/notifications/templates/{template_id}/send"): lambda b: {
        "recipients": [b.ids["user_id"]],
        "variables": {"month": "May", "name": "Tara"},
    },
    ("POST", "/api/v1/community/events"): _event,
    ("PUT", "/api/v1/community/events/{event_id}"): _event,
    ("POST", "/api/v1/community/marketplace/listings/{listing_id}/contact"): lambda b: {
        "message": "Is it still available?",
        "recipient_id": b.ids["user_id"],
    },
    # The N4 (the N1 has its own test below: one body per operation here).
    ("POST", "/api/v1/financial/ltb-forms"): lambda b: {
        "form": "N4",
        "lease_id": b.ids["lease_id"],
        "service_date": "2026-12-01",
    },
    ("POST", "/api/v1/compliance/society-filing"): _society_filing,
}

# Valid bodies (and queries) for writes whose only id is in the path, where a sample from the schema
# is refused at decoding (the id would then never be looked up).
PATH_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", "/api/v1/identity/users/{user_id}/roles"): {"roles": ["Tenant"]},
    ("PUT", "/api/v1/identity/roles/{role_id}"): {"name": "Auditor", "permissions": ["financial:read"]},
    ("PUT", "/api/v1/identity/roles/{role_id}/permissions"): {"permissions": ["financial:read"]},
    ("PUT", "/api/v1/webhooks/{webhook_id}"): {"url": "https://hooks.example.com/x", "events": ["property.created"]},
    ("POST", "/api/v1/organizations/{organization_id}/billing/upgrade"): {
        "plan": "premium",
        "card_number": "4242424242424242",
    },
    ("POST", "/api/v1/organizations/{organization_id}/domains"): {"domain": "bola-check.example.com"},
    ("PUT", "/api/v1/community/marketplace/listings/{listing_id}"): {"title": "Bookshelf", "category": "furniture"},
    ("POST", "/api/v1/community/marketplace/listings/{listing_id}/report"): {"reason": "Looks like a scam"},
    ("POST", "/api/v1/financial/reserve-funds/{property_id}/opening-balance"): {
        "amount": {"amount": "1.00", "currency": "INR"},
        "as_of": "2026-11-30",
    },
}
QUERIES = {("GET", "/api/v1/leases/{lease_id}/schedule"): {"from": "2026-12-01", "to": "2027-01-31"}}
# Uploads take a multipart file, not JSON.
UPLOADS = {
    ("POST", "/api/v1/operations/maintenance-requests/{request_id}/attachments"),
    ("POST", "/v1/tickets/{ticket_id}/attachments"),
    ("POST", "/api/v1/community/marketplace/listings/{listing_id}/images"),
}
NOT_FOUND = {(404, "RESOURCE_NOT_FOUND"), (404, "not_found")}  # the platform's code, the ticketing API's


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("oneOf", "anyOf"):
        branches = [b for b in schema.get(key, []) if b.get("type") != "null"]
        if branches:
            return _resolve(doc, branches[0])
    return schema


def _is_id(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(doc, schema)
    return schema.get("format") == "uuid" or _resolve(doc, schema.get("items", {})).get("format") == "uuid"


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def _path_params(op: dict[str, Any]) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]


def _body_ids(doc: dict[str, Any], op: dict[str, Any]) -> list[str]:
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return []
    return [name for name, prop in _resolve(doc, schema).get("properties", {}).items() if _is_id(doc, prop)]


def _query_ids(doc: dict[str, Any], op: dict[str, Any]) -> list[str]:
    return [p["name"] for p in op.get("parameters", []) if p["in"] == "query" and _is_id(doc, p.get("schema", {}))]


def _url(path: str, org: Org, swap: tuple[str, str] | None = None) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if swap and name == swap[0]:
            return swap[1]
        return org.ids[factory_key(path, name) or name]

    return re.sub(r"\{(\w+)\}", fill, path)


def _answer(r: Any) -> tuple[int, str | None, int | None, tuple[str, ...]]:
    """What a caller learns: the status, the error code, for a list how many rows it holds, and which
    fields a refusal names."""
    try:
        body = r.json()
    except ValueError:
        return r.status_code, None, None, ()
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    data = body.get("data") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    fields = tuple(sorted(str(d.get("field")) for d in details or [] if isinstance(d, dict)))
    return r.status_code, code, len(data) if isinstance(data, list) else None, fields


def _plausible_body(doc: dict[str, Any], op: dict[str, Any]) -> Any:
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    return None if schema is None else _sample(doc, schema)


def _with_id(body: dict[str, Any], name: str, value: str) -> dict[str, Any]:
    return body | {name: [value] if isinstance(body.get(name), list) else value}


@pytest.fixture(scope="module")
async def orgs(api) -> tuple[Org, Org]:
    """Organization A (whose ids are tried) and B (the caller), each with one of everything."""
    SUITE_CLOCK.pin(pinned_instant("2026-12-01"))  # the records' dates were written for that day
    try:
        a_owner, b_owner = await api.new_org("Owner A"), await api.new_org("Rival B")
        return await make_everything(api, a_owner), await make_everything(api, b_owner)
    finally:
        SUITE_CLOCK.release()


def test_every_id_in_the_route_table_has_a_factory_entry(api):
    doc = api.client.app.openapi_schema.to_schema()
    missing = []
    for method, path, op in _operations(doc):
        for param in _path_params(op):
            if (path, param) not in NOT_IDS and factory_key(path, param) is None:
                missing.append(f"{method} {path}: path {param}")
        for name in _body_ids(doc, op):
            if name not in FIELD_IDS:
                missing.append(f"{method} {path}: body {name}")
            elif (method, path) not in BODIES:
                missing.append(f"{method} {path}: no valid body in BODIES")
        missing += [f"{method} {path}: query {q}" for q in _query_ids(doc, op) if q not in FIELD_IDS]
    assert missing == []


async def _call(api, method: str, path: str, url: str, token: str, body: Any = None) -> Any:
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    if (method, path) in UPLOADS:
        files = {"file": ("leak.png", io.BytesIO(PNG), "image/png")}
        return await api.request(method, url, token=token, files=files, headers=headers)
    if method in ("POST", "PUT", "PATCH") and body is None:
        body = {}
    params = QUERIES.get((method, path))
    return await api.request(method, url, token=token, json=body, headers=headers, params=params)


async def test_another_organizations_id_answers_what_a_random_id_gets(api, orgs):
    a, b = orgs
    doc = api.client.app.openapi_schema.to_schema()
    differ, not_404, tried = [], [], 0
    for method, path, op in _operations(doc):
        params = [p for p in _path_params(op) if (path, p) not in NOT_IDS]
        body = BODIES[(method, path)](b) if (method, path) in BODIES else PATH_BODIES.get((method, path))
        body = _plausible_body(doc, op) if body is None else body
        cases = [("path", p) for p in params] + [("body", n) for n in _body_ids(doc, op)]
        cases += [("query", q) for q in _query_ids(doc, op)]
        for where, name in cases:
            key = factory_key(path, name) if where == "path" else FIELD_IDS[name]
            answers = []
            for value in (a.ids[key or name], str(uuid.uuid4())):
                if where == "path":
                    r = await _call(api, method, path, _url(path, b, (name, value)), b.token, body)
                elif where == "body":
                    r = await _call(api, method, path, _url(path, b), b.token, _with_id(body or {}, name, value))
                else:
                    r = await api.get(_url(path, b), b.token, params={name: value})
                answers.append(_answer(r))
            tried += 1
            if answers[0] != answers[1]:
                differ.append(f"{method} {path} {where} {name}: A's id {answers[0]} / random {answers[1]}")
            elif where == "path" and answers[0][:2] not in NOT_FOUND:
                not_404.append(f"{method} {path} {name}: {answers[0]}")
    assert differ == []
    assert not_404 == []
    assert tried >= 150  # the matrix really ran (135 operations name ids on the day it was written)


async def test_an_n1_on_another_organizations_lease_answers_what_a_random_lease_gets(api, orgs):
    a, b = orgs
    n1 = {"form": "N1", "service_date": "2026-12-01", "effective_date": "2027-03-15"}
    n1["new_rent"] = money("2042.00", b.currency)
    answers = []
    for lease_id in (a.ids["lease_id"], str(uuid.uuid4())):
        r = await api.post("/api/v1/financial/ltb-forms", b.token, json=n1 | {"lease_id": lease_id})
        answers.append(_answer(r))
    assert answers[0] == answers[1] == (404, "RESOURCE_NOT_FOUND", None, ())


async def test_a_still_has_everything_after_the_matrix(api, orgs):
    """Nothing B tried changed A's records (runs after the matrix: same module, file order)."""
    a, _ = orgs
    for url in (
        f"/api/v1/properties/{a.ids['property_id']}",
        f"/api/v1/leases/{a.ids['lease_id']}",
        f"/api/v1/financial/invoices/{a.ids['invoice_id']}",
        f"/api/v1/identity/users/{a.ids['user_id']}",
        f"/v1/tickets/{a.ids['ticket_id']}",
        f"/api/v1/webhooks/{a.ids['webhook_id']}",
        f"/api/v1/identity/roles/{a.ids['role_id']}",
    ):
        r = await api.get(url, a.token)
        assert r.status_code == 200, f"{url}: {r.text}"

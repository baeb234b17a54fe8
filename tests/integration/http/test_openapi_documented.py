"""The served OpenAPI document is documented for integrators (issue 14, item 2), and stays so.

Every operation has a summary, a description and its service's tag; every field of every component
schema and every parameter has a description and an example, and every example is valid against its
own schema; every error status names its surface's envelope; the document validates as OpenAPI 3.1.
A field or parameter added without a glossary entry fails here, and the message lists every missing
name and the file to add it to (docs/api-contract.md §9).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from openapi_checks import GLOSSARY, OPERATIONS, PARAMETERS, TAGS, fields, invalid_examples, operations, undocumented
from pmsaas.domain.shared.tax_identifiers import validate_gstin, validate_pan
from pmsaas.entrypoints.http.openapi_docs.operations import OPERATIONS as DESCRIBED
from pmsaas.entrypoints.http.openapi_docs.parameters import PARAMETER_OVERRIDES


@pytest.fixture
async def spec(api: Any) -> dict[str, Any]:
    r = await api.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


async def test_every_operation_field_and_parameter_is_described_with_an_example(spec):
    gaps = undocumented(spec)
    assert not gaps, f"{len(gaps)} gaps in the OpenAPI document:\n" + "\n".join(gaps)


async def test_no_description_is_kept_for_an_operation_that_is_gone(spec):
    """A path renamed in a controller leaves its table entry behind: say so, not silently."""
    served = {f"{m} {p}" for m, p, _ in operations(spec)}
    stale = sorted(k for k in DESCRIBED if k not in served)
    stale += sorted(k for k in PARAMETER_OVERRIDES if k.rsplit(" ", 1)[0] not in served)
    assert not stale, f"no such operation any more; update {OPERATIONS} or {PARAMETERS}:\n" + "\n".join(stale)


async def test_every_example_is_valid_against_its_own_schema(spec):
    bad = invalid_examples(spec)
    assert not bad, f"{len(bad)} examples do not fit their schema:\n" + "\n".join(bad)


async def test_every_operation_carries_one_declared_service_tag(spec):
    declared = {t["name"]: t.get("description") for t in spec["tags"]}
    assert all(declared.values()), declared
    wrong = [f"{m} {p}: {op.get('tags')}" for m, p, op in operations(spec) if len(op.get("tags", [])) != 1]
    wrong += [f"{m} {p}: {op['tags'][0]}" for m, p, op in operations(spec) if op.get("tags", [""])[0] not in declared]
    assert not wrong, f"tag these by path in {TAGS}:\n" + "\n".join(wrong)
    tag = {p: op["tags"][0] for m, p, op in operations(spec)}
    assert tag["/api/v1/financial/invoices"] == "Financial"
    assert tag["/api/v1/leases/{lease_id}/ledger"] == "Financial"
    assert tag["/api/v1/leases/{lease_id}"] == "Properties"
    assert tag["/api/v1/properties/{property_id}/units"] == "Properties"
    assert tag["/v1/tickets"] == "Ticketing: Tickets"
    assert {"Identity", "Organizations", "Properties", "Financial", "Operations", "Notifications", "Webhooks"} <= set(
        declared
    )


async def test_every_error_status_names_its_surface_envelope(spec):
    wrong = []
    for method, path, op in operations(spec):
        if not path.startswith(("/api/", "/v1/")):
            continue
        envelope = "#/components/schemas/" + ("TicketingError" if path.startswith("/v1/") else "PlatformError")
        errors = {s: r for s, r in op["responses"].items() if s >= "400"}
        if not {"401", "422"} <= set(errors):
            wrong.append(f"{method} {path}: documents only {sorted(errors)}")
        for status, response in errors.items():
            ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            if ref != envelope or not response.get("description"):
                wrong.append(f"{method} {path} {status}: {ref}")
    assert not wrong, "\n".join(wrong)


async def test_the_document_validates_as_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    try:
        validate(spec)
    except OpenAPIValidationError as e:  # the message names the path into the document
        pytest.fail(f"the OpenAPI document is invalid: {e}")


async def test_tax_identifier_examples_are_valid_identifiers(spec):
    """A GSTIN or PAN example an integrator copies into a request passes the product's own check."""
    seen = 0
    for where, field in fields(spec):
        name = where.rsplit(".", 1)[-1]
        for value in [v for v in field.get("examples", []) if isinstance(v, str)]:
            if name in ("gstin", "supplier_gstin", "recipient_gstin") or (name == "tax_id"):
                validate_gstin(value)
                seen += 1
            elif name == "pan_number":
                validate_pan(value)
                seen += 1
    assert seen >= 5


async def test_money_examples_are_strings_with_two_decimals(spec):
    money = spec["components"]["schemas"]["MoneyIn"]["examples"][0]
    assert money == {"amount": "1180.00", "currency": "INR"}
    assert spec["components"]["schemas"]["MoneyOut"]["examples"][0] == money


def test_a_field_without_a_glossary_entry_is_reported_with_where_to_add_it():
    """What the lead sees when another branch adds a field nobody described."""
    spec = {
        "paths": {
            "/api/v1/things": {
                "get": {
                    "summary": "List things",
                    "description": "Things of the organization.",
                    "parameters": [{"name": "colour", "in": "query", "schema": {"type": "string"}}],
                    "responses": {},
                }
            }
        },
        "components": {
            "schemas": {
                "ThingOut": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "description": "The id.", "examples": ["x"]},
                        "shade": {"type": "string"},
                    },
                }
            }
        },
    }
    gaps = undocumented(copy.deepcopy(spec))
    assert f"field ThingOut.shade: no description ({GLOSSARY})" in gaps
    assert f"field ThingOut.shade: no example ({GLOSSARY})" in gaps
    assert f"query parameter colour of GET /api/v1/things: no description ({PARAMETERS})" in gaps
    assert not [g for g in gaps if ".id:" in g]


@pytest.mark.today("2026-12-01")
async def test_the_request_examples_are_accepted_as_they_stand(api, owner, spec):
    """An integrator copies the example bodies from the explorer: an Indian organization, a property,
    a unit, a tenant and a lease go through with only the ids of what was just created put in."""
    examples = {name: s.get("examples", [None])[0] for name, s in spec["components"]["schemas"].items()}

    async def send(method: str, path: str, body: dict[str, Any], status: int) -> dict[str, Any]:
        r = await api.request(method, path, token=owner.token, json=body)
        assert r.status_code == status, (path, body, r.text)
        return r.json()["data"]

    await send("PUT", f"/api/v1/organizations/{owner.org_id}/settings", examples["SettingsIn"], 200)
    landlord, _ = await owner.add_user("PropertyOwner")
    prop = await send("POST", "/api/v1/properties", {**examples["PropertyIn"], "owner_ids": [landlord]}, 201)
    base = f"/api/v1/properties/{prop['id']}"
    unit = await send("POST", f"{base}/units", examples["UnitIn"], 201)
    tenant = await send("POST", f"{base}/tenants", examples["TenantIn"], 201)
    lease = {**examples["LeaseIn"], "unit_id": unit["id"]}
    lease_id = (await send("POST", f"{base}/tenants/{tenant['id']}/lease", lease, 201))["id"]
    await send("POST", f"/api/v1/leases/{lease_id}/activate", {}, 200)
    invoice = await send(
        "POST", "/api/v1/financial/invoices", {**examples["InvoiceCreateIn"], "lease_id": lease_id}, 201
    )
    await send("POST", f"/api/v1/financial/invoices/{invoice['id']}/issue", {}, 200)  # the example is a draft
    payment = {**examples["PaymentIn"], "lease_id": lease_id, "invoice_ids": [invoice["id"]]}
    r = await api.post("/api/v1/financial/payments", owner.token, json=payment, headers={"Idempotency-Key": "doc-1"})
    assert r.status_code == 201, r.text
    await send("POST", "/api/v1/financial/expenses", {**examples["ExpenseIn"], "property_id": prop["id"]}, 201)
    request = {**examples["RequestIn"], "property_id": prop["id"], "unit_id": unit["id"]}
    await send("POST", "/api/v1/operations/maintenance-requests", request, 201)

"""The served OpenAPI document is documented for integrators (issue 14, item 2), and stays so.

Every operation has a summary, a description and its service's tag; every field of every component
schema and every parameter has a description and an example, and every example is valid against its
own schema; every error status names its surface's envelope; the document validates as OpenAPI 3.1.
A field or parameter added without a glossary entry fails here, and the message lists every missing
name and the file to add it to (docs/api-contract.md §9).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from pmsaas.domain.shared.tax_identifiers import validate_gstin, validate_pan

METHODS = ("get", "put", "post", "patch", "delete")
GLOSSARY = "src/pmsaas/entrypoints/http/openapi_docs/fields.py (FIELDS, or OVERRIDES for Schema.field)"
PARAMETERS = "src/pmsaas/entrypoints/http/openapi_docs/parameters.py"
OPERATIONS = "the handler's docstring, or src/pmsaas/entrypoints/http/openapi_docs/operations.py"
TAGS = "src/pmsaas/entrypoints/http/openapi_docs/tags.py (_PREFIXES)"


@pytest.fixture
async def spec(api: Any) -> dict[str, Any]:
    r = await api.get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def fields(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(``Schema.field``, its schema) for every property of every component, nested ones included."""

    def walk(where: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        for name, field in (schema.get("properties") or {}).items():
            yield f"{where}.{name}", field
            yield from walk(f"{where}.{name}", field)
        if isinstance(schema.get("items"), dict):
            yield from walk(f"{where}[]", schema["items"])

    for name, component in spec["components"]["schemas"].items():
        yield from walk(name, component)


def has_example(spec: dict[str, Any], field: dict[str, Any]) -> bool:
    """An example of its own, or (a bare reference to an object schema) the referenced schema's."""
    if field.get("examples"):
        return True
    ref = field.get("$ref")
    return ref is not None and bool(spec["components"]["schemas"][ref.rsplit("/", 1)[-1]].get("examples"))


def undocumented(spec: dict[str, Any]) -> list[str]:
    """What a developer must still write, one line per gap, each naming the file to write it in."""
    gaps: list[str] = []
    for method, path, op in operations(spec):
        for part in ("summary", "description"):
            if not (op.get(part) or "").strip():
                gaps.append(f"operation {method} {path}: no {part} ({OPERATIONS})")
    for where, field in fields(spec):
        if not field.get("description"):
            gaps.append(f"field {where}: no description ({GLOSSARY})")
        if not has_example(spec, field):
            gaps.append(f"field {where}: no example ({GLOSSARY})")
    for method, path, op in operations(spec):
        for p in op.get("parameters", []):
            where = f"{p['in']} parameter {p['name']} of {method} {path}"
            if not p.get("description"):
                gaps.append(f"{where}: no description ({PARAMETERS})")
            if "example" not in p and not p.get("examples"):
                gaps.append(f"{where}: no example ({PARAMETERS})")
    return gaps


def with_components(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    # "#/components/schemas/X" resolves against the root of the schema validated: carry them along.
    return {"allOf": [schema], "components": spec["components"]}


def invalid_examples(spec: dict[str, Any]) -> list[str]:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    found: list[str] = []

    def check(where: str, value: Any, schema: dict[str, Any]) -> None:
        validator = jsonschema.Draft202012Validator(with_components(spec, schema), format_checker=checker)
        found.extend(f"{where}: {value!r}: {e.message}" for e in validator.iter_errors(value))

    for name, component in spec["components"]["schemas"].items():
        bare = {k: v for k, v in component.items() if k != "examples"}
        for value in component.get("examples", []):
            check(f"schema {name}", value, bare)
    for where, field in fields(spec):
        bare = {k: v for k, v in field.items() if k != "examples"}
        for value in field.get("examples", []):
            check(f"field {where}", value, bare)
    for method, path, op in operations(spec):
        for p in op.get("parameters", []):
            if "example" in p:
                check(f"parameter {p['name']} of {method} {path}", p["example"], p["schema"])
    return found


async def test_every_operation_field_and_parameter_is_described_with_an_example(spec):
    gaps = undocumented(spec)
    assert not gaps, f"{len(gaps)} gaps in the OpenAPI document:\n" + "\n".join(gaps)


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

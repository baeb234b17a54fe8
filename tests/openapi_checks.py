"""Checks of the served OpenAPI document, shared by its integration test and the layer's unit tests.

Each returns one line per problem, naming the file a developer fixes it in (docs/api-contract.md §9).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema

METHODS = ("get", "put", "post", "patch", "delete")
GLOSSARY = "src/pmsaas/entrypoints/http/openapi_docs/fields.py (FIELDS, or OVERRIDES for Schema.field)"
PARAMETERS = "src/pmsaas/entrypoints/http/openapi_docs/parameters.py"
OPERATIONS = "the handler's docstring, or src/pmsaas/entrypoints/http/openapi_docs/operations.py"
TAGS = "src/pmsaas/entrypoints/http/openapi_docs/tags.py (_PREFIXES)"


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

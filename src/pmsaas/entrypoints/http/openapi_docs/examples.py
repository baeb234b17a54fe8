"""Examples taken from a schema itself (an enum, a format, an object's fields), and the fit check.

A glossary example is written once per field name, but one name can carry two types (``total`` is
money on an invoice and a count in the ticketing paging). ``fits`` is the small check that keeps a
glossary example off a schema it cannot satisfy; the test validates every example in full
(jsonschema, formats included), this only picks between the glossary and the schema.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.openapi.spec import OpenAPIType, Reference, Schema

from pmsaas.entrypoints.http.openapi_docs.entry import ANY_ID, DATE, NO_EXAMPLE, TIMESTAMP

_BY_FORMAT = {
    "uuid": ANY_ID,
    "date": DATE,
    "date-time": TIMESTAMP,
    "email": "asha.rao@example.com",
    "uri": "https://example.com/hooks/pmsaas",
}
_FORMAT_SHAPE = {
    "uuid": re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+$"),
}
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def _types(schema: Schema) -> list[str]:
    kinds = schema.type if isinstance(schema.type, list) else [schema.type] if schema.type else []
    return [k.value if isinstance(k, OpenAPIType) else str(k) for k in kinds]


def _format(schema: Schema) -> str | None:
    return None if schema.format is None else str(getattr(schema.format, "value", schema.format))


def branches(schema: Schema) -> list[Schema | Reference]:
    """The alternatives of ``oneOf``/``anyOf`` (a nullable field is ``oneOf: [T, null]``), or itself."""
    return list(schema.one_of or schema.any_of or [schema])


def _fits_one(value: Any, schema: Schema | Reference) -> bool:
    if isinstance(schema, Reference):
        return isinstance(value, dict)
    if schema.one_of or schema.any_of:
        return any(_fits_one(value, b) for b in branches(schema))
    if schema.enum is not None and value not in schema.enum:
        return False
    if schema.const is not None and value != schema.const:
        return False
    kinds = _types(schema)
    if kinds and not any(
        isinstance(value, _JSON_TYPES[k]) and not (k in ("integer", "number") and isinstance(value, bool))
        for k in kinds
        if k in _JSON_TYPES
    ):
        return False
    shape = _FORMAT_SHAPE.get(_format(schema) or "")
    if shape and isinstance(value, str) and not shape.match(value):
        return False
    if isinstance(value, list) and schema.items is not None:
        return all(_fits_one(item, schema.items) for item in value)
    return not (schema.pattern and isinstance(value, str) and not re.search(schema.pattern, value))


def fits(value: Any, schema: Schema | Reference) -> bool:
    """Whether ``value`` has the schema's JSON type, enum value and (uuid, date, e-mail) format."""
    return _fits_one(value, schema)


def derive(schema: Schema | Reference, components: dict[str, Schema], seen: frozenset[str] = frozenset()) -> Any:
    """An example the schema itself determines, or ``NO_EXAMPLE`` when only a person can write one."""
    if isinstance(schema, Reference):
        name = schema.ref.rsplit("/", 1)[-1]
        target = components.get(name)
        if target is None or name in seen:
            return NO_EXAMPLE
        return derive(target, components, seen | {name})
    if schema.examples:
        return schema.examples[0]
    if schema.const is not None:
        return schema.const
    if schema.enum:
        return next((v for v in schema.enum if v is not None), NO_EXAMPLE)
    if schema.one_of or schema.any_of:
        for branch in branches(schema):
            if not (isinstance(branch, Schema) and _types(branch) == ["null"]):
                return derive(branch, components, seen)
        return None
    if (found := _BY_FORMAT.get(_format(schema) or "")) is not None:
        return found
    return _by_type(schema, components, seen)


def _by_type(schema: Schema, components: dict[str, Schema], seen: frozenset[str]) -> Any:
    kinds = [k for k in _types(schema) if k != "null"]
    if not kinds and _types(schema) == ["null"]:
        return None  # an answer without data ("data": null)
    kind = kinds[0] if kinds else ("object" if schema.properties else None)
    if kind == "boolean":
        return True
    if kind == "array":
        item = NO_EXAMPLE if schema.items is None else derive(schema.items, components, seen)
        return NO_EXAMPLE if item is NO_EXAMPLE else [item]
    if kind == "object":
        fields = {}
        for name, field in (schema.properties or {}).items():
            value = derive(field, components, seen)
            if value is NO_EXAMPLE:
                return NO_EXAMPLE
            fields[name] = value
        return fields
    return NO_EXAMPLE

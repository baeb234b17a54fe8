"""Text bounds, walked from the OpenAPI document: a NUL or a control character in any string field of
any JSON body is a 422 in the envelope, never a 500 (PostgreSQL refuses NUL in text; issue 11).

The bodies are made from each operation's request schema: the required fields get plausible values,
then each top-level string property (and each string inside a top-level object) carries the bad text.
The check runs at decoding, before any lookup, so random ids in the path are fine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Api

JSON_WRITES = ("post", "put", "patch")


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    for key in ("oneOf", "anyOf"):
        if key in schema:  # `X | None`: the non-null branch
            branches = [b for b in schema[key] if b.get("type") != "null"]
            return _resolve(doc, branches[0])
    return schema


def _sample(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    schema = _resolve(doc, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object" and depth < 4:
        props = schema.get("properties", {})
        return {name: _sample(doc, props[name], depth + 1) for name in schema.get("required", []) if name in props}
    if kind == "array":
        return [_sample(doc, schema.get("items", {}), depth + 1)] if schema.get("minItems") else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2027-01-01"
    if fmt == "date-time":
        return "2027-01-01T00:00:00Z"
    if fmt == "email":
        return "someone@example.com"
    if schema.get("maxLength") == 3 and schema.get("minLength") == 3:
        return "USD"
    if "pattern" in schema:
        return "10.00"
    return "text"


def _string_props(doc: dict[str, Any], schema: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    """Paths of the string properties at the top level and one level down."""
    for name, prop in _resolve(doc, schema).get("properties", {}).items():
        inner = _resolve(doc, prop)
        if inner.get("type") == "string" or (isinstance(inner.get("type"), list) and "string" in inner["type"]):
            if "enum" not in inner and inner.get("format") not in ("uuid", "date", "date-time"):
                yield (name,)
        elif inner.get("type") == "object":
            for sub, sub_prop in inner.get("properties", {}).items():
                if _resolve(doc, sub_prop).get("type") == "string":
                    yield (name, sub)


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    # Logout last: it ends the session the walk signs in with.
    for path, item in sorted(doc["paths"].items(), key=lambda p: p[0].endswith("/logout")):
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {}) if method in JSON_WRITES else {}
            if "application/json" in content:
                yield method.upper(), path, content["application/json"]["schema"]


def _url(doc: dict[str, Any], path: str, method: str) -> str:
    for param in doc["paths"][path][method.lower()].get("parameters", []):
        if param.get("in") == "path":
            path = path.replace("{" + param["name"] + "}", str(uuid.uuid4()))
    return path


def _with(body: Any, where: tuple[str, ...], text: str, doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    body = dict(body or {})
    if len(where) == 1:
        body[where[0]] = text
        return body
    outer = _resolve(doc, schema)["properties"][where[0]]
    inner = dict(body.get(where[0]) or _sample(doc, outer) or {})
    inner[where[1]] = text
    body[where[0]] = inner
    return body


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "\x07"])
async def test_control_characters_in_every_string_field_are_422(api: Api, owner, bad):
    doc = api.client.app.openapi_schema.to_schema()
    failures: list[str] = []
    checked = 0
    for method, path, schema in _operations(doc):
        base = _sample(doc, schema)
        for where in _string_props(doc, schema):
            body = _with(base, where, bad, doc, schema)
            headers = {"Idempotency-Key": str(uuid.uuid4())}
            r = await api.request(method, _url(doc, path, method), token=owner.token, json=body, headers=headers)
            checked += 1
            if r.status_code != 422:
                failures.append(f"{method} {path} {'.'.join(where)}: {r.status_code} {r.text[:160]}")
            elif r.json().get("success") is False:
                assert r.json()["error"]["code"] == "VALIDATION_ERROR", r.text
    assert checked > 100, checked
    assert not failures, "\n".join(failures)


async def test_unauthenticated_bodies_refuse_nul(api: Api):
    for path, body in [
        ("/api/v1/identity/login", {"email": "a\x00@example.com", "password": "x"}),
        ("/api/v1/identity/forgot-password", {"email": "a\x00@example.com"}),
        (
            "/api/v1/identity/register",
            {"email": "n@example.com", "password": "a long password\x00", "name": "N\x00", "organization_name": "O"},
        ),
    ]:
        r = await api.post(path, json=body)
        assert r.status_code == 422, (path, r.text)
        assert r.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("text", ["line one\nline two", "tab\there", "crlf\r\n", "café ₹ 日本"])
async def test_ordinary_text_is_kept(api: Api, owner, text):
    r = await api.post(
        "/api/v1/operations/maintenance-requests",
        owner.token,
        json={"title": "Leak", "description": text, "property_id": str(uuid.uuid4())},
    )
    assert r.status_code != 422 or "description" not in r.text, r.text

"""A Postman collection (format v2.1.0) built from the OpenAPI document.

One folder per tag, one request per operation, path parameters as Postman variables (`:id`),
required query parameters listed, and a JSON body sketched from the request schema so that a
request can be sent after filling in the values. The platform API authenticates with the bearer
token in `{{accessToken}}` (the collection's auth); `/v1` (ticketing) requests use the `X-API-Key` header
with `{{apiKey}}`. Format: https://schema.postman.com/collection/json/v2.1.0/draft-07/collection.json
"""

from __future__ import annotations

import re
from typing import Any

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_MAX_DEPTH = 4  # bodies are sketches: deep nesting adds noise, not help
_PATH_PARAM = re.compile(r"\{([^}]+)\}")


def collection(document: dict[str, Any], *, base_url: str = "http://127.0.0.1:8000") -> dict[str, Any]:
    folders: dict[str, list[dict[str, Any]]] = {}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            tag = (operation.get("tags") or ["Other"])[0]
            folders.setdefault(tag, []).append(_request(document, path, method, operation))
    info = document.get("info", {})
    return {
        "info": {
            "name": info.get("title", "pmsaas"),
            "description": info.get("description", ""),
            "schema": SCHEMA_URL,
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}", "type": "string"}]},
        "variable": [
            {"key": "baseUrl", "value": base_url},
            {"key": "accessToken", "value": ""},
            {"key": "apiKey", "value": ""},
        ],
        "item": [{"name": tag, "item": items} for tag, items in sorted(folders.items())],
    }


def _request(document: dict[str, Any], path: str, method: str, operation: dict[str, Any]) -> dict[str, Any]:
    segments = [segment for segment in _PATH_PARAM.sub(r":\1", path).split("/") if segment]
    parameters = operation.get("parameters", [])
    url: dict[str, Any] = {
        "raw": "{{baseUrl}}/" + "/".join(segments),
        "host": ["{{baseUrl}}"],
        "path": segments,
    }
    variables = [
        {"key": p["name"], "value": "", "description": p.get("description", "")}
        for p in parameters
        if p.get("in") == "path"
    ]
    if variables:
        url["variable"] = variables
    query = [
        {"key": p["name"], "value": "", "disabled": not p.get("required", False)}
        for p in parameters
        if p.get("in") == "query"
    ]
    if query:
        url["query"] = query
    request: dict[str, Any] = {"method": method.upper(), "header": [], "url": url}
    if operation.get("description") or operation.get("summary"):
        request["description"] = operation.get("description") or operation.get("summary")
    if _takes_api_key(path, operation):
        request["auth"] = {
            "type": "apikey",
            "apikey": [
                {"key": "key", "value": "X-API-Key", "type": "string"},
                {"key": "value", "value": "{{apiKey}}", "type": "string"},
                {"key": "in", "value": "header", "type": "string"},
            ],
        }
    elif operation.get("security") == []:
        request["auth"] = {"type": "noauth"}
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body_schema is not None:
        request["header"].append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {
            "mode": "raw",
            "raw": _json(_sketch(document, body_schema, 0)),
            "options": {"raw": {"language": "json"}},
        }
    return {"name": operation.get("summary") or f"{method.upper()} {path}", "request": request}


def _takes_api_key(path: str, operation: dict[str, Any]) -> bool:
    """The ticketing API (`/v1`) is an integrator's API: its requests carry the API key."""
    requirements = operation.get("security") or []
    names = {name for requirement in requirements for name in requirement}
    return names == {"ApiKey"} or path.startswith("/v1/")


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 16:  # a $ref chain is short; the bound guards a cycle
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _sketch(document: dict[str, Any], schema: dict[str, Any], depth: int) -> Any:
    """An example value: the schema's own example when it has one, else a placeholder per type."""
    schema = _resolve(document, schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            options = [s for s in schema[key] if _resolve(document, s).get("type") != "null"]
            return _sketch(document, (options or schema[key])[0], depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        if depth >= _MAX_DEPTH:
            return {}
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        chosen = [name for name in properties if name in required] or list(properties)[:3]
        return {name: _sketch(document, properties[name], depth + 1) for name in chosen}
    if kind == "array":
        return [] if depth >= _MAX_DEPTH else [_sketch(document, schema.get("items", {}), depth + 1)]
    return _placeholder(kind, schema.get("format"))


def _placeholder(kind: Any, fmt: Any) -> Any:
    if kind == "integer":
        return 0
    if kind == "number":
        return 0
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    by_format = {
        "date": "2026-12-01",
        "date-time": "2026-12-01T00:00:00Z",
        "uuid": "00000000-0000-0000-0000-000000000000",
        "email": "someone@example.com",
        "uri": "https://example.com/",
    }
    return by_format.get(fmt, "")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)

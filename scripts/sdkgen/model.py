"""The OpenAPI document read into what both SDKs need: models, namespaces and operations.

Namespaces follow the paths: a *collection* is a path segment that some path continues with an id
(``/api/v1/properties`` → ``/api/v1/properties/{property_id}``). An operation belongs to the longest
collection its path starts with; on the collection itself ``GET`` is ``list`` and ``POST`` is
``create``, on ``/{id}`` ``GET``/``PUT``/``PATCH``/``DELETE`` are ``get``/``update``/``update``/
``delete``, anything longer (``/{id}/activate``) is named after its handler (``activate``). Paths
under no collection (``/api/v1/identity/login``) go to the namespace of their first segment
(``identity.login``). The ticketing surface (``/v1``) is a namespace of its own (``sdk.ticketing``).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

SURFACES = {"platform": "/api/v1/", "ticketing": "/v1/"}
# Called by payment providers, not by integrators.
EXCLUDED = re.compile(r"/payments/webhooks/")
ITEM_VERBS = {"get": "get", "put": "update", "patch": "update", "delete": "delete"}
COLLECTION_VERBS = {"get": "list", "post": "create"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Param:
    name: str  # as the API spells it
    py: str
    ts: str
    schema: dict
    required: bool
    description: str = ""


@dataclass
class Operation:
    name: str
    method: str
    path: str
    summary: str
    path_params: list[Param]
    query: list[Param]
    body: str  # "none" | "json" | "multipart"
    body_schema: dict | None
    body_required: bool
    returns: str  # "data" | "page" | "raw" | "bytes" | "none"
    data_schema: dict | None

    @property
    def paginated(self) -> bool:
        return self.returns == "page"


@dataclass
class Namespace:
    surface: str
    name: str  # snake case attribute
    operations: list[Operation] = field(default_factory=list)

    @property
    def class_name(self) -> str:
        prefix = "Ticketing" if self.surface == "ticketing" else ""
        return prefix + pascal(self.name)


@dataclass
class Api:
    models: dict[str, dict]  # model name → schema (envelopes left out)
    refs: dict[str, str]  # component name → model name
    namespaces: list[Namespace]


def pascal(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", text) if part)


def camel(text: str) -> str:
    head, *rest = text.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake(text: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text).replace("-", "_").replace(".", "_").lower()


def _py_name(name: str) -> str:
    name = name.replace("-", "_")
    return name + "_" if keyword.iskeyword(name) or name in {"body", "self"} else name


def _is_envelope(schema: dict) -> bool:
    props = schema.get("properties", {})
    return "data" in props and ("success" in props or "status" in props)


def _model_names(schemas: dict[str, dict]) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for component in sorted(schemas):
        if _is_envelope(schemas[component]):
            continue
        # litestar names clashing structs after their module (`platform_identity_identity_UserOut`)
        short = pascal(component) if component.isidentifier() else pascal(component.rstrip("_").split(".")[-1])
        if short in taken and "." in component:
            short = pascal(component.rstrip("_").split(".")[-2]) + short
        if short in taken:
            raise SystemExit(f"two models named {short}: {component}")
        taken.add(short)
        names[component] = short
    return names


def _handler(operation_id: str, path: str) -> str:
    prefix = "".join(part.title() for part in re.split(r"[^0-9A-Za-z]+", path) if part)
    rest = operation_id[len(prefix) :] if operation_id.startswith(prefix) and operation_id != prefix else operation_id
    return snake(rest)


def _collections(paths: list[str]) -> set[tuple[str, ...]]:
    found = set()
    for path in paths:
        segments = tuple(path.strip("/").split("/"))
        for index, segment in enumerate(segments):
            if segment.startswith("{") and index > 0 and not segments[index - 1].startswith("{"):
                found.add(segments[:index])
    return found


def _returns(operation: dict, schemas: dict[str, dict]) -> tuple[str, dict | None]:
    for status in ("200", "201", "202", "204"):
        response = operation["responses"].get(status)
        if response is None:
            continue
        content = response.get("content") or {}
        if not content:
            return "none", None
        if "application/json" not in content:
            return "bytes", None
        schema = content["application/json"].get("schema", {})
        ref = schema.get("$ref", "").rsplit("/", 1)[-1]
        if ref and _is_envelope(schemas[ref]):
            kind = "page" if ref.startswith(("Paginated_", "TicketingList_")) else "data"
            return kind, schemas[ref]["properties"]["data"]
        return "raw", schema
    return "none", None


def _param(raw: dict) -> Param:
    name = raw["name"]
    return Param(
        name=name,
        py=_py_name(name),
        ts=camel(name.replace("-", "_")),
        schema=raw.get("schema", {}),
        required=bool(raw.get("required")),
        description=raw.get("description", ""),
    )


def _operation(name: str, method: str, path: str, raw: dict, schemas: dict[str, dict]) -> Operation:
    params = [_param(p) for p in raw.get("parameters", [])]
    in_path = set(re.findall(r"{(\w+)}", path))
    body, body_schema, body_required = "none", None, False
    if "requestBody" in raw:
        content = raw["requestBody"]["content"]
        body = "json" if "application/json" in content else "multipart"
        body_schema = content.get("application/json", {}).get("schema")
        body_required = bool(raw["requestBody"].get("required"))
    returns, data_schema = _returns(raw, schemas)
    return Operation(
        name=name,
        method=method.upper(),
        path=path,
        summary=(raw.get("summary") or "").strip(),
        path_params=sorted((p for p in params if p.name in in_path), key=lambda p: path.index("{" + p.name + "}")),
        query=[p for p in params if p.name not in in_path],
        body=body,
        body_schema=body_schema,
        body_required=body_required,
        returns=returns,
        data_schema=data_schema,
    )


def _place(path: str, method: str, surface: str, collections: set[tuple[str, ...]]) -> tuple[str, str | None]:
    """The namespace of an operation and its verb name (None: named after the handler)."""
    segments = tuple(path.strip("/").split("/"))
    start = len(SURFACES[surface].strip("/").split("/"))
    owners = [c for c in collections if segments[: len(c)] == c and len(c) > start]
    if not owners:
        return snake(segments[start]), None
    owner = max(owners, key=len)
    rest = segments[len(owner) :]
    if not rest:
        return snake(owner[-1]), COLLECTION_VERBS.get(method)
    if len(rest) == 1 and rest[0].startswith("{"):
        return snake(owner[-1]), ITEM_VERBS.get(method)
    return snake(owner[-1]), None


def build_api(document: dict) -> Api:
    schemas = document["components"]["schemas"]
    refs = _model_names(schemas)
    paths = sorted(document["paths"])
    collections = _collections(paths)
    namespaces: dict[tuple[str, str], Namespace] = {}
    for path in paths:
        surface = next((s for s, prefix in SURFACES.items() if path.startswith(prefix)), None)
        if surface is None or EXCLUDED.search(path):
            continue
        for method in HTTP_METHODS:
            raw = document["paths"][path].get(method)
            if raw is None:
                continue
            space, verb = _place(path, method, surface, collections)
            namespace = namespaces.setdefault((surface, space), Namespace(surface, space))
            handler = _handler(raw["operationId"], path)
            taken = {op.name for op in namespace.operations}
            name = verb if verb and verb not in taken else handler
            if name in taken:
                raise SystemExit(f"two operations named {space}.{name}: rename a handler ({method} {path})")
            namespace.operations.append(_operation(name, method, path, raw, schemas))
    models = {refs[c]: schemas[c] for c in sorted(refs)}
    ordered = sorted(namespaces.values(), key=lambda n: (n.surface != "platform", n.name))
    return Api(models=models, refs=refs, namespaces=ordered)


def ref_name(api: Api, schema: dict) -> str | None:
    """The model a ``$ref`` names; None for no ref, or for an envelope inside a union (a list that
    may also answer CSV: typed loosely, the SDK unwraps the envelope at run time)."""
    ref = schema.get("$ref")
    return api.refs.get(ref.rsplit("/", 1)[-1]) if ref else None

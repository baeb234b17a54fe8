"""OpenAPI links (OpenAPI 3.1 §4.8.20) from each create operation to the operations on what it made.

A ``201`` that answers ``{"data": {"id": …}}`` at ``P`` links to every operation at ``P/{x_id}`` and
below it, with ``x_id`` taken from the response body and the parent path's own parameters from the
request. Clients and generators (the schemathesis suite in tests/) follow them to chain a create with
the reads and writes of the new record. Derived from the route table, so a new collection gets its
links without anyone writing them; ``EXTRA`` names the creates whose record lives elsewhere.
"""

from __future__ import annotations

import re

from litestar.openapi.spec import Link, OpenAPI, OpenAPIResponse, Operation, PathItem

_METHODS = ("get", "put", "patch", "post", "delete")
_PARAM = re.compile(r"\{(\w+)\}")
# A create whose record is addressed under another collection: (create path, the record's path, its id).
EXTRA = (("/api/v1/properties/{property_id}/tenants/{tenant_id}/lease", "/api/v1/leases/{lease_id}", "lease_id"),)


def _operations(item: PathItem) -> list[tuple[str, Operation]]:
    found = ((method, getattr(item, method, None)) for method in _METHODS)
    return [(method, op) for method, op in found if isinstance(op, Operation)]


def _targets(paths: dict[str, PathItem], base: str, param: str) -> list[tuple[str, str, Operation]]:
    record = f"{base}/{{{param}}}"
    return [
        (path, method, op)
        for path, item in paths.items()
        if path == record or path.startswith(record + "/")
        for method, op in _operations(item)
        if op.operation_id
    ]


def _link(create_path: str, target_path: str, record_param: str, operation_id: str) -> Link:
    parameters: dict[str, str] = {}
    for name in _PARAM.findall(target_path):
        if name == record_param:
            parameters[name] = "$response.body#/data/id"
        elif name in _PARAM.findall(create_path):
            parameters[name] = f"$request.path.{name}"
    return Link(operation_id=operation_id, parameters=parameters)


def _record_param(paths: dict[str, PathItem], create_path: str) -> str | None:
    """The ``{x_id}`` of the records created at ``create_path``: the one parameter its children add."""
    for path in paths:
        if path.startswith(create_path + "/{"):
            return path[len(create_path) + 2 :].split("}", 1)[0]
    return None


def document_links(schema: OpenAPI) -> None:
    paths = schema.paths or {}
    creates = [(path, path, _record_param(paths, path)) for path in paths]
    creates += [(create, base.rsplit("/{", 1)[0], param) for create, base, param in EXTRA]
    for create_path, base, param in creates:
        post = getattr(paths.get(create_path), "post", None)
        created = (post.responses or {}).get("201") if isinstance(post, Operation) else None
        if param is None or not isinstance(created, OpenAPIResponse):
            continue
        links = dict(created.links or {})
        for target_path, _method, op in _targets(paths, base, param):
            if target_path.count("{") - base.count("{") > 1:
                continue  # a grandchild needs an id this response does not give (an attachment's, ...)
            assert op.operation_id is not None
            links[op.operation_id] = _link(create_path, target_path, param, op.operation_id)
        created.links = links or None

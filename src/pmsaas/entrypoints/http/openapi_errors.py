"""The error responses every operation really sends, written into the OpenAPI document.

Litestar documents only a generic ``400`` (its own validation error shape) per operation. Our errors
come from one place (``errors.py``) in the contract's envelopes (docs/api-contract.md §2, §3), so the
document says so once per surface: a platform error envelope for ``/api/v1``, the ticketing one for
``/v1``, and per operation the statuses it can answer.
Every operation under ``/api/`` and ``/v1/`` gets 400, 401, 422, 429 and 503; 403 where credentials
are needed, 404 where the path or a filter names a resource, 409 on writes.
"""

from __future__ import annotations

from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

from pmsaas.entrypoints.http.auth import is_public


def _text(description: str, example: str) -> Schema:
    return Schema(type=OpenAPIType.STRING, description=description, examples=[example])


_STAMP = "2026-04-01T09:30:00Z"
_REQUEST = "req_7f3a9c2e41b8"
_PLATFORM = Schema(
    type=OpenAPIType.OBJECT,
    required=["success", "error", "meta"],
    description="The platform API's error envelope (docs/api-contract.md §2).",
    properties={
        "success": Schema(
            type=OpenAPIType.BOOLEAN, const=False, description="Always false on an error.", examples=[False]
        ),
        "error": Schema(
            type=OpenAPIType.OBJECT,
            required=["code", "message", "details"],
            description="What went wrong.",
            properties={
                "code": _text("Error code to branch on (upper snake case).", "VALIDATION_ERROR"),
                "message": _text("What went wrong, for people.", "The request has invalid fields"),
                "details": Schema(
                    type=OpenAPIType.ARRAY,
                    description="One entry per bad field (dotted paths for nested fields); empty otherwise.",
                    items=Schema(
                        type=OpenAPIType.OBJECT,
                        properties={
                            "field": _text("The field, as a dotted path.", "address.postal_code"),
                            "message": _text("What is wrong with it.", "must be 6 digits"),
                        },
                        required=["field", "message"],
                    ),
                    examples=[[{"field": "address.postal_code", "message": "must be 6 digits"}]],
                ),
                "retry_after": Schema(
                    type=OpenAPIType.INTEGER, description="429 only: seconds to wait before retrying.", examples=[900]
                ),
            },
        ),
        "meta": Schema(
            type=OpenAPIType.OBJECT,
            description="When the error happened and the ids to quote to support.",
            properties={
                "timestamp": _text("When the server answered (ISO 8601, UTC).", _STAMP),
                "request_id": _text("Id of the request (X-Request-ID).", _REQUEST),
                "correlation_id": _text("Id that ties the request to the server's logs.", _REQUEST),
            },
        ),
    },
)
_TICKETING = Schema(
    type=OpenAPIType.OBJECT,
    required=["status", "error"],
    description="The ticketing API's error envelope (docs/api-contract.md §3).",
    properties={
        "status": Schema(type=OpenAPIType.STRING, const="error", description="Always error.", examples=["error"]),
        "error": Schema(
            type=OpenAPIType.OBJECT,
            required=["code", "message"],
            description="What went wrong.",
            properties={
                "code": _text("Error code to branch on (lower snake case).", "validation_error"),
                "message": _text("What went wrong, for people.", "The title field is required."),
                "details": Schema(
                    type=OpenAPIType.OBJECT,
                    description="The messages per bad field.",
                    additional_properties=Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.STRING)),
                    examples=[{"title": ["The title field is required."]}],
                ),
            },
        ),
    },
)
_WRITES = frozenset({"post", "put", "patch", "delete"})
_DESCRIPTIONS = {  # the codes per surface are in docs/api-contract.md §2 (platform) and §3 (ticketing)
    "400": "Malformed JSON or wrong content type",
    "401": "No, bad or expired credentials",
    "403": "Authenticated, but the permission (or OAuth scope) is missing",
    "404": "Unknown id, or an id of another organization",
    "409": "Unique clash, illegal state transition, stale version, or a plan limit reached",
    "422": "Body or query validation: one detail per field",
    "429": "Rate limit exceeded; Retry-After says when to retry",
    "503": "A dependency (database, Redis, payment gateway) is down",
}


def document_errors(schema: OpenAPI) -> None:
    """Adds the envelopes to the components and the error statuses to every operation (idempotent)."""
    assert schema.components is not None  # OpenAPIConfig always has components (the security schemes)
    schemas = schema.components.schemas = dict(schema.components.schemas or {})
    schemas["PlatformError"], schemas["TicketingError"] = _PLATFORM, _TICKETING
    for path, item in (schema.paths or {}).items():
        envelope = "TicketingError" if path.startswith("/v1/") else "PlatformError"
        for method in ("get", "put", "post", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is not None and path.startswith(("/api/", "/v1/")):
                _add(operation, path, method, envelope)


def _add(operation: Operation, path: str, method: str, envelope: str) -> None:
    # Public routes answer 401 too (a bad password, a bad webhook signature) and are throttled (429).
    wanted = ["400", "401", "422", "429", "503"]
    if not is_public(path):
        wanted.append("403")
    names = [getattr(p, "name", "") for p in operation.parameters or []]
    if "{" in path or any(n.endswith("_id") for n in names):  # a path id, or a filter naming a resource
        wanted.append("404")
    if method in _WRITES:
        wanted.append("409")
    responses = dict(operation.responses or {})
    content = {"application/json": OpenAPIMediaType(schema=Reference(ref=f"#/components/schemas/{envelope}"))}
    for status in sorted(wanted):
        # Litestar's own 400 describes its ValidationException, which errors.py never sends.
        responses[status] = OpenAPIResponse(description=_DESCRIPTIONS[status], content=content)
    operation.responses = responses

"""One place that maps errors to statuses and envelope codes, for both surfaces."""

from __future__ import annotations

import re
from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from pmsaas.domain.shared.errors import (
    AuthenticationFailed,
    CommitOutcomeUnknown,
    Conflict,
    DependencyUnavailable,
    DomainError,
    NotFound,
    PermissionDenied,
    RateLimited,
    TokenExpired,
    UnreadableInput,
    ValidationFailed,
)
from pmsaas.domain.shared.idempotency import IdempotencyKeyReused
from pmsaas.entrypoints.http.context import loggable_path, request_id_for
from pmsaas.entrypoints.http.envelope import (
    ErrorDetail,
    TicketingError,
    TicketingErrorResponse,
    error_response,
)

log = structlog.get_logger("pmsaas.http")

# Set in the request's scope state when a write may or may not have been saved (a lost COMMIT the
# database could not settle): the idempotency layer then keeps the request's key claimed.
OUTCOME_UNKNOWN = "pmsaas.commit_outcome_unknown"

# Redis down (rate limits, revocations) is a dependency outage, not a bug.
_UNAVAILABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)

# (status, platform code, ticketing code)
_DOMAIN: list[tuple[type[DomainError], int, str, str]] = [
    (TokenExpired, 401, "TOKEN_EXPIRED", "authentication_failed"),
    (AuthenticationFailed, 401, "AUTHENTICATION_FAILED", "authentication_failed"),
    (PermissionDenied, 403, "INSUFFICIENT_PERMISSIONS", "insufficient_scope"),
    (NotFound, 404, "RESOURCE_NOT_FOUND", "not_found"),
    (Conflict, 409, "RESOURCE_CONFLICT", "conflict"),
    (IdempotencyKeyReused, 422, "IDEMPOTENCY_KEY_REUSED", "idempotency_key_reused"),  # before its base class
    (ValidationFailed, 422, "VALIDATION_ERROR", "validation_error"),
    (RateLimited, 429, "RATE_LIMIT_EXCEEDED", "rate_limit_exceeded"),
    (DependencyUnavailable, 503, "SERVICE_UNAVAILABLE", "service_unavailable"),
    (UnreadableInput, 400, "BAD_REQUEST", "bad_request"),
]
_STATUS_CODES = {
    400: ("BAD_REQUEST", "bad_request"),
    401: ("AUTHENTICATION_FAILED", "authentication_failed"),
    403: ("INSUFFICIENT_PERMISSIONS", "insufficient_scope"),
    404: ("RESOURCE_NOT_FOUND", "not_found"),
    405: ("METHOD_NOT_ALLOWED", "method_not_allowed"),
    409: ("RESOURCE_CONFLICT", "conflict"),
    413: ("PAYLOAD_TOO_LARGE", "payload_too_large"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "unsupported_media_type"),
    422: ("VALIDATION_ERROR", "validation_error"),
    429: ("RATE_LIMIT_EXCEEDED", "rate_limit_exceeded"),
    503: ("SERVICE_UNAVAILABLE", "service_unavailable"),
}


class ApiError(HTTPException):
    """An error raised by the HTTP layer itself with an explicit contract code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=message, status_code=status, headers=headers)
        self.code = code
        self.details = details or []


def _is_ticketing(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith("/v1/") or request.url.path == "/v1"


def render(
    request: Request[Any, Any, Any],
    status: int,
    code: str,
    ticket_code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    *,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    headers = dict(headers or {})
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if _is_ticketing(request):
        grouped: dict[str, list[str]] = {}
        for d in details or []:
            grouped.setdefault(d.field, []).append(_ticketing_sentence(d))
        if status == 422 and grouped:
            # Seed 002 leads with the first problem: "The title field is required."
            message = next(iter(grouped.values()))[0]
        body: Any = TicketingErrorResponse(error=TicketingError(code=ticket_code, message=message, details=grouped))
    else:
        body = error_response(code, message, details, retry_after, request_id=request_id_for(request.scope))
    return Response(content=body, status_code=status, headers=headers, media_type="application/json")


_MSGSPEC_UNKNOWN = re.compile(r"unknown field `(?P<name>[^`]+)`", re.I)
_MSGSPEC_MISSING = re.compile(r"missing required field `(?P<name>[^`]+)`", re.I)
_BOUNDS_FIELD = re.compile(r"^Field `(?P<name>[^`]+)` ")  # bounds.check_value's messages


def _detail(item: dict[str, Any]) -> ErrorDetail:
    """Litestar gives key 'address' + "Object missing required field `postal_code`": join them
    into the dotted path the contract asks for ('address.postal_code')."""
    key = str(item.get("key") or "")
    key = "" if key == "data" else re.sub(r"\[(\d+)\]", r".\1", key)
    message = str(item.get("message", "invalid value"))
    for pattern in (_MSGSPEC_UNKNOWN, _MSGSPEC_MISSING, _BOUNDS_FIELD):
        if m := pattern.search(message):
            key = f"{key}.{m.group('name')}" if key else m.group("name")
            if pattern is _BOUNDS_FIELD:
                message = message[m.end() :].split(" - at `", 1)[0]
    return ErrorDetail(field=key or "body", message=message)


def _validation_details(exc: ValidationException) -> list[ErrorDetail]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    return [_detail(item) for item in extra if isinstance(item, dict)]


def _ticketing_sentence(detail: ErrorDetail) -> str:
    """Seed 002 phrases field errors as sentences ("The title field is required.")."""
    name = detail.field.rsplit(".", 1)[-1].replace("_", " ")
    if _MSGSPEC_MISSING.search(detail.message):
        return f"The {name} field is required."
    if _MSGSPEC_UNKNOWN.search(detail.message):
        return f"The {name} field is not allowed."
    text = detail.message.rstrip(".")
    return f"The {name} field {text[0].lower() + text[1:]}." if text else f"The {name} field is invalid."


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, DomainError):
        return _domain(request, exc)
    if isinstance(exc, ApiError):
        ticket = _STATUS_CODES.get(exc.status_code, (exc.code, exc.code.lower()))[1]
        return render(request, exc.status_code, exc.code, ticket, exc.detail, exc.details, headers=exc.headers)
    if isinstance(exc, ValidationException):
        return _validation(request, exc)
    if isinstance(exc, NotAuthorizedException):
        return render(request, 401, "AUTHENTICATION_FAILED", "authentication_failed", exc.detail or "Not authenticated")
    if isinstance(exc, PermissionDeniedException):
        return render(request, 403, "INSUFFICIENT_PERMISSIONS", "insufficient_scope", exc.detail or "Forbidden")
    if isinstance(exc, NotFoundException):
        return render(request, 404, "RESOURCE_NOT_FOUND", "not_found", "Resource not found")
    if isinstance(exc, MethodNotAllowedException):
        return render(
            request, 405, "METHOD_NOT_ALLOWED", "method_not_allowed", "Method not allowed", headers=exc.headers
        )
    if isinstance(exc, _UNAVAILABLE):
        log.warning("dependency_unavailable", error=type(exc).__name__, request_id=request_id_for(request.scope))
        return render(request, 503, "SERVICE_UNAVAILABLE", "service_unavailable", "A dependency is unavailable")
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        code, ticket = _STATUS_CODES.get(exc.status_code, ("BAD_REQUEST", "bad_request"))
        return render(request, exc.status_code, code, ticket, exc.detail, headers=exc.headers)
    # Bound explicitly: an error raised by a middleware is rendered after the request context ended.
    log.error(
        "unhandled_error",
        path=loggable_path(request.url.path),
        method=request.method,
        request_id=request_id_for(request.scope),
        exc_info=exc,
    )
    return render(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "internal_error",
        "An unexpected error occurred; quote the request id when reporting it",
    )


def _domain(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    if isinstance(exc, CommitOutcomeUnknown):
        request.scope.setdefault("state", {})[OUTCOME_UNKNOWN] = True  # the idempotency layer reads it
    for cls, status, code, ticket in _DOMAIN:
        if isinstance(exc, cls):
            details = [ErrorDetail(field=p.field, message=p.message) for p in getattr(exc, "problems", [])]
            retry = exc.retry_after if isinstance(exc, RateLimited) else None
            message = "Validation failed" if isinstance(exc, ValidationFailed) and len(details) != 1 else exc.message
            return render(
                request,
                status,
                code,
                ticket,
                message,
                details,
                retry_after=retry,
                headers=getattr(exc, "headers", None),
            )
    return render(request, 400, "BAD_REQUEST", "bad_request", exc.message)


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    details = _validation_details(exc) or [ErrorDetail(field="body", message=exc.detail or "invalid request")]
    return render(request, 422, "VALIDATION_ERROR", "validation_error", "Validation failed", details)


def status_and_code(exc: DomainError) -> tuple[int, str]:
    """The HTTP status and platform error code of a domain error (a WebSocket closes with 4000 + status)."""
    for kind, status, code, _ in _DOMAIN:
        if isinstance(exc, kind):
            return status, code
    return 500, "INTERNAL_ERROR"

"""ASGI middleware: request id + access log, and authentication + rate limiting.

Both are plain ASGI for speed: they run on every request, before routing work.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

import structlog
from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pmsaas.entrypoints.http.bounds import MAX_DEPTH, check_value, too_deep
from pmsaas.entrypoints.http.context import loggable_path, request_id_for, request_id_var

log = structlog.get_logger("pmsaas.http")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


STARTED_KEY = "pmsaas.started"


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Echo or create X-Request-ID and bind it into every log line of the request.

    The access log line itself is written by ``stamp_request_id`` (a before_send hook), which
    sees every response: errors raised by middleware, unknown routes and 405s included.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP and scope["type"] != ScopeType.WEBSOCKET:
            await app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        scope.setdefault(STARTED_KEY, time.perf_counter())  # type: ignore[misc]  # our key, not in Litestar's Scope
        token = request_id_var.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            await app(scope, receive, send)
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(token)

    return middleware


def add_headers(message: Message, extra: dict[str, str]) -> None:
    headers = MutableScopeHeaders.from_message(message)
    for k, v in extra.items():
        headers[k] = v


__all__ = ["_header", "add_headers", "request_context_middleware"]


async def stamp_request_id(message: Message, scope: Scope) -> None:
    """Litestar before_send hook: every response, errors included, carries X-Request-ID and is
    logged once (the request id is passed explicitly: an error rendered outside the middleware
    stack is sent after the request's log context has ended)."""
    if message["type"] == "http.response.start":
        request_id = request_id_for(scope)
        MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
        if scope["type"] == ScopeType.HTTP:
            started = scope.get(STARTED_KEY)
            log.info(
                "request",
                request_id=request_id,
                method=scope.get("method"),
                path=loggable_path(scope.get("path") or ""),
                status=message["status"],
                duration_ms=round((time.perf_counter() - started) * 1000, 2) if isinstance(started, float) else None,
            )


_JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def require_json_body(request: Request[Any, Any, Any]) -> None:
    """before_request hook: a handler that reads a JSON body gets one (docs/api-contract.md §2: a wrong
    content type or a missing body is 400 BAD_REQUEST, like malformed JSON). Multipart and form
    handlers (attachments, /oauth/token) declare another media type and are left alone."""
    _refuse_control_characters_in_query(request)
    if request.method not in _JSON_METHODS:
        return
    param = request.route_handler.parsed_fn_signature.parameters.get("data")
    if param is None or getattr(param.kwarg_definition, "media_type", None) != RequestEncodingType.JSON:
        return
    from pmsaas.entrypoints.http.errors import ApiError

    mime = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if mime and mime != "application/json" and not mime.endswith("+json"):
        raise ApiError(400, "BAD_REQUEST", "Content-Type must be application/json")
    body = await request.body()  # within request_max_body_size (413 past it), read once and kept
    if not param.has_default and not body.strip():
        raise ApiError(400, "BAD_REQUEST", "A JSON request body is required")
    if too_deep(body):  # before parsing: the parser recurses once per level
        raise ApiError(400, "BAD_REQUEST", f"JSON nested deeper than {MAX_DEPTH} levels")


def _refuse_control_characters_in_query(request: Request[Any, Any, Any]) -> None:
    """Query values are text too (searches, filters): the same bound as in bodies (bounds.py)."""
    raw: bytes = request.scope.get("query_string", b"")
    if b"%" not in raw:
        return  # a control character can only arrive percent-encoded
    from pmsaas.entrypoints.http.envelope import ErrorDetail
    from pmsaas.entrypoints.http.errors import ApiError

    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        for field, text in ((name, name), (name, value)):
            try:
                check_value(field, text)
            except ValueError:
                detail = ErrorDetail(field=field, message="must not contain control characters")
                raise ApiError(422, "VALIDATION_ERROR", "Validation failed", [detail]) from None

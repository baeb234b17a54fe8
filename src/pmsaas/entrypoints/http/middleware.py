"""ASGI middleware: request id + access log, and authentication + rate limiting.

Both are plain ASGI for speed: they run on every request, before routing work.
"""

from __future__ import annotations

import time

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pmsaas.entrypoints.http.context import request_id_for, request_id_var

log = structlog.get_logger("pmsaas.http")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Echo or create X-Request-ID, bind it into every log line, and log each request once."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" and scope["type"] != "websocket":
            await app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        token = request_id_var.set(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_holder = {"status": 0}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                log.info(
                    "request",
                    method=scope.get("method"),
                    path=scope.get("path"),
                    status=status_holder["status"],
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(token)

    return middleware


def add_headers(message: Message, extra: dict[str, str]) -> None:
    headers = MutableScopeHeaders.from_message(message)
    for k, v in extra.items():
        headers[k] = v


__all__ = ["_header", "add_headers", "request_context_middleware"]


async def stamp_request_id(message: Message, scope: Scope) -> None:
    """Litestar before_send hook: every response, errors included, carries X-Request-ID."""
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id_for(scope)

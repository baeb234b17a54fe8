"""Idempotency-Key on mutating POSTs (docs/api-contract.md §6; the decisions are in docs/DECISIONS.md).

Plain ASGI middleware placed right after authentication (it needs the principal). With a key, it
buffers the request body, claims the key in the ``IdempotencyStore``, runs the route, captures the
response and stores it before the last byte leaves, so a client that saw the response can always
replay it. Routes that must have a key declare ``opt={"idempotency": "required"}`` (missing → 400);
``opt={"idempotency": "off"}`` ignores the header.

The scope, the fingerprint and the "reused" error are the domain's (``domain/shared/idempotency.py``),
the same ones the payment and refund use cases apply to their own unique keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send

from pmsaas.container import Container
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import Conflict, DependencyUnavailable, DomainError, ValidationFailed
from pmsaas.domain.shared.idempotency import (
    KEY_HEADER,
    MAX_KEY_LENGTH,
    IdempotencyKeyReused,
    fingerprint,
    principal_scope,
    valid_key,
)
from pmsaas.domain.shared.ports import IdempotencyStore, StoredResponse
from pmsaas.entrypoints.http.envelope import ErrorDetail
from pmsaas.entrypoints.http.errors import OUTCOME_UNKNOWN, ApiError, handle_exception
from pmsaas.entrypoints.http.middleware import _header

log = structlog.get_logger("pmsaas.http.idempotency")

HEADER = KEY_HEADER
PREFIXES = ("/api/v1/", "/v1/")
DEFAULT_MAX_BODY = 2 * 1024 * 1024  # when the route declares no request_max_body_size
REPLAYED = (b"idempotent-replayed", b"true")
# Headers that belong to the resource, not to one delivery; the rest (request id, rate limits, length,
# encoding) is the replaying request's own.
STORED_HEADERS = frozenset({"content-type", "location", "etag", "last-modified", "content-language", "link"})
# Answers that may change on a retry of the very same request: never stored, the key is released.
TRANSIENT = frozenset({401, 403, 408, 409, 423, 425, 429})


def is_storable(status: int) -> bool:
    """2xx and deterministic 4xx are the request's outcome; 5xx and transient 4xx are not."""
    return status < 500 and status not in TRANSIENT


def request_fingerprint(scope: HTTPScope, body: bytes) -> str:
    """The fingerprint of this request: what the middleware stores, and what a route that keeps
    its own unique key (payments, refunds) hands to its use case."""
    return fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)


def _policy(scope: Scope) -> str:
    handler = scope.get("route_handler")
    opt = getattr(handler, "opt", None) or {}
    return str(opt.get("idempotency", "optional"))


class _Reject(Exception):
    def __init__(self, error: Exception) -> None:
        self.error = error


def _max_body(scope: Scope) -> int | None:
    """The route's own limit (uploads raise it), so a key never changes what a route accepts."""
    resolve = getattr(scope.get("route_handler"), "resolve_request_max_body_size", None)
    try:
        return resolve() if resolve else DEFAULT_MAX_BODY
    except Exception:
        return DEFAULT_MAX_BODY


async def _read_body(receive: Receive, limit: int | None) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect, the only other message of an HTTP scope
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise _Reject(ApiError(413, "PAYLOAD_TOO_LARGE", "Request body is too large"))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _render(scope: Scope, receive: Receive, send: Send, error: Exception) -> None:
    request: Request[Any, Any, Any] = Request(scope, receive)
    response = handle_exception(request, error)
    await response.to_asgi_response(app=None, request=request)(scope, receive, send)


async def _replay(send: Send, stored: StoredResponse) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers]
    headers += [(b"content-length", str(len(stored.body)).encode()), REPLAYED]
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body, "more_body": False})


def idempotency_middleware_factory(container: Container) -> Callable[[ASGIApp], ASGIApp]:
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or scope["method"] != "POST" or not scope["path"].startswith(PREFIXES):
                await app(scope, receive, send)
                return
            policy = _policy(scope)
            key = _header(scope, b"idempotency-key")
            if policy == "off":
                await app(scope, receive, send)
                return
            try:
                if key is None:
                    if policy == "required":
                        raise _Reject(
                            ApiError(
                                400,
                                "BAD_REQUEST",
                                f"This operation requires an {HEADER} header",
                                [ErrorDetail(field=HEADER, message="required")],
                            )
                        )
                    await app(scope, receive, send)
                    return
                if not valid_key(key):
                    raise _Reject(
                        ValidationFailed.single(HEADER, f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters")
                    )
                actor = scope.get("user")
                if not isinstance(actor, Actor):  # public endpoints (login, register): nothing to scope a key to
                    await app(scope, receive, send)
                    return
                await _run(container.idempotency_store(), app, actor, key, scope, receive, send)
            except _Reject as rejected:
                await _render(scope, receive, send, rejected.error)

        return middleware

    return factory


async def _run(
    store: IdempotencyStore, app: ASGIApp, actor: Actor, key: str, scope: HTTPScope, receive: Receive, send: Send
) -> None:
    body = await _read_body(receive, _max_body(scope))
    if body is None:
        return  # the client went away before sending its body
    owner = principal_scope(actor)
    print_ = request_fingerprint(scope, body)
    try:
        existing = await store.begin(owner, key, print_)
    except DomainError as exc:
        raise _Reject(exc) from exc
    except Exception as exc:
        log.exception("idempotency_store_unavailable")
        raise _Reject(DependencyUnavailable("idempotency store unavailable")) from exc
    if existing is not None:
        if existing.fingerprint != print_:
            raise _Reject(IdempotencyKeyReused())
        if existing.response is None:
            running = Conflict(f"A request with this {HEADER} is still being processed; retry later")
            running.headers = {"Retry-After": "1"}  # type: ignore[attr-defined]  # rendered by errors._domain
            raise _Reject(running)
        await _replay(send, existing.response)
        return

    # The stored response must not depend on this client's Accept-Encoding: ask the app for identity.
    scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
    fed = False

    async def receive_buffered() -> ReceiveMessage:
        nonlocal fed
        if not fed:
            fed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    status = 0
    headers: list[tuple[str, str]] = []
    chunks: list[bytes] = []
    settled = False

    def outcome_unknown() -> bool:
        if not scope.get("state", {}).get(OUTCOME_UNKNOWN):
            return False
        # Saved or not, nobody can tell: a retry must not run it again. The key stays claimed (a retry
        # hears 409 "still being processed") until its lock ends.
        log.warning("idempotency_key_kept_outcome_unknown")
        return True

    async def settle() -> None:
        nonlocal settled
        settled = True
        if outcome_unknown():
            return
        try:
            if is_storable(status):
                await store.complete(owner, key, StoredResponse(status, tuple(headers), b"".join(chunks)))
            else:
                await store.release(owner, key)
        except Exception:
            log.exception("idempotency_store_failed", status=status)
            await _release_quietly(store, owner, key)

    async def capture(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            for k, v in message.get("headers", ()):
                name = k.decode("latin-1").lower()
                if name in STORED_HEADERS:
                    headers.append((name, v.decode("latin-1")))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await settle()  # stored before the client can see the end of the response
        await send(message)

    try:
        await app(scope, receive_buffered, capture)
    finally:
        if not settled and not outcome_unknown():
            await _release_quietly(store, owner, key)


async def _release_quietly(store: IdempotencyStore, owner: str, key: str) -> None:
    try:
        await store.release(owner, key)
    except Exception:
        log.exception("idempotency_release_failed")

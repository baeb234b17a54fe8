"""``POST /api/v1/events/session`` and ``DELETE /api/v1/events/session``: the real-time cookie a
browser's ``EventSource`` and ``WebSocket`` authenticate with (entrypoints/http/stream_session.py,
docs/realtime.md). Both are called with the bearer token or API key, never with the cookie alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Request, Response, delete, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from pmsaas.domain.shared.errors import DomainError
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.stream_session import (
    COOKIE_PATHS,
    cleared_cookies,
    cookie_secure,
    cookie_value,
    handle_claims,
    stream_cookies,
)


class StreamSessionOut(msgspec.Struct, kw_only=True):
    expires_at: datetime
    expires_in: int
    paths: list[str]


class StreamSessionEndedOut(msgspec.Struct, kw_only=True):
    revoked: bool


@post(
    "/api/v1/events/session",
    status_code=HTTP_201_CREATED,
    guards=[requires("notification:read")],
    summary="Open a real-time session: a short-lived cookie for EventSource and WebSocket",
    tags=["Real-time"],
)
async def open_stream_session(ctx: Context, request: Request[Any, Any, Any]) -> Response[Ok[StreamSessionOut]]:
    actor = ctx.actor
    actor.org  # noqa: B018  (no organization selected: nothing to stream, refused as an envelope)
    claims = handle_claims(actor, request.scope.get("auth") or {})
    now = ctx.clock.now()
    handle, _, expires = ctx.stream_handles.issue_stream_handle(claims, now, ctx.settings.realtime_session_seconds)
    max_age = max(0, expires - int(now.timestamp()))
    body = StreamSessionOut(
        expires_at=datetime.fromtimestamp(expires, UTC), expires_in=max_age, paths=list(COOKIE_PATHS)
    )
    secure = cookie_secure(request.scope, ctx.settings)
    return Response(
        ok(body),
        status_code=HTTP_201_CREATED,
        headers={"Cache-Control": "no-store"},
        cookies=stream_cookies(handle, max_age, secure=secure),
    )


@delete(
    "/api/v1/events/session",
    status_code=HTTP_200_OK,
    guards=[requires("notification:read")],
    summary="End the real-time session: revoke the cookie's handle and clear the cookie",
    tags=["Real-time"],
)
async def end_stream_session(ctx: Context, request: Request[Any, Any, Any]) -> Response[Ok[StreamSessionEndedOut]]:
    actor = ctx.actor
    handle = cookie_value(request.scope)
    revoked = False
    if handle is not None:
        try:
            claims = ctx.stream_handles.decode_stream_handle(handle)
        except DomainError:
            claims = None  # expired or not ours: nothing left to revoke
        mine = claims is not None and claims.get("sub") in {str(actor.user_id), f"key:{actor.api_key_id}"}
        if claims is not None and mine:
            await ctx.revocations.revoke(claims["jti"], int(claims["exp"]))
            revoked = True
    secure = cookie_secure(request.scope, ctx.settings)
    return Response(ok(StreamSessionEndedOut(revoked=revoked)), cookies=cleared_cookies(secure=secure))

"""Real time (platform seed, "Real-time Updates"): ``GET /api/v1/events`` (Server-Sent Events) and
``/ws`` (WebSocket). Both carry ``{type, data}`` messages (``maintenance_update``,
``payment_received``, ``notification``) of the caller's organization that the caller may see.

SSE: bearer auth as any request; each message has an ``id`` (its resume cursor: a reconnecting
EventSource sends it back as ``Last-Event-ID`` and receives what followed first); maintenance updates
are the ``maintenance`` event (the seed's ``addEventListener('maintenance', ...)``), the others the
default ``message`` event; a ``: heartbeat`` comment every ``realtime_heartbeat_seconds``.

Browsers (whose EventSource and WebSocket cannot send an Authorization header) use the real-time
cookie instead (``POST /api/v1/events/session``, stream_sessions.py): SSE takes it on GET only; a
WebSocket carrying it is admitted at once if its ``Origin`` is the application's own.

WebSocket: no credential in the URL. The client's first message, within ``realtime_auth_seconds``,
is ``{"type": "auth", "token": "<access token or API key>"}`` (optionally ``organization_id``,
``last_event_id``). Refusals send ``{"type": "error", "data": {"code", "message"}}`` and close with
4000 + the HTTP status of the same refusal: 4401 (no auth message in time, a malformed one, a
bad or expired token), 4403, 4404 (an organization that is not the caller's), 4429 (rate limit, or
a client too slow to read: dropped).
A ``{"type": "ping", "data": {}}`` message goes out after ``realtime_heartbeat_seconds`` of quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import WebSocket, get, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import HeaderParameter
from litestar.response import Stream

from pmsaas.domain.notifications.ports import RealtimeDelivery, RealtimeFeed, StreamTooSlow
from pmsaas.domain.notifications.realtime import MAINTENANCE_UPDATE
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import AuthenticationFailed, DomainError
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.errors import status_and_code
from pmsaas.entrypoints.http.stream_session import cookie_value

SSE_EVENT_NAMES = {MAINTENANCE_UPDATE: "maintenance"}
CLOSE_TOO_SLOW = 4429
_encode = msgspec.json.Encoder().encode


class AuthMessage(msgspec.Struct, forbid_unknown_fields=True):
    type: str
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]
    organization_id: str | None = None
    last_event_id: str | None = None


def _frame(d: RealtimeDelivery) -> bytes:
    event = SSE_EVENT_NAMES.get(d.type)
    head = f"id: {d.cursor}\n" + (f"event: {event}\n" if event else "")
    return head.encode() + b"data: " + (d.wire or _encode({"type": d.type, "data": d.data})) + b"\n\n"


async def _sse(feed: RealtimeFeed, viewer: Actor, after: str | None, heartbeat: float) -> AsyncIterator[bytes]:
    async with feed.open(viewer, after) as stream:
        # Sent once subscribed: a client that has read it misses nothing broadcast afterwards.
        yield b"retry: 3000\n: connected\n\n"
        while True:
            try:
                delivery = await stream.next(heartbeat)
            except StreamTooSlow:
                return  # dropped; the EventSource reconnects with Last-Event-ID and resumes
            yield b": heartbeat\n\n" if delivery is None else _frame(delivery)


@get(
    "/api/v1/events",
    guards=[requires("notification:read")],
    summary="Server-Sent Events: real-time updates of the caller's organization",
    tags=["Real-time"],
)
async def stream_events(
    ctx: Context,
    last_event_id: Annotated[str | None, HeaderParameter(name="Last-Event-ID", required=False)] = None,
) -> Stream:
    viewer = ctx.actor
    viewer.org  # noqa: B018  (no organization selected: refused here, as an envelope, not mid-stream)
    stream = _sse(ctx.realtime_feed, viewer, last_event_id, ctx.settings.realtime_heartbeat_seconds)
    return Stream(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _refuse(socket: WebSocket[Any, Any, Any], exc: DomainError) -> None:
    status, code = status_and_code(exc)
    await socket.send_text(_encode({"type": "error", "data": {"code": code, "message": str(exc)}}).decode())
    await socket.close(code=4000 + status, reason=code)


async def _first_message(socket: WebSocket[Any, Any, Any], seconds: float) -> AuthMessage:
    try:
        raw = await asyncio.wait_for(socket.receive_data(mode="text"), seconds)
    except TimeoutError:
        raise AuthenticationFailed('Send {"type": "auth", "token": ...} first') from None
    try:
        message = msgspec.json.decode(raw, type=AuthMessage)
    except msgspec.ValidationError as exc:
        raise AuthenticationFailed(f"The first message must be an auth message: {exc}") from None
    except msgspec.DecodeError:
        raise AuthenticationFailed("The first message must be JSON") from None
    if message.type != "auth":
        raise AuthenticationFailed("The first message must be of type 'auth'")
    return message


@websocket("/ws", tags=["Real-time"])
async def realtime_socket(socket: WebSocket[Any, Any, Any], ctx: Context) -> None:
    await socket.accept()
    settings = ctx.settings
    last_event_id = None
    try:
        handle = cookie_value(socket.scope)
        if handle is not None:  # a browser's real-time cookie (POST /api/v1/events/session)
            viewer = await ctx.admit_stream_handle(handle)
        else:
            hello = await _first_message(socket, settings.realtime_auth_seconds)
            viewer = await ctx.admit_token(hello.token, hello.organization_id)
            last_event_id = hello.last_event_id
        viewer.org  # noqa: B018  (a user in no organization has nothing to stream)
    except DomainError as exc:
        await _refuse(socket, exc)
        return
    except WebSocketDisconnect:
        return
    await socket.send_text(_encode({"type": "connected", "data": {"organization_id": str(viewer.org)}}).decode())
    async with ctx.realtime_feed.open(viewer, last_event_id) as stream:
        sender = asyncio.create_task(_send_loop(socket, stream, settings.realtime_heartbeat_seconds))
        listener = asyncio.create_task(_listen(socket))
        done, pending = await asyncio.wait({sender, listener}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                await task
        too_slow = sender in done and not sender.cancelled() and sender.exception() is None and sender.result()
    if too_slow:
        with contextlib.suppress(Exception):
            await socket.close(code=CLOSE_TOO_SLOW, reason="too slow")


async def _send_loop(socket: WebSocket[Any, Any, Any], stream: Any, heartbeat: float) -> bool:
    """Sends until the client goes; returns True when the client was too slow (then dropped)."""
    try:
        while True:
            try:
                d = await stream.next(heartbeat)
            except StreamTooSlow:
                return True
            text = {"type": "ping", "data": {}} if d is None else {"type": d.type, "data": d.data, "id": d.cursor}
            # A client that does not read cannot hold the server's send forever.
            await asyncio.wait_for(socket.send_text(_encode(text).decode()), heartbeat)
    except TimeoutError:
        return True
    except WebSocketDisconnect:
        return False


async def _listen(socket: WebSocket[Any, Any, Any]) -> None:
    """Reads (and ignores) what the client sends, until it disconnects: the stream is one way."""
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.receive_data(mode="text")

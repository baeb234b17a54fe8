"""Real time on Litestar channels: one channel per organization, a bounded queue per stream.

``MemoryChannelsBackend`` in embedded mode (one process); ``RedisChannelsPubSubBackend`` when
PMSAAS_REDIS_URL is set, so a message broadcast by any process (the worker's outbox relay, another
server) reaches every server's streams. The plugin is run here (``start``/``stop``), not registered
on the app: the app's only dependency stays the request context.

A channel message is ``<cursor>\\n<json body>``; the body holds the message and its audience, and
each stream decodes it and keeps what its viewer may see (``realtime.admits``). The cursor comes from
the replay log, which a resuming stream (Last-Event-ID) reads before the live messages.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from uuid import UUID

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.subscriber import Subscriber

from pmsaas.adapters.realtime.replay import ReplayLog, parse_cursor
from pmsaas.domain.notifications.ports import (
    RealtimeBroadcaster,
    RealtimeDelivery,
    RealtimeFeed,
    RealtimeStream,
    StreamTooSlow,
)
from pmsaas.domain.notifications.realtime import Audience, RealtimeMessage, admits
from pmsaas.domain.shared.actor import Actor


class _Body(msgspec.Struct, frozen=True):
    type: str
    data: dict[str, Any]
    permission: str
    tenant_id: UUID | None = None
    user_id: UUID | None = None


_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder(_Body).decode


@lru_cache(maxsize=1024)
def _parse(raw: bytes) -> tuple[str, _Body, bytes]:
    """A channel message, decoded once per process: every stream of the organization receives the
    same bytes object (its hash is cached), so a thousand streams cost one decode and one encode."""
    head, _, body = raw.partition(b"\n")
    message = _decode(body)
    return head.decode(), message, _encode({"type": message.type, "data": message.data})


def channel_of(organization_id: UUID) -> str:
    return f"pmsaas:realtime:{organization_id}"


class DroppingSubscriber(Subscriber):
    """A subscriber whose full queue marks it too slow (it is then closed) instead of blocking the
    fan-out or growing without bound."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_slow = False

    def put_nowait(self, item: bytes | None) -> bool:
        if super().put_nowait(item):
            return True
        self.too_slow = True
        return False

    async def put(self, item: bytes | None) -> None:
        # Unsubscribing puts None (end of stream): never wait on a full queue for it.
        if item is None and not super().put_nowait(item):
            return
        if item is not None:
            await super().put(item)

    async def get(self, within: float) -> bytes | None:
        """The next channel message, or None after ``within`` seconds (or at the end of the stream)."""
        try:
            return await asyncio.wait_for(self._queue.get(), within)
        except TimeoutError:
            return None


class _Stream(RealtimeStream):
    def __init__(self, viewer: Actor, subscriber: DroppingSubscriber, replayed: list[tuple[str, bytes]]) -> None:
        self._viewer = viewer
        self._subscriber = subscriber
        self._pending = deque(replayed)
        self._resumed_at = parse_cursor(replayed[-1][0]) if replayed else None

    async def next(self, within: float) -> RealtimeDelivery | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            replayed = bool(self._pending)
            if replayed:
                cursor, body = self._pending.popleft()
                raw = cursor.encode() + b"\n" + body
            else:
                if self._subscriber.too_slow:
                    raise StreamTooSlow()
                got = await self._subscriber.get(max(0.0, deadline - loop.time()))
                if got is None:
                    if self._subscriber.too_slow:
                        raise StreamTooSlow()
                    return None
                raw = got
            cursor, message, wire = _parse(raw)
            seen = self._resumed_at
            if not replayed and seen is not None and (parse_cursor(cursor) or (0, 0)) <= seen:
                continue  # a live copy of what was replayed already
            if admits(Audience(message.permission, message.tenant_id, message.user_id), self._viewer):
                return RealtimeDelivery(cursor, message.type, message.data, wire)


class ChannelsRealtime(RealtimeBroadcaster, RealtimeFeed):
    def __init__(self, backend: ChannelsBackend, replay: ReplayLog, *, max_backlog: int, shared: bool) -> None:
        self._plugin = ChannelsPlugin(
            backend,
            arbitrary_channels_allowed=True,
            subscriber_max_backlog=max_backlog,
            subscriber_class=DroppingSubscriber,
        )
        self._backend = backend
        self._replay = replay
        self._shared = shared  # a Redis backend: publishing needs no running plugin in this process
        self._started = False
        self._lock = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop the plugin (and its connections) run on

    async def start(self) -> None:
        async with self._lock:
            if not self._started:
                await self._plugin.__aenter__()
                self._loop = asyncio.get_running_loop()
                self._started = True

    async def stop(self) -> None:
        async with self._lock:
            if self._started:
                self._started = False
                await self._plugin.__aexit__(None, None, None)

    async def broadcast(self, message: RealtimeMessage) -> None:
        """Publishes on the loop the channels run on: a caller on another loop (a relay driven from a
        second thread) hands the message over rather than touch connections bound to that loop."""
        owner = self._loop
        if owner is not None and owner is not asyncio.get_running_loop() and owner.is_running():
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self._broadcast(message), owner))
            return
        await self._broadcast(message)

    async def _broadcast(self, message: RealtimeMessage) -> None:
        a = message.audience
        body = _encode(_Body(message.type, message.data, a.permission, a.tenant_id, a.user_id))
        cursor = await self._replay.append(message.organization_id, body)
        if self._started or self._shared:  # in memory, no stream is open before the plugin runs
            await self._backend.publish(cursor.encode() + b"\n" + body, [channel_of(message.organization_id)])

    @asynccontextmanager
    async def open(self, viewer: Actor, after: str | None) -> AsyncIterator[RealtimeStream]:
        if not self._started:
            await self.start()
        channel = channel_of(viewer.org)
        subscriber = await self._plugin.subscribe(channel)  # before reading the replay: nothing falls between
        assert isinstance(subscriber, DroppingSubscriber)
        try:
            cursor = parse_cursor(after)
            replayed = await self._replay.since(viewer.org, cursor) if cursor is not None else []
            yield _Stream(viewer, subscriber, replayed)
        finally:
            await self._plugin.unsubscribe(subscriber, channel)

"""The replay buffer behind ``Last-Event-ID``: the last N messages of each organization, with a
cursor that only grows (``<milliseconds>-<sequence>``, the shape of a Redis stream id).

In memory (embedded mode, one process) or a Redis stream per organization (``XADD ... MAXLEN ~ N``,
expiring an hour after its last message), so a stream resumed on another server process finds it.
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections import deque
from typing import Any
from uuid import UUID

_CURSOR = re.compile(r"^\d{1,20}-\d{1,20}$")
REDIS_TTL_MS = 3600 * 1000


def parse_cursor(raw: str | None) -> tuple[int, int] | None:
    """A cursor sent back by a client (Last-Event-ID), or None when absent or not one of ours."""
    if not raw or not _CURSOR.match(raw.strip()):
        return None
    ms, seq = raw.strip().split("-")
    return int(ms), int(seq)


class ReplayLog(ABC):
    @abstractmethod
    async def append(self, organization_id: UUID, body: bytes) -> str:
        """Keep ``body`` (the oldest falls off past the limit); returns its cursor."""

    @abstractmethod
    async def since(self, organization_id: UUID, cursor: tuple[int, int]) -> list[tuple[str, bytes]]:
        """What was kept after ``cursor``, oldest first (all that is kept when it fell off already)."""


class MemoryReplayLog(ReplayLog):
    def __init__(self, size: int) -> None:
        self._size = size
        self._logs: dict[UUID, deque[tuple[tuple[int, int], bytes]]] = {}
        self._last = (0, 0)

    def _next_cursor(self) -> tuple[int, int]:
        ms = max(int(time.time() * 1000), self._last[0])
        self._last = (ms, self._last[1] + 1 if ms == self._last[0] else 0)
        return self._last

    async def append(self, organization_id: UUID, body: bytes) -> str:
        cursor = self._next_cursor()
        log = self._logs.get(organization_id)
        if log is None:
            log = self._logs[organization_id] = deque(maxlen=self._size)
        log.append((cursor, body))
        return f"{cursor[0]}-{cursor[1]}"

    async def since(self, organization_id: UUID, cursor: tuple[int, int]) -> list[tuple[str, bytes]]:
        return [(f"{c[0]}-{c[1]}", body) for c, body in self._logs.get(organization_id, ()) if c > cursor]


class RedisReplayLog(ReplayLog):
    def __init__(self, redis: Any, size: int, *, prefix: str = "pmsaas:realtime:replay:") -> None:
        self._redis = redis
        self._size = size
        self._prefix = prefix

    async def append(self, organization_id: UUID, body: bytes) -> str:
        key = f"{self._prefix}{organization_id}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(key, {b"m": body}, maxlen=self._size, approximate=True)
            pipe.pexpire(key, REDIS_TTL_MS)
            cursor, _ = await pipe.execute()
        return cursor.decode() if isinstance(cursor, bytes) else str(cursor)

    async def since(self, organization_id: UUID, cursor: tuple[int, int]) -> list[tuple[str, bytes]]:
        entries = await self._redis.xrange(f"{self._prefix}{organization_id}", min=f"({cursor[0]}-{cursor[1]}")
        return [(_text(entry_id), fields[b"m"]) for entry_id, fields in entries]


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw

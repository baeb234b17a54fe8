"""In-process fixed-window rate limiter: the embedded default (one server process)."""

from __future__ import annotations

import time
from collections.abc import Callable

from pmsaas.domain.identity.ports import AttemptLimiter
from pmsaas.domain.shared.ports import RateDecision, RateLimiter


class InMemoryRateLimiter(RateLimiter):
    def __init__(self, max_keys: int = 100_000, *, now: Callable[[], float] = time.time) -> None:
        self._windows: dict[str, tuple[int, int]] = {}  # key -> (window start, count)
        self._max_keys = max_keys
        self._now = now  # injectable so tests never straddle a window boundary

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> RateDecision:
        now = int(self._now())
        start = now - now % window_seconds
        window, count = self._windows.get(key, (start, 0))
        if window != start:
            count = 0
        count += 1
        if len(self._windows) >= self._max_keys and key not in self._windows:
            self._evict(start)
        self._windows[key] = (start, count)
        return RateDecision(count <= limit, limit, max(0, limit - count), start + window_seconds, window_seconds)

    def _evict(self, current_start: int) -> None:
        for k in [k for k, (w, _) in self._windows.items() if w != current_start]:
            del self._windows[k]

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)


class LimiterAttempts(AttemptLimiter):
    """Login throttling on top of any RateLimiter."""

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        decision = await self._limiter.hit(key, limit=limit, window_seconds=window_seconds)
        return None if decision.allowed else decision.retry_after

    async def reset(self, key: str) -> None:
        await self._limiter.reset(key)

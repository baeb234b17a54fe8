"""Revoked access-token ids, checked on every authenticated request.

The durable record is the identity_revoked_access_tokens table (written by the logout use
case); these stores answer the per-request question without a database round trip. An entry
lives until its token's ``exp``, read on the same clock that issues and verifies the tokens.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from pmsaas.domain.shared.clock import Clock, SystemClock
from pmsaas.domain.shared.ports import RateDecision, RateLimiter


class RevocationList(ABC):
    @abstractmethod
    async def revoke(self, jti: str, expires_at_epoch: int) -> None: ...

    @abstractmethod
    async def is_revoked(self, jti: str) -> bool: ...

    async def hit_unless_revoked(
        self, jti: str, limiter: RateLimiter, key: str, *, limit: int, window_seconds: int
    ) -> RateDecision | None:
        """The per-request gate: None when ``jti`` is revoked (and nothing is counted), otherwise
        ``limiter.hit(key, ...)``. An adapter that shares its store with the limiter does both at once."""
        if await self.is_revoked(jti):
            return None
        return await limiter.hit(key, limit=limit, window_seconds=window_seconds)


class InMemoryRevocationList(RevocationList):
    """One process (the embedded default); filled from the table at start-up."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._revoked: dict[str, int] = {}
        self._clock = clock or SystemClock()

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    async def revoke(self, jti: str, expires_at_epoch: int) -> None:
        now = self._now()
        if len(self._revoked) > 10_000:
            self._revoked = {k: v for k, v in self._revoked.items() if v > now}
        self._revoked[jti] = expires_at_epoch

    async def is_revoked(self, jti: str) -> bool:
        # Like the Redis entries' TTL: past the token's own expiry the entry no longer matters.
        expires_at = self._revoked.get(jti)
        return expires_at is not None and expires_at >= self._now()


class RedisRevocationList(RevocationList):
    def __init__(self, client: Any, prefix: str = "pmsaas:revoked:", *, clock: Clock | None = None) -> None:
        self._client = client
        self._prefix = prefix
        self._clock = clock or SystemClock()

    async def revoke(self, jti: str, expires_at_epoch: int) -> None:
        # The token's remaining life on our clock becomes a Redis TTL in real seconds (the clock runs
        # at the real rate, only its starting point may be moved).
        ttl = max(1, expires_at_epoch - int(self._clock.now().timestamp()))
        await self._client.set(f"{self._prefix}{jti}", b"1", ex=ttl)

    async def is_revoked(self, jti: str) -> bool:
        return bool(await self._client.exists(f"{self._prefix}{jti}"))

    async def hit_unless_revoked(
        self, jti: str, limiter: RateLimiter, key: str, *, limit: int, window_seconds: int
    ) -> RateDecision | None:
        # A Redis limiter on the same server: one script, one round trip (adapters/ratelimit/redis.py).
        hit_unless_set = getattr(limiter, "hit_unless_set", None)
        if hit_unless_set is None or getattr(limiter, "client", None) is not self._client:
            return await super().hit_unless_revoked(jti, limiter, key, limit=limit, window_seconds=window_seconds)
        decision: RateDecision | None = await hit_unless_set(
            f"{self._prefix}{jti}", key, limit=limit, window_seconds=window_seconds
        )
        return decision

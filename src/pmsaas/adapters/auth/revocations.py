"""Revoked access-token ids, checked on every authenticated request.

The durable record is the identity_revoked_access_tokens table (written by the logout use
case); these stores answer the per-request question without a database round trip.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Any


class RevocationList(ABC):
    @abstractmethod
    async def revoke(self, jti: str, expires_at_epoch: int) -> None: ...

    @abstractmethod
    async def is_revoked(self, jti: str) -> bool: ...


class InMemoryRevocationList(RevocationList):
    """One process (the embedded default); filled from the table at start-up."""

    def __init__(self) -> None:
        self._revoked: dict[str, int] = {}

    async def revoke(self, jti: str, expires_at_epoch: int) -> None:
        now = int(time.time())
        if len(self._revoked) > 10_000:
            self._revoked = {k: v for k, v in self._revoked.items() if v > now}
        self._revoked[jti] = expires_at_epoch

    async def is_revoked(self, jti: str) -> bool:
        # Like the Redis entries' TTL: past the token's own expiry the entry no longer matters.
        expires_at = self._revoked.get(jti)
        return expires_at is not None and expires_at >= int(time.time())


class RedisRevocationList(RevocationList):
    def __init__(self, client: Any, prefix: str = "pmsaas:revoked:") -> None:
        self._client = client
        self._prefix = prefix

    async def revoke(self, jti: str, expires_at_epoch: int) -> None:
        ttl = max(1, expires_at_epoch - int(time.time()))
        await self._client.set(f"{self._prefix}{jti}", b"1", ex=ttl)

    async def is_revoked(self, jti: str) -> bool:
        return bool(await self._client.exists(f"{self._prefix}{jti}"))

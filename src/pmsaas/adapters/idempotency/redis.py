"""Idempotency keys in Redis: one hash per key, claimed atomically by a script, expired by TTL."""

from __future__ import annotations

import json
import time
from typing import Any

from pmsaas.domain.shared.ports import IdempotencyRecord, IdempotencyStore, StoredResponse

# KEYS[1] the record; ARGV: fingerprint, now (ms), lock deadline (ms), ttl (ms).
# Returns nil when the caller claimed the key, else {fingerprint, state, status, headers, body}.
_BEGIN = """
local k = KEYS[1]
if redis.call('EXISTS', k) == 1 then
  local rec = redis.call('HMGET', k, 'fp', 'state', 'status', 'headers', 'body', 'locked_until')
  local stale = rec[2] == 'in_progress' and rec[1] == ARGV[1] and tonumber(rec[6] or '0') <= tonumber(ARGV[2])
  if not stale then
    return {rec[1], rec[2], rec[3] or '', rec[4] or '', rec[5] or ''}
  end
  redis.call('DEL', k)
end
redis.call('HSET', k, 'fp', ARGV[1], 'state', 'in_progress', 'locked_until', ARGV[3])
redis.call('PEXPIRE', k, ARGV[4])
return false
"""

_RELEASE = """
if redis.call('HGET', KEYS[1], 'state') == 'in_progress' then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisIdempotencyStore(IdempotencyStore):
    def __init__(
        self,
        client: Any,
        *,
        ttl_seconds: float = 24 * 3600,
        lock_seconds: float = 60,
        prefix: str = "pmsaas:idempotency:",
    ) -> None:
        self._client = client
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self._lock_ms = max(1, int(lock_seconds * 1000))
        self._prefix = prefix
        self._begin = client.register_script(_BEGIN)
        self._release = client.register_script(_RELEASE)

    def _key(self, scope: str, key: str) -> str:
        return f"{self._prefix}{scope}:{key}"

    async def begin(self, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
        now_ms = int(time.time() * 1000)
        found = await self._begin(
            keys=[self._key(scope, key)], args=[fingerprint, now_ms, now_ms + self._lock_ms, self._ttl_ms]
        )
        if found is None:
            return None
        fp, state, status, headers, body = (_bytes(v) for v in found)
        if state != b"completed":
            return IdempotencyRecord(fingerprint=fp.decode(), response=None)
        pairs = tuple((str(k), str(v)) for k, v in json.loads(headers or b"[]"))
        return IdempotencyRecord(
            fingerprint=fp.decode(), response=StoredResponse(status=int(status), headers=pairs, body=body)
        )

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        k = self._key(scope, key)
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hset(
                k,
                mapping={
                    "state": "completed",
                    "status": str(response.status),
                    "headers": json.dumps([list(h) for h in response.headers]),
                    "body": response.body,
                },
            )
            pipe.hdel(k, "locked_until")
            pipe.pexpire(k, self._ttl_ms)
            await pipe.execute()

    async def release(self, scope: str, key: str) -> None:
        await self._release(keys=[self._key(scope, key)])

    async def purge_expired(self) -> int:
        return 0  # Redis expires keys by itself


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode()

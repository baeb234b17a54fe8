"""Redis fixed-window rate limiter: one atomic Lua script per hit, shared by every process."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence

from redis.asyncio import Redis

from pmsaas.domain.shared.ports import RateDecision, RateLimiter

# INCR and EXPIRE in one script so a crash between them cannot leave an immortal counter.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


# The per-request gate (RedisRevocationList.hit_unless_revoked): the revocation check, the access
# versions and the hit in one round trip. A refused token is not counted. KEYS[1] the revocation
# entry, KEYS[2] the window, KEYS[3..2+#floors] version keys whose value must not exceed ARGV[2..];
# a KEY after those is read and returned with the count (the organization's plan posted by
# adapters/ratelimit/plans.py, so a plan change applies on the next request in every process).
_HIT_UNLESS_SET = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {-1} end
local floors = #ARGV - 1
for i = 3, 2 + floors do
  local current = redis.call('GET', KEYS[i])
  if current and tonumber(current) > tonumber(ARGV[i - 1]) then return {-1} end
end
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
if #KEYS > 2 + floors then return {count, redis.call('GET', KEYS[#KEYS])} end
return {count}
"""


class RedisRateLimiter(RateLimiter):
    def __init__(self, client: Redis, prefix: str = "pmsaas:rl:", *, now: Callable[[], float] = time.time) -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(_HIT)
        self._unless_set = client.register_script(_HIT_UNLESS_SET)
        self._now = now  # injectable so tests never straddle a window boundary

    @property
    def client(self) -> Redis:
        return self._client

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> RateDecision:
        now = int(self._now())
        start = now - now % window_seconds
        redis_key = f"{self._prefix}{key}:{start}"
        count = int(await self._script(keys=[redis_key], args=[window_seconds + 1]))
        return RateDecision(count <= limit, limit, max(0, limit - count), start + window_seconds, window_seconds)

    async def hit_unless_set(
        self,
        flag_key: str,
        key: str,
        *,
        limit: int,
        window_seconds: int,
        floors: Sequence[tuple[str, int]] = (),
        plan_key: str | None = None,
        plan_limits: Mapping[str, int] | None = None,
    ) -> RateDecision | None:
        """``hit``, unless the Redis key ``flag_key`` exists or a ``floors`` key holds a number above
        its floor (then None and nothing is counted); one round trip. ``plan_key`` (optional) holds a
        plan name posted since the caller chose ``limit``: that plan's ``plan_limits`` entry applies
        instead. Every key must live on this limiter's Redis (no cluster slot spanning)."""
        now = int(self._now())
        start = now - now % window_seconds
        redis_key = f"{self._prefix}{key}:{start}"
        keys = [flag_key, redis_key, *(k for k, _ in floors), *([plan_key] if plan_key else [])]
        args = [window_seconds + 1, *(v for _, v in floors)]
        reply = await self._unless_set(keys=keys, args=args)
        count = int(reply[0])
        if count < 0:
            return None
        posted = reply[1] if len(reply) > 1 else None
        if posted is not None and plan_limits:
            plan = posted.decode() if isinstance(posted, bytes) else str(posted)
            limit = plan_limits.get(plan, limit)
        return RateDecision(count <= limit, limit, max(0, limit - count), start + window_seconds, window_seconds)

    async def reset(self, key: str) -> None:
        # Keys hold user input (e-mails may contain * ? [ ]): match them literally, or a sign-in as
        # "*@example.com" would clear every example.com account's counter.
        literal = re.sub(r"([*?\[\]\\])", r"\\\1", f"{self._prefix}{key}")
        pattern = f"{literal}:*"
        async for k in self._client.scan_iter(match=pattern, count=100):
            await self._client.delete(k)

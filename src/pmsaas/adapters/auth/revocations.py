"""Revoked access-token ids and access versions, checked on every authenticated request.

The durable records are the identity_revoked_access_tokens table (written by the logout use case) and
identity_access_versions (raised by the use cases that take rights away); these stores answer the
per-request question without a database round trip. A revocation lives until its token's ``exp``; a
raised version for one access-token lifetime (``version_ttl_seconds``): after that, every token issued
under an older version has expired anyway. Both read the same clock that issues and verifies tokens.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from pmsaas.domain.identity.ports import ALL_ORGANIZATIONS, OAUTH_CLIENT, AccessCutoffs, AccessEnded
from pmsaas.domain.shared.clock import Clock, SystemClock
from pmsaas.domain.shared.ports import RateDecision, RateLimiter

# (scope, the version the token was issued under): the scope is "<user>" or "<user>:<organization>".
TokenVersions = Sequence[tuple[str, int]]


def version_scope(ended: AccessEnded) -> str:
    if ended.organization_id == ALL_ORGANIZATIONS:
        return str(ended.user_id)
    if ended.organization_id == OAUTH_CLIENT:
        return f"client:{ended.user_id}"
    return f"{ended.user_id}:{ended.organization_id}"


def token_versions(claims: dict[str, Any], *, with_membership: bool = True) -> list[tuple[str, int]]:
    """The versions an access token names (claims ``uv``/``mv``; a token without them is at version 0).
    An OAuth token (claim ``client_id``) also answers to its client's scope, at version 0: a client's
    version is raised once, when it is revoked, and a revoked client gets no new token."""
    user = str(claims.get("sub", "")).lower()
    versions = [(user, _int(claims.get("uv")))]
    org = claims.get("org_id")
    if org and with_membership:
        versions.append((f"{user}:{str(org).lower()}", _int(claims.get("mv"))))
    client = claims.get("client_id")
    if isinstance(client, str) and client:
        versions.append((f"client:{client.lower()}", 0))
    return versions


def _int(raw: Any) -> int:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else 0


class RevocationList(AccessCutoffs):
    def __init__(self, clock: Clock | None = None, *, version_ttl_seconds: int = 900) -> None:
        self._clock = clock or SystemClock()
        self._version_ttl = version_ttl_seconds

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    @abstractmethod
    async def revoke(self, jti: str, expires_at_epoch: int) -> None: ...

    @abstractmethod
    async def is_revoked(self, jti: str) -> bool: ...

    @abstractmethod
    async def is_outdated(self, versions: TokenVersions) -> bool:
        """True when any scope's current version is above the token's."""

    async def hit_unless_revoked(
        self,
        jti: str,
        limiter: RateLimiter,
        key: str,
        *,
        limit: int,
        window_seconds: int,
        versions: TokenVersions = (),
        plan_key: str | None = None,
        plan_limits: Mapping[str, int] | None = None,
    ) -> RateDecision | None:
        """The per-request gate: None when ``jti`` is revoked or outdated (and nothing is counted),
        otherwise ``limiter.hit(key, ...)``. An adapter that shares its store with the limiter does
        all of it at once, and then also reads a plan posted at ``plan_key`` (its ``plan_limits``
        entry replaces ``limit``; adapters/ratelimit/plans.py); the others ignore ``plan_key``."""
        if await self.is_revoked(jti) or await self.is_outdated(versions):
            return None
        return await limiter.hit(key, limit=limit, window_seconds=window_seconds)


class InMemoryRevocationList(RevocationList):
    """One process (the embedded default); filled from the tables at start-up."""

    def __init__(self, clock: Clock | None = None, *, version_ttl_seconds: int = 900) -> None:
        super().__init__(clock, version_ttl_seconds=version_ttl_seconds)
        self._revoked: dict[str, int] = {}
        self._versions: dict[str, tuple[int, int]] = {}  # scope -> (version, kept until)

    async def revoke(self, jti: str, expires_at_epoch: int) -> None:
        now = self._now()
        if len(self._revoked) > 10_000:
            self._revoked = {k: v for k, v in self._revoked.items() if v > now}
        self._revoked[jti] = expires_at_epoch

    async def is_revoked(self, jti: str) -> bool:
        # Like the Redis entries' TTL: past the token's own expiry the entry no longer matters.
        expires_at = self._revoked.get(jti)
        return expires_at is not None and expires_at >= self._now()

    async def raise_version(self, ended: AccessEnded, *, kept_until: int | None = None) -> None:
        now = self._now()
        if len(self._versions) > 10_000:
            self._versions = {k: v for k, v in self._versions.items() if v[1] >= now}
        scope = version_scope(ended)
        current = self._versions.get(scope, (0, 0))[0]
        until = kept_until if kept_until is not None else now + self._version_ttl
        self._versions[scope] = (max(current, ended.version), until)

    async def is_outdated(self, versions: TokenVersions) -> bool:
        now = self._now()
        for scope, version in versions:
            current = self._versions.get(scope)
            if current is not None and current[1] >= now and current[0] > version:
                return True
        return False


# Raise, never lower (two raises may arrive out of order); kept one access-token lifetime.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) >= current then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
"""


class RedisRevocationList(RevocationList):
    def __init__(
        self,
        client: Any,
        prefix: str = "pmsaas:revoked:",
        *,
        clock: Clock | None = None,
        version_prefix: str = "pmsaas:access-version:",
        version_ttl_seconds: int = 900,
    ) -> None:
        super().__init__(clock, version_ttl_seconds=version_ttl_seconds)
        self._client = client
        self._prefix = prefix
        self._version_prefix = version_prefix
        self._raise = client.register_script(_RAISE)

    async def revoke(self, jti: str, expires_at_epoch: int) -> None:
        # The token's remaining life on our clock becomes a Redis TTL in real seconds (the clock runs
        # at the real rate, only its starting point may be moved).
        ttl = max(1, expires_at_epoch - self._now())
        await self._client.set(f"{self._prefix}{jti}", b"1", ex=ttl)

    async def is_revoked(self, jti: str) -> bool:
        return bool(await self._client.exists(f"{self._prefix}{jti}"))

    async def raise_version(self, ended: AccessEnded) -> None:
        key = f"{self._version_prefix}{version_scope(ended)}"
        await self._raise(keys=[key], args=[ended.version, self._version_ttl + 60])

    async def is_outdated(self, versions: TokenVersions) -> bool:
        if not versions:
            return False
        current = await self._client.mget([f"{self._version_prefix}{scope}" for scope, _ in versions])
        return any(raw is not None and int(raw) > version for raw, (_, version) in zip(current, versions, strict=True))

    async def hit_unless_revoked(
        self,
        jti: str,
        limiter: RateLimiter,
        key: str,
        *,
        limit: int,
        window_seconds: int,
        versions: TokenVersions = (),
        plan_key: str | None = None,
        plan_limits: Mapping[str, int] | None = None,
    ) -> RateDecision | None:
        # A Redis limiter on the same server: one script, one round trip (adapters/ratelimit/redis.py).
        hit_unless_set = getattr(limiter, "hit_unless_set", None)
        if hit_unless_set is None or getattr(limiter, "client", None) is not self._client:
            return await super().hit_unless_revoked(
                jti, limiter, key, limit=limit, window_seconds=window_seconds, versions=versions
            )
        decision: RateDecision | None = await hit_unless_set(
            f"{self._prefix}{jti}",
            key,
            limit=limit,
            window_seconds=window_seconds,
            floors=[(f"{self._version_prefix}{scope}", version) for scope, version in versions],
            plan_key=plan_key,
            plan_limits=plan_limits,
        )
        return decision

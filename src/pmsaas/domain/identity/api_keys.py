"""API keys: service-to-service credentials and the ticketing surface's `Authorization: Bearer` key.

A key looks like ``pmk_<8-char id>_<secret>``. The id part finds the row in one indexed lookup;
the secret is 256 random bits, stored only as its SHA-256 (a fast hash is right for a random
secret of that size: there is nothing to brute-force). The plaintext is returned once, at creation.

A key acts for its organization only and carries scopes (``scopes.py``: the ticketing names and
the platform's permission strings). At each request its grants are its scopes' permissions
intersected with its creator's *current* permissions: a demoted or removed creator's keys lose
those rights at once. Rotation replaces the secret; the old one may stay valid for a grace period.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from uuid import UUID

from pmsaas.domain.identity.ports import MembershipRepository
from pmsaas.domain.identity.scopes import check_scopes, effective_permissions
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, AuditingUnitOfWork, AuditTarget, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id

KEY_PREFIX = "pmk_"
_LOOKUP_ALPHABET = string.ascii_lowercase + string.digits
LOOKUP_LENGTH = 8
MAX_KEYS_PER_ORGANIZATION = 100


def hash_key_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class ParsedKey:
    lookup: str
    secret: str


def parse_key(raw: str) -> ParsedKey:
    """``pmk_<lookup>_<secret>`` → its parts; anything else is an authentication failure."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        raise AuthenticationFailed("Invalid API key")
    lookup, sep, secret = raw[len(KEY_PREFIX) :].partition("_")
    if not sep or len(lookup) != LOOKUP_LENGTH or not secret or any(c not in _LOOKUP_ALPHABET for c in lookup):
        raise AuthenticationFailed("Invalid API key")
    return ParsedKey(lookup, secret)


@dataclass(eq=False)
class ApiKey:
    organization_id: UUID
    name: str
    lookup: str
    secret_hash: str
    scopes: frozenset[str]
    created_at: datetime
    created_by: UUID | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    # After a rotation with a grace period, the replaced secret's hash and when it stops working.
    previous_secret_hash: str | None = None
    previous_valid_until: datetime | None = None
    rotated_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @property
    def prefix(self) -> str:
        """What the key's owner sees to recognise it (never enough to use it)."""
        return f"{KEY_PREFIX}{self.lookup}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def usable_at(self, at: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or at < self.expires_at)

    def matches(self, secret: str, at: datetime) -> bool:
        hashed = hash_key_secret(secret)
        if hmac.compare_digest(self.secret_hash, hashed):
            return True
        return (
            self.previous_secret_hash is not None
            and self.previous_valid_until is not None
            and at < self.previous_valid_until
            and hmac.compare_digest(self.previous_secret_hash, hashed)
        )

    def actor(self, creator_permissions: frozenset[str]) -> Actor:
        """The key acting now: its scopes, cut down to what its creator may do today."""
        return Actor(
            user_id=None,
            organization_id=self.organization_id,
            roles=frozenset(),
            permissions=effective_permissions(self.scopes, creator_permissions),
            api_key_id=self.id,
            scopes=self.scopes,
        )

    def event(self, name: str, at: datetime) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={"api_key_id": str(self.id), "name": self.name, "prefix": self.prefix, "scopes": sorted(self.scopes)},
        )


@dataclass(frozen=True)
class IssuedApiKey:
    key: ApiKey
    plaintext: str  # shown once


class ApiKeyRepository(ABC):
    @abstractmethod
    async def add(self, key: ApiKey) -> None: ...

    @abstractmethod
    async def get(self, organization_id: UUID, key_id: UUID) -> ApiKey:
        """Raises NotFound for an unknown or foreign id."""

    @abstractmethod
    async def find_by_lookup(self, lookup: str) -> ApiKey | None: ...

    @abstractmethod
    async def list(self, organization_id: UUID) -> list[ApiKey]: ...

    @abstractmethod
    async def count_live(self, organization_id: UUID) -> int: ...

    @abstractmethod
    async def revoke(self, organization_id: UUID, key_id: UUID, at: datetime) -> None: ...

    @abstractmethod
    async def touch(self, key_id: UUID, at: datetime) -> None:
        """Record a use (last_used_at)."""

    @abstractmethod
    async def rotate(self, key: ApiKey) -> None:
        """Store the key's new secret hash, previous hash, its end of validity and rotated_at."""


class ApiKeysUnitOfWork(AuditingUnitOfWork):
    api_keys: ApiKeyRepository
    memberships: MembershipRepository  # the creator's current permissions bound each key


def _user_only(actor: Actor) -> None:
    if actor.delegated or actor.user_id is None:
        raise PermissionDenied("API keys are managed by signed-in users, not by keys or OAuth clients")


def _new_lookup() -> str:
    return "".join(secrets.choice(_LOOKUP_ALPHABET) for _ in range(LOOKUP_LENGTH))


async def create_api_key(
    *,
    uow: ApiKeysUnitOfWork,
    clock: Clock,
    actor: Actor,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    request: RequestInfo = NO_REQUEST,
) -> IssuedApiKey:
    _user_only(actor)
    now = clock.now()
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    granted = check_scopes(actor, scopes)
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise ValidationFailed.single("expires_at", "must carry a time zone")
        if expires_at <= now:
            raise ValidationFailed.single("expires_at", "must be in the future")
        if expires_at > now + timedelta(days=3 * 366):
            raise ValidationFailed.single("expires_at", "must be within three years")
    secret = secrets.token_urlsafe(32)  # 256 bits
    async with uow:
        if await uow.api_keys.count_live(actor.org) >= MAX_KEYS_PER_ORGANIZATION:
            raise ValidationFailed.single("name", f"an organization may hold at most {MAX_KEYS_PER_ORGANIZATION} keys")
        lookup = _new_lookup()
        while await uow.api_keys.find_by_lookup(lookup) is not None:  # 36^8 ≈ 2.8e12: practically never
            lookup = _new_lookup()
        key = ApiKey(
            organization_id=actor.org,
            name=name.strip(),
            lookup=lookup,
            secret_hash=hash_key_secret(secret),
            scopes=granted,
            created_at=now,
            created_by=actor.user_id,
            expires_at=expires_at,
        )
        await uow.api_keys.add(key)
        uow.record(key.event("api_key.created", now))
        await _audit(uow, actor, "api_key.created", key, request, now)
        await uow.commit()
    return IssuedApiKey(key=key, plaintext=f"{KEY_PREFIX}{lookup}_{secret}")


async def list_api_keys(*, uow: ApiKeysUnitOfWork, actor: Actor) -> list[ApiKey]:
    async with uow:
        return await uow.api_keys.list(actor.org)


async def get_api_key(*, uow: ApiKeysUnitOfWork, actor: Actor, key_id: UUID) -> ApiKey:
    async with uow:
        return await uow.api_keys.get(actor.org, key_id)


async def revoke_api_key(
    *, uow: ApiKeysUnitOfWork, clock: Clock, actor: Actor, key_id: UUID, request: RequestInfo = NO_REQUEST
) -> None:
    _user_only(actor)
    now = clock.now()
    async with uow:
        key = await uow.api_keys.get(actor.org, key_id)
        if key.revoked:
            return  # idempotent
        await uow.api_keys.revoke(actor.org, key_id, now)
        uow.record(replace(key, revoked_at=now).event("api_key.revoked", now))
        await _audit(uow, actor, "api_key.revoked", key, request, now)
        await uow.commit()


async def _audit(
    uow: ApiKeysUnitOfWork, actor: Actor, action: str, key: ApiKey, request: RequestInfo, at: datetime
) -> None:
    """Key changes are security changes: they go to the audit log, in the change's transaction."""
    target = AuditTarget("api_key", str(key.id), f"{key.name} (prefix {key.lookup})")
    await record_audit(uow, actor, action, target, request, at=at, details={"scopes": " ".join(sorted(key.scopes))})


MAX_ROTATION_GRACE = timedelta(days=7)


async def rotate_api_key(
    *,
    uow: ApiKeysUnitOfWork,
    clock: Clock,
    actor: Actor,
    key_id: UUID,
    grace: timedelta = timedelta(0),
    request: RequestInfo = NO_REQUEST,
) -> IssuedApiKey:
    """A new secret for the same key (id, prefix, scopes kept). With ``grace`` the old secret keeps
    working until then (deployments can switch over); without, it stops at once."""
    _user_only(actor)
    if grace < timedelta(0) or grace > MAX_ROTATION_GRACE:
        raise ValidationFailed.single("grace_seconds", "must be between 0 and 604800 (seven days)")
    now = clock.now()
    secret = secrets.token_urlsafe(32)
    async with uow:
        key = await uow.api_keys.get(actor.org, key_id)
        if not key.usable_at(now):
            raise ValidationFailed.single("key_id", "a revoked or expired key cannot be rotated")
        check_scopes(actor, sorted(key.scopes))  # rotating is re-issuing: not beyond the rotator's rights
        rotated = replace(
            key,
            secret_hash=hash_key_secret(secret),
            previous_secret_hash=key.secret_hash if grace else None,
            previous_valid_until=now + grace if grace else None,
            rotated_at=now,
        )
        await uow.api_keys.rotate(rotated)
        uow.record(rotated.event("api_key.rotated", now))
        await _audit(uow, actor, "api_key.rotated", rotated, request, now)
        await uow.commit()
    return IssuedApiKey(key=rotated, plaintext=f"{KEY_PREFIX}{key.lookup}_{secret}")


class ApiKeyAuthenticator:
    """Turns a presented key into an Actor. ``last_used_at`` is written at most once per
    ``touch_every`` per key and process, so a busy key does not cost a write per request."""

    def __init__(
        self, uow_factory: Callable[[], ApiKeysUnitOfWork], clock: Clock, touch_every: timedelta = timedelta(minutes=1)
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock
        self._touch_every = touch_every
        self._touched: dict[UUID, datetime] = {}

    async def authenticate(self, raw: str) -> Actor:
        parsed = parse_key(raw)
        now = self._clock.now()
        uow = self._uow_factory()
        async with uow:
            key = await uow.api_keys.find_by_lookup(parsed.lookup)
            if key is None or not key.matches(parsed.secret, now) or not key.usable_at(now):
                raise AuthenticationFailed("Invalid API key")
            creator = await uow.memberships.find(key.organization_id, key.created_by) if key.created_by else None
            last = self._touched.get(key.id) or key.last_used_at
            if last is None or now - last >= self._touch_every:
                await uow.api_keys.touch(key.id, now)
                await uow.commit()
                if len(self._touched) > 10_000:
                    self._touched.clear()
                self._touched[key.id] = now
        return key.actor(creator.permissions if creator else frozenset())

    async def authenticate_id(self, organization_id: UUID, key_id: UUID) -> Actor:
        """The key a stream handle was made with (docs/realtime.md), as it acts now: refused once it
        is revoked or expired, its permissions cut to what its creator may do today."""
        now = self._clock.now()
        uow = self._uow_factory()
        async with uow:
            try:
                key = await uow.api_keys.get(organization_id, key_id)
            except NotFound:
                raise AuthenticationFailed("Invalid API key") from None
            if not key.usable_at(now):
                raise AuthenticationFailed("Invalid API key")
            creator = await uow.memberships.find(key.organization_id, key.created_by) if key.created_by else None
        return key.actor(creator.permissions if creator else frozenset())

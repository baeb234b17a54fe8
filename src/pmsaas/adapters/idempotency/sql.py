"""Idempotency keys in the database: a unique (scope, key) row claimed with an INSERT."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.sql.tables.platform import idempotency_keys as t
from pmsaas.domain.shared.clock import Clock, SystemClock
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import IdempotencyRecord, IdempotencyStore, StoredResponse

IN_PROGRESS = "in_progress"
COMPLETED = "completed"


class SqlIdempotencyStore(IdempotencyStore):
    """Each operation is its own short transaction, independent of the request's unit of work."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        ttl_seconds: float = 24 * 3600,
        lock_seconds: float = 60,
        clock: Clock | None = None,
    ) -> None:
        self._engine = engine
        self._ttl = timedelta(seconds=ttl_seconds)
        self._lock = timedelta(seconds=lock_seconds)
        self._clock = clock or SystemClock()

    def _where(self, scope: str, key: str) -> Any:
        return sa.and_(t.c.scope == scope, t.c.idempotency_key == key)

    async def begin(self, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
        for _ in range(5):  # a row may expire or be released between our statements: try again
            now = self._clock.now()
            claim = {
                "fingerprint": fingerprint,
                "state": IN_PROGRESS,
                "status_code": None,
                "response_headers": None,
                "response_body": None,
                "created_at": now,
                "locked_until": now + self._lock,
                "expires_at": now + self._ttl,
            }
            try:
                async with self._engine.begin() as conn:
                    await conn.execute(t.insert().values(id=new_id(), scope=scope, idempotency_key=key, **claim))
                return None
            except sa.exc.IntegrityError:
                pass
            async with self._engine.begin() as conn:
                row = (await conn.execute(sa.select(t).where(self._where(scope, key)))).one_or_none()
                if row is None:
                    continue
                expired = row.expires_at <= now
                stale = row.state == IN_PROGRESS and row.locked_until <= now and row.fingerprint == fingerprint
                if not (expired or stale):
                    return _record(row)
                # Take over an expired key or a stale claim: only one contender's UPDATE matches.
                taken = await conn.execute(
                    t.update()
                    .where(self._where(scope, key))
                    .where(
                        sa.or_(
                            t.c.expires_at <= now,
                            sa.and_(t.c.state == IN_PROGRESS, t.c.locked_until <= now, t.c.fingerprint == fingerprint),
                        )
                    )
                    .values(**claim)
                )
                if taken.rowcount == 1:
                    return None
        raise RuntimeError("could not claim the idempotency key")  # pragma: no cover - needs a pathological race

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        now = self._clock.now()
        async with self._engine.begin() as conn:
            await conn.execute(
                t.update()
                .where(self._where(scope, key))
                .values(
                    state=COMPLETED,
                    status_code=response.status,
                    response_headers=[list(h) for h in response.headers],
                    response_body=response.body,
                    locked_until=None,
                    expires_at=now + self._ttl,
                )
            )

    async def release(self, scope: str, key: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(t.delete().where(self._where(scope, key), t.c.state == IN_PROGRESS))

    async def purge_expired(self) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(t.delete().where(t.c.expires_at <= self._clock.now()))
        return int(result.rowcount or 0)


def _record(row: Any) -> IdempotencyRecord:
    if row.state != COMPLETED:
        return IdempotencyRecord(fingerprint=row.fingerprint, response=None)
    headers = tuple((str(k), str(v)) for k, v in (row.response_headers or []))
    return IdempotencyRecord(
        fingerprint=row.fingerprint,
        response=StoredResponse(status=int(row.status_code), headers=headers, body=bytes(row.response_body or b"")),
    )

"""Jobs on Redis through arq. The worker side is ``pmsaas.entrypoints.worker.settings``."""

from __future__ import annotations

import asyncio
from typing import Any

from arq import ArqRedis, create_pool
from arq.connections import RedisSettings
from arq.constants import default_queue_name

from pmsaas.domain.shared.ports import JobArgument, JobQueue, check_job_arguments


class ArqJobQueue(JobQueue):
    """Connects lazily (nothing at construction), one pool per queue object."""

    def __init__(self, redis: str | RedisSettings, *, queue_name: str = default_queue_name) -> None:
        self._settings = RedisSettings.from_dsn(redis) if isinstance(redis, str) else redis
        self._queue_name = queue_name
        self._pool: ArqRedis | None = None
        self._lock = asyncio.Lock()

    async def _connection(self) -> ArqRedis:
        if self._pool is None:
            async with self._lock:
                if self._pool is None:
                    self._pool = await create_pool(self._settings, default_queue_name=self._queue_name)
        return self._pool

    async def enqueue(self, name: str, *, job_id: str, defer_seconds: float = 0, **kwargs: JobArgument) -> bool:
        check_job_arguments(kwargs)
        pool = await self._connection()
        arguments: dict[str, Any] = kwargs  # plain data (checked above); arq types its `_`-options alongside
        job = await pool.enqueue_job(name, _job_id=job_id, _defer_by=defer_seconds or None, **arguments)
        return job is not None

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None

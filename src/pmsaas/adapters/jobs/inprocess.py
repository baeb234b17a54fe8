"""The embedded job queue: registered task functions run as asyncio tasks in this process.

Same semantics as the arq adapter (see ``JobQueue``): an id that is pending or running is not
enqueued twice; arguments must be primitives. There is no retry and nothing survives a restart:
periodic tasks (the outbox relay) catch up on their own, which is why embedded mode needs no Redis.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog

from pmsaas.domain.shared.ports import JobArgument, JobQueue, check_job_arguments

Task = Callable[..., Awaitable[Any]]
log = structlog.get_logger("pmsaas.jobs")


class InProcessJobQueue(JobQueue):
    def __init__(self, tasks: Mapping[str, Task] | None = None, ctx: dict[str, Any] | None = None) -> None:
        self._tasks: dict[str, Task] = dict(tasks or {})
        self._ctx: dict[str, Any] = dict(ctx or {})
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._failures: list[BaseException] = []

    def bind(self, tasks: Mapping[str, Task], ctx: dict[str, Any]) -> None:
        """Register the task functions and the context they receive (the container, for one)."""
        self._tasks.update(tasks)
        self._ctx.update(ctx)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def enqueue(self, name: str, *, job_id: str, defer_seconds: float = 0, **kwargs: JobArgument) -> bool:
        check_job_arguments(kwargs)
        if name not in self._tasks:
            raise LookupError(f"no task named {name!r} is registered")
        if job_id in self._pending:
            return False
        arguments = copy.deepcopy(kwargs)  # like a trip through Redis: the caller's objects are not shared
        self._pending[job_id] = asyncio.get_running_loop().create_task(
            self._run(name, job_id, defer_seconds, arguments), name=f"job:{job_id}"
        )
        return True

    async def _run(self, name: str, job_id: str, defer_seconds: float, kwargs: dict[str, Any]) -> None:
        try:
            if defer_seconds > 0:
                await asyncio.sleep(defer_seconds)
            await self._tasks[name]({**self._ctx, "job_id": job_id, "job_try": 1}, **kwargs)
        except Exception as exc:
            log.exception("job_failed", job=name, job_id=job_id)
            self._failures.append(exc)
        finally:
            if self._pending.get(job_id) is asyncio.current_task():
                del self._pending[job_id]

    async def drain(self) -> None:
        """Wait until no job is pending (jobs may enqueue jobs); re-raise the first failure. For tests.

        Safe from another event loop than the jobs' (a test awaiting jobs that the app, served by
        the test client in its own thread, enqueued): the waiting then happens in the jobs' loop."""
        while self._pending:
            tasks = list(self._pending.values())
            loop = tasks[0].get_loop()
            if loop is asyncio.get_running_loop():
                await asyncio.gather(*tasks, return_exceptions=True)
            else:
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_wait(tasks), loop))
        if self._failures:
            first, self._failures = self._failures[0], []
            raise first

    async def close(self) -> None:
        tasks = list(self._pending.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._pending.clear()


async def _wait(tasks: list[asyncio.Task[None]]) -> None:
    await asyncio.gather(*tasks, return_exceptions=True)

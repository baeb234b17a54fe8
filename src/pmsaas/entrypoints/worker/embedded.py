"""Embedded mode (no Redis): the HTTP process runs the periodic jobs the arq worker runs by cron."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from pmsaas.container import Container, in_process_jobs
from pmsaas.domain.shared.ports import JobQueue
from pmsaas.entrypoints.worker.tasks import bind_in_process

log = structlog.get_logger("pmsaas.jobs")
PURGE_EVERY_SECONDS = 3600.0


class EmbeddedSchedule:
    """Enqueues each periodic job on the in-process queue every few seconds; the job id is the
    job's name, so a slow run is never doubled (the queue skips an id that is still running)."""

    def __init__(self, queue: JobQueue, every: dict[str, float]) -> None:
        self._queue = queue
        self._every = {name: seconds for name, seconds in every.items() if seconds > 0}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._loop(name, seconds), name=f"schedule:{name}")
            for name, seconds in self._every.items()
        ]

    async def _loop(self, name: str, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await self._queue.enqueue(name, job_id=f"periodic:{name}")
            except Exception:
                log.exception("schedule_failed", job=name)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []


def embedded_schedule(container: Container) -> EmbeddedSchedule | None:
    """The schedule for embedded mode, or None when an arq worker does the job (PMSAAS_REDIS_URL set)."""
    queue = in_process_jobs(container)
    if queue is None:
        return None
    bind_in_process(container)
    interval = container.settings().outbox_relay_interval_seconds
    jobs = container.settings().jobs_tick_seconds  # billing days and housekeeping (0 = off)
    every = {
        "relay_outbox": interval,
        "deliver_webhooks": interval,
        "deliver_notices": interval,
        "purge_expired": PURGE_EVERY_SECONDS,
        "run_scheduled_jobs": jobs,
    }
    return EmbeddedSchedule(queue, every)

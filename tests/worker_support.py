"""The product's arq worker in a test: ``WorkerSettings`` on a queue of the test's own, run until
the queue is empty (burst), on the test's event loop."""

from __future__ import annotations

from typing import Any

from arq.worker import Worker

from pmsaas.entrypoints.worker.settings import WorkerSettings


async def run_burst(queue_name: str, **overrides: Any) -> Worker:
    """Runs the worker over what ``queue_name`` holds and returns it (for ``jobs_complete`` and
    ``jobs_failed``); ``overrides`` replace its settings (``cron_jobs``, for one)."""
    settings: dict[str, Any] = {
        "functions": WorkerSettings.functions,
        "queue_name": queue_name,
        "redis_settings": WorkerSettings.redis_settings,
        "on_startup": WorkerSettings.on_startup,
        "on_shutdown": WorkerSettings.on_shutdown,
        "keep_result": WorkerSettings.keep_result,
        "burst": True,
        "handle_signals": False,
        "poll_delay": 0.01,
    }
    worker = Worker(**(settings | overrides))
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker

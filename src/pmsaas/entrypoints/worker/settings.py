"""arq ``WorkerSettings`` for ``pmsaas worker`` (Redis mode).

The container is built in ``on_startup`` from the environment and disposed in ``on_shutdown``;
nothing connects at import time (``RedisSettings.from_dsn`` only parses the URL).
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from arq.connections import RedisSettings
from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine
from arq.worker import Function, func
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from pmsaas.container import build_container, shutdown
from pmsaas.entrypoints.worker.tasks import (
    TASKS,
    deliver_notices,
    deliver_webhooks,
    purge_expired,
    relay_outbox,
    run_scheduled_jobs,
)
from pmsaas.settings import load_settings

RELAY_EVERY_SECONDS = 5


async def startup(ctx: dict[str, Any]) -> None:
    from pmsaas.logging import configure_logging

    settings = load_settings()
    configure_logging(
        json=settings.log_json if settings.log_json is not None else settings.is_production, level=settings.log_level
    )
    ctx["container"] = build_container(settings)


async def stop(ctx: dict[str, Any]) -> None:
    container = ctx.pop("container", None)
    if container is not None:
        await shutdown(container)


def _redis_settings() -> RedisSettings:
    url = load_settings().redis_url
    settings = RedisSettings.from_dsn(url) if url else RedisSettings()
    # A connection reset (a Redis restart, a network blip) is retried on a fresh connection with
    # backoff instead of escaping arq's poll loop and ending the process.
    settings.retry_on_error = [RedisConnectionError, RedisTimeoutError]
    settings.retry = Retry(ExponentialBackoff(cap=2.0, base=0.05), retries=8)
    return settings


class WorkerSettings:
    # arq's WorkerCoroutine protocol asks for (ctx, *args, **kwargs); our tasks take keywords only,
    # which is how arq calls them.
    functions: ClassVar[list[Function]] = [func(cast(WorkerCoroutine, task), name=name) for name, task in TASKS.items()]
    cron_jobs: ClassVar[list[CronJob]] = [
        cron(purge_expired, name="cron:purge_expired", minute=7, second=0),  # hourly
        cron(relay_outbox, name="cron:relay_outbox", second=set(range(0, 60, RELAY_EVERY_SECONDS))),
        # Due webhook messages (first attempts and retries); a second after each relay run.
        cron(deliver_webhooks, name="cron:deliver_webhooks", second=set(range(1, 60, RELAY_EVERY_SECONDS))),
        # The event notices' e-mail and real-time messages a killed worker left, and their retries.
        cron(deliver_notices, name="cron:deliver_notices", second=set(range(2, 60, RELAY_EVERY_SECONDS))),
        # Every minute: what is due (billing days, hourly housekeeping); each run claimed once per period.
        cron(run_scheduled_jobs, name="cron:run_scheduled_jobs", second=30),
    ]
    redis_settings = _redis_settings()
    on_startup = startup
    on_shutdown = stop
    # Job ids are deduplicated while pending or running; a finished id may run again (JobQueue semantics).
    keep_result = 0

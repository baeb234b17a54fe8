"""``pmsaas worker``: arq's worker, started again when Redis drops it.

arq lets some Redis errors out of its poll loop (a reset while it finishes a job, a WATCH that a
reconnect broke); the process would exit and the outbox stop moving until an operator noticed. The
jobs are safe to run again (each is claimed once per period or idempotent), so the worker starts
afresh after a short, growing pause; anything else (a bug, Ctrl-C, SIGTERM) still ends it.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from arq.worker import run_worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

log = structlog.get_logger("pmsaas.worker")

REDIS_DROPPED = (RedisConnectionError, RedisTimeoutError, WatchError, ConnectionError, OSError)
MAX_PAUSE_SECONDS = 30.0


def run_until_stopped() -> None:
    from pmsaas.entrypoints.worker.settings import WorkerSettings

    pause = 0.5
    while True:
        started = time.monotonic()
        asyncio.set_event_loop(asyncio.new_event_loop())  # arq runs on the current loop; a dropped one is closed
        try:
            run_worker(WorkerSettings)  # type: ignore[arg-type]  # arq's protocol wants instance attributes; ours are ClassVars
            return  # stopped by a signal: done
        except REDIS_DROPPED as exc:
            if time.monotonic() - started > 60:
                pause = 0.5  # it ran a while: this is a new outage, not the same one
            log.warning("worker_redis_dropped", error=type(exc).__name__, restart_in_seconds=pause)
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)

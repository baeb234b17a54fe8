"""``pmsaas worker``: arq's worker, started again when Redis drops it.

arq lets some Redis errors out of its poll loop (a reset while it finishes a job, a WATCH that a
reconnect broke); the process would exit and the outbox stop moving until an operator noticed. The
jobs are safe to run again (each is claimed once per period or idempotent), so the worker starts
afresh after a short, growing pause; anything else (a bug, Ctrl-C, SIGTERM) still ends it.

Each start builds a new container (arq's start-up hook). arq's clean-up calls Redis before its
shutdown hook, so when Redis is what failed the hook never runs: the previous container (database
pools, Redis clients, open connections) and its event loop would stay behind at every restart.
The hook is therefore run here too when arq did not run it, and the loop closed.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import structlog
from arq.worker import create_worker
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
        try:
            _run_once(WorkerSettings)
            return  # stopped by a signal: done
        except REDIS_DROPPED as exc:
            if time.monotonic() - started > 60:
                pause = 0.5  # it ran a while: this is a new outage, not the same one
            log.warning("worker_redis_dropped", error=type(exc).__name__, restart_in_seconds=pause)
            time.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)


def _run_once(settings: Any) -> None:
    """One arq worker on a loop of its own; whatever ends it, its container is shut down by the
    settings' shutdown hook (unless arq's own clean-up ran it) and its loop closed."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # arq runs on the current loop
    worker = create_worker(settings)
    try:
        worker.run()
    finally:
        try:
            if worker.ctx.get("container") is not None:
                loop.run_until_complete(settings.on_shutdown(worker.ctx))
            if worker.pool is not None:  # arq's clean-up stopped before closing its Redis pool
                loop.run_until_complete(worker.pool.close(close_connection_pool=True))
        except Exception as exc:  # a pool that cannot close cleanly: the loop goes anyway
            log.warning("worker_shutdown_incomplete", error=type(exc).__name__)
        finally:
            loop.close()

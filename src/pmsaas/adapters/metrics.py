"""Prometheus metrics (docs/operations.md, "Metrics"): the instruments, and the text a scrape returns.

prometheus-client keeps a counter or histogram in process memory, or, when ``PROMETHEUS_MULTIPROC_DIR``
is set before this module is imported, in one memory-mapped file per process in that directory; a scrape
then sums every worker's files (``MultiProcessCollector``), so under granian with N workers the answer
covers all of them whichever worker serves it (https://prometheus.github.io/client_python/multiprocess/).

Labels are bounded: a route *template* (``/api/v1/properties/{property_id}``, never the raw path),
the status code, a job name, an outcome. The outbox lag is not an instrument: it is read from the
database on each scrape (the oldest unpublished outbox row, from the ``ix_outbox_unpublished`` index).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from pmsaas.adapters.sql.engine import Checkouts
from pmsaas.adapters.sql.tables.notifications import outbox

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

REQUESTS = Counter("pmsaas_http_requests", "HTTP responses", ("method", "route", "status"))
LATENCY = Histogram(
    "pmsaas_http_request_duration_seconds",
    "Time from the request's arrival to its response's start",
    ("method", "route"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RATE_LIMIT_REFUSALS = Counter("pmsaas_rate_limit_refusals", "Requests refused with 429", ("route",))
JOB_RUNS = Counter("pmsaas_job_runs", "Scheduled job runs finished", ("job", "outcome"))
JOB_FAILURES = Counter("pmsaas_job_failures", "Scheduled job runs that failed", ("job",))
# Per process, summed over the live workers in multi-process mode.
POOL_IN_USE = Gauge("pmsaas_db_pool_in_use", "Database connections checked out", multiprocess_mode="livesum")
POOL_WAITING = Gauge("pmsaas_db_pool_waiting", "Requests waiting for a connection", multiprocess_mode="livesum")

UNMATCHED = "unmatched"  # 404 for an unknown path: one label value, not one per path tried


def observe_response(method: str, route: str | None, status: int, seconds: float) -> None:
    route = route or UNMATCHED
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)
    if status == 429:
        RATE_LIMIT_REFUSALS.labels(route).inc()


def observe_job(job: str, outcome: str) -> None:
    JOB_RUNS.labels(job, outcome).inc()
    if outcome == "failed":
        JOB_FAILURES.labels(job).inc()


def sample_pool(engine: AsyncEngine) -> None:
    """This process's pool: connections checked out (the pool's public ``checkedout()``), and units of
    work waiting for one (counted by our own checkout, ``adapters/sql/engine.py``)."""
    pool: Any = engine.pool
    checked_out = getattr(pool, "checkedout", None)
    POOL_IN_USE.set(checked_out() if callable(checked_out) else 0)
    POOL_WAITING.set(Checkouts.waiting)


class OutboxLag(Collector):
    """``pmsaas_outbox_lag_seconds``: age of the oldest unpublished outbox row (0 when none), and the
    number of unpublished rows is left out on purpose (a count scans; the oldest row is one index probe)."""

    def __init__(self, seconds: float | None) -> None:
        self._seconds = seconds

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily("pmsaas_outbox_lag_seconds", "Age of the oldest unpublished outbox row")
        lag.add_metric([], self._seconds if self._seconds is not None else float("nan"))
        yield lag


async def outbox_lag_seconds(engine: AsyncEngine, now: datetime | None = None) -> float | None:
    query = (
        sa.select(outbox.c.occurred_at).where(outbox.c.published_at.is_(None)).order_by(outbox.c.occurred_at).limit(1)
    )
    try:
        async with engine.connect() as conn:
            oldest: datetime | None = (await conn.execute(query)).scalar_one_or_none()
    except (sa.exc.SQLAlchemyError, OSError):
        return None  # the database is down: NaN, and /health/ready says why
    if oldest is None:
        return 0.0
    return max(0.0, ((now or datetime.now(UTC)) - oldest).total_seconds())


async def exposition(engine: AsyncEngine, system_engine: AsyncEngine | None = None) -> tuple[bytes, str]:
    """The scrape's body and content type. ``engine``: the requests' pool; ``system_engine``: the one
    that reads every organization's outbox (docs/tenancy.md), the same engine when there is one."""
    sample_pool(engine)
    lag = CollectorRegistry()
    lag.register(OutboxLag(await outbox_lag_seconds(system_engine or engine)))
    if MULTIPROCESS:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    return body + generate_latest(lag), CONTENT_TYPE_LATEST


class Metrics:
    """What the HTTP entrypoint uses (through the container): record a response, answer a scrape."""

    def __init__(self, engine: AsyncEngine, system_engine: AsyncEngine | None = None) -> None:
        self._engine = engine  # the requests' pool, sampled
        self._system_engine = system_engine or engine  # reads the outbox's lag

    def observe_response(self, method: str, route: str | None, status: int, seconds: float) -> None:
        observe_response(method, route, status, seconds)
        sample_pool(self._engine)

    async def exposition(self) -> tuple[bytes, str]:
        return await exposition(self._engine, self._system_engine)

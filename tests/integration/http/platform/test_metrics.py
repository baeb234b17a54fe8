"""GET /metrics (Prometheus): requests by route template and status, latency, rate-limit refusals,
job runs, the database pool and the outbox lag; the token; multi-process mode (both databases)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from conftest import BACKENDS, make_settings, rate_limited_api
from pmsaas.container import build_container, shutdown
from pmsaas.domain.shared.jobs import JobRun, Outcome
from pmsaas.entrypoints.http.app import create_app
from support import property_body


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            found[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return found


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(api) -> str:
    r = await api.client.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return r.text


async def test_requests_are_counted_by_route_template_and_status(api, owner):
    before = await scrape(api)
    created = await api.post("/api/v1/properties", owner.token, json=property_body())
    assert created.status_code == 201
    missing = f"/api/v1/properties/{uuid.uuid4()}"
    assert (await api.get(missing, owner.token)).status_code == 404
    assert (await api.get("/api/v1/no-such-list", owner.token)).status_code == 404
    after = await scrape(api)

    route = "/api/v1/properties/{property_id}"
    assert value(after, "pmsaas_http_requests_total", method="GET", route=route, status="404") == (
        value(before, "pmsaas_http_requests_total", method="GET", route=route, status="404") + 1
    )
    posted = {"method": "POST", "route": "/api/v1/properties", "status": "201"}
    assert (
        value(after, "pmsaas_http_requests_total", **posted)
        == value(before, "pmsaas_http_requests_total", **posted) + 1
    )
    count = value(after, "pmsaas_http_request_duration_seconds_count", method="POST", route="/api/v1/properties")
    assert count >= 1
    # No label carries a raw path (an id): the cardinality stays that of the routes.
    assert missing not in after and "no-such-list" not in after
    assert value(after, "pmsaas_http_requests_total", method="GET", route="unmatched", status="404") >= 1
    # Pool gauges and the outbox lag (the property.created row waits for the relay: lag >= 0).
    names = {name for name, _ in samples(after)}
    assert {"pmsaas_db_pool_in_use", "pmsaas_db_pool_waiting", "pmsaas_outbox_lag_seconds"} <= names
    assert value(after, "pmsaas_outbox_lag_seconds") >= 0


async def test_job_runs_and_failures_are_counted(api, owner):
    runs = api.container.job_runs()
    before = await scrape(api)
    for outcome in (Outcome.SUCCEEDED, Outcome.FAILED):
        run = JobRun(
            job="metrics_probe",
            organization_id=uuid.UUID(owner.org_id),
            period=f"{outcome}-{uuid.uuid4().hex}",
            started_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        assert await runs.claim(run)
        await runs.finish(
            JobRun(**{**run.__dict__, "outcome": outcome, "finished_at": datetime(2026, 12, 1, 0, 1, tzinfo=UTC)})
        )
    after = await scrape(api)
    for name, labels in (
        ("pmsaas_job_runs_total", {"job": "metrics_probe", "outcome": "succeeded"}),
        ("pmsaas_job_runs_total", {"job": "metrics_probe", "outcome": "failed"}),
        ("pmsaas_job_failures_total", {"job": "metrics_probe"}),
    ):
        assert value(after, name, **labels) == value(before, name, **labels) + 1


@pytest.fixture(params=BACKENDS)
async def limited(request, database_urls, tmp_path):
    async with rate_limited_api(request.param, database_urls[request.param], tmp_path, 1) as api:
        yield api


async def test_rate_limit_refusals_are_counted(limited):
    org = await limited.new_org()
    label = {"route": "/api/v1/properties"}
    before = value(await scrape(limited), "pmsaas_rate_limit_refusals_total", **label)
    assert (await limited.get("/api/v1/properties", org.token)).status_code == 200
    assert (await limited.get("/api/v1/properties", org.token)).status_code == 429
    assert value(await scrape(limited), "pmsaas_rate_limit_refusals_total", **label) == before + 1


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_token_guards_the_scrape(backend, database_urls, tmp_path):
    container = build_container(make_settings(database_urls[backend], tmp_path, metrics_token="scrape-me-0123"))
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            assert (await client.get("/metrics")).status_code == 401
            wrong = {"Authorization": "Bearer scrape-me-0124"}
            assert (await client.get("/metrics", headers=wrong)).status_code == 401
            r = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123"})
            assert r.status_code == 200 and "pmsaas_outbox_lag_seconds" in r.text
    finally:
        await shutdown(container)


def test_production_without_a_token_has_no_metrics_route():
    from pmsaas.entrypoints.http.metrics import metrics_routes

    class Settings:
        metrics_token = None
        is_production = True

    class Container:
        def settings(self):
            return Settings()

    assert metrics_routes(Container()) == []  # type: ignore[arg-type]


WORKER = """
from pmsaas.adapters.metrics import observe_response
observe_response("GET", "/api/v1/properties", 200, 0.01)
"""
SCRAPER = """
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
registry = CollectorRegistry()
MultiProcessCollector(registry)
print(generate_latest(registry).decode())
"""


def test_multiprocess_mode_sums_the_workers(tmp_path: Path):
    """Two worker processes record one request each; a third (the scrape) sees both."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", WORKER], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", SCRAPER], env=env, check=True, capture_output=True, text=True).stdout
    labels = {"method": "GET", "route": "/api/v1/properties", "status": "200"}
    assert value(out, "pmsaas_http_requests_total", **labels) == 2

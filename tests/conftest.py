"""Test fixtures: the real app over real databases.

The suite always runs on SQLite and, when PMSAAS_TEST_DATABASE_URL / PMSAAS_TEST_REDIS_URL are
set (CI sets both), on PostgreSQL + Redis too. An unreachable configured service fails the run:
it is never skipped.

Every container the suite builds reads time from one ``SuiteClock``: the system's time unless the
test is marked ``@pytest.mark.today("2026-12-01")`` (or its module carries that ``pytestmark``),
which pins it for that test. CI also runs the suite with the process clock moved (.ci/run).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from hypothesis import HealthCheck, settings
from litestar import Litestar
from litestar.testing import AsyncTestClient

from fakes.network import FakeHostResolver
from pmsaas.container import Container, build_container
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.entrypoints.http.app import create_app
from pmsaas.settings import Settings, load_settings
from support import SuiteClock, pinned_instant

settings.register_profile("pmsaas", deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
settings.load_profile("pmsaas")

# The SDK tests' live server and installed SDKs (tests/integration/sdks/).
pytest_plugins = ["sdk_fixtures"]

PG_URL = os.environ.get("PMSAAS_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("PMSAAS_TEST_REDIS_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
# The fault suite breaks the network between the application and PostgreSQL/Redis: without them
# (a SQLite-only run) there is nothing to break, so it is not collected (never skipped).
collect_ignore_glob = [] if PG_URL and REDIS_URL else ["faults/*"]

# Overridden on the class, so containers built anywhere in a test (the CLI's, the worker's) share it.
SUITE_CLOCK = SuiteClock()
Container.clock.override(providers.Object(SUITE_CLOCK))
# Names resolve from a table (tests/fakes/network.py): no test asks real DNS.
SUITE_RESOLVER = FakeHostResolver()
Container.host_resolver.override(providers.Object(SUITE_RESOLVER))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "today(when): pin the suite clock to a date (noon UTC) or an ISO instant")
    config.addinivalue_line("markers", "fuzz: schemathesis over the OpenAPI document (not in .ci/run's clock reruns)")
    config.addinivalue_line(
        "markers", "only_on(backend, **params): a parameter value that exists on one backend only (e.g. COPY)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Combinations that do not exist are not collected (never skipped): ``only_on("postgres", writer="copy")``
    drops the ``writer=copy`` runs on every other backend."""
    keep, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        mismatch = any(
            params.get("api", backend) != backend and all(params.get(k) == v for k, v in only.kwargs.items())
            for only in item.iter_markers("only_on")
            for backend in only.args
        )
        (dropped if mismatch else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(autouse=True)
def _pinned_clock(request: pytest.FixtureRequest) -> Iterator[SuiteClock]:
    """Pins the suite clock for a test marked ``today``; autouse, so it is pinned before ``owner``
    signs in. Always released afterwards: the ``api`` fixture and its containers are shared."""
    marker = request.node.get_closest_marker("today")
    if marker is not None:
        SUITE_CLOCK.pin(pinned_instant(marker.args[0]))
    try:
        yield SUITE_CLOCK
    finally:
        SUITE_CLOCK.release()


def _fresh_postgres(url: str) -> str:
    """A new empty database per test session, so runs never see each other's rows."""
    name = f"pmsaas_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(sa.make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def _drop_postgres(url: str) -> None:
    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def make_settings(url: str, tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": url,
        "var_dir": str(tmp),
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 1024,
        "login_attempts_per_ip": 10_000,
        "registrations_per_ip_per_hour": 100_000,
        "outbox_relay_interval_seconds": 0,  # tests relay explicitly (tests/integration/worker/)
        "mail_backend": "console",  # tests read container.mailer().sent; the queued path has its own tests
        "mail_queue": False,
        # A whole suite's mail in one session (scheduled runs mail every organization's invoices):
        # a test must still find its own messages after the others' floods.
        "console_mail_keep": 20_000,
        "jobs_tick_seconds": 0,  # scheduled jobs too (tests/integration/worker/test_scheduled_jobs.py)
    }
    values.update(overrides)
    return load_settings({}, **values)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated database per backend for the whole session."""
    urls = {"sqlite": f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"}
    if PG_URL:
        urls["postgres"] = _fresh_postgres(PG_URL)
    for url in urls.values():
        upgrade(url)
    yield urls
    if PG_URL:
        _drop_postgres(urls["postgres"])


@dataclass
class Api:
    """A test client plus helpers to make organizations and users through the real endpoints."""

    client: AsyncTestClient[Litestar]
    container: Container
    backend: str
    _counter: list[int] = field(default_factory=lambda: [0])

    async def request(self, method: str, url: str, *, token: str | None = None, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return await self.client.request(method, url, headers=headers, **kw)

    async def get(self, url: str, token: str | None = None, **kw: Any) -> Any:
        return await self.request("GET", url, token=token, **kw)

    async def post(self, url: str, token: str | None = None, **kw: Any) -> Any:
        return await self.request("POST", url, token=token, **kw)

    async def put(self, url: str, token: str | None = None, **kw: Any) -> Any:
        return await self.request("PUT", url, token=token, **kw)

    async def delete(self, url: str, token: str | None = None, **kw: Any) -> Any:
        return await self.request("DELETE", url, token=token, **kw)

    def email(self, prefix: str = "user") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"

    async def login(self, email: str, password: str) -> dict[str, Any]:
        r = await self.post("/api/v1/identity/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        return r.json()["data"]

    async def new_org(self, name: str = "Acme Rentals") -> Owner:
        """Register an owner with a new organization and sign in."""
        email, password = self.email("owner"), "correct horse battery"
        r = await self.post(
            "/api/v1/identity/register",
            json={"email": email, "password": password, "name": "Olivia Owner", "organization_name": name},
        )
        assert r.status_code == 201, r.text
        tokens = await self.login(email, password)
        return Owner(
            self,
            email,
            password,
            tokens["access_token"],
            tokens["refresh_token"],
            r.json()["data"]["organization_id"],
            tokens["user"]["id"],
        )


@dataclass
class Owner:
    api: Api
    email: str
    password: str
    token: str
    refresh_token: str
    org_id: str
    user_id: str

    async def add_user(self, role: str, password: str = "a long password") -> tuple[str, str]:
        """A user with ``role`` in this organization; returns (user id, access token)."""
        email = self.api.email(role.lower())
        r = await self.api.post(
            "/api/v1/identity/users",
            self.token,
            json={"email": email, "name": f"{role} person", "roles": [role], "password": password},
        )
        assert r.status_code == 201, r.text
        tokens = await self.api.login(email, password)
        return r.json()["data"]["id"], tokens["access_token"]


@pytest.fixture(scope="session", params=BACKENDS)
async def api(
    request: pytest.FixtureRequest, database_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    backend = request.param
    redis = REDIS_URL if backend == "postgres" else None
    settings_ = make_settings(database_urls[backend], tmp_path_factory.mktemp(f"var-{backend}"), redis_url=redis)
    container = build_container(settings_)
    app = create_app(container)
    async with AsyncTestClient(app=app) as client:
        # An unreachable database or Redis fails the run here, loudly (never a skip).
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, f"{backend} services not ready: {ready.text}"
        if redis:
            assert ready.json()["data"]["checks"]["redis"] == "ok"
        yield Api(client, container, backend)


@pytest.fixture
async def owner(api: Api) -> Owner:
    return await api.new_org()


@pytest.fixture
async def other_owner(api: Api) -> Owner:
    return await api.new_org("Rival Estates")


@pytest.fixture
def small_standard_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard plan with 5 seats, 10 properties and 12 units (its real limits are 25, 100 and 2000),
    so a test of the limits reaches them in a few requests. The app reads the catalogue at each check."""
    from dataclasses import replace

    from pmsaas.domain.organizations.plans import PLANS, Plan

    monkeypatch.setitem(PLANS, Plan.STANDARD, replace(PLANS[Plan.STANDARD], seats=5, properties=10, units=12))


def frozen_rate_limiter(container: Container) -> Any:
    """A limiter of the container's kind (Redis when it has one) with fresh counters and a clock that
    stands still, so a window boundary never resets a test's counters."""
    frozen = float(time.time())
    if container.redis() is not None:
        from pmsaas.adapters.ratelimit.redis import RedisRateLimiter

        return RedisRateLimiter(container.redis(), prefix=f"pmsaas:test:{uuid.uuid4().hex}:", now=lambda: frozen)
    from pmsaas.adapters.ratelimit.memory import InMemoryRateLimiter

    return InMemoryRateLimiter(now=lambda: frozen)


@asynccontextmanager
async def rate_limited_api(backend: str, url: str, tmp: Path, limit: int) -> AsyncIterator[Api]:
    """An app whose standard plan allows ``limit`` requests per window, counted by a frozen limiter."""
    redis = REDIS_URL if backend == "postgres" else None
    container = build_container(make_settings(url, tmp, redis_url=redis, rate_limit_standard=limit))
    container.rate_limiter.override(frozen_rate_limiter(container))
    async with AsyncTestClient(app=create_app(container)) as client:
        yield Api(client, container, backend)


# Webhook delivery tests: a receiver on loopback and a sender allowed to reach it (tests/webhook_support.py).
from webhook_support import receiver, sender  # noqa: E402

__all__ = ["receiver", "sender"]


# The whole run's logs hold no credential (issue 11; tests/log_leaks.py).
_LOG_LEAKS: dict[str, None] = {}  # ordered, without the repeats (a report carries its earlier phases' sections)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    from log_leaks import leaks_in

    for section, text in report.sections:
        _LOG_LEAKS.update(dict.fromkeys(f"{report.nodeid} [{section}]: {line[:240]}" for line in leaks_in(text)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _LOG_LEAKS:
        print("\nCredentials in the logs of this run:\n" + "\n".join(list(_LOG_LEAKS)[:50]))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

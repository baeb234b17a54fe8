"""The application behind two fault proxies: one in front of PostgreSQL, one in front of Redis.

The fault suite needs those network services: it runs where the suite runs on PostgreSQL + Redis
(``PMSAAS_TEST_DATABASE_URL`` and ``PMSAAS_TEST_REDIS_URL``, as in CI); a SQLite-only run does not
collect it (tests/conftest.py), there being no network to break."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from tcp_proxy import FaultProxy

from conftest import PG_URL, REDIS_URL, Api, _drop_postgres, _fresh_postgres, make_settings
from pmsaas.container import build_container, shutdown
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.entrypoints.http.app import create_app


@dataclass
class Faulty:
    api: Api
    database: FaultProxy
    redis: FaultProxy
    direct_url: str  # the database without the proxy, for checks after the faults


@asynccontextmanager
async def faulty_app(tmp_path: Path) -> AsyncIterator[Faulty]:
    assert PG_URL and REDIS_URL
    direct = _fresh_postgres(PG_URL)
    upgrade(direct)
    pg, redis = sa.make_url(direct), sa.make_url(REDIS_URL)
    database, cache = (
        FaultProxy(pg.host or "127.0.0.1", pg.port or 5432),
        FaultProxy(redis.host or "127.0.0.1", redis.port or 6379),
    )
    through_db = pg.set(port=database.start()).render_as_string(hide_password=False)
    through_redis = str(redis.set(port=cache.start()))
    container = build_container(make_settings(through_db, tmp_path, redis_url=through_redis))
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            yield Faulty(Api(client, container, "postgres"), database, cache, direct)
    finally:
        database.heal()
        cache.heal()
        await shutdown(container)
        database.stop()
        cache.stop()
        _drop_postgres(direct)

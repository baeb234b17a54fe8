"""What the repository contract suites run over: the fakes, SQL on SQLite, and SQL on PostgreSQL
(when PMSAAS_TEST_DATABASE_URL is set). Each yields a factory of fresh units of work over one
database; the suites use new organization ids, so rows of earlier tests never get in the way."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fakes.store import FakeDatabase
from fakes.uow import FakeUnitOfWork

BACKENDS = ["fake", "sql-sqlite"] + (["sql-postgres"] if os.environ.get("PMSAAS_TEST_DATABASE_URL") else [])

UowFactory = Callable[[], Any]


@asynccontextmanager
async def uow_factory(backend: str, database_urls: dict[str, str]) -> AsyncIterator[UowFactory]:
    if backend == "fake":
        db = FakeDatabase()
        yield lambda: FakeUnitOfWork(db)
        return
    # Only the unit of work and the engine: which module holds which SQL repository is the adapter's business.
    from pmsaas.adapters.sql.engine import create_engine
    from pmsaas.adapters.sql.uow import SqlUnitOfWork

    engine = create_engine(database_urls[backend.removeprefix("sql-")])
    try:
        yield lambda: SqlUnitOfWork(engine)
    finally:
        await engine.dispose()

"""Async engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def sync_url(url: str) -> str:
    """The URL alembic and the CLI use: same database, synchronous driver."""
    return url.replace("sqlite+aiosqlite", "sqlite", 1)


def async_url(url: str) -> str:
    if url.startswith("sqlite://") or url.startswith("sqlite:///"):
        return url.replace("sqlite", "sqlite+aiosqlite", 1)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _prepare_sqlite_file(url: str) -> None:
    path = sa.make_url(url).database
    if path and path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # connecting will fail with a database error, which readiness reports as 503


def install_sqlite_pragmas(sync_engine: sa.Engine) -> None:
    """Foreign keys on, WAL, a busy timeout, and real transactions.

    pysqlite/aiosqlite otherwise begin transactions lazily and never around reads; taking the
    write lock up front (BEGIN IMMEDIATE) makes read-then-write use cases serialize cleanly
    instead of failing with "database is locked" on lock upgrade.
    """

    @sa.event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @sa.event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# JSON/JSONB columns are read with msgspec: several times faster than json.loads on a list page,
# where every row carries JSON documents (bench/README.md). Same values (big ints included).
_JSON_READ: dict[str, Any] = {"json_deserializer": msgspec.json.decode}


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_async_engine(url, pool_size=pool_size, max_overflow=5, **_JSON_READ)
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=10, pool_pre_ping=True, **_JSON_READ)


def create_sync_engine(url: str) -> sa.Engine:
    url = sync_url(async_url(url))
    if url.startswith("postgresql+psycopg"):
        return sa.create_engine(url)
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = sa.create_engine(url)
        install_sqlite_pragmas(engine)
        return engine
    return sa.create_engine(url)

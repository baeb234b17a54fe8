"""Async engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import select
from pathlib import Path
from typing import Any

import msgspec
import psycopg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pmsaas.adapters.sql.tenancy import TENANT_ROLE, name_organization_per_transaction


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
        if not conn.get_execution_options().get(READ_ONLY):  # a read-only unit of work takes no lock
            conn.exec_driver_sql("BEGIN IMMEDIATE")


# JSON/JSONB columns are read with msgspec: several times faster than json.loads on a list page,
# where every row carries JSON documents (bench/README.md). Same values (big ints included).
_JSON_READ: dict[str, Any] = {"json_deserializer": msgspec.json.decode}

# PostgreSQL pool: sized for one server process's concurrency (a connection above pool_size is closed
# when it comes back, so an undersized pool reconnects under load: a new backend per request). No
# pre-ping (an extra round trip before every checkout): connections are recycled before common idle
# timeouts, a connection the server has closed is detected at checkout without a round trip
# (``_drop_dead_connections``), and one lost mid-request is a 503 (``SqlUnitOfWork``) after which
# SQLAlchemy invalidates the rest of the pool.
PG_POOL_SIZE = 32  # what one worker serves at once under load (bench: 32 connections); 2 workers = 80 max
PG_MAX_OVERFLOW = 8
PG_POOL_RECYCLE_SECONDS = 1800


def create_engine(
    url: str, *, pool_size: int | None = None, role: str | None = None, max_overflow: int | None = None
) -> AsyncEngine:
    """``role``: the PostgreSQL role every connection takes at connect time (a startup option: no
    round trip), tenancy.py's tenant or system role; None keeps the login's own (SQLite: ignored)."""
    url = async_url(url)
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_async_engine(url, pool_size=pool_size or 10, max_overflow=5, hide_parameters=True, **_JSON_READ)
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    engine = create_async_engine(
        url,
        pool_size=pool_size or PG_POOL_SIZE,
        max_overflow=PG_MAX_OVERFLOW if max_overflow is None else max_overflow,
        pool_recycle=PG_POOL_RECYCLE_SECONDS,
        connect_args=_connect_args(role),
        hide_parameters=True,  # a database error's text (logged with its traceback) never carries row values
        **_JSON_READ,
    )
    sa.event.listen(engine.sync_engine, "checkout", _drop_dead_connections)
    install_read_write_transactions(engine.sync_engine)
    if role == TENANT_ROLE:
        name_organization_per_transaction(engine.sync_engine)
    return engine


def _drop_dead_connections(_dbapi_connection: Any, _record: Any, proxy: Any) -> None:
    """Pool checkout: a connection the server has closed (restart, pg_terminate_backend, idle timeout)
    is replaced before use, without the round trip of a pre-ping. An idle connection has nothing to
    read; a readable socket means the server closed it (or sent its FATAL goodbye). Raising
    DisconnectionError makes the pool discard it and check out another (SQLAlchemy retries 3 times)."""
    conn = proxy.driver_connection
    if conn is None or conn.closed:
        raise sa.exc.DisconnectionError("connection closed")
    try:
        readable = _readable(conn.pgconn.socket)
    except (OSError, ValueError, psycopg.OperationalError) as exc:
        raise sa.exc.DisconnectionError("connection unusable") from exc
    if readable:
        raise sa.exc.DisconnectionError("the server closed the connection")


def _readable(fd: int) -> bool:
    """Without waiting. poll(), not select(): a busy server has file descriptors above select's 1024."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR)
        return bool(poller.poll(0))
    return bool(select.select([fd], [], [], 0)[0])


# -- read-only units of work --------------------------------------------------------------------
#
# A use case that only reads asks for ``uow.read_only()`` (SqlReadOnlyUnitOfWork): its connection runs
# in autocommit, so it costs no BEGIN/ROLLBACK round trips (at READ COMMITTED every statement takes its
# own snapshot inside a transaction too: the reads return the same rows). The database refuses its
# writes: on PostgreSQL every connection of the engine opens with ``default_transaction_read_only``, so
# a statement run outside an explicit transaction is read-only, while every transaction psycopg begins
# for a plain unit of work is ``BEGIN READ WRITE`` (psycopg's ``read_only = False``), one round trip
# as before. On SQLite the read-only unit of work sets ``PRAGMA query_only`` for as long as it holds
# the connection and skips ``BEGIN IMMEDIATE`` (execution option ``READ_ONLY``).

READ_ONLY = "pmsaas_read_only"  # execution option of a read-only unit of work's connection (SQLite)
_READ_ONLY_BY_DEFAULT = {"options": "-c default_transaction_read_only=on"}


def _connect_args(role: str | None) -> dict[str, str]:
    if role is None:
        return _READ_ONLY_BY_DEFAULT
    return {"options": f"{_READ_ONLY_BY_DEFAULT['options']} -c role={role}"}


def install_read_write_transactions(sync_engine: sa.Engine) -> None:
    @sa.event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_read_only(False)  # no I/O: psycopg's BEGIN becomes BEGIN READ WRITE


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


class Checkouts:
    """Units of work of this process waiting for their connection right now (a pool checkout, or a new
    connection being made), for ``/metrics``. Counted around our own checkout (``SqlUnitOfWork``):
    SQLAlchemy's pool has no public figure for its waiters."""

    waiting = 0

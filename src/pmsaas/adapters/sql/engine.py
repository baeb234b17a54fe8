"""Async engines for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import re
import select
from pathlib import Path
from typing import Any

import msgspec
import psycopg
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

# PostgreSQL pool: sized for one server process's concurrency (a connection above pool_size is closed
# when it comes back, so an undersized pool reconnects under load: a new backend per request). No
# pre-ping (an extra round trip before every checkout): connections are recycled before common idle
# timeouts, a connection the server has closed is detected at checkout without a round trip
# (``_drop_dead_connections``), and one lost mid-request is a 503 (``SqlUnitOfWork``) after which
# SQLAlchemy invalidates the rest of the pool.
PG_POOL_SIZE = 32  # what one worker serves at once under load (bench: 32 connections); 2 workers = 80 max
PG_MAX_OVERFLOW = 8
PG_POOL_RECYCLE_SECONDS = 1800


def create_engine(url: str, *, pool_size: int | None = None) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        _prepare_sqlite_file(url)
        engine = create_async_engine(url, pool_size=pool_size or 10, max_overflow=5, **_JSON_READ)
        install_sqlite_pragmas(engine.sync_engine)
        return engine
    engine = create_async_engine(
        url,
        pool_size=pool_size or PG_POOL_SIZE,
        max_overflow=PG_MAX_OVERFLOW,
        pool_recycle=PG_POOL_RECYCLE_SECONDS,
        **_JSON_READ,
    )
    sa.event.listen(engine.sync_engine, "checkout", _drop_dead_connections)
    install_lazy_begin(engine.sync_engine)
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


# -- lazy BEGIN (PostgreSQL) ---------------------------------------------------------------------
#
# A unit of work that only reads needs no transaction: at READ COMMITTED every statement takes its
# own snapshot inside a transaction too, so the reads return the same rows, and BEGIN + ROLLBACK are
# two round trips for nothing. A unit of work's connection therefore starts in autocommit
# (SqlUnitOfWork switches psycopg and marks the pooled connection's ``info`` with ``LAZY_BEGIN``
# until it gives the connection back, transactional again); the first statement that is not a plain
# read (a write, a savepoint, a locking read, anything unrecognised) switches psycopg out of
# autocommit just before it runs, so psycopg sends BEGIN first and everything from there on, writes
# and the reads after them, is one transaction that commits or rolls back as before. Reads before
# the first write ran on committed data only, exactly as they would inside the transaction.

LAZY_BEGIN = "pmsaas_lazy_begin"
_NOT_PLAIN = re.compile(
    r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|advisory|nextval|setval|\b(INSERT|UPDATE|DELETE|MERGE)\b",
    re.IGNORECASE,
)
_plain_reads: dict[str, bool] = {}


def is_plain_read(statement: str) -> bool:
    """A SELECT that neither writes nor locks (cached per statement text; SQLAlchemy reuses them)."""
    known = _plain_reads.get(statement)
    if known is None:
        known = statement.lstrip()[:6].upper() == "SELECT" and _NOT_PLAIN.search(statement) is None
        if len(_plain_reads) < 5000:
            _plain_reads[statement] = known
    return known


def install_lazy_begin(sync_engine: sa.Engine) -> None:
    @sa.event.listens_for(sync_engine, "before_cursor_execute")
    def _begin_before_first_write(
        conn: sa.Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        pooled = conn.connection
        if not pooled.info.get(LAZY_BEGIN):
            return
        dbapi = pooled.dbapi_connection
        if dbapi is not None and dbapi.autocommit and not is_plain_read(statement):
            dbapi.set_autocommit(False)  # psycopg opens the transaction before this statement


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

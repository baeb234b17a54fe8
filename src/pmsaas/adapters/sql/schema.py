"""Schema administration for the configured database: migrations (alembic, in-process) and a check
that the live schema matches the tables the code declares.

The alembic configuration is built here, from the installed package: the revisions ship inside it
(``pmsaas.adapters.sql.migrations``), so ``pmsaas db upgrade`` needs no ``alembic.ini`` and works
from any directory, in a checkout or after ``pip install``."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from pmsaas.adapters.sql import tables  # noqa: F401
from pmsaas.adapters.sql.engine import create_sync_engine
from pmsaas.adapters.sql.metadata import metadata
from pmsaas.adapters.sql.migrations import DIRECTORY as MIGRATIONS


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply every branch's migrations (contexts may add migrations that branch from one base)."""
    command.upgrade(alembic_config(url), revision)


def current_revisions(url: str) -> tuple[str, ...]:
    engine = create_sync_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    finally:
        engine.dispose()


def upgrade_and_report(url: str, revision: str = "heads") -> str:
    """Upgrade, and say what changed: a new database and an up-to-date one must not look alike."""
    before = current_revisions(url)
    upgrade(url, revision)
    after = current_revisions(url)
    at = ", ".join(after) or "none"
    if before == after:
        return f"database is up to date: already at {at}, nothing to apply"
    script = ScriptDirectory.from_config(alembic_config(url))
    applied = len(list(script.iterate_revisions(after, before or "base")))
    return f"database is up to date: upgraded from {', '.join(before) or 'none'} to {at} ({applied} revisions)"


def pending_differences(url: str) -> list[object]:
    """Upgrade, then compare the live schema with the tables the code declares."""
    upgrade(url)
    engine = create_sync_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            heads = ScriptDirectory.from_config(alembic_config(url)).get_heads()
            current = context.get_current_heads()
            diff = list(compare_metadata(context, metadata))
            if set(current) != set(heads):
                diff.append(("revision", f"database at {current}, code at {heads}"))
            return diff
    finally:
        engine.dispose()


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database on the same server (PostgreSQL) or a temp file (SQLite), dropped after."""
    target = sa.make_url(url)
    if target.get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'scratch.sqlite3'}"
        return
    name = f"pmsaas_check_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(target.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield target.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

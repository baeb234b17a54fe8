"""Alembic environment: targets adapters/sql/metadata.py; the URL comes from PMSAAS_* settings
(or from ``config.attributes["url"]`` when the CLI or the tests call alembic in-process).

The CLI (``pmsaas db upgrade``) builds its alembic configuration from this package's location;
``alembic.ini`` at the repository root points here too, for ``alembic revision --autogenerate``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import context

from pmsaas.adapters.sql import tables  # noqa: F401  (registers every table on the metadata)
from pmsaas.adapters.sql.engine import create_sync_engine
from pmsaas.adapters.sql.metadata import metadata
from pmsaas.settings import load_settings

config = context.config


def _url() -> str:
    return config.attributes.get("url") or load_settings().resolved_database_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_sync_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,  # SQLite alters tables by copying them
        compare_type=True,
    )
    if sqlite:
        # A batch copy drops the original table, which rows of other tables still reference: foreign
        # keys are off while migrating and checked once before the commit instead.
        _sqlite_pragma(connection, "foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys=ON")


def _sqlite_pragma(connection: sa.Connection, pragma: str) -> None:
    """Straight on the driver's connection: the pragma is ignored inside a transaction, and the
    engine's BEGIN IMMEDIATE would open one around any statement sent through SQLAlchemy."""
    driver: Any = connection.connection.driver_connection  # sqlite3's connection (None only once closed)
    driver.execute(f"PRAGMA {pragma}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

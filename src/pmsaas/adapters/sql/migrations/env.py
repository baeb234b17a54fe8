"""Alembic environment: targets adapters/sql/metadata.py; the URL comes from PMSAAS_* settings
(or from ``config.attributes["url"]`` when the CLI or the tests call alembic in-process).

The CLI (``pmsaas db upgrade``) builds its alembic configuration from this package's location;
``alembic.ini`` at the repository root points here too, for ``alembic revision --autogenerate``."""

from __future__ import annotations

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
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Revision 0011: payments and refunds become unique per (organization, caller, key).

Existing rows take their caller from the SQL key store when a completed record of the same
organization and key names them in its response; the others become ``legacy``. Downgrading goes
back to one key per organization (later duplicates are renamed), and upgrading again works.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from pmsaas.adapters.sql.engine import create_sync_engine
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.adapters.sql.tables.platform import idempotency_keys
from pmsaas.entrypoints.cli.db import alembic_config, scratch_database

PG_URL = os.environ.get("PMSAAS_TEST_DATABASE_URL")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite"] + (["postgres"] if PG_URL else []))
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    with scratch_database(PG_URL if request.param == "postgres" else "sqlite://") as scratch:  # type: ignore[arg-type]
        yield scratch


def _insert(conn: sa.Connection, table: sa.Table, **values: object) -> None:
    """Insert only the given columns (the table as it is at this revision), with the real column types."""
    at_revision = sa.table(table.name, *(sa.column(c.name, c.type) for c in table.c if c.name in values))
    conn.execute(at_revision.insert().values(**values))


def _payment(conn: sa.Connection, org: uuid.UUID, key: str, **extra: object) -> uuid.UUID:
    pid = uuid.uuid4()
    _insert(
        conn,
        F.payments,
        id=pid,
        organization_id=org,
        lease_id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        amount_minor=1000,
        refunded_minor=0,
        currency="INR",
        method="cash",
        status="succeeded",
        idempotency_key=key,
        request_fingerprint="old",
        invoice_ids=[],
        version=1,
        created_at=extra.pop("at", NOW),
        updated_at=NOW,
        **extra,
    )
    return pid


def _stored(conn: sa.Connection, scope: str, key: str, fingerprint: str, answer: dict[str, object]) -> None:
    _insert(
        conn,
        idempotency_keys,
        id=uuid.uuid4(),
        scope=scope,
        idempotency_key=key,
        fingerprint=fingerprint,
        state="completed",
        status_code=201,
        response_headers=[],
        response_body=json.dumps(answer).encode(),
        created_at=NOW,
        expires_at=NOW + timedelta(days=1),
    )


def _scopes(conn: sa.Connection, table: str) -> dict[str, tuple[str, str]]:
    rows = conn.execute(sa.text(f"SELECT idempotency_key, idempotency_scope, request_fingerprint FROM {table}"))
    return {key: (scope, fingerprint) for key, scope, fingerprint in rows}


def test_existing_rows_keep_their_caller_when_the_key_store_knows_it(url: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, "0002")
    command.upgrade(config, "0010")
    org, manager, tenant = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    engine = create_sync_engine(url)
    try:
        with engine.begin() as conn:
            known = _payment(conn, org, "k-known")
            _payment(conn, org, "k-unknown")
            _payment(conn, org, "k-other-answer")
            _stored(conn, f"{org}:user:{manager}", "k-known", "f" * 64, {"data": {"id": str(known)}})
            # the same key used elsewhere by someone else: its answer is not about this payment
            _stored(conn, f"{org}:user:{tenant}", "k-other-answer", "e" * 64, {"data": {"id": str(uuid.uuid4())}})
            rid = uuid.uuid4()
            _insert(
                conn,
                F.refunds,
                id=rid,
                organization_id=org,
                payment_id=known,
                amount_minor=100,
                currency="INR",
                idempotency_key="r-known",
                request_fingerprint="old",
                created_at=NOW,
            )
            _stored(conn, f"{org}:user:{manager}", "r-known", "d" * 64, {"data": {"refund": {"id": str(rid)}}})

        command.upgrade(config, "heads")
        with engine.begin() as conn:
            assert _scopes(conn, "financial_payments") == {
                "k-known": (f"{org}:user:{manager}", "f" * 64),
                "k-unknown": ("legacy", "old"),
                "k-other-answer": ("legacy", "old"),
            }
            assert _scopes(conn, "financial_refunds") == {"r-known": (f"{org}:user:{manager}", "d" * 64)}
        # another caller may now use a key of the organization; the same caller may not
        with engine.begin() as conn:
            _payment(conn, org, "k-known", idempotency_scope=f"{org}:user:{tenant}", at=NOW + timedelta(hours=1))
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            _payment(conn, org, "k-known", idempotency_scope=f"{org}:user:{tenant}")

        command.downgrade(config, "0010")  # back to one key per organization: the later twin is renamed
        with engine.begin() as conn:
            keys = dict(conn.execute(sa.select(F.payments.c.id, F.payments.c.idempotency_key)).all())
            assert keys.pop(known) == "k-known"  # the oldest keeps it
            renamed = sorted(keys.values())
            assert renamed[0].startswith("k-known~") and renamed[1:] == ["k-other-answer", "k-unknown"]
        command.upgrade(config, "heads")
    finally:
        engine.dispose()

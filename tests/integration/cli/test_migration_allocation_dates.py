"""Revision 0048: payment allocations are dated (``applied_on``, GSTR-1 table 11).

Existing rows take the later of the payment's day of receipt (``received_on``, else the UTC date of
``received_at``) and the invoice's issue date; a payment with neither date leaves its rows NULL.
Downgrading drops the column, and upgrading again works."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from pmsaas.adapters.sql.engine import create_sync_engine
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.entrypoints.cli.db import alembic_config, scratch_database

PG_URL = os.environ.get("PMSAAS_TEST_DATABASE_URL")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
ORG = uuid.uuid4()


@pytest.fixture(params=["sqlite"] + (["postgres"] if PG_URL else []))
def url(request: pytest.FixtureRequest) -> Iterator[str]:
    with scratch_database(PG_URL if request.param == "postgres" else "sqlite://") as scratch:  # type: ignore[arg-type]
        yield scratch


def _insert(conn: sa.Connection, table: sa.Table, **values: object) -> None:
    """Insert only the given columns (the table as it is at this revision), with the real column types."""
    at_revision = sa.table(table.name, *(sa.column(c.name, c.type) for c in table.c if c.name in values))
    conn.execute(at_revision.insert().values(**values))


def _invoice(conn: sa.Connection, issued: date) -> uuid.UUID:
    iid = uuid.uuid4()
    _insert(
        conn,
        F.invoices,
        id=iid,
        organization_id=ORG,
        lease_id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        status="paid",
        issue_date=issued,
        due_date=issued,
        currency="INR",
        subtotal_minor=100,
        tax_minor=0,
        total_minor=100,
        paid_minor=100,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    return iid


def _paid(conn: sa.Connection, invoice: uuid.UUID, **received: object) -> uuid.UUID:
    pid = uuid.uuid4()
    _insert(
        conn,
        F.payments,
        id=pid,
        organization_id=ORG,
        lease_id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        amount_minor=100,
        refunded_minor=0,
        currency="INR",
        method="cash",
        status="succeeded",
        idempotency_scope="legacy",
        idempotency_key=f"k-{pid.hex}",
        request_fingerprint="old",
        invoice_ids=[],
        version=1,
        created_at=NOW,
        updated_at=NOW,
        **received,
    )
    _insert(
        conn,
        F.payment_allocations,
        id=uuid.uuid4(),
        organization_id=ORG,
        payment_id=pid,
        invoice_id=invoice,
        position=0,
        amount_minor=100,
        currency="INR",
    )
    return pid


def test_existing_allocations_are_dated_the_later_of_receipt_and_issue(url: str) -> None:
    config = alembic_config(url)
    command.upgrade(config, "0047")
    engine = create_sync_engine(url)
    try:
        with engine.begin() as conn:
            november, december = _invoice(conn, date(2026, 11, 1)), _invoice(conn, date(2026, 12, 1))
            paid_late = _paid(conn, november, received_on=date(2026, 11, 20), received_at=NOW)
            advance = _paid(conn, december, received_on=date(2026, 11, 20), received_at=NOW)
            by_card = _paid(conn, november, received_at=datetime(2026, 11, 5, 20, 0, tzinfo=UTC))
            undated = _paid(conn, november)
        command.upgrade(config, "heads")
        with engine.begin() as conn:
            a = F.payment_allocations
            dated = dict(conn.execute(sa.select(a.c.payment_id, a.c.applied_on)).all())
        assert dated == {
            paid_late: date(2026, 11, 20),  # received after the invoice: the day of receipt
            advance: date(2026, 12, 1),  # credit absorbed by a later invoice: its issue date
            by_card: date(2026, 11, 5),  # no received_on: the UTC day of received_at
            undated: None,
        }
        command.downgrade(config, "0047")
        command.upgrade(config, "heads")
    finally:
        engine.dispose()

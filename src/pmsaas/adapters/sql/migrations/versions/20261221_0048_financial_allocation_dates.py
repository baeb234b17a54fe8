"""financial: financial_payment_allocations.applied_on (GSTR-1 table 11)

The day a payment's money went to an invoice: the payment's day of receipt for the allocations made
when it is posted, the invoice's issue date for tenant credit applied when the invoice is issued.
GSTR-1 table 11A (advances not yet adjusted at a month's end) and 11B (their adjustment in a later
month) read it. Existing rows are dated the later of the payment's day of receipt (``received_on``,
else the UTC date of ``received_at``: the ledger entry's date) and the invoice's issue date, which
is what each writer would have written; a row whose payment has neither date stays NULL and is read
as the payment's day of receipt. The table stays under row-level security (0040): no new table.

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-21 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0048"
down_revision: str | tuple[str, ...] | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "financial_payment_allocations"


def _backfill(received_at_date: str) -> str:
    received = f"COALESCE(p.received_on, {received_at_date})"
    later = f"CASE WHEN i.issue_date > {received} THEN i.issue_date ELSE {received} END"
    return (
        f"UPDATE {TABLE} SET applied_on = ("  # noqa: S608  (constants only)
        f"SELECT {later} FROM financial_payments p, financial_invoices i "
        f"WHERE p.id = {TABLE}.payment_id AND i.id = {TABLE}.invoice_id) "
        "WHERE applied_on IS NULL"
    )


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: SQLite's batch mode rebuilds the table and would drop the
    # list-count triggers of 0044.
    op.add_column(TABLE, sa.Column("applied_on", sa.Date(), nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    # SQLite keeps a timestamp as text ('YYYY-MM-DD HH:MM:SS'): date() takes its day.
    op.execute(_backfill("CAST(p.received_at AT TIME ZONE 'UTC' AS DATE)" if postgres else "date(p.received_at)"))


def downgrade() -> None:
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN applied_on")  # SQLite 3.35+, PostgreSQL; keeps triggers

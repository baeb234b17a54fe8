"""financial: financial_refunds.from_credit_minor (GSTR-1 table 11)

The part of a refund that gave back the payment's unallocated credit (an advance, taxed when
received), as against the part that released allocations and reopened invoices the payment had
paid. Table 11B adjusts the first in the month of the refund; the second was never an advance.
Existing rows stay NULL: the split was not kept, and they are read as before (the whole refund
off the money received). No new table: row-level security (0040) still applies.

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-22 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0049"
down_revision: str | tuple[str, ...] | None = "0048"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "financial_refunds"


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch (SQLite's batch mode rebuilds the table).
    op.add_column(TABLE, sa.Column("from_credit_minor", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN from_credit_minor")  # SQLite 3.35+, PostgreSQL

"""financial invoices: round_off_minor (India: the invoice rounded to the rupee at issue)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("financial_invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_off_minor", sa.BigInteger(), server_default=sa.text("0"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("financial_invoices", schema=None) as batch_op:
        batch_op.drop_column("round_off_minor")

"""financial expenses: input_tax, the tax on the vendor's bill

The GST/HST/QST (or India's GST heads) a vendor charged on top of an expense's amount, whether it
can be claimed as an input tax credit, and whether the organization pays it on reverse charge
(domain/financial/input_tax.py). It feeds GSTR-3B table 4 and 3.1(d) and the GST/HST return's line
106. Existing rows: null (no tax recorded; their amount stays the whole cost).

Revision ID: 0043
Revises: 0008
Create Date: 2026-12-07 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0043"
down_revision: str | None = "0008"  # financial_expenses
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    with op.batch_alter_table("financial_expenses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("input_tax", json, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("financial_expenses", schema=None) as batch_op:
        batch_op.drop_column("input_tax")

"""financial: deposit settlements at move-out; payments: received_on

financial_deposit_settlements holds one move-out settlement per lease (deductions, refund, the
invoices the arrears deduction paid). financial_payments.received_on is the day a manual payment
was received when it is recorded later (the ledger entry's date). Existing rows: none / NULL.

Revision ID: 0015
Revises: "0014"
Create Date: 2026-12-09 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0015"
down_revision: str | tuple[str, ...] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_ = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "financial_deposit_settlements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("lease_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("held_minor", sa.BigInteger(), nullable=False),
        sa.Column("refund_minor", sa.BigInteger(), nullable=False),
        sa.Column("refund_method", sa.String(length=20), nullable=False),
        sa.Column("refund_reference", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deductions", JSON_, nullable=False),
        sa.Column("arrears_paid", JSON_, nullable=False),
        sa.Column("settled_on", sa.Date(), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_deposit_settlements")),
        sa.UniqueConstraint("organization_id", "lease_id", name="uq_financial_deposit_settlements_lease"),
    )
    with op.batch_alter_table("financial_deposit_settlements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_financial_deposit_settlements_organization_id"), ["organization_id"], unique=False
        )
    with op.batch_alter_table("financial_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("received_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("financial_payments", schema=None) as batch_op:
        batch_op.drop_column("received_on")
    with op.batch_alter_table("financial_deposit_settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financial_deposit_settlements_organization_id"))
    op.drop_table("financial_deposit_settlements")

"""financial TDS lines (India): TDS withheld on payments and deducted on expenses

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 20:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmsaas.adapters.sql.metadata

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "financial_tds_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("source_type", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("requested", sa.String(length=40), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=True),
        sa.Column("rate", sa.String(length=20), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("gross_minor", sa.BigInteger(), nullable=False),
        sa.Column("tds_minor", sa.BigInteger(), nullable=True),
        sa.Column("base_minor", sa.BigInteger(), nullable=True),
        sa.Column("act_version", sa.String(length=200), nullable=True),
        sa.Column("section_ref", sa.String(length=200), nullable=True),
        sa.Column("payment_code", sa.String(length=20), nullable=True),
        sa.Column("pan_number", sa.String(length=20), nullable=True),
        sa.Column("payee_kind", sa.String(length=20), nullable=True),
        sa.Column("party_name", sa.String(length=200), nullable=True),
        sa.Column("payee_key", sa.String(length=220), nullable=False),
        sa.Column("certificate_number", sa.String(length=60), nullable=True),
        sa.Column("computed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("deduction_date", sa.Date(), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_tds_lines")),
        sa.UniqueConstraint(
            "organization_id",
            "source_type",
            "source_id",
            name=op.f("uq_financial_tds_lines_organization_id_source_type_source_id"),
        ),
    )
    with op.batch_alter_table("financial_tds_lines", schema=None) as batch_op:
        batch_op.create_index("ix_tds_lines_org_date", ["organization_id", "deduction_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_financial_tds_lines_organization_id"), ["organization_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("financial_tds_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financial_tds_lines_organization_id"))
        batch_op.drop_index("ix_tds_lines_org_date")
    op.drop_table("financial_tds_lines")

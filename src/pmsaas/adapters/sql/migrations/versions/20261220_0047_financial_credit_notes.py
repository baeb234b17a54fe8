"""financial: credit notes (CGST Act s.34); financial_invoices.credited_minor

financial_credit_notes holds the credit notes issued against an invoice: their own number series,
the reason, the lines reversed (taxable value and tax per head, JSON) and the totals. An invoice's
``credited_minor`` is what its credit notes took off what the tenant owes (balance = total - paid -
credited). Existing invoices: 0. PostgreSQL: the new table is under row-level security (0040).

Revision ID: 0047
Revises: 0040
Create Date: 2026-12-20 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata
from pmsaas.adapters.sql.tenancy import tenancy_policies_sql

revision: str = "0047"
down_revision: str | tuple[str, ...] | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_ = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TABLE = "financial_credit_notes"


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: SQLite's batch mode rebuilds the table and would drop the
    # list-count triggers of 0044.
    op.add_column(
        "financial_invoices", sa.Column("credited_minor", sa.BigInteger(), nullable=False, server_default=sa.text("0"))
    )
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("lease_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("subtotal_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("lines", JSON_, nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financial_credit_notes")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["financial_invoices.id"],
            name=op.f("fk_financial_credit_notes_invoice_id_financial_invoices"),
        ),
        sa.UniqueConstraint("organization_id", "number", name=op.f("uq_financial_credit_notes_organization_id_number")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_financial_credit_notes_organization_id"), ["organization_id"])
        batch_op.create_index("ix_financial_credit_notes_org_invoice", ["organization_id", "invoice_id"])
        batch_op.create_index("ix_financial_credit_notes_org_date", ["organization_id", "issue_date"])
    if op.get_bind().dialect.name == "postgresql":
        for statement in tenancy_policies_sql(TABLE):
            op.execute(statement)


def downgrade() -> None:
    op.drop_table(TABLE)
    op.execute("ALTER TABLE financial_invoices DROP COLUMN credited_minor")  # SQLite 3.35+, PostgreSQL; keeps triggers

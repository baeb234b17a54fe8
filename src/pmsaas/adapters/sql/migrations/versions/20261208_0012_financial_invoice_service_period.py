"""financial invoices: service_period; payments and refunds: deposit refunds

service_period is the month whose rent an invoice bills, manual ones included.

The billing run skips a lease that already has a live invoice for the period, whatever created it.
Existing rows: a billing-run invoice's period; a manual invoice with a rent line, its due date's month.
A refund may pay back the security deposit (``financial_refunds.deposit``); the payment keeps that
cash apart (``financial_payments.deposit_refunded_minor``). Existing rows: none.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("financial_invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_period", sa.String(length=7), nullable=True))
        batch_op.create_index("ix_invoices_org_service_period", ["organization_id", "service_period"], unique=False)
    invoices = sa.table(
        "financial_invoices",
        sa.column("id", sa.Uuid()),
        sa.column("period", sa.String()),
        sa.column("service_period", sa.String()),
        sa.column("due_date", sa.Date()),
    )
    lines = sa.table(
        "financial_invoice_lines", sa.column("invoice_id", sa.Uuid()), sa.column("charge_type", sa.String())
    )
    op.execute(invoices.update().where(invoices.c.period.is_not(None)).values(service_period=invoices.c.period))
    if op.get_bind().dialect.name == "postgresql":
        month = sa.func.to_char(invoices.c.due_date, "YYYY-MM")
    else:
        month = sa.func.substr(invoices.c.due_date, 1, 7)
    has_rent = sa.exists().where(lines.c.invoice_id == invoices.c.id, lines.c.charge_type == "rent")
    op.execute(invoices.update().where(invoices.c.period.is_(None), has_rent).values(service_period=month))


    with op.batch_alter_table("financial_payments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deposit_refunded_minor", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )
    with op.batch_alter_table("financial_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deposit", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("financial_refunds", schema=None) as batch_op:
        batch_op.drop_column("deposit")
    with op.batch_alter_table("financial_payments", schema=None) as batch_op:
        batch_op.drop_column("deposit_refunded_minor")
    with op.batch_alter_table("financial_invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_org_service_period")
        batch_op.drop_column("service_period")

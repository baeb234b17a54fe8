"""properties: a lease's recurring charges (maintenance, parking, CAM, utilities)

Billed with the rent in the lease's schedule and the billing run; taxed per supply_type.

Revision ID: 0016
Revises: 0015, 0003
Create Date: 2026-12-09 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmsaas.adapters.sql.metadata

revision: str = "0016"
down_revision: str | tuple[str, ...] | None = ("0015", "0003")  # also after the leases (0003)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "properties_recurring_charges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("lease_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("supply_type", sa.String(length=40), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lease_id"],
            ["properties_leases.id"],
            name=op.f("fk_properties_recurring_charges_lease_id_properties_leases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_properties_recurring_charges")),
    )
    with op.batch_alter_table("properties_recurring_charges", schema=None) as batch_op:
        batch_op.create_index("ix_recurring_charges_org_lease", ["organization_id", "lease_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_properties_recurring_charges_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("properties_recurring_charges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_properties_recurring_charges_organization_id"))
        batch_op.drop_index("ix_recurring_charges_org_lease")
    op.drop_table("properties_recurring_charges")

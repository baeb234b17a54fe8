"""identity: TOTP factors for multi-factor sign-in

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-14 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_mfa_factors",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("sealed_secret", sa.String(length=500), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=True),
        sa.Column(
            "recovery_hashes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_mfa_factors_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_identity_mfa_factors")),
    )


def downgrade() -> None:
    op.drop_table("identity_mfa_factors")

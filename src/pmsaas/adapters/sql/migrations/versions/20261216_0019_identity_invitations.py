"""identity: invitations of existing accounts

Adding a user whose e-mail already has an account no longer pulls that account into the organization:
it is invited (an e-mailed token) and joins when it accepts, signed in. Existing rows: none.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-16 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("accepted_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_invitations_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_identity_invitations_token_hash")),
    )
    with op.batch_alter_table("identity_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_invitations_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_invitations_organization_id"))
    op.drop_table("identity_invitations")

"""identity: API keys

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lookup", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "scopes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("last_used_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("revoked_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_api_keys")),
        sa.UniqueConstraint("lookup", name=op.f("uq_identity_api_keys_lookup")),
    )
    with op.batch_alter_table("identity_api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_api_keys_organization_id"), ["organization_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("identity_api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_api_keys_organization_id"))
    op.drop_table("identity_api_keys")

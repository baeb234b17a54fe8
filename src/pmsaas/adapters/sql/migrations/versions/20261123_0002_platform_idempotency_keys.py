"""platform: idempotency keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_idempotency_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column(
            "response_headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("locked_until", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_idempotency_keys")),
        sa.UniqueConstraint(
            "scope", "idempotency_key", name=op.f("uq_platform_idempotency_keys_scope_idempotency_key")
        ),
    )
    with op.batch_alter_table("platform_idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_idempotency_keys_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("platform_idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_idempotency_keys_expires_at"))
    op.drop_table("platform_idempotency_keys")

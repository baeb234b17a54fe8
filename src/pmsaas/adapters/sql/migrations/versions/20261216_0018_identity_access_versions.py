"""identity: access versions (rights end at once)

An access token carries the versions it was issued under; raising one (removal from an organization,
a role change, disabling, a password reset, refresh-token reuse, "log out everywhere") ends every older
token at the next request. Existing rows: none (tokens without the claims count as version 0).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-16 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pmsaas.adapters.sql.metadata

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_access_versions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_access_versions_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "organization_id", name=op.f("pk_identity_access_versions")),
    )
    with op.batch_alter_table("identity_access_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_access_versions_changed_at"), ["changed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_access_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_access_versions_changed_at"))
    op.drop_table("identity_access_versions")

"""identity: OAuth clients, codes, refresh tokens; API key rotation

OAuth 2.0 clients registered per organization, their single-use authorization codes (PKCE
challenge kept) and refresh-token families (hashes only); API keys gain rotation (the replaced
secret's hash and the end of its grace period). Existing rows: keys get NULLs (never rotated).

Revision ID: 0030
Revises: 0019
Create Date: 2026-12-07 12:38:34.067901
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0030"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_oauth_clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "redirect_uris",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "scopes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "grant_types", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("revoked_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_oauth_clients")),
    )
    with op.batch_alter_table("identity_oauth_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_oauth_clients_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "identity_oauth_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("redirect_uri", sa.String(length=2000), nullable=False),
        sa.Column(
            "scopes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("code_challenge", sa.String(length=64), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("used_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["identity_oauth_clients.id"],
            name=op.f("fk_identity_oauth_codes_client_id_identity_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_oauth_codes_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_oauth_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_identity_oauth_codes_code_hash")),
    )
    with op.batch_alter_table("identity_oauth_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_oauth_codes_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "identity_oauth_refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "scopes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("access_jti", sa.String(length=64), nullable=False),
        sa.Column("access_expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("used_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("revoked_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["identity_oauth_clients.id"],
            name=op.f("fk_identity_oauth_refresh_tokens_client_id_identity_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_users.id"],
            name=op.f("fk_identity_oauth_refresh_tokens_user_id_identity_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_oauth_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_identity_oauth_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("identity_oauth_refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_oauth_refresh_tokens_family_id"), ["family_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_identity_oauth_refresh_tokens_organization_id"), ["organization_id"], unique=False
        )

    with op.batch_alter_table("identity_api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_secret_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("previous_valid_until", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("rotated_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("identity_api_keys", schema=None) as batch_op:
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("previous_valid_until")
        batch_op.drop_column("previous_secret_hash")

    with op.batch_alter_table("identity_oauth_refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_oauth_refresh_tokens_organization_id"))
        batch_op.drop_index(batch_op.f("ix_identity_oauth_refresh_tokens_family_id"))

    op.drop_table("identity_oauth_refresh_tokens")
    with op.batch_alter_table("identity_oauth_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_oauth_codes_organization_id"))

    op.drop_table("identity_oauth_codes")
    with op.batch_alter_table("identity_oauth_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_oauth_clients_organization_id"))

    op.drop_table("identity_oauth_clients")

"""identity_oauth_*: OAuth clients, authorization codes and refresh-token families (hashes only)."""

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column

oauth_clients = sa.Table(
    "identity_oauth_clients",
    metadata,
    id_column(),  # the client_id
    organization_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("redirect_uris", Json, nullable=False),
    sa.Column("scopes", Json, nullable=False),
    sa.Column("grant_types", Json, nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),  # "" for a public client (no secret)
    # RFC 7591: client_secret_basic / client_secret_post (a secret), or none (a public client)
    sa.Column("token_endpoint_auth_method", sa.String(30), nullable=False, server_default="client_secret_basic"),
    sa.Column("created_by", sa.Uuid(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
)

oauth_codes = sa.Table(
    "identity_oauth_codes",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("client_id", sa.Uuid(), sa.ForeignKey("identity_oauth_clients.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("redirect_uri", sa.String(2000), nullable=False),
    sa.Column("scopes", Json, nullable=False),
    sa.Column("code_challenge", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)

oauth_refresh_tokens = sa.Table(
    "identity_oauth_refresh_tokens",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("family_id", sa.Uuid(), nullable=False, index=True),
    sa.Column("client_id", sa.Uuid(), sa.ForeignKey("identity_oauth_clients.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("scopes", Json, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("access_jti", sa.String(64), nullable=False),  # revoked with the family on reuse
    sa.Column("access_expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
)

"""identity_api_keys: API keys, stored as a lookup id plus the SHA-256 of the secret."""

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column

api_keys = sa.Table(
    "identity_api_keys",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("lookup", sa.String(16), nullable=False, unique=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("scopes", Json, nullable=False),
    sa.Column("created_by", sa.Uuid(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
    sa.Column("last_used_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
    sa.Column("previous_secret_hash", sa.String(64), nullable=True),  # valid until previous_valid_until
    sa.Column("previous_valid_until", UtcDateTime(), nullable=True),
    sa.Column("rotated_at", UtcDateTime(), nullable=True),
)

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, timestamps

users = sa.Table(
    "identity_users",
    metadata,
    id_column(),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("phone", sa.String(32), nullable=True),
    sa.Column("password_hash", sa.String(255), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("email_verified", sa.Boolean(), nullable=False),
    sa.Column("default_organization_id", sa.Uuid(), nullable=True),
    *timestamps(),
    sa.Column("deleted_at", UtcDateTime(), nullable=True),
)

# A user's roles in one organization. Roles are per organization; a user may belong to several.
memberships = sa.Table(
    "identity_memberships",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("roles", Json, nullable=False),
    sa.Column("tenant_profile_id", sa.Uuid(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("organization_id", "user_id"),
    sa.Index("ix_memberships_user", "user_id"),
)

refresh_tokens = sa.Table(
    "identity_refresh_tokens",
    metadata,
    id_column(),
    sa.Column("family_id", sa.Uuid(), nullable=False, index=True),
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("organization_id", sa.Uuid(), nullable=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
    sa.Column("revoked_at", UtcDateTime(), nullable=True),
)

# Single-use secrets sent by e-mail: invitations and password resets (stored hashed).
action_tokens = sa.Table(
    "identity_action_tokens",
    metadata,
    id_column(),
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime(), nullable=True),
)

# Access-token ids revoked by logout, kept until the token would have expired anyway.
revoked_access_tokens = sa.Table(
    "identity_revoked_access_tokens",
    metadata,
    sa.Column("jti", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

# Access versions (domain/identity/ports.AccessVersions): an access token carries the versions it was
# issued under; raising one here ends every older token. organization_id is the membership's, or the
# nil UUID for the user's own version. Kept after a membership is removed: that is what ends its tokens.
access_versions = sa.Table(
    "identity_access_versions",
    metadata,
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organization_id", sa.Uuid(), primary_key=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("changed_at", UtcDateTime(), nullable=False, index=True),
)

# An organization's offer of roles to an existing account (domain/identity/model.Invitation): the
# account joins when it accepts with the e-mailed token (only its hash is kept).
invitations = sa.Table(
    "identity_invitations",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False, index=True),
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("roles", Json, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("accepted_at", UtcDateTime(), nullable=True),
)

# An organization's own roles (the built-in ones are constants in domain/identity/roles.py). A role
# name is unique per organization whatever its case (``name_key`` is the lower-cased name).
custom_roles = sa.Table(
    "identity_custom_roles",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("name", sa.String(50), nullable=False),
    sa.Column("name_key", sa.String(50), nullable=False),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("permissions", Json, nullable=False),
    sa.Column("created_by", sa.Uuid(), nullable=True),
    *timestamps(),
    sa.UniqueConstraint("organization_id", "name_key"),
)

# A user's TOTP factor: the secret sealed by the SecretBox, the newest time step accepted (no code
# twice), and the SHA-256 hashes of the recovery codes not used yet.
mfa_factors = sa.Table(
    "identity_mfa_factors",
    metadata,
    sa.Column("user_id", sa.Uuid(), sa.ForeignKey("identity_users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sealed_secret", sa.String(500), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("confirmed_at", UtcDateTime(), nullable=True),
    sa.Column("last_step", sa.BigInteger(), nullable=True),
    sa.Column("recovery_hashes", Json, nullable=False),
)

# The audit log (domain/shared/audit.py): append-only. No foreign keys: an entry outlives the user,
# key or organization it names. On PostgreSQL and SQLite a trigger refuses UPDATE and DELETE
# (migration 0032), so not even a bug in an adapter can rewrite history.
audit_events = sa.Table(
    "identity_audit_events",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=True),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("actor_user_id", sa.Uuid(), nullable=True),
    sa.Column("actor_api_key_id", sa.Uuid(), nullable=True),
    sa.Column("target_kind", sa.String(40), nullable=False),
    sa.Column("target_id", sa.String(64), nullable=True),
    sa.Column("target_label", sa.String(254), nullable=True),
    sa.Column("ip", sa.String(64), nullable=True),
    sa.Column("user_agent", sa.String(300), nullable=True),
    sa.Column("request_id", sa.String(128), nullable=True),
    sa.Column("details", Json, nullable=False),
    sa.Index("ix_identity_audit_events_org_time", "organization_id", "occurred_at"),
)

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column, timestamps

# Domain events written in the same transaction as the change; the worker relays them.
outbox = sa.Table(
    "notifications_outbox",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("event", sa.String(100), nullable=False),
    sa.Column("payload", Json, nullable=False),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Column("published_at", UtcDateTime(), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
    sa.Index("ix_outbox_unpublished", "published_at", "occurred_at"),
    sa.Index("ix_outbox_org_event", "organization_id", "event"),
)

# A user's inbox. Read through (organization, user): the index serves the list and the unread count.
notifications = sa.Table(
    "notifications_notifications",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("user_id", sa.Uuid(), nullable=False),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("data", Json, nullable=False),
    sa.Column("read_at", UtcDateTime(), nullable=True),
    sa.Column("created_by", sa.Uuid(), nullable=True),
    sa.Column("template_id", sa.Uuid(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Index("ix_notifications_inbox", "organization_id", "user_id", "created_at"),
)

templates = sa.Table(
    "notifications_templates",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("locale", sa.String(20), nullable=False),
    sa.Column("event_type", sa.String(100), nullable=True),
    sa.Column("subject", sa.String(500), nullable=True),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    *timestamps(),
    sa.UniqueConstraint("organization_id", "name", "channel", "locale"),
)

# Providers' credentials are sealed (SecretBox) in ``secrets_sealed``; ``config`` holds the rest.
channels = sa.Table(
    "notifications_channels",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("type", sa.String(20), nullable=False),
    sa.Column("provider", sa.String(50), nullable=False),
    sa.Column("config", Json, nullable=False),
    sa.Column("secrets_sealed", Json, nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    *timestamps(),
)

preferences = sa.Table(
    "notifications_preferences",
    metadata,
    sa.Column("organization_id", sa.Uuid(), primary_key=True),
    sa.Column("user_id", sa.Uuid(), primary_key=True),
    sa.Column("channels", Json, nullable=False),
    sa.Column("events", Json, nullable=False),
    sa.Column("quiet_hours", Json, nullable=True),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

# Webhook endpoints of both surfaces (/api/v1/webhooks and /v1/webhooks): one store. The signing
# secret is stored encrypted (Fernet, key from PMSAAS_DATA_KEY): it is needed in clear to sign.
webhooks = sa.Table(
    "notifications_webhooks",
    metadata,
    id_column(),
    organization_column(),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("events", Json, nullable=False),
    sa.Column("secret_sealed", sa.Text(), nullable=False),
    sa.Column("description", sa.String(500), nullable=True),
    sa.Column("active", sa.Boolean(), nullable=False),
    *timestamps(),
)

# Every delivery attempt (the delivery worker writes them; listed at /webhooks/{id}/deliveries).
webhook_deliveries = sa.Table(
    "notifications_webhook_deliveries",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column(
        "webhook_id", sa.Uuid(), sa.ForeignKey("notifications_webhooks.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("event", sa.String(100), nullable=False),
    sa.Column("attempt", sa.Integer(), nullable=False),
    sa.Column("attempted_at", UtcDateTime(), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("succeeded", sa.Boolean(), nullable=False),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("duration_ms", sa.Integer(), nullable=True),
    sa.Index("ix_notifications_webhook_deliveries_hook", "organization_id", "webhook_id", "attempted_at"),
)

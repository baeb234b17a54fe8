import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata, organization_column, timestamps

# Domain events written in the same transaction as the change; the worker relays them in ``seq``
# order, which is commit order: PostgreSQL fills it from the sequence ``notifications_outbox_seq``
# while the writer holds the outbox's commit lock (adapters/sql/outbox.py); SQLite (one writer at a
# time) from a trigger, MAX(seq) + 1 (migration 0025). Rows of one transaction keep their insert order.
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
    sa.Column("seq", sa.BigInteger(), nullable=True),  # null only inside the inserting statement (SQLite)
    sa.Index("ix_outbox_unpublished", "published_at", "occurred_at"),
    sa.Index("ix_outbox_pending_seq", "published_at", "seq"),
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
    # Indian SMS: the DLT content template id (TRAI TCCCPR 2018); WhatsApp: Meta's approved template name.
    sa.Column("dlt_template_id", sa.String(30), nullable=True),
    sa.Column("whatsapp_name", sa.String(512), nullable=True),
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
    # Rotation: the secret replaced last keeps signing (a second signature) until this instant.
    sa.Column("previous_secret_sealed", sa.Text(), nullable=True),
    sa.Column("previous_secret_expires_at", UtcDateTime(), nullable=True),
    # Why delivery stopped by itself (410 Gone, retries exhausted); cleared when re-activated.
    sa.Column("disabled_reason", sa.String(200), nullable=True),
)

# One event to deliver to one webhook (created by the relay in the transaction that marks the event
# relayed); its attempts are the rows of ``webhook_deliveries``. Unique per (webhook, event): a
# relay that runs twice creates it once.
webhook_messages = sa.Table(
    "notifications_webhook_messages",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("webhook_id", sa.Uuid(), sa.ForeignKey("notifications_webhooks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("event", sa.String(100), nullable=False),
    sa.Column("payload", Json, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending | delivered | failed
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("webhook_id", "event_id"),
    sa.Index("ix_notifications_webhook_messages_due", "status", "next_attempt_at"),
)

# Every delivery attempt (the delivery worker writes them; listed at /webhooks/{id}/deliveries).
webhook_deliveries = sa.Table(
    "notifications_webhook_deliveries",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("webhook_id", sa.Uuid(), sa.ForeignKey("notifications_webhooks.id", ondelete="CASCADE"), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("event", sa.String(100), nullable=False),
    sa.Column("attempt", sa.Integer(), nullable=False),
    sa.Column("attempted_at", UtcDateTime(), nullable=False),
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("succeeded", sa.Boolean(), nullable=False),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("duration_ms", sa.Integer(), nullable=True),
    sa.Column("message_id", sa.Uuid(), nullable=True),  # the message retried (null for attempts before 0025)
    sa.Index("ix_notifications_webhook_deliveries_hook", "organization_id", "webhook_id", "attempted_at"),
)

# The event notices' outgoing messages (an e-mail, a real-time message), written by the outbox relay
# in the transaction that marks the event relayed and sent by the ``deliver_notices`` job (issue 12).
# The id is derived from (event, recipient, channel): one row each, however often the batch is handed over.
notice_deliveries = sa.Table(
    "notifications_notice_deliveries",
    metadata,
    id_column(),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("event_id", sa.Uuid(), nullable=False),
    sa.Column("user_id", sa.Uuid(), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),  # email | realtime
    sa.Column("payload", Json, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=True),  # due then; a claimed row's lease end
    sa.Column("last_error", sa.String(300), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.UniqueConstraint("event_id", "user_id", "channel"),
    sa.Index("ix_notifications_notice_deliveries_due", "status", "next_attempt_at"),
)

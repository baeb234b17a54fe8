import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata

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

"""notifications: inbox, templates, channels, preferences, webhooks of both surfaces

Revision ID: 0017
Revises: 0016, 0006
Create Date: 2026-12-07 05:31:14.149153

The notifications context's tables. Webhook endpoints move from ``operations_webhooks`` (the
ticketing surface's own table until now) to ``notifications_webhooks``, the one store both surfaces
share: every row is copied with its id, sealed secret and creation time (``updated_at`` = creation
time, no description). The downgrade copies them back, keeping only what the old table holds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0017"
# After the newest revision of the main line (0016), and merging the operations branch (0006), which is
# not an ancestor of 0016: its webhooks table moves here.
down_revision: str | tuple[str, ...] | None = ("0016", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notifications_channels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=50), nullable=False),
        sa.Column(
            "config", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "secrets_sealed",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_channels")),
    )
    with op.batch_alter_table("notifications_channels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_channels_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "notifications_notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column(
            "data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("read_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_notifications")),
    )
    with op.batch_alter_table("notifications_notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_inbox", ["organization_id", "user_id", "created_at"], unique=False)

    op.create_table(
        "notifications_preferences",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column(
            "channels", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "events", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "quiet_hours", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("updated_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("organization_id", "user_id", name=op.f("pk_notifications_preferences")),
    )
    op.create_table(
        "notifications_templates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=20), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_templates")),
        sa.UniqueConstraint(
            "organization_id",
            "name",
            "channel",
            "locale",
            name=op.f("uq_notifications_templates_organization_id_name_channel_locale"),
        ),
    )
    op.create_table(
        "notifications_webhooks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "events", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_webhooks")),
    )
    with op.batch_alter_table("notifications_webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_webhooks_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "notifications_webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("webhook_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("attempted_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["notifications_webhooks.id"],
            name=op.f("fk_notifications_webhook_deliveries_webhook_id_notifications_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_webhook_deliveries")),
    )
    with op.batch_alter_table("notifications_webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_webhook_deliveries_hook", ["organization_id", "webhook_id", "attempted_at"], unique=False
        )

    _copy_webhooks("operations_webhooks", "notifications_webhooks", with_update_time=True)
    with op.batch_alter_table("operations_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operations_webhooks_organization_id"))

    op.drop_table("operations_webhooks")


def _copy_webhooks(source: str, target: str, *, with_update_time: bool) -> None:
    columns = ["id", "organization_id", "url", "events", "secret_sealed", "active", "created_at"]
    old = sa.table(source, *(sa.column(c) for c in columns))
    new = sa.table(target, *(sa.column(c) for c in [*columns, "updated_at"]))
    picked = [old.c[c] for c in columns]
    if with_update_time:
        query = new.insert().from_select([*columns, "updated_at"], sa.select(*picked, old.c.created_at))
    else:
        query = new.insert().from_select(columns, sa.select(*picked))
    op.execute(query)


def downgrade() -> None:
    op.create_table(
        "operations_webhooks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "events", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operations_webhooks")),
    )
    with op.batch_alter_table("operations_webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_operations_webhooks_organization_id"), ["organization_id"], unique=False)
    _copy_webhooks("notifications_webhooks", "operations_webhooks", with_update_time=False)

    with op.batch_alter_table("notifications_webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_webhook_deliveries_hook")

    op.drop_table("notifications_webhook_deliveries")
    with op.batch_alter_table("notifications_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_webhooks_organization_id"))

    op.drop_table("notifications_webhooks")
    op.drop_table("notifications_templates")
    op.drop_table("notifications_preferences")
    with op.batch_alter_table("notifications_notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_inbox")

    op.drop_table("notifications_notifications")
    with op.batch_alter_table("notifications_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_channels_organization_id"))

    op.drop_table("notifications_channels")

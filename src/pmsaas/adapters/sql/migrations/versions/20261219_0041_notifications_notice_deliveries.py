"""notifications: the event notices' outgoing messages, durable (issue 12)

Revision ID: 0041
Revises: 0025
Create Date: 2026-12-19 12:00:00

``notifications_notice_deliveries``: one e-mail or real-time message for one recipient of one event,
written by the outbox relay in the transaction that marks the event relayed and sent by the
``deliver_notices`` job with retries (status, attempts, next due time). Before, these were sent after
the relay's commit from memory, and a worker killed in between lost them. New table only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0041"
down_revision: str | tuple[str, ...] | None = "0025"  # after the webhook messages, its model
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notifications_notice_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("sent_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_notice_deliveries")),
        sa.UniqueConstraint(
            "event_id", "user_id", "channel", name=op.f("uq_notifications_notice_deliveries_event_id_user_id_channel")
        ),
    )
    with op.batch_alter_table("notifications_notice_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_notice_deliveries_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications_notice_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_notice_deliveries_due")
    op.drop_table("notifications_notice_deliveries")

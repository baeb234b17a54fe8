"""notifications: outbox commit-order sequence, webhook messages, secret rotation, attempts per message

Revision ID: 0025
Revises: 0017
Create Date: 2026-12-07 12:10:00

The outbox gets ``seq``, the order the relay reads it in (``occurred_at`` ties for the rows of one
transaction). Existing rows are numbered by (occurred_at, id). PostgreSQL fills new rows from the
sequence ``notifications_outbox_seq``; SQLite has no sequences, so a trigger gives a row MAX(seq) + 1
(SQLite has one writer at a time, so that is commit order).

Webhook delivery (issue 12): ``notifications_webhook_messages`` (one event for one webhook: its
status, attempts and next due time), the attempt log's ``message_id``, and on webhooks the
previous signing secret kept during a rotation and why delivery was disabled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0025"
# The head that created the webhook tables (the outbox is 0001's, an ancestor of 0017).
down_revision: str | tuple[str, ...] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_TRIGGER = """
CREATE TRIGGER notifications_outbox_seq AFTER INSERT ON notifications_outbox
FOR EACH ROW WHEN NEW.seq IS NULL
BEGIN
    UPDATE notifications_outbox
       SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM notifications_outbox)
     WHERE rowid = NEW.rowid;
END
"""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("notifications_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE notifications_outbox SET seq = (SELECT n FROM (SELECT id, row_number() OVER"
        " (ORDER BY occurred_at, id) AS n FROM notifications_outbox) AS numbered"
        " WHERE numbered.id = notifications_outbox.id)"
    )
    if postgres:
        op.execute("CREATE SEQUENCE notifications_outbox_seq AS bigint OWNED BY notifications_outbox.seq")
        op.execute(
            "SELECT setval('notifications_outbox_seq', COALESCE((SELECT MAX(seq) FROM notifications_outbox), 0) + 1,"
            " false)"
        )
        op.execute("ALTER TABLE notifications_outbox ALTER COLUMN seq SET DEFAULT nextval('notifications_outbox_seq')")
    else:
        op.execute(SQLITE_TRIGGER)
    with op.batch_alter_table("notifications_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending_seq", ["published_at", "seq"], unique=False)

    with op.batch_alter_table("notifications_webhooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_secret_sealed", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("previous_secret_expires_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=200), nullable=True))
    with op.batch_alter_table("notifications_webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.Uuid(), nullable=True))

    op.create_table(
        "notifications_webhook_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("webhook_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.Column("created_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("finished_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["notifications_webhooks.id"],
            name=op.f("fk_notifications_webhook_messages_webhook_id_notifications_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_webhook_messages")),
        sa.UniqueConstraint(
            "webhook_id", "event_id", name=op.f("uq_notifications_webhook_messages_webhook_id_event_id")
        ),
    )
    with op.batch_alter_table("notifications_webhook_messages", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_webhook_messages_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("notifications_webhook_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_webhook_messages_due")
    op.drop_table("notifications_webhook_messages")
    with op.batch_alter_table("notifications_webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_column("message_id")
    with op.batch_alter_table("notifications_webhooks", schema=None) as batch_op:
        batch_op.drop_column("disabled_reason")
        batch_op.drop_column("previous_secret_expires_at")
        batch_op.drop_column("previous_secret_sealed")
    if not postgres:
        op.execute("DROP TRIGGER IF EXISTS notifications_outbox_seq")
    with op.batch_alter_table("notifications_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending_seq")
        batch_op.drop_column("seq")  # PostgreSQL drops the sequence with it (OWNED BY)

"""organizations: dunning. A past-due subscription counts the failed charges of its open renewal
invoice and says when it is charged again (the hourly plan job retries it then).

Revision ID: 0046
Revises: 0040
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pmsaas.adapters.sql.metadata import UtcDateTime

revision: str = "0046"
down_revision: str | tuple[str, ...] | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations_subscriptions") as batch:
        batch.add_column(sa.Column("payment_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_payment_attempt_at", UtcDateTime(), nullable=True))
        batch.create_index("ix_organizations_subscriptions_retries", ["next_payment_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("organizations_subscriptions") as batch:
        batch.drop_index("ix_organizations_subscriptions_retries")
        batch.drop_column("next_payment_attempt_at")
        batch.drop_column("payment_attempts")

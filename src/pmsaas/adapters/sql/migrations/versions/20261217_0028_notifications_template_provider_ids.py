"""notifications: templates carry a DLT template id (Indian SMS) and a WhatsApp template name

Revision ID: 0028
Revises: 0017
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
# Needs the notifications tables (0017).
down_revision: str | tuple[str, ...] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications_templates") as batch:
        batch.add_column(sa.Column("dlt_template_id", sa.String(30), nullable=True))
        batch.add_column(sa.Column("whatsapp_name", sa.String(512), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications_templates") as batch:
        batch.drop_column("whatsapp_name")
        batch.drop_column("dlt_template_id")

"""identity: OAuth clients name how they authenticate at the token endpoint (RFC 7591
``token_endpoint_auth_method``); ``none`` is a public client, with no secret

Revision ID: 0042
Revises: 0030
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
# Needs the OAuth clients table (0030).
down_revision: str | tuple[str, ...] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("identity_oauth_clients") as batch:
        batch.add_column(
            sa.Column(
                "token_endpoint_auth_method",
                sa.String(30),
                nullable=False,
                server_default="client_secret_basic",  # every client before this one had a secret
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_oauth_clients") as batch:
        batch.drop_column("token_endpoint_auth_method")

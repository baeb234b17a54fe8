"""identity: OAuth clients name how they authenticate at the token endpoint (RFC 7591
``token_endpoint_auth_method``); ``none`` is a public client, with no secret. organizations: a
subscription keeps the gateway's reference to the card that paid for it (renewals charge it)

Revision ID: 0042
Revises: 0030, 0031
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
# Needs the OAuth clients table (0030) and the subscriptions table (0031).
down_revision: str | tuple[str, ...] | None = ("0030", "0031")
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
    with op.batch_alter_table("organizations_subscriptions") as batch:
        batch.add_column(sa.Column("card_reference", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations_subscriptions") as batch:
        batch.drop_column("card_reference")
    with op.batch_alter_table("identity_oauth_clients") as batch:
        batch.drop_column("token_endpoint_auth_method")

"""identity: the append-only audit log

Revision ID: 0032
Revises: 0001
Create Date: 2026-12-07 13:00:00.000000

A trigger refuses UPDATE and DELETE on the table, on PostgreSQL (a PL/pgSQL function raising) and
on SQLite (``RAISE(ABORT)``): the application never rewrites an entry, and the database says so.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0032"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGE = "identity_audit_events is append-only"


def upgrade() -> None:
    op.create_table(
        "identity_audit_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", pmsaas.adapters.sql.metadata.UtcDateTime(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("actor_user_id", sa.Uuid(), nullable=True),
        sa.Column("actor_api_key_id", sa.Uuid(), nullable=True),
        sa.Column("target_kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("target_label", sa.String(length=254), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("request_id", sa.String(length=128), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_audit_events")),
    )
    op.create_index(
        "ix_identity_audit_events_org_time", "identity_audit_events", ["organization_id", "occurred_at"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION identity_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER identity_audit_events_append_only BEFORE UPDATE OR DELETE ON identity_audit_events "
            "FOR EACH ROW EXECUTE FUNCTION identity_audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER identity_audit_events_no_truncate BEFORE TRUNCATE ON identity_audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION identity_audit_events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER identity_audit_events_no_{verb.lower()} BEFORE {verb} ON identity_audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER identity_audit_events_no_truncate ON identity_audit_events")
        op.execute("DROP TRIGGER identity_audit_events_append_only ON identity_audit_events")
        op.execute("DROP FUNCTION identity_audit_events_append_only()")
    op.drop_index("ix_identity_audit_events_org_time", table_name="identity_audit_events")
    op.drop_table("identity_audit_events")

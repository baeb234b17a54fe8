"""platform: scheduled job runs

One row per run of a scheduled job (billing run, housekeeping); the unique (job, organization,
period) makes each job run once per period whatever the number of workers. Existing rows: none.

Revision ID: 0029
Revises: 0001
Create Date: 2026-12-07 12:36:22.293632
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmsaas.adapters.sql.metadata

revision: str = "0029"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "platform_job_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=80), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", pmsaas.adapters.sql.metadata.UtcDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column(
            "detail", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_job_runs")),
        sa.UniqueConstraint(
            "job", "organization_id", "period", name=op.f("uq_platform_job_runs_job_organization_id_period")
        ),
    )
    with op.batch_alter_table("platform_job_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_platform_job_runs_organization_started", ["organization_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("platform_job_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_platform_job_runs_organization_started")

    op.drop_table("platform_job_runs")

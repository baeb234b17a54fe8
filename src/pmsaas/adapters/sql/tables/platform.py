"""Platform plumbing tables that belong to no bounded context."""

import sqlalchemy as sa

from pmsaas.adapters.sql.metadata import Json, UtcDateTime, id_column, metadata

# Idempotency-Key records (docs/api-contract.md §6). ``scope`` is the principal (organization + user or
# API key, ``domain/shared/idempotency.principal_scope``); the unique constraint makes two concurrent
# first requests with one key impossible: the loser gets 409.
idempotency_keys = sa.Table(
    "platform_idempotency_keys",
    metadata,
    id_column(),
    sa.Column("scope", sa.String(120), nullable=False),
    sa.Column("idempotency_key", sa.String(255), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # sha256 of method, path, query and body
    sa.Column("state", sa.String(20), nullable=False),  # in_progress | completed
    sa.Column("status_code", sa.Integer(), nullable=True),
    sa.Column("response_headers", Json, nullable=True),
    sa.Column("response_body", sa.LargeBinary(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("locked_until", UtcDateTime(), nullable=True),  # an in-progress claim older than this is stale
    sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
    sa.UniqueConstraint("scope", "idempotency_key"),
)

# Scheduled job runs (domain/shared/jobs.py): the unique (job, organization, period) is what makes a
# job run once per period whatever the number of workers. Platform-wide jobs use the nil UUID.
job_runs = sa.Table(
    "platform_job_runs",
    metadata,
    id_column(),
    sa.Column("job", sa.String(60), nullable=False),
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("period", sa.String(80), nullable=False),
    sa.Column("trigger", sa.String(20), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("detail", Json, nullable=False),
    sa.UniqueConstraint("job", "organization_id", "period"),
    sa.Index("ix_platform_job_runs_organization_started", "organization_id", "started_at"),
)

# Exact totals of the hot lists without counting their rows (adapters/sql/queries/list_totals.py): one
# row per organization, list, value of the list's counted filters (status, and type or priority) and
# slot, kept by triggers (migration 0044) in the transaction that inserts, deletes, soft-deletes or
# re-statuses a row. A list's total is the sum of its rows; the slot (0..7 on
# PostgreSQL: the writing transaction id modulo 8) spreads concurrent writers of one organization over eight
# rows instead of one.
list_counts = sa.Table(
    "platform_list_counts",
    metadata,
    sa.Column("organization_id", sa.Uuid(), nullable=False),
    sa.Column("list", sa.String(40), nullable=False),
    sa.Column("value1", sa.String(40), nullable=False),
    sa.Column("value2", sa.String(40), nullable=False),
    sa.Column("slot", sa.SmallInteger(), nullable=False),
    sa.Column("row_count", sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint("organization_id", "list", "value1", "value2", "slot"),
)

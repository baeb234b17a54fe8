"""financial payments and refunds: idempotency keys per caller, not per organization

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 12:00:00.000000

Payments and refunds were unique on (organization, key), the HTTP key store on (caller, key): a
tenant reusing a key a manager had used met the manager's payment. Both are now unique on
(organization, caller, key), the caller being ``{organization}:user:{id}`` or
``{organization}:key:{api_key_id}`` (``domain/shared/idempotency.principal_scope``).

Existing rows: no column says who made a payment, so the caller is taken from the SQL key store
(``platform_idempotency_keys``, which keeps completed keys for 24 hours) when one of its completed
records has the same organization and key and its stored response names the row's id; its
fingerprint is copied too, so a retry of that request still replays. Every other row gets the scope
``legacy``, which no caller has: such a key (older than the store's 24 hours, beyond what the
contract promises) no longer blocks or replays anything. With the Redis key store there is nothing
to read here and every row is ``legacy``.
"""

from collections.abc import Sequence
from uuid import UUID

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY = "legacy"
TABLES = {
    "financial_payments": "uq_financial_payments_caller_key",
    "financial_refunds": "uq_financial_refunds_caller_key",
}


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("idempotency_scope", sa.String(length=120), nullable=True))
        op.execute(sa.table(table, sa.column("idempotency_scope", sa.String)).update().values(idempotency_scope=LEGACY))
    _scopes_from_the_key_store()
    for table, name in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("idempotency_scope", existing_type=sa.String(length=120), nullable=False)
            batch_op.drop_constraint(op.f(f"uq_{table}_organization_id_idempotency_key"), type_="unique")
            batch_op.create_unique_constraint(name, ["organization_id", "idempotency_scope", "idempotency_key"])


def _scopes_from_the_key_store() -> None:
    conn = op.get_bind()
    if not sa.inspect(conn).has_table("platform_idempotency_keys"):
        return  # a new database where the platform branch runs later: no payments yet either
    store = sa.table(
        "platform_idempotency_keys",
        sa.column("scope", sa.String),
        sa.column("idempotency_key", sa.String),
        sa.column("fingerprint", sa.String),
        sa.column("state", sa.String),
        sa.column("response_body", sa.LargeBinary),
    )
    records = conn.execute(
        sa.select(store.c.scope, store.c.idempotency_key, store.c.fingerprint, store.c.response_body).where(
            store.c.state == "completed"
        )
    ).all()
    for table in TABLES:
        rows = sa.table(
            table,
            sa.column("id", sa.Uuid),
            sa.column("organization_id", sa.Uuid),
            sa.column("idempotency_scope", sa.String),
            sa.column("idempotency_key", sa.String),
            sa.column("request_fingerprint", sa.String),
        )
        for scope, key, fingerprint, body in records:
            try:
                organization_id = UUID(scope.split(":", 1)[0])
            except ValueError:
                continue
            candidates = conn.execute(
                sa.select(rows.c.id).where(
                    rows.c.organization_id == organization_id,
                    rows.c.idempotency_key == key,
                    rows.c.idempotency_scope == LEGACY,
                )
            ).scalars()
            for row_id in candidates:
                if body and str(row_id).encode() in bytes(body):  # this caller's response is about this row
                    conn.execute(
                        rows.update()
                        .where(rows.c.id == row_id)
                        .values(idempotency_scope=scope, request_fingerprint=fingerprint)
                    )


def downgrade() -> None:
    # Back to one key per organization: keep the oldest row of each (organization, key), rename the
    # keys of the others (their own caller's retries are then new requests, as before this revision).
    for table, name in TABLES.items():
        rows = sa.table(
            table,
            sa.column("id", sa.Uuid),
            sa.column("organization_id", sa.Uuid),
            sa.column("idempotency_key", sa.String),
            sa.column("created_at", sa.DateTime),
        )
        conn = op.get_bind()
        seen: set[tuple[object, str]] = set()
        query = sa.select(rows.c.id, rows.c.organization_id, rows.c.idempotency_key).order_by(
            rows.c.created_at, rows.c.id
        )
        for row_id, organization_id, key in conn.execute(query).all():
            if (organization_id, key) in seen:
                renamed = f"{key[:200]}~{row_id}"
                conn.execute(rows.update().where(rows.c.id == row_id).values(idempotency_key=renamed))
            seen.add((organization_id, key))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(name, type_="unique")
            batch_op.create_unique_constraint(
                op.f(f"uq_{table}_organization_id_idempotency_key"), ["organization_id", "idempotency_key"]
            )
            batch_op.drop_column("idempotency_scope")

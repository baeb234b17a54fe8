"""platform: list counts kept by triggers (exact list totals without counting rows)

The pagination envelope's total is exact (docs/api-contract.md). Counting an organization's rows on every
page grows with the organization; ``platform_list_counts`` keeps, per organization, list and value of the
list's counted filters, how many rows there are, maintained by triggers in the transaction that writes
the rows (every writer is covered: use cases, bulk imports, Core bulk inserts, hand-written SQL).

PostgreSQL: inserts and deletes are counted per statement (transition tables: one upsert per group, in
key order, whatever the number of rows); updates per row, only when a counted column or the tombstone
changes (``WHEN``), both counter rows of a move in key order. A counter row stays locked until its writer
commits, so concurrent writers of one organization would queue on it: the slot (the transaction id modulo
8) spreads them over eight rows, and keeps all of one transaction's rows on one slot (a transaction
writing many rows takes one counter row per counted value, not one per row: two such transactions
deadlock only if they share a slot and take two values in opposite orders; PostgreSQL then aborts one).
SQLite: row triggers, slot 0 (its writes are serialized anyway).

Existing rows are counted here, after the triggers exist and in the same transaction: on PostgreSQL
CREATE TRIGGER holds a lock that blocks writes to the table until the migration commits, so no row is
missed or counted twice.

Revision ID: 0044
Revises: 0036, 0017
Create Date: 2026-12-19 12:00:00
"""

# ruff: noqa: S608  (DDL built from the constant COUNTED below; no outside input)

from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | tuple[str, ...] | None = ("0036", "0017")  # properties, leases, invoices, tickets
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


class Counted(NamedTuple):
    table: str
    list: str
    value1: str  # column counted apart (the status)
    value2: str | None  # a second one (type, priority), or none
    soft_deleted: bool  # rows with deleted_at are not in the list


# Keep in step with adapters/sql/queries/list_totals.py (tests/integration/sql/test_list_totals.py checks both).
COUNTED = [
    Counted("properties_properties", "properties", "status", "type", True),
    Counted("properties_leases", "leases", "status", None, False),
    Counted("financial_invoices", "invoices", "status", None, False),
    Counted("operations_tickets", "tickets", "status", "priority", True),
]

KEY = "organization_id, list, value1, value2, slot"
UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET row_count = platform_list_counts.row_count + EXCLUDED.row_count"
PG_SLOT = "txid_current() % 8"  # one slot per transaction


def _value2(c: Counted, row: str) -> str:
    return f"coalesce({row}.{c.value2}, '')" if c.value2 else "''"


def _live(c: Counted, row: str) -> str:
    return f"{row}.deleted_at IS NULL" if c.soft_deleted else "TRUE"


def _changed(c: Counted) -> str:
    columns = (
        ["organization_id", c.value1] + ([c.value2] if c.value2 else []) + (["deleted_at"] if c.soft_deleted else [])
    )
    return " OR ".join(f"OLD.{col} IS DISTINCT FROM NEW.{col}" for col in columns)


def _pg_statement_function(c: Counted, verb: str, rows: str, sign: str) -> str:
    return (
        f"CREATE FUNCTION {c.table}_count_{verb}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO platform_list_counts ({KEY}, row_count) "
        f"SELECT r.organization_id, '{c.list}', r.{c.value1}, {_value2(c, 'r')}, {PG_SLOT}, "
        f"{sign}count(*) FROM {rows} AS r WHERE {_live(c, 'r')} "
        f"GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 {UPSERT}; RETURN NULL; END $$"
    )


def _pg_update_function(c: Counted) -> str:
    def side(row: str, delta: int) -> str:
        return (
            f"SELECT {row}.organization_id, '{c.list}'::text, {row}.{c.value1}::text, {_value2(c, row)}::text, "
            f"{PG_SLOT}, {delta}::bigint WHERE {_live(c, row)}"
        )

    return (
        f"CREATE FUNCTION {c.table}_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO platform_list_counts ({KEY}, row_count) "
        f"SELECT * FROM ({side('OLD', -1)} UNION ALL {side('NEW', 1)}) AS moved ORDER BY 1, 2, 3, 4, 5 {UPSERT}; "
        "RETURN NULL; END $$"
    )


def _postgres(c: Counted) -> list[str]:
    return [
        _pg_statement_function(c, "inserted", "inserted", ""),
        _pg_statement_function(c, "deleted", "deleted", "-"),
        _pg_update_function(c),
        f"CREATE TRIGGER {c.table}_count_inserted AFTER INSERT ON {c.table} REFERENCING NEW TABLE AS inserted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {c.table}_count_inserted()",
        f"CREATE TRIGGER {c.table}_count_deleted AFTER DELETE ON {c.table} REFERENCING OLD TABLE AS deleted "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {c.table}_count_deleted()",
        f"CREATE TRIGGER {c.table}_count_updated AFTER UPDATE ON {c.table} FOR EACH ROW "
        f"WHEN ({_changed(c)}) EXECUTE FUNCTION {c.table}_count_updated()",
        f"INSERT INTO platform_list_counts ({KEY}, row_count) "
        f"SELECT r.organization_id, '{c.list}', r.{c.value1}, {_value2(c, 'r')}, 0, count(*) "
        f"FROM {c.table} AS r WHERE {_live(c, 'r')} GROUP BY 1, 2, 3, 4, 5",
    ]


def _sqlite_upsert(c: Counted, row: str, delta: int) -> str:
    return (
        f"INSERT INTO platform_list_counts ({KEY}, row_count) "
        f"SELECT {row}.organization_id, '{c.list}', {row}.{c.value1}, {_value2(c, row)}, 0, {delta} "
        f"WHERE {_live(c, row)} {UPSERT};"
    )


def _sqlite(c: Counted) -> list[str]:
    return [
        f"CREATE TRIGGER {c.table}_count_inserted AFTER INSERT ON {c.table} FOR EACH ROW "
        f"BEGIN {_sqlite_upsert(c, 'NEW', 1)} END",
        f"CREATE TRIGGER {c.table}_count_deleted AFTER DELETE ON {c.table} FOR EACH ROW "
        f"BEGIN {_sqlite_upsert(c, 'OLD', -1)} END",
        f"CREATE TRIGGER {c.table}_count_updated AFTER UPDATE ON {c.table} FOR EACH ROW WHEN {_changed(c)} "
        f"BEGIN {_sqlite_upsert(c, 'OLD', -1)} {_sqlite_upsert(c, 'NEW', 1)} END",
        f"INSERT INTO platform_list_counts ({KEY}, row_count) "
        f"SELECT r.organization_id, '{c.list}', r.{c.value1}, {_value2(c, 'r')}, 0, count(*) "
        f"FROM {c.table} AS r WHERE {_live(c, 'r')} GROUP BY 1, 2, 3, 4, 5",
    ]


def upgrade() -> None:
    op.create_table(
        "platform_list_counts",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("list", sa.String(length=40), nullable=False),
        sa.Column("value1", sa.String(length=40), nullable=False),
        sa.Column("value2", sa.String(length=40), nullable=False),
        sa.Column("slot", sa.SmallInteger(), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "list", "value1", "value2", "slot", name=op.f("pk_platform_list_counts")
        ),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for counted in COUNTED:
        for statement in _postgres(counted) if postgres else _sqlite(counted):
            op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for c in COUNTED:
        for verb in ("inserted", "deleted", "updated"):
            op.execute(f"DROP TRIGGER {c.table}_count_{verb}" + (f" ON {c.table}" if postgres else ""))
            if postgres:
                op.execute(f"DROP FUNCTION {c.table}_count_{verb}()")
    op.drop_table("platform_list_counts")

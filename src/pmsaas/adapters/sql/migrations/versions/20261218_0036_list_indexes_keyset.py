"""lists: indexes that give the hot lists their order (keyset pagination)

The property, lease and invoice lists sort by (sort column, id) inside one organization; with the id
in the index the page is read in index order (and a keyset cursor starts inside the index) instead of
sorting every row of the organization for each page. Found by tests/integration/http/platform/
test_list_indexes.py (EXPLAIN of every list query on PostgreSQL). The leases had no index with their
default sort at all. Existing rows: unchanged (indexes only). On a large production table, build the
new index CONCURRENTLY by hand first (same name) and this migration's create becomes a no-op to skip.

Revision ID: 0036
Revises: 0016
Create Date: 2026-12-18 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0036"
down_revision: str | tuple[str, ...] | None = "0016"  # after properties (0001), leases (0003), invoices (0012)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, columns before, columns after); "before" None: a new index.
CHANGES: list[tuple[str, str, list[str] | None, list[str]]] = [
    ("ix_properties_org_created", "properties_properties", ["organization_id", "created_at"], ["organization_id", "created_at", "id"]),
    ("ix_properties_org_name", "properties_properties", ["organization_id", "name"], ["organization_id", "name", "id"]),
    ("ix_invoices_org_created", "financial_invoices", ["organization_id", "created_at"], ["organization_id", "created_at", "id"]),
    ("ix_leases_org_created", "properties_leases", None, ["organization_id", "created_at", "id"]),
]  # fmt: skip


def upgrade() -> None:
    for name, table, before, after in CHANGES:
        with op.batch_alter_table(table) as batch:
            if before is not None:
                batch.drop_index(name)
            batch.create_index(name, after, unique=False)


def downgrade() -> None:
    for name, table, before, _after in reversed(CHANGES):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(name)
            if before is not None:
                batch.create_index(name, before, unique=False)

"""tenancy: row-level security on every organization's table (PostgreSQL only)

Every table with an ``organization_id`` column gets forced row-level security and two policies: the
tenant role sees the rows of the organization the unit of work set (``app.organization_id``), none
when it set nothing; the system role (the cross-organization seam) sees every row. The two roles are
created here, granted to the migrating login. No table without the column belongs to one
organization: users, their MFA factors and action tokens span organizations (memberships say
which), the revoked tokens, idempotency keys and gateway events are platform records, and the
organizations table is the tenants themselves. docs/tenancy.md says how the application uses it.

A later migration that adds an organization's table calls ``tenancy_policies_sql`` for it
(tests/integration/test_row_level_security.py finds any table left out). SQLite: nothing.

Revision ID: 0040
Revises: 0002, 0028, 0029, 0032, 0035, 0041, 0042, 0043, 0044
Create Date: 2026-12-19 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pmsaas.adapters.sql.tenancy import ORGANIZATION_TABLES_SQL, roles_sql, tenancy_policies_sql

revision: str = "0040"
# After every head of its time, so every table that exists then is covered.
down_revision: str | tuple[str, ...] | None = ("0002", "0028", "0029", "0032", "0035", "0041", "0042", "0043", "0044")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for statement in roles_sql():
        op.execute(statement)
    for table in bind.execute(sa.text(ORGANIZATION_TABLES_SQL)).scalars().all():
        for statement in tenancy_policies_sql(table):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in bind.execute(sa.text(ORGANIZATION_TABLES_SQL)).scalars().all():
        op.execute(f'DROP POLICY IF EXISTS organization_rows ON "{table}"')
        op.execute(f'DROP POLICY IF EXISTS every_organization ON "{table}"')
        op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
    # The roles stay: they are the cluster's, other databases may use them.

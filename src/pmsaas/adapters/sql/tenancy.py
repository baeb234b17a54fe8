"""Tenancy enforced by PostgreSQL: row-level security (docs/tenancy.md).

Two roles, created by migration 0040, neither the tables' owner:

* ``pmsaas_tenant``: sees the rows of the organization named by the ``app.organization_id`` setting
  only; nothing when it is empty. Every request's unit of work runs as this role.
* ``pmsaas_system``: sees every organization's rows (BYPASSRLS when a superuser migrated, a policy
  that admits every row otherwise). Only the cross-organization seam runs as it
  (``Container.system_engine``: sign-in by e-mail, credential lookups by hash, sign-up, the worker).

The application connects with its usual login and takes one of the roles at connect time (a startup
option, no extra round trip); a connection never changes role afterwards. SQLite has no row-level
security: nothing here applies to it.
"""

from __future__ import annotations

import sqlalchemy as sa

TENANT_ROLE = "pmsaas_tenant"
SYSTEM_ROLE = "pmsaas_system"
ORGANIZATION_SETTING = "app.organization_id"
USER_WIDE = "00000000-0000-0000-0000-000000000000"  # identity's ALL_ORGANIZATIONS: a user's own access version

# The execution option a unit of work puts on its connection (no I/O): the organization it works for,
# "" for none. A connection without it (used outside a unit of work) names none: it sees nothing.
ORGANIZATION = "pmsaas_organization"
_NAME_LOCAL = f"SELECT set_config('{ORGANIZATION_SETTING}', %s, true)"
_NAME_SESSION = f"SELECT set_config('{ORGANIZATION_SETTING}', %s, false)"


def name_organization_per_transaction(sync_engine: sa.Engine) -> None:
    """Every transaction on the tenant engine starts by naming its organization (``SET LOCAL``): one
    statement per transaction, right after psycopg's BEGIN, when the unit of work opens it.
    A transaction that begins again in the same unit of work (after a rollback) names it again.

    A read-only unit of work runs in autocommit (engine.py): there is no transaction to be local to,
    so its value is the session's; whatever uses the connection next names its own at its start."""

    @sa.event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        organization = conn.get_execution_options().get(ORGANIZATION) or ""
        autocommit = getattr(conn.connection.driver_connection, "autocommit", False)
        conn.exec_driver_sql(_NAME_SESSION if autocommit else _NAME_LOCAL, (organization,))


def tenancy_policies_sql(table: str) -> list[str]:
    """Statements that put ``table`` (a table with an ``organization_id`` column) under row-level
    security: forced (the owner is subject to it too), one policy per role."""
    current = f"NULLIF(current_setting('{ORGANIZATION_SETTING}', true), '')::uuid"
    rows = f"organization_id = {current}"
    if table == "identity_access_versions":
        # Also the user-wide version (the nil organization) of the organization's own members: ending a
        # member's every session is theirs to do (disabling the account), no one else's.
        members = "SELECT user_id FROM identity_memberships"  # itself under row-level security: this org's
        rows += f" OR (organization_id = '{USER_WIDE}'::uuid AND user_id IN ({members}))"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS organization_rows ON "{table}"',
        f'DROP POLICY IF EXISTS every_organization ON "{table}"',
        f'CREATE POLICY organization_rows ON "{table}" TO {TENANT_ROLE} USING ({rows}) WITH CHECK ({rows})',
        f'CREATE POLICY every_organization ON "{table}" TO {SYSTEM_ROLE} USING (true) WITH CHECK (true)',
    ]


_SUPERUSER = "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)"


def _exists(role: str) -> str:
    return f"EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}')"  # noqa: S608  (constants)


def _attribute_is(role: str, bypass: str) -> str:
    wanted = "true" if bypass == "BYPASSRLS" else "false"
    return f"(SELECT rolbypassrls = {wanted} FROM pg_roles WHERE rolname = '{role}')"  # noqa: S608  (constants)


def roles_sql() -> list[str]:
    """The two roles (cluster-wide: created once, shared by the cluster's databases), granted to the
    login that migrates, so it may take them; their privileges on this database's tables."""
    statements = []
    for role, bypass in ((TENANT_ROLE, "NOBYPASSRLS"), (SYSTEM_ROLE, "BYPASSRLS")):
        statements += [
            # BYPASSRLS only a superuser may give: without it the system role still sees every row
            # (its policies), but PostgreSQL refuses it COPY (the billing writer then inserts).
            # Only when missing: an administrator may have created them (a login without CREATEROLE).
            f"DO $$ BEGIN IF NOT {_exists(role)} THEN "
            f"CREATE ROLE {role} NOLOGIN NOBYPASSRLS; END IF; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
            # Changed only when it differs: parallel migrations of the cluster's databases must not
            # update the same role at once.
            f"DO $$ BEGIN IF {_SUPERUSER} AND NOT {_attribute_is(role, bypass)} "
            f"THEN ALTER ROLE {role} {bypass}; END IF; END $$",
            f"DO $$ BEGIN IF NOT pg_has_role(current_user, '{role}', 'MEMBER') THEN GRANT {role} TO CURRENT_USER; "
            "END IF; END $$",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
        ]
    return statements


ORGANIZATION_TABLES_SQL = (
    "SELECT c.table_name FROM information_schema.columns c "
    "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
    "WHERE c.table_schema = 'public' AND c.column_name = 'organization_id' AND t.table_type = 'BASE TABLE' "
    "ORDER BY c.table_name"
)

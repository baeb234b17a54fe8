"""Tenancy enforced by PostgreSQL (docs/tenancy.md): straight SQL over the request role's connection.

Every organization's table (found in information_schema, so a table added later is covered without
a word here) shows the role none of another organization's rows, lets it change or remove none, and
refuses a row it would write for another organization; with no organization named it shows nothing.
SQLite has no row-level security: there, the application has one engine and one role (the setting
does nothing).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bola_support import make_everything
from pmsaas.adapters.sql.tenancy import ORGANIZATION_TABLES_SQL, SYSTEM_ROLE, TENANT_ROLE, USER_WIDE

pytestmark = pytest.mark.today("2026-12-01")  # the suite's fixed clock


async def _tables(conn: AsyncConnection) -> list[str]:
    return list((await conn.execute(sa.text(ORGANIZATION_TABLES_SQL))).scalars())


async def _name(conn: AsyncConnection, organization_id: str) -> None:
    await conn.execute(sa.text("SELECT set_config('app.organization_id', :o, true)"), {"o": organization_id})


async def _count(conn: AsyncConnection, table: str, where: str = "true", **params: Any) -> int:
    return int((await conn.execute(sa.text(f'SELECT count(*) FROM "{table}" WHERE {where}'), params)).scalar_one())


@pytest.fixture
async def two_organizations(api: Any, owner: Any, other_owner: Any) -> tuple[str, str]:
    """A and B, B with one of every resource (the BOLA matrix's factory)."""
    if api.backend == "postgres":
        await make_everything(api, other_owner)
    return owner.org_id, other_owner.org_id


async def test_sqlite_has_one_engine_and_no_roles(api: Any) -> None:
    if api.backend != "sqlite":
        assert api.container.engine() is not api.container.system_engine()
        return
    assert api.container.engine() is api.container.system_engine()


async def test_the_request_role_is_not_the_owner_and_cannot_bypass(api: Any) -> None:
    if api.backend == "sqlite":
        return  # covered above: nothing to enforce there
    async with api.container.engine().connect() as conn:
        who = (await conn.execute(sa.text("SELECT current_user"))).scalar_one()
        bypass = (
            await conn.execute(sa.text("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user"))
        ).scalar_one()
        tables = await _tables(conn)
        unforced = (
            (
                await conn.execute(
                    sa.text(
                        "SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                        "WHERE c.relname = ANY(:t) AND (NOT c.relrowsecurity OR NOT c.relforcerowsecurity "
                        "OR r.rolname = current_user)"
                    ),
                    {"t": tables},
                )
            )
            .scalars()
            .all()
        )
    assert who == TENANT_ROLE and bypass is False
    assert len(tables) > 40 and unforced == []
    async with api.container.system_engine().connect() as conn:
        assert (await conn.execute(sa.text("SELECT current_user"))).scalar_one() == SYSTEM_ROLE


async def test_organization_a_sees_changes_and_writes_none_of_organization_b(
    api: Any, two_organizations: tuple[str, str]
) -> None:
    if api.backend == "sqlite":
        return
    a, b = two_organizations
    async with api.container.system_engine().connect() as system:
        tables = await _tables(system)
        b_rows = {t: await _count(system, t, "organization_id = :b", b=b) for t in tables}
        a_rows = {t: await _count(system, t, "organization_id = :a", a=a) for t in tables}
    assert sum(1 for n in b_rows.values() if n) >= 30, b_rows  # B has rows nearly everywhere: the checks bite

    async with api.container.engine().connect() as conn:
        async with conn.begin() as transaction:
            await _name(conn, a)
            for table in tables:
                # (The nil organization is a user's own access version, shown for A's members only.)
                assert await _count(conn, table, "organization_id NOT IN (:a, :nil)", a=a, nil=USER_WIDE) == 0, table
                assert await _count(conn, table, "organization_id = :a", a=a) == a_rows[table], table  # all of A's
                changed = await conn.execute(
                    sa.text(f'UPDATE "{table}" SET organization_id = organization_id WHERE organization_id = :b'),
                    {"b": b},
                )
                assert changed.rowcount == 0, table
                removed = await conn.execute(sa.text(f'DELETE FROM "{table}" WHERE organization_id = :b'), {"b": b})
                assert removed.rowcount == 0, table
            await transaction.rollback()

    for table in tables:
        assert await _refused_insert(api, a, table, b), table
    async with api.container.system_engine().connect() as system:
        assert {t: await _count(system, t, "organization_id = :b", b=b) for t in tables} == b_rows


async def _refused_insert(api: Any, a: str, table: str, b: str) -> bool:
    """A row for B, written by A: refused by the policy (checked before the row's own constraints)."""
    row = json.dumps({"organization_id": b, "id": str(uuid.uuid4())})
    async with api.container.engine().connect() as conn:
        async with conn.begin():
            await _name(conn, a)
            try:
                await conn.execute(
                    sa.text(f'INSERT INTO "{table}" SELECT * FROM jsonb_populate_record(NULL::"{table}", :row)'),
                    {"row": row},
                )
            except sa.exc.DBAPIError as exc:
                return "row-level security" in str(exc.orig)
    return False


async def test_with_no_organization_named_every_table_is_empty(api: Any, two_organizations: tuple[str, str]) -> None:
    if api.backend == "sqlite":
        return
    async with api.container.engine().connect() as conn:  # a connection outside any unit of work
        tables = await _tables(conn)
        assert {t: await _count(conn, t) for t in tables} == dict.fromkeys(tables, 0)
    # The database's own default, without the engine's per-transaction naming: a bare connection.
    url = api.container.settings().resolved_database_url.replace("postgresql+psycopg://", "postgresql://")
    async with await psycopg.AsyncConnection.connect(url, options=f"-c role={TENANT_ROLE}") as bare:
        for value in (None, ""):
            if value is not None:
                await bare.execute("SELECT set_config('app.organization_id', %s, false)", (value,))
            for table in tables:
                cursor = await bare.execute(f'SELECT count(*) FROM "{table}"')
                assert (await cursor.fetchone()) == (0,), table

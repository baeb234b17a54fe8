"""The fixed per-request path (bench/README.md, HTTP section): what each request costs in round trips,
and that the cheaper path keeps transactions, dead-connection handling and guards correct."""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from psycopg.pq import TransactionStatus

from conftest import BACKENDS, Api, rate_limited_api
from pmsaas.adapters.sql.queries.property_list import PostgresPropertyList
from pmsaas.domain.properties.model import Property, PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertyFilter
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.errors import DependencyUnavailable
from pmsaas.domain.shared.paging import PageRequest
from pmsaas.domain.shared.ports import ReadOnlyUnitOfWorkWrite
from pmsaas.entrypoints.http.deps import RequestContext


@contextmanager
def statements(api: Any) -> Iterator[list[tuple[str, Any]]]:
    """Every statement sent to the database, with the connection's transaction status right after it
    (PostgreSQL: IDLE = ran in autocommit, no transaction open; INTRANS = inside a transaction).
    PostgreSQL: recorded at psycopg's cursor, which both SQLAlchemy and the property list's direct
    path use; SQLite: SQLAlchemy's cursor events."""
    seen: list[tuple[str, Any]] = []
    if api.backend == "postgres":
        real = psycopg.AsyncCursor.execute

        async def execute(self: Any, query: Any, *args: Any, **kw: Any) -> Any:
            result = await real(self, query, *args, **kw)
            text = query if isinstance(query, str) else str(query)
            seen.append((" ".join(text.split()), self.connection.info.transaction_status))
            return result

        psycopg.AsyncCursor.execute = execute  # type: ignore[method-assign]
        try:
            yield seen
        finally:
            psycopg.AsyncCursor.execute = real  # type: ignore[method-assign]
        return
    engine = api.container.system_engine().sync_engine

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append((" ".join(statement.split()), None))

    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "after_cursor_execute", after)


def new_property(org: str, name: str) -> Property:
    now = datetime.now(UTC)
    return Property(
        organization_id=uuid.UUID(org),
        name=name,
        type=PropertyType.RESIDENTIAL,
        status=PropertyStatus.ACTIVE,
        address=Address("1 Main St", "Toronto", "ON", "M5V 2T6", "CA"),
        created_at=now,
        updated_at=now,
    )


async def test_a_list_page_is_one_statement_with_owners_and_total(api, owner):
    owner_id, _ = await owner.add_user("PropertyOwner")
    second_id, _ = await owner.add_user("PropertyOwner")
    for i in range(3):
        body = {
            "name": f"Row {i}",
            "type": "residential",
            "address": {"street": "1 Main St", "city": "Toronto", "province": "ON", "postal_code": "M5V 2T6"},
            "owner_ids": [owner_id, second_id] if i == 1 else [],
        }
        assert (await api.post("/api/v1/properties", owner.token, json=body)).status_code == 201
    await api.get("/api/v1/properties", owner.token)  # warm the plan cache
    with statements(api) as seen:
        r = await api.get("/api/v1/properties?page_size=2&sort_by=name", owner.token)
    assert r.status_code == 200
    # Row-level security (docs/tenancy.md): on PostgreSQL the unit of work names its organization first.
    naming = [(sql, status) for sql, status in seen if "set_config('app.organization_id'" in sql]
    selects = [(sql, status) for sql, status in seen if sql.startswith("SELECT") and (sql, status) not in naming]
    assert len(selects) == 1, seen  # page, total and owners together
    if api.backend == "postgres":  # a read-only use case: no BEGIN/ROLLBACK round trips
        assert len(naming) == 1 and seen == naming + selects and selects[0][1] == TransactionStatus.IDLE
        assert api.container.property_list() is PostgresPropertyList  # sent through psycopg directly
        assert selects[0][0] in {" ".join(sql.split()) for sql, _ in PostgresPropertyList._sql.values()}
    data = r.json()["data"]
    assert [p["name"] for p in data] == ["Row 0", "Row 1"]
    assert data[0]["owner_ids"] == []
    assert data[1]["owner_ids"] == sorted([owner_id, second_id], key=uuid.UUID)
    assert r.json()["meta"]["pagination"]["total_count"] == 3
    one = await api.get(f"/api/v1/properties/{data[1]['id']}", owner.token)
    assert one.json()["data"]["owner_ids"] == data[1]["owner_ids"]


async def test_a_write_still_runs_in_one_transaction(api, owner):
    body = {
        "name": "Transactional",
        "type": "residential",
        "address": {"street": "1 Main St", "city": "Toronto", "province": "ON", "postal_code": "M5V 2T6"},
    }
    with statements(api) as seen:
        assert (await api.post("/api/v1/properties", owner.token, json=body)).status_code == 201
    writes = [(sql, status) for sql, status in seen if sql.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) >= 2  # the property and its outbox event
    if api.backend == "postgres":
        assert {status for _, status in writes} == {TransactionStatus.INTRANS}


async def test_reads_then_a_failure_after_a_write_roll_everything_back(api, owner):
    name = f"Rolled back {uuid.uuid4().hex[:6]}"
    org = uuid.UUID(owner.org_id)
    with pytest.raises(RuntimeError), statements(api) as seen:
        async with api.container.system_uow() as uow:
            assert await uow.properties.find_by_name(org, name) is None  # a read first
            await uow.properties.add(new_property(owner.org_id, name))  # then the write opens the transaction
            raise RuntimeError("the use case fails after writing")
    if api.backend == "postgres":  # one transaction from the first statement (psycopg's BEGIN READ WRITE)
        assert {status for _, status in seen} == {TransactionStatus.INTRANS}
    async with api.container.system_uow() as uow:
        assert await uow.properties.find_by_name(org, name) is None


async def test_a_committed_unit_of_work_after_reads_keeps_its_writes(api, owner):
    name = f"Kept {uuid.uuid4().hex[:6]}"
    org = uuid.UUID(owner.org_id)
    async with api.container.system_uow() as uow:
        assert await uow.properties.find_by_name(org, name) is None
        await uow.properties.add(new_property(owner.org_id, name))
        await uow.commit()
    async with api.container.system_uow() as uow:
        assert (await uow.properties.find_by_name(org, name)) is not None
    # and the pooled connection went back clean: a read-only unit of work then runs without a transaction
    with statements(api) as seen:
        async with api.container.system_uow().read_only() as uow:
            await uow.properties.find_by_name(org, name)
    if api.backend == "postgres":
        assert seen and {status for _, status in seen} == {TransactionStatus.IDLE}
        # ...and gave the pool its connection back transactional, for the engine's other users
        async with api.container.system_engine().connect() as conn:
            assert (await conn.get_raw_connection()).driver_connection.autocommit is False


async def test_a_read_only_unit_of_work_cannot_store_anything(api, owner):
    """Chosen by the use case (``uow.read_only()``): commit is refused, and so is a write, by the
    database itself (PostgreSQL: read-only outside a transaction; SQLite: query_only)."""
    org = uuid.UUID(owner.org_id)
    name = f"Never stored {uuid.uuid4().hex[:6]}"
    with pytest.raises(ReadOnlyUnitOfWorkWrite):
        async with api.container.system_uow().read_only() as reader:
            await reader.commit()
    with pytest.raises(sa.exc.DBAPIError, match=r"read-only|readonly"):
        async with api.container.system_uow().read_only() as reader:
            await reader.properties.add(new_property(owner.org_id, name))
    with pytest.raises(sa.exc.DBAPIError, match=r"read-only|readonly"):  # nor a locking read or a sequence
        async with api.container.system_uow().read_only() as reader:
            await reader.units.lock(
                org, uuid.uuid4()
            ) if api.backend == "postgres" else await reader.connection.exec_driver_sql(
                "DELETE FROM properties_properties WHERE 1 = 0"
            )
    async with api.container.system_uow() as uow:  # the connections went back to the pool writable
        assert await uow.properties.find_by_name(org, name) is None
        await uow.properties.add(new_property(owner.org_id, name))
        await uow.commit()
    async with api.container.system_uow().read_only() as reader:
        assert await reader.properties.find_by_name(org, name) is not None


async def test_a_connection_the_server_closed_is_replaced_without_an_error(api, owner):
    """No pre-ping: a pooled connection whose backend is gone is noticed at checkout (its socket is
    readable) and replaced, so the request still succeeds."""
    assert (await api.get("/api/v1/properties", owner.token)).status_code == 200
    if api.backend == "postgres":
        killed = await _terminate_pooled_backends(api)
        assert killed >= 1
    for _ in range(3):
        r = await api.get("/api/v1/properties", owner.token)
        assert r.status_code == 200, r.text


async def test_a_connection_lost_inside_a_unit_of_work_is_503_and_the_next_one_works(api, owner):
    org = uuid.UUID(owner.org_id)
    if api.backend == "postgres":
        with pytest.raises(DependencyUnavailable):
            async with api.container.system_uow() as uow:
                await uow.properties.find_by_name(org, "x")
                pid = (await uow.connection.execute(sa.select(sa.func.pg_backend_pid()))).scalar_one()
                await _terminate(api, [pid])
                await uow.properties.find_by_name(org, "x")
        with pytest.raises(DependencyUnavailable):  # the list's direct psycopg path too
            async with api.container.system_uow().read_only() as uow:
                pid = (await uow.connection.execute(sa.select(sa.func.pg_backend_pid()))).scalar_one()
                await _terminate(api, [pid])
                await uow.property_list.page(org, PropertyFilter(), PageRequest())
    async with api.container.system_uow() as uow:
        assert await uow.properties.find_by_name(org, "nothing by this name") is None
    assert (await api.get("/api/v1/properties", owner.token)).status_code == 200


def _admin_url(api: Any) -> tuple[str, str]:
    url = api.container.system_engine().url
    return url.set(drivername="postgresql").render_as_string(hide_password=False), str(url.database)


async def _terminate_pooled_backends(api: Any) -> int:
    admin, db = _admin_url(api)
    async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as conn:
        rows = await (
            await conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (db,))
        ).fetchall()
    await _terminate(api, [r[0] for r in rows])
    return len(rows)


async def _terminate(api: Any, pids: list[int]) -> None:
    admin, _ = _admin_url(api)
    async with await psycopg.AsyncConnection.connect(admin, autocommit=True) as conn:
        for pid in pids:
            await conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(100):  # until the backends have exited
            cur = await conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,))
            if (await cur.fetchone())[0] == 0:  # type: ignore[index]
                return
            await asyncio.sleep(0.02)


async def test_every_guard_is_async(api):
    """Litestar runs a sync guard in a worker thread: a thread hop on every request."""
    sync_guards = []
    for route in api.client.app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for layer in handler.ownership_layers:
                for guard in layer.guards or ():
                    if not inspect.iscoroutinefunction(guard):
                        sync_guards.append((route.path, getattr(guard, "__name__", guard)))
    assert sync_guards == []


async def test_each_property_handler_has_one_dependency_per_level(api):
    """Litestar resolves two dependencies of one level in an anyio task group; the property handlers
    declare one (``ctx``, or ``listing`` which carries it), so each level is resolved in the request's
    own task, with Litestar's public API only (no patch of its internals)."""
    checked = 0
    for route in api.client.app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not getattr(handler.fn, "__qualname__", "").startswith("PropertyController."):
                continue
            provided = handler.resolve_dependencies()
            declared = [name for name in handler.parsed_fn_signature.parameters if name in provided]
            assert declared in (["ctx"], ["listing"]), (route.path, declared)
            checked += 1
    assert checked >= 7


async def test_the_list_handler_resolves_its_context_in_the_request_task(api, owner):
    """``listing`` is resolved after ``ctx`` (its sub-dependency), both in the handler's own task."""
    seen: list[int] = []
    real = RequestContext.__init__

    def record(self: Any, *args: Any) -> None:
        seen.append(id(asyncio.current_task()))
        real(self, *args)

    RequestContext.__init__ = record  # type: ignore[method-assign]
    try:
        r = await api.get("/api/v1/properties?page_size=1", owner.token)
    finally:
        RequestContext.__init__ = real  # type: ignore[method-assign]
    assert r.status_code == 200 and len(seen) == 1


async def test_an_exhausted_pool_is_503_not_a_crash(api):
    from sqlalchemy.ext.asyncio import create_async_engine

    from pmsaas.adapters.sql.uow import SqlUnitOfWork

    engine = create_async_engine(api.container.system_engine().url, pool_size=1, max_overflow=0, pool_timeout=0.05)
    try:
        async with SqlUnitOfWork(engine):
            with pytest.raises(DependencyUnavailable):
                async with SqlUnitOfWork(engine):
                    pass
        async with SqlUnitOfWork(engine) as uow:  # the connection came back: usable again
            assert (await uow.connection.execute(sa.select(1))).scalar_one() == 1
    finally:
        await engine.dispose()


# -- the gate (revocation + rate limit) overlapping a safe request's handler ----------------------


async def test_a_revoked_token_gets_nothing_from_a_get_and_is_then_refused_before_any_work(api, owner):
    session = await api.login(owner.email, owner.password)
    assert (await api.post("/api/v1/identity/logout", session["access_token"])).status_code == 200
    r = await api.get("/api/v1/properties?page_size=5", session["access_token"])
    assert r.status_code == 401, r.text
    body = r.json()
    assert body["success"] is False and body["error"]["code"] == "AUTHENTICATION_FAILED"
    assert "data" not in body and "x-ratelimit-limit" not in r.headers  # the handler's answer was dropped
    assert r.headers["x-request-id"] == body["meta"]["request_id"]
    with statements(api) as seen:
        again = await api.get("/api/v1/properties?page_size=5", session["access_token"])
    assert again.status_code == 401
    assert [sql for sql, _ in seen if "properties_properties" in sql] == []  # known revoked: no handler


async def test_a_revoked_token_never_writes(api, owner):
    session = await api.login(owner.email, owner.password)
    assert (await api.post("/api/v1/identity/logout", session["access_token"])).status_code == 200
    body = {
        "name": "Never written",
        "type": "residential",
        "address": {"street": "1 Main St", "city": "Toronto", "province": "ON", "postal_code": "M5V 2T6"},
    }
    with statements(api) as seen:
        r = await api.post("/api/v1/properties", session["access_token"], json=body)
    assert r.status_code == 401
    assert [sql for sql, _ in seen if sql.startswith("INSERT")] == []


@pytest.fixture(scope="module", params=BACKENDS)
async def limited(request, database_urls, tmp_path_factory) -> AsyncIterator[Api]:
    tmp = tmp_path_factory.mktemp(f"gate-{request.param}")
    async with rate_limited_api(request.param, database_urls[request.param], tmp, 2) as api:
        yield api


async def test_over_the_limit_a_get_is_429_and_then_held_behind_the_gate(limited):
    api = limited
    owner = await api.new_org()
    for remaining in ("1", "0"):
        r = await api.get("/api/v1/properties", owner.token)
        assert r.status_code == 200 and r.headers["x-ratelimit-remaining"] == remaining
    with statements(api) as seen:
        r = await api.get("/api/v1/properties", owner.token)
    assert r.status_code == 429, r.text
    assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["x-ratelimit-limit"] == "2"
    assert int(r.headers["retry-after"]) >= 1
    assert [sql for sql, _ in seen if "properties_properties" in sql] == []  # window used up: no handler


async def test_a_read_only_handler_gets_read_only_units_of_work_only(api, owner):
    """The gate overlaps only READS_ONLY handlers, and their context hands out read-only units of work:
    such a request can commit nothing, whether or not the gate then admits it."""
    org = uuid.UUID(owner.org_id)
    overlapped = next(
        h
        for route in api.client.app.routes
        if route.path == "/api/v1/properties"
        for h in getattr(route, "route_handlers", ())
        if "GET" in h.http_methods
    )
    assert overlapped.opt.get("reads_only") is True
    scope: Any = {"type": "http", "route_handler": overlapped, "user": None, "headers": [], "app": api.client.app}
    ctx = RequestContext(api.container, scope)  # the context reads the connection's ASGI scope
    name = f"Overlapped {uuid.uuid4().hex[:6]}"
    with pytest.raises((ReadOnlyUnitOfWorkWrite, sa.exc.DBAPIError)):
        async with ctx.uow() as uow:
            await uow.properties.add(new_property(owner.org_id, name))
            await uow.commit()
    async with api.container.system_uow() as uow:
        assert await uow.properties.find_by_name(org, name) is None


async def test_a_revoked_token_on_a_handler_that_may_write_runs_nothing(api, owner):
    """A GET that is not READS_ONLY waits for the gate: a revoked token never reaches its handler."""
    session = await api.login(owner.email, owner.password)
    assert (await api.post("/api/v1/identity/logout", session["access_token"])).status_code == 200
    with statements(api) as seen:
        r = await api.get(f"/api/v1/properties/{uuid.uuid4()}/units", session["access_token"])
    assert r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    assert [sql for sql, _ in seen if "properties_" in sql] == []


def test_the_checkout_check_works_above_select_s_file_descriptor_limit():
    """select() refuses descriptors >= 1024, which a busy server has: the check must not."""
    import os
    import resource
    import socket

    from pmsaas.adapters.sql.engine import _readable

    a, b = socket.socketpair()
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    high = os.dup2(a.fileno(), 1500 if soft == resource.RLIM_INFINITY or soft > 1500 else soft - 1)
    try:
        assert _readable(high) is False  # idle: nothing to read
        b.close()  # the peer goes away
        assert _readable(high) is True
    finally:
        os.close(high)
        a.close()

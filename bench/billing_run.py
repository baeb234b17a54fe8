"""Billing-run throughput on PostgreSQL vs a raw COPY of the same rows (issue 4, item 8).

    .venv/bin/python bench/billing_run.py --leases 10000

1. creates a fresh database ``pmsaas_bench_billing_<pid>`` on ``--url`` and migrates it;
2. seeds one Indian organization, one commercial property and N active leases (units, tenants,
   leases) with Core bulk inserts;
3. times ``run_billing`` for period 2026-12 (the real use case: rent schedule + GST per lease,
   counter lock, bulk inserts of invoices, lines, journal entries and lines, outbox events);
4. copies exactly the rows the run wrote (invoices, invoice lines, journal entries, journal lines,
   outbox rows) into empty ``LIKE`` tables with ``COPY ... FROM STDIN`` and times that;
5. prints invoices/second and the ratio run/COPY (COPY time / run time; target >= 0.25), then drops
   the database.

``--repeat N`` does all of it N times (a fresh database each time, run and COPY alternating) and
prints the median ratio. Each line also shows the CPU seconds of this process and of the
PostgreSQL backends (read from /proc: only when the server runs on this machine), which tells
where the run's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime

import psycopg
import sqlalchemy as sa

from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.tables.properties import leases, properties, tenants, units
from pmsaas.container import build_container, shutdown
from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.entrypoints.batch import garbage_collector_paused
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.settings import load_settings

TABLES = [
    "financial_invoices",
    "financial_invoice_lines",
    "financial_journal_entries",
    "financial_journal_lines",
    "notifications_outbox",
]


def seed(url: str, n: int, round_off: bool = False) -> uuid.UUID:
    engine = sa.create_engine(url)
    now = datetime.now(UTC)
    org, prop = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            organizations.insert().values(
                id=org,
                name="Bench Estates",
                plan="enterprise",
                status="active",
                country="IN",
                province="MH",
                currency="INR",
                time_zone="Asia/Kolkata",
                locale="en-IN",
                extra_settings={"invoice_round_off": True} if round_off else {},
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        conn.execute(
            properties.insert().values(
                id=prop,
                organization_id=org,
                name="Bench Plaza",
                type="commercial",
                status="active",
                street="1 Bench Rd",
                city="Mumbai",
                province="MH",
                postal_code="400001",
                country="IN",
                version=1,
                created_at=now,
                updated_at=now,
            )
        )
        unit_rows, tenant_rows, lease_rows = [], [], []
        for i in range(n):
            u, t = uuid.uuid4(), uuid.uuid4()
            unit_rows.append(
                {
                    "id": u,
                    "organization_id": org,
                    "property_id": prop,
                    "name": f"Shop {i}",
                    "amenities": [],
                    "status": "occupied",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            tenant_rows.append(
                {
                    "id": t,
                    "organization_id": org,
                    "property_id": prop,
                    "name": f"Tenant {i}",
                    "email": f"t{i}@bench.example",
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            lease_rows.append(
                {
                    "id": uuid.uuid4(),
                    "organization_id": org,
                    "property_id": prop,
                    "unit_id": u,
                    "tenant_id": t,
                    "status": "active",
                    "start_date": date(2026, 1, 1),
                    "rent_minor": 5_000_000 + i,
                    "currency": "INR",
                    "billing_day": 1,
                    "grace_days": 5,
                    "tds_applicable": False,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        conn.execute(units.insert(), unit_rows)
        conn.execute(tenants.insert(), tenant_rows)
        conn.execute(leases.insert(), lease_rows)
    engine.dispose()
    return org


def backend_cpu(pids: list[int]) -> float | None:
    """CPU seconds (user + system) of these server processes, if they run on this machine."""
    total = 0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK")


def database_backends(dsn: str, database: str) -> list[int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    return [int(r[0]) for r in rows]


def load_average() -> str:
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "n/a"


def cpu(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.2f} s"


def copy_same_rows(dsn: str) -> tuple[float, int, float | None]:
    """Dump what the run wrote to CSV in memory (untimed), then time COPY into empty LIKE tables."""
    dumps: dict[str, bytes] = {}
    rows = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        for table in TABLES:
            buf = io.BytesIO()
            with conn.cursor().copy(f"COPY {table} TO STDOUT") as cp:
                for chunk in cp:
                    buf.write(chunk)
            dumps[table] = buf.getvalue()
            rows += conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            conn.execute(f"CREATE TABLE copy_{table} (LIKE {table} INCLUDING ALL)")
        server_before = backend_cpu([conn.info.backend_pid])
        started = time.perf_counter()
        with conn.transaction():
            for table in TABLES:
                with conn.cursor().copy(f"COPY copy_{table} FROM STDIN") as cp:
                    cp.write(dumps[table])
        elapsed = time.perf_counter() - started
        server_after = backend_cpu([conn.info.backend_pid])
        server = None if server_before is None or server_after is None else server_after - server_before
        return elapsed, rows, server


async def measure(args: argparse.Namespace, admin: sa.Engine) -> float:
    name = f"pmsaas_bench_billing_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = (
        sa.make_url(args.url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    )
    dsn = sa.make_url(args.url).set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        seed(url, args.leases, args.round_off)
        container = build_container(load_settings({}, env="test", database_url=url, var_dir="/tmp/pmsaas-bench"))
        try:
            profiler = cProfile.Profile() if args.profile else None
            client_started = time.process_time()
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            with garbage_collector_paused():  # as the CLI and the worker run it
                summary = await run_billing(uow_factory=container.system_uow, clock=container.clock(), period="2026-12")
            elapsed = time.perf_counter() - started
            client = time.process_time() - client_started
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            # The run's backends were all opened by the run (the pool starts empty).
            server = backend_cpu(database_backends(args.url, name))
        finally:
            await shutdown(container)
        assert summary.created == args.leases, summary
        copy_seconds, rows, copy_server = copy_same_rows(dsn)
        print(f"leases: {args.leases}, invoices created: {summary.created}, rows written: {rows}")
        print(
            f"billing run: {elapsed:.2f} s = {summary.created / elapsed:,.0f} invoices/s"
            f" (CPU: this process {cpu(client)}, PostgreSQL {cpu(server)})"
        )
        print(
            f"COPY of the same rows: {copy_seconds:.2f} s = {summary.created / copy_seconds:,.0f} invoices/s"
            f" (CPU: PostgreSQL {cpu(copy_server)})"
        )
        print(
            f"ratio (COPY time / run time): {copy_seconds / elapsed:.2f}  (target >= 0.25)"
            f"  load average: {load_average()}",
            flush=True,
        )
        return copy_seconds / elapsed
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leases", type=int, default=10_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=1, help="measure N times (fresh database each time)")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the billing run to FILE")
    parser.add_argument(
        "--round-off", action="store_true", help="the organization rounds its invoices to the rupee (invoice_round_off)"
    )
    args = parser.parse_args()
    admin = sa.create_engine(sa.make_url(args.url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        ratios = [await measure(args, admin) for _ in range(args.repeat)]
    finally:
        admin.dispose()
    if len(ratios) > 1:
        print(f"median ratio of {len(ratios)} runs: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    asyncio.run(main())

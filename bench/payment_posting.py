"""Payment posting throughput at 8 concurrent clients vs pgbench TPC-B (issue 4, item 8).

    .venv/bin/python bench/payment_posting.py --rounds 3 --duration 15

Runs by hand, never in the test suite; talks only to the PostgreSQL server at ``--url``
(127.0.0.1), stops by itself and drops the two databases it created.

1. creates ``pmsaas_bench_payments_<pid>``, runs ``pmsaas db upgrade`` on it and seeds one Indian
   organization, one commercial property and ``--leases`` active leases (the Core bulk inserts of
   ``bench/billing_run.py``), then issues one open invoice per lease with the real billing run
   (``run_billing`` for 2026-12: invoice, GST lines, journal entry, counters, outbox);
2. creates ``pmsaas_bench_pgbench_<pid>`` and runs ``pgbench -i -s <scale>`` into it;
3. alternates, ``--rounds`` times: a payments trial per variant, then a pgbench trial
   (``pgbench -c 8 -j 2 -T <duration> -M prepared``, per-transaction log for p50/p99);
4. checks the books (trial balance zero, every entry balanced, every invoice's paid amount equals
   its allocations, receipt numbers gap-free and equal to the counter), prints the table and
   writes ``bench/results/payment_posting.json``; drops both databases.

A payments trial: ``--clients`` clients each post manual bank-transfer payments of 100.00 INR,
one after another, each with its own Idempotency-Key, through the real use case
``create_payment_once`` on a fresh unit of work from the container, named for the payer's organization
as a request's is (``container.uow().for_organization(...)``: the tenant role under row-level
security), for ``--duration`` seconds after a short warm-up.
Client *i* pays the leases ``i, i+C, i+2C, ...`` (distinct leases, so no two clients lock the same
invoice); the ``shared`` variant has every client pay the same 8 leases. Variants:

* ``processes``: 8 OS processes, one container (engine) and one connection each: the like of
  pgbench's 8 client connections;
* ``tasks``: 8 asyncio tasks in one process sharing one container: the like of one server worker;
* ``shared``: as ``processes``, all clients on the same 8 leases.

``--profile N`` instead posts N payments one at a time in this process and prints the statements
per payment (SQLAlchemy ``before_cursor_execute``) and a cProfile summary.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import multiprocessing as mp
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import payment_sql
from billing_run import seed

from pmsaas.container import build_container, shutdown
from pmsaas.domain.financial import payments
from pmsaas.domain.financial.model import PaymentMethod
from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.money import Money
from pmsaas.entrypoints.batch import garbage_collector_paused
from pmsaas.entrypoints.cli.db import upgrade
from pmsaas.settings import load_settings

AMOUNT = Money.from_minor(10_000, "INR")  # 100.00 INR: an invoice of ~59,000 INR stays open
WARMUP = 3  # payments per client before the measured window
RESULTS = Path(__file__).resolve().parent / "results" / "payment_posting.json"


def _container(url: str) -> Any:
    return build_container(load_settings({}, env="test", database_url=url, var_dir="/tmp/pmsaas-bench"))


def _actor(org: uuid.UUID) -> Actor:
    return Actor(
        user_id=uuid.uuid4(),
        organization_id=org,
        roles=frozenset({"OrganizationOwner"}),
        permissions=frozenset({"*"}),
    )


async def _pay(container: Any, actor: Actor, lease_id: uuid.UUID, key: str) -> None:
    payment, replayed = await payments.create_payment_once(
        uow=container.uow().for_organization(actor.organization_id),  # a request's path (row-level security)
        clock=container.clock(),
        actor=actor,
        gateway=container.payment_gateway(),
        data=payments.PaymentInput(
            lease_id=lease_id, amount=AMOUNT, method=PaymentMethod.BANK_TRANSFER, reference=f"NEFT {key}"
        ),
        idempotency_key=key,
        fingerprint=f"bench:{key}",
    )
    assert not replayed and payment.allocations, payment


async def _client_loop(
    container: Any, actor: Actor, leases: list[uuid.UUID], tag: str, start_at: float, end_at: float
) -> dict[str, Any]:
    n = 0
    for _ in range(WARMUP):
        await _pay(container, actor, leases[n % len(leases)], f"{tag}-w{n}")
        n += 1
    await asyncio.sleep(max(0.0, start_at - time.time()))  # the window opens for all clients at once
    latencies: list[float] = []
    finished = start_at
    cpu_start = time.process_time()
    while time.time() < end_at:
        t0 = time.perf_counter()
        await _pay(container, actor, leases[n % len(leases)], f"{tag}-{n}")
        latencies.append(time.perf_counter() - t0)
        finished = time.time()
        n += 1
    return {"latencies": latencies, "finished": finished, "posted": n, "cpu": (cpu_start, time.process_time())}


def _process_client(url: str, org: str, leases: list[str], tag: str, start_at: float, end_at: float, out: Any) -> None:
    async def run() -> dict[str, Any]:
        container = _container(url)
        try:
            result = await _client_loop(
                container, _actor(uuid.UUID(org)), [uuid.UUID(x) for x in leases], tag, start_at, end_at
            )
            result["cpu"] = result["cpu"][1] - result["cpu"][0]
            return result
        finally:
            await shutdown(container)

    out.put(asyncio.run(run()))


def _tasks_client(
    url: str, org: str, lease_sets: list[list[str]], tag: str, start_at: float, end_at: float, out: Any
) -> None:
    async def run() -> list[dict[str, Any]]:
        container = _container(url)
        try:
            actor = _actor(uuid.UUID(org))
            results = await asyncio.gather(
                *(
                    _client_loop(container, actor, [uuid.UUID(x) for x in leases], f"{tag}-{i}", start_at, end_at)
                    for i, leases in enumerate(lease_sets)
                )
            )
            cpu = max(r["cpu"][1] for r in results) - min(r["cpu"][0] for r in results)
            for r in results:
                r["cpu"] = cpu / len(results)
            return list(results)
        finally:
            await shutdown(container)

    for r in asyncio.run(run()):
        out.put(r)


class PgCpuSampler:
    """CPU time (utime+stime from /proc) of the PostgreSQL backends connected to one database."""

    def __init__(self, dsn_admin: str, database: str) -> None:
        self._dsn, self._db = dsn_admin, database
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _cpu(self, pid: int) -> float | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / self._tick

    def _run(self) -> None:
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            while not self._stop.is_set():
                pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self._db,))]
                for pid in pids:
                    cpu = self._cpu(pid)
                    if cpu is not None:
                        self._first.setdefault(pid, cpu)
                        self._last[pid] = cpu
                self._stop.wait(0.25)

    def __enter__(self) -> PgCpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self._last[p] - self._first[p] for p in self._first)


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def payments_trial(
    variant: str,
    url: str,
    admin_dsn: str,
    db: str,
    org: uuid.UUID,
    leases: list[uuid.UUID],
    clients: int,
    duration: float,
    rnd: int,
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    if variant == "shared":
        sets = [[str(x) for x in leases[:8]] for _ in range(clients)]
    else:
        sets = [[str(x) for x in leases[i::clients]] for i in range(clients)]
    start_at = time.time() + (6.0 if variant != "tasks" else 4.0)  # spawn + imports + warm-up
    end_at = start_at + duration
    tag = f"{variant}-r{rnd}-{uuid.uuid4().hex[:6]}"
    if variant == "tasks":
        procs = [ctx.Process(target=_tasks_client, args=(url, str(org), sets, tag, start_at, end_at, out))]
    else:
        procs = [
            ctx.Process(target=_process_client, args=(url, str(org), sets[i], f"{tag}-{i}", start_at, end_at, out))
            for i in range(clients)
        ]
    for p in procs:
        p.start()
    while time.time() < start_at:
        time.sleep(0.05)
    load_before = _loadavg()
    with PgCpuSampler(admin_dsn, db) as pg:
        results = [out.get(timeout=duration + 120) for _ in range(clients)]
    for p in procs:
        p.join()
        assert p.exitcode == 0, f"client exited with {p.exitcode}"
    latencies = [x for r in results for x in r["latencies"]]
    elapsed = max(r["finished"] for r in results) - start_at
    n = len(latencies)
    return {
        "target": f"payments/{variant}",
        "round": rnd,
        "count": n,
        "posted_incl_warmup": sum(r["posted"] for r in results),
        "per_second": n / elapsed,
        "p50_ms": _pct(latencies, 0.50) * 1000,
        "p99_ms": _pct(latencies, 0.99) * 1000,
        "client_cpu_ms": sum(r["cpu"] for r in results) / max(1, n) * 1000,  # measured window only
        "pg_cpu_ms": pg.seconds / max(1, n) * 1000,
        "load_before": load_before,
        "load_after": _loadavg(),
    }


def pgbench_trial(pg_url: str, admin_dsn: str, db: str, clients: int, duration: float, rnd: int) -> dict[str, Any]:
    logdir = Path(tempfile.mkdtemp(prefix="pgbench-log-"))
    try:
        cmd = [
            "pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(int(duration)), "-M", "prepared",
            "-l", "--log-prefix", str(logdir / "tx"), pg_url,
        ]  # fmt: skip
        load_before = _loadavg()
        before = os.times()
        with PgCpuSampler(admin_dsn, db) as pg:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        after = os.times()
        m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
        assert m, proc.stdout
        latencies = []
        for f in logdir.iterdir():
            for line in f.read_text().splitlines():
                latencies.append(int(line.split()[2]) / 1e6)  # client_id tx_no time(us) ...
        n = len(latencies)
        return {
            "target": "pgbench",
            "round": rnd,
            "count": n,
            "per_second": float(m.group(1)),
            "p50_ms": _pct(latencies, 0.50) * 1000,
            "p99_ms": _pct(latencies, 0.99) * 1000,
            "client_cpu_ms": (
                (after.children_user + after.children_system) - (before.children_user + before.children_system)
            )
            / max(1, n)
            * 1000,
            "pg_cpu_ms": pg.seconds / max(1, n) * 1000,
            "load_before": load_before,
            "load_after": _loadavg(),
            "command": " ".join([*cmd[:-4], "-l"]),
        }
    finally:
        shutil.rmtree(logdir, ignore_errors=True)


def check_books(dsn: str, org: uuid.UUID, expected_payments: int) -> list[str]:
    """The figures that must hold after concurrent posting; returns what failed (empty = all good)."""
    failures: list[str] = []
    with psycopg.connect(dsn) as conn:

        def one(sql: str, *params: Any) -> Any:
            return conn.execute(sql, params).fetchone()[0]  # type: ignore[index]

        total = one(
            "SELECT coalesce(sum(amount_minor), 0) FROM financial_journal_lines WHERE organization_id = %s", org
        )
        if total != 0:
            failures.append(f"trial balance sums to {total}, not 0")
        unbalanced = one(
            "SELECT count(*) FROM (SELECT entry_id FROM financial_journal_lines GROUP BY entry_id"
            " HAVING sum(amount_minor) <> 0) x"
        )
        if unbalanced:
            failures.append(f"{unbalanced} journal entries do not balance")
        mismatched = one(
            "SELECT count(*) FROM financial_invoices i LEFT JOIN (SELECT invoice_id, sum(amount_minor) s"
            " FROM financial_payment_allocations GROUP BY invoice_id) a ON a.invoice_id = i.id"
            " WHERE i.organization_id = %s AND i.paid_minor <> coalesce(a.s, 0)",
            org,
        )
        if mismatched:
            failures.append(f"{mismatched} invoices' paid amount differs from their allocations")
        unallocated = one(
            "SELECT count(*) FROM financial_payments p WHERE p.organization_id = %s AND p.amount_minor <>"
            " (SELECT coalesce(sum(amount_minor), 0) FROM financial_payment_allocations a WHERE a.payment_id = p.id)",
            org,
        )
        if unallocated:
            failures.append(f"{unallocated} payments are not fully allocated")
        numbers = [
            r[0]
            for r in conn.execute(
                "SELECT receipt_number FROM financial_payments WHERE organization_id = %s AND status = 'succeeded'",
                (org,),
            )
        ]
        seqs = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
        if seqs != list(range(1, len(seqs) + 1)):
            failures.append(f"receipt numbers are not gap-free 1..{len(seqs)}")
        counter = one(
            "SELECT last_value FROM financial_number_sequences WHERE organization_id = %s AND series = 'receipt'", org
        )
        if counter != len(seqs):
            failures.append(f"receipt counter is {counter}, {len(seqs)} receipts")
        if len(seqs) != expected_payments:
            failures.append(f"{len(seqs)} payments in the database, the clients posted {expected_payments}")
        print(
            f"books: {len(seqs)} payments, receipts 1..{len(seqs)}, trial balance {total}, "
            f"unbalanced entries {unbalanced}, invoices paid != allocations {mismatched}"
        )
    return failures


def _time_counter_in_payment_posting(taken: list[float]) -> Any:
    """The PostgreSQL PaymentPosting adapter moves the counter in its first pipelined round trip,
    outside SQLAlchemy's events: the lock is taken when that round trip returns (bench-only patch)."""
    try:
        from pmsaas.adapters.sql.repositories.financial.payment_posting import PostgresPaymentPosting
    except ImportError:  # code from before the port
        return lambda: None
    original = PostgresPaymentPosting._number

    async def timed(self: Any, *args: Any) -> Any:
        result = await original(self, *args)
        taken[:] = [time.perf_counter()]
        return result

    PostgresPaymentPosting._number = timed  # type: ignore[method-assign]

    def unpatch() -> None:
        PostgresPaymentPosting._number = original  # type: ignore[method-assign]

    return unpatch


async def profile_payments(url: str, admin_dsn: str, db: str, org: uuid.UUID, leases: list[uuid.UUID], n: int) -> None:
    container = _container(url)
    statements: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements[" ".join(statement.split())[:110]] += 1

    try:
        actor = _actor(org)
        for i in range(20):  # warm caches (SQLAlchemy compiled cache, psycopg prepared statements)
            await _pay(container, actor, leases[i % len(leases)], f"profile-w{i}")
        sa.event.listen(container.engine().sync_engine, "before_cursor_execute", count)
        await _pay(container, actor, leases[0], "profile-count")
        sa.event.remove(container.engine().sync_engine, "before_cursor_execute", count)
        print(f"statements per payment through SQLAlchemy: {sum(statements.values())}")
        for s, c in statements.items():
            print(f"  {c} x {s}")
        recorder = payment_sql.Recorder(admin_dsn)
        payment_sql.listen(container.engine().sync_engine, recorder)
        await _pay(container, actor, leases[0], "profile-count-psycopg")
        payment_sql.unlisten(container.engine().sync_engine, recorder)
        recorder.close()
        print(f"statements per payment executed by psycopg (SQLAlchemy's and others): {len(recorder.statements)}")
        # How long a payment holds the receipt counter's row lock: from the end of the statement
        # that moves the counter to the COMMIT (with 8 clients every payment queues for this lock).
        held: list[float] = []
        taken: list[float] = []

        def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if "financial_number_sequences" in statement:
                taken[:] = [time.perf_counter()]

        def on_commit(_conn: Any) -> None:
            if taken:
                held.append(time.perf_counter() - taken.pop())

        engine = container.engine().sync_engine
        sa.event.listen(engine, "after_cursor_execute", after)
        unpatch = _time_counter_in_payment_posting(taken)
        sa.event.listen(engine, "commit", on_commit)
        walls, cpus = [], []
        with PgCpuSampler(admin_dsn, db) as pg:
            for chunk in range(5):  # the machine is shared: the best of 5 chunks filters out others' load
                t0, c0 = time.perf_counter(), time.process_time()
                for i in range(n // 5):
                    await _pay(container, actor, leases[i % len(leases)], f"timed-{chunk}-{i}")
                walls.append((time.perf_counter() - t0) / (n // 5))
                cpus.append((time.process_time() - c0) / (n // 5))
        sa.event.remove(engine, "after_cursor_execute", after)
        sa.event.remove(engine, "commit", on_commit)
        unpatch()
        print(
            f"{n} payments one at a time, no profiler: {min(walls) * 1000:.2f} ms wall each (best chunk; median "
            f"{statistics.median(walls) * 1000:.2f}), Python CPU {min(cpus) * 1000:.2f} ms (best chunk), "
            f"PostgreSQL backend CPU {pg.seconds / (n // 5 * 5) * 1000:.2f} ms (mean)"
        )
        print(
            f"receipt counter lock held {_pct(held, 0.5) * 1000:.2f} ms (p50; mean {statistics.mean(held) * 1000:.2f}; "
            f"from the counter statement's end until COMMIT is sent) "
            f"-> at most {1 / _pct(held, 0.5):,.0f} payments/s in one organization, on this machine"
        )
        prof = cProfile.Profile(time.process_time)  # CPU time: waits and other processes' load left out
        t0, c0 = time.perf_counter(), time.process_time()
        prof.enable()
        for i in range(n):
            await _pay(container, actor, leases[i % len(leases)], f"profile-{i}")
        prof.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{n} payments under cProfile (CPU time): {wall / n * 1000:.2f} ms wall, {cpu / n * 1000:.2f} ms CPU")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        pstats.Stats(prof).sort_stats("tottime").print_stats(30)
    finally:
        await shutdown(container)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leases", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=16, help="pgbench scale factor (branches)")
    parser.add_argument("--variants", default="processes,tasks", help="processes, tasks, shared")
    parser.add_argument("--profile", type=int, default=0, help="only profile N sequential payments")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    variants = [v for v in args.variants.split(",") if v]
    assert all(v in ("processes", "tasks", "shared") for v in variants), variants
    assert sa.make_url(args.url).host in ("127.0.0.1", "localhost"), "local PostgreSQL only"
    if not args.profile and shutil.which("pgbench") is None:
        sys.exit("pgbench not found: apt-get install postgresql-client (Debian)")

    pid = os.getpid()
    name, pg_name = f"pmsaas_bench_payments_{pid}", f"pmsaas_bench_pgbench_{pid}"
    base = sa.make_url(args.url)
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    dsn = base.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    pg_url = base.set(drivername="postgresql", database=pg_name).render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        if not args.profile:
            conn.execute(f'CREATE DATABASE "{pg_name}"')
    trials: list[dict[str, Any]] = []
    try:
        upgrade(url)
        org = seed(url, args.leases)

        async def issue() -> None:
            container = _container(url)
            try:
                with garbage_collector_paused():  # as the CLI and the worker run it
                    summary = await run_billing(
                        uow_factory=container.system_uow, clock=container.clock(), period="2026-12"
                    )
                assert summary.created == args.leases, summary
            finally:
                await shutdown(container)

        asyncio.run(issue())
        with psycopg.connect(dsn) as conn:
            leases = [r[0] for r in conn.execute("SELECT lease_id FROM financial_invoices ORDER BY number")]
        print(f"seeded {len(leases)} leases with one issued invoice each")
        if args.profile:
            asyncio.run(profile_payments(url, admin_dsn, name, org, leases, args.profile))
            return
        t0 = time.perf_counter()
        subprocess.run(["pgbench", "-i", "-q", "-s", str(args.scale), pg_url], check=True, capture_output=True)
        print(f"pgbench -i -s {args.scale}: {time.perf_counter() - t0:.1f} s")
        for rnd in range(1, args.rounds + 1):
            for variant in variants:
                trials.append(
                    payments_trial(variant, url, admin_dsn, name, org, leases, args.clients, args.duration, rnd)
                )
                print(json.dumps(trials[-1]))
                trials.append(pgbench_trial(pg_url, admin_dsn, pg_name, args.clients, args.duration, rnd))
                print(json.dumps(trials[-1]))
        posted = sum(t["posted_incl_warmup"] for t in trials if t["target"].startswith("payments"))
        failures = check_books(dsn, org, posted)
        report(trials, args)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps({"args": vars(args), "trials": trials, "failures": failures}, indent=2))
        if failures:
            sys.exit("BOOKS WRONG: " + "; ".join(failures))
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def report(trials: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"\n{args.clients} clients, {args.duration:g} s per trial, {args.rounds} rounds, pgbench scale {args.scale}; "
        "medians over rounds"
    )
    print("| target | per s | p50 ms | p99 ms | client CPU ms | PG CPU ms | load (1/5/15 min) | per s each round |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    medians: dict[str, float] = {}
    for target in dict.fromkeys(t["target"] for t in trials):
        rows = [t for t in trials if t["target"] == target]
        med = {
            k: statistics.median(t[k] for t in rows)
            for k in ("per_second", "p50_ms", "p99_ms", "client_cpu_ms", "pg_cpu_ms")
        }
        medians[target] = med["per_second"]
        print(
            f"| {target} | {med['per_second']:,.0f} | {med['p50_ms']:.1f} | {med['p99_ms']:.1f} | "
            f"{med['client_cpu_ms']:.2f} | {med['pg_cpu_ms']:.2f} | {rows[-1]['load_after']} | "
            + ", ".join(f"{t['per_second']:,.1f}" for t in rows)
            + " |"
        )
    for target in medians:
        if target.startswith("payments/"):
            # Each payments trial is followed by its own pgbench trial: the ratio of each pair, too.
            pairs = [
                t["per_second"] / trials[i + 1]["per_second"]
                for i, t in enumerate(trials)
                if t["target"] == target and i + 1 < len(trials) and trials[i + 1]["target"] == "pgbench"
            ]
            print(
                f"ratio {target} / pgbench TPS: {medians[target] / medians['pgbench']:.3f} (medians); "
                f"per pair {', '.join(f'{r:.3f}' for r in pairs)}  (target >= 0.5)"
            )


if __name__ == "__main__":
    main()

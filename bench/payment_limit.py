"""Payment posting vs its own SQL replayed by pgbench (issue 10, item 7).

    .venv/bin/python bench/payment_limit.py --rounds 3 --duration 15

Runs by hand, never in the test suite; talks only to the PostgreSQL server at ``--url``
(127.0.0.1), stops by itself and drops the databases it created.

1. creates ``pmsaas_bench_limit_<pid>``, ``pmsaas db upgrade``, seeds 8 Indian organizations with
   ``--leases``/8 active leases each (``bench/billing_run.py``'s bulk inserts) and issues one open
   invoice per lease with the real billing run;
2. for each layout, ``orgs8`` (client *i* pays the leases of organization *i*) and ``org1`` (every
   client pays in organization 0, client *i* the leases *i*, *i*+8, …), posts one payment per
   client through the real use case and captures the SQL it sends (``bench/payment_sql.py``):
   that client's pgbench script, the writes only, in the use case's order;
3. copies the database (``CREATE DATABASE … TEMPLATE``) for pgbench, so its rows never touch the
   books checked at the end;
4. alternates, ``--rounds`` times and for each layout: a payments trial (8 OS processes, one
   container and connection each, ``create_payment_once`` on a fresh unit of work per payment,
   100.00 INR bank transfers, one after another, for ``--duration`` s) and right after it the
   pgbench trial of the same layout (8 ``pgbench -n -c 1 -M prepared -f <client i's script>``
   processes at once, the same 8 connections; their TPS summed);
5. checks the books of every organization (trial balance zero, entries balanced, invoices' paid
   amount = their allocations, receipts gap-free 1..N = the counter, N = what the clients posted),
   prints the table and the ratios, writes ``bench/results/payment_limit.json``.

``--show-script`` prints client 0's script of each layout (what pgbench sends).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import payment_sql
from billing_run import seed
from payment_posting import PgCpuSampler, _actor, _container, _loadavg, _pay, _pct

from pmsaas.container import shutdown
from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.entrypoints.batch import garbage_collector_paused
from pmsaas.entrypoints.cli.db import upgrade

ORGS = 8
WARMUP = 3
RESULTS = Path(__file__).resolve().parent / "results" / "payment_limit.json"
LAYOUTS = ("orgs8", "org1")


def assignments(layout: str, by_org: list[tuple[str, list[str]]], clients: int) -> list[tuple[str, list[str]]]:
    """(organization, leases) each client pays."""
    if layout == "orgs8":
        return [by_org[i % len(by_org)] for i in range(clients)]
    org, leases = by_org[0]
    return [(org, leases[i::clients]) for i in range(clients)]


# -- capture: one real payment per client, its SQL as a pgbench script ----------------------------


async def capture_scripts(url: str, dsn: str, targets: list[tuple[str, list[str]]], tag: str) -> list[str]:
    container = _container(url)
    scripts = []
    try:
        engine = container.engine().sync_engine  # the requests' engine (tenant role)
        for i, (org, leases) in enumerate(targets):
            actor = _actor(uuid.UUID(org))
            await _pay(container, actor, uuid.UUID(leases[0]), f"{tag}-warm-{i}")  # accounts exist from here
            recorder = payment_sql.Recorder(dsn)
            key = f"{tag}-capture-{i}"
            payment_sql.listen(engine, recorder)
            try:
                await _pay(container, actor, uuid.UUID(leases[0]), key)
            finally:
                payment_sql.unlisten(engine, recorder)
                recorder.close()
            with psycopg.connect(dsn) as conn:
                receipt, pid = conn.execute(
                    "SELECT receipt_number, id FROM financial_payments WHERE idempotency_key = %s", (key,)
                ).fetchone()  # type: ignore[misc]
                accounts = {str(r[0]) for r in conn.execute("SELECT id FROM financial_accounts")}
                fixed = {org, *accounts}
                fixed |= {str(x) for r in conn.execute(_FIXED, (uuid.UUID(leases[0]),)) for x in r if x is not None}
                fixed.discard(str(pid))
            scripts.append(payment_sql.pgbench_script(recorder.statements, fixed_ids=fixed, key=key, receipt=receipt))
    finally:
        await shutdown(container)
    return scripts


_FIXED = """SELECT l.id, l.tenant_id, l.property_id, l.unit_id, i.id FROM properties_leases l
            JOIN financial_invoices i ON i.lease_id = l.id WHERE l.id = %s"""


# -- trials ---------------------------------------------------------------------------------------


def _client(url: str, org: str, leases: list[str], tag: str, ready: Any, go: Any, window: Any, out: Any) -> None:
    async def run() -> dict[str, Any]:
        container = _container(url)
        try:
            actor = _actor(uuid.UUID(org))
            ids = [uuid.UUID(x) for x in leases]
            n = 0
            for _ in range(WARMUP):
                await _pay(container, actor, ids[n % len(ids)], f"{tag}-w{n}")
                n += 1
            ready.put(tag)
            go.wait()  # the window opens for all clients at once, once all are warm
            start_at, end_at = window[0], window[1]
            latencies: list[float] = []
            finished, cpu0 = start_at, time.process_time()
            while time.time() < end_at:
                t0 = time.perf_counter()
                await _pay(container, actor, ids[n % len(ids)], f"{tag}-{n}")
                latencies.append(time.perf_counter() - t0)
                finished = time.time()
                n += 1
            return {"latencies": latencies, "finished": finished, "posted": n, "cpu": time.process_time() - cpu0}
        finally:
            await shutdown(container)

    out.put(asyncio.run(run()))


def payments_trial(
    layout: str, url: str, admin_dsn: str, db: str, targets: list[tuple[str, list[str]]], duration: float, rnd: int
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    out, ready, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    window = ctx.Array("d", 2)
    tag = f"{layout}-r{rnd}-{uuid.uuid4().hex[:6]}"
    procs = [
        ctx.Process(target=_client, args=(url, org, leases, f"{tag}-{i}", ready, go, window, out))
        for i, (org, leases) in enumerate(targets)
    ]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    start_at = time.time() + 0.2
    window[0], window[1] = start_at, start_at + duration
    go.set()
    while time.time() < start_at:
        time.sleep(0.01)
    load_before = _loadavg()
    with PgCpuSampler(admin_dsn, db) as pg:
        results = [out.get(timeout=duration + 120) for _ in procs]
    for p in procs:
        p.join()
        assert p.exitcode == 0, f"client exited with {p.exitcode}"
    latencies = [x for r in results for x in r["latencies"]]
    n = len(latencies)
    elapsed = max(r["finished"] for r in results) - start_at
    return {
        "target": f"payments/{layout}",
        "round": rnd,
        "count": n,
        "posted_incl_warmup": sum(r["posted"] for r in results),
        "per_second": n / elapsed,
        "p50_ms": _pct(latencies, 0.5) * 1000,
        "p99_ms": _pct(latencies, 0.99) * 1000,
        "client_cpu_ms": sum(r["cpu"] for r in results) / max(1, n) * 1000,
        "pg_cpu_ms": pg.seconds / max(1, n) * 1000,
        "load_before": load_before,
        "load_after": _loadavg(),
    }


def pgbench_trial(
    layout: str, pg_url: str, admin_dsn: str, db: str, scripts: list[Path], duration: float, rnd: int
) -> dict[str, Any]:
    logdir = Path(tempfile.mkdtemp(prefix="pgbench-limit-"))
    try:
        cmds = [
            ["pgbench", "-n", "-c", "1", "-j", "1", "-T", str(int(duration)), "-M", "prepared",
             "-l", "--log-prefix", str(logdir / f"c{i}"), "-f", str(s), pg_url]
            for i, s in enumerate(scripts)
        ]  # fmt: skip
        load_before = _loadavg()
        before = os.times()
        with PgCpuSampler(admin_dsn, db) as pg:
            procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
            outputs = [p.communicate() for p in procs]
        after = os.times()
        tps = 0.0
        for (stdout, stderr), p in zip(outputs, procs, strict=True):
            m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", stdout)
            assert p.returncode == 0 and m, stdout + stderr
            failed = re.search(r"number of failed transactions: (\d+)", stdout)
            assert not failed or failed.group(1) == "0", stdout
            tps += float(m.group(1))
        latencies = [int(line.split()[2]) / 1e6 for f in logdir.iterdir() for line in f.read_text().splitlines()]
        n = len(latencies)
        client_cpu = (after.children_user + after.children_system) - (before.children_user + before.children_system)
        return {
            "target": f"pgbench/{layout}",
            "round": rnd,
            "count": n,
            "per_second": tps,
            "p50_ms": _pct(latencies, 0.5) * 1000,
            "p99_ms": _pct(latencies, 0.99) * 1000,
            "client_cpu_ms": client_cpu / max(1, n) * 1000,
            "pg_cpu_ms": pg.seconds / max(1, n) * 1000,
            "load_before": load_before,
            "load_after": _loadavg(),
            "command": " ".join(cmds[0][:-3]) + " -f <client i's script>  (x8 at once)",
        }
    finally:
        shutil.rmtree(logdir, ignore_errors=True)


# -- books ----------------------------------------------------------------------------------------


def check_books(dsn: str, orgs: list[str], expected: int) -> list[str]:
    failures: list[str] = []
    total_receipts = 0
    with psycopg.connect(dsn) as conn:

        def one(sql: str, *params: Any) -> Any:
            return conn.execute(sql, params).fetchone()[0]  # type: ignore[index]

        if one(
            "SELECT count(*) FROM (SELECT entry_id FROM financial_journal_lines GROUP BY entry_id"
            " HAVING sum(amount_minor) <> 0) x"
        ):
            failures.append("journal entries that do not balance")
        for org in orgs:
            total = one(
                "SELECT coalesce(sum(amount_minor), 0) FROM financial_journal_lines WHERE organization_id = %s", org
            )
            if total != 0:
                failures.append(f"{org}: trial balance sums to {total}")
            mismatched = one(
                "SELECT count(*) FROM financial_invoices i LEFT JOIN (SELECT invoice_id, sum(amount_minor) s"
                " FROM financial_payment_allocations GROUP BY invoice_id) a ON a.invoice_id = i.id"
                " WHERE i.organization_id = %s AND i.paid_minor <> coalesce(a.s, 0)",
                org,
            )
            if mismatched:
                failures.append(f"{org}: {mismatched} invoices' paid amount differs from their allocations")
            unallocated = one(
                "SELECT count(*) FROM financial_payments p WHERE p.organization_id = %s AND p.amount_minor <>"
                " (SELECT coalesce(sum(amount_minor), 0) FROM financial_payment_allocations a"
                " WHERE a.payment_id = p.id)",
                org,
            )
            if unallocated:
                failures.append(f"{org}: {unallocated} payments not fully allocated")
            seqs = sorted(
                int(r[0].rsplit("/", 1)[1])
                for r in conn.execute(
                    "SELECT receipt_number FROM financial_payments WHERE organization_id = %s AND status = 'succeeded'",
                    (org,),
                )
            )
            if seqs != list(range(1, len(seqs) + 1)):
                failures.append(f"{org}: receipt numbers not gap-free 1..{len(seqs)}")
            counter = one(
                "SELECT coalesce(max(last_value), 0) FROM financial_number_sequences"
                " WHERE organization_id = %s AND series = 'receipt'",
                org,
            )
            if counter != len(seqs):
                failures.append(f"{org}: receipt counter {counter}, {len(seqs)} receipts")
            total_receipts += len(seqs)
    if total_receipts != expected:
        failures.append(f"{total_receipts} payments in the database, the clients posted {expected}")
    print(f"books: {total_receipts} payments over {len(orgs)} organizations; failures: {failures or 'none'}")
    return failures


# -- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leases", type=int, default=2000, help="in all, spread over 8 organizations")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--show-script", action="store_true")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    layouts = [x for x in args.layouts.split(",") if x]
    assert all(x in LAYOUTS for x in layouts), layouts
    assert sa.make_url(args.url).host in ("127.0.0.1", "localhost"), "local PostgreSQL only"
    if shutil.which("pgbench") is None:
        sys.exit("pgbench not found: apt-get install postgresql-client (Debian)")
    pid = os.getpid()
    name, copy = f"pmsaas_bench_limit_{pid}", f"pmsaas_bench_limit_pgbench_{pid}"
    base = sa.make_url(args.url)
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    dsn = base.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    pg_url = base.set(drivername="postgresql", database=copy).render_as_string(hide_password=False)
    workdir = Path(tempfile.mkdtemp(prefix="payment-limit-"))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    trials: list[dict[str, Any]] = []
    try:
        upgrade(url)
        orgs = [str(seed(url, args.leases // ORGS)) for _ in range(ORGS)]

        async def issue() -> None:
            container = _container(url)
            try:
                with garbage_collector_paused():
                    summary = await run_billing(
                        uow_factory=container.system_uow, clock=container.clock(), period="2026-12"
                    )
                assert summary.created == args.leases // ORGS * ORGS, summary
            finally:
                await shutdown(container)

        asyncio.run(issue())
        with psycopg.connect(dsn) as conn:
            by_org = [
                (org, [str(r[0]) for r in conn.execute(
                    "SELECT lease_id FROM financial_invoices WHERE organization_id = %s ORDER BY number", (org,))])
                for org in orgs
            ]  # fmt: skip
        targets = {layout: assignments(layout, by_org, args.clients) for layout in layouts}
        scripts: dict[str, list[Path]] = {}
        captured = 0
        for layout in layouts:
            texts = asyncio.run(capture_scripts(url, dsn, targets[layout], layout))
            captured += 2 * len(texts)
            scripts[layout] = []
            for i, text in enumerate(texts):
                path = workdir / f"{layout}-{i}.sql"
                path.write_text(text)
                scripts[layout].append(path)
            if args.show_script:
                print(f"-- {layout}, client 0:\n{texts[0]}")
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        print(f"seeded {args.leases} leases in {ORGS} organizations; pgbench works on a copy")
        for rnd in range(1, args.rounds + 1):
            for layout in layouts:
                trials.append(payments_trial(layout, url, admin_dsn, name, targets[layout], args.duration, rnd))
                print(json.dumps(trials[-1]))
                trials.append(pgbench_trial(layout, pg_url, admin_dsn, copy, scripts[layout], args.duration, rnd))
                print(json.dumps({k: v for k, v in trials[-1].items() if k != "command"}))
        posted = captured + sum(t["posted_incl_warmup"] for t in trials if t["target"].startswith("payments"))
        failures = check_books(dsn, orgs, posted)
        report(trials, args)
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps({"args": vars(args), "trials": trials, "failures": failures}, indent=2))
        if failures:
            sys.exit("BOOKS WRONG: " + "; ".join(failures))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def report(trials: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"\n{args.clients} clients, {args.duration:g} s per trial, {args.rounds} rounds; medians over rounds")
    print("| target | per s | p50 ms | p99 ms | client CPU ms | PG CPU ms | load after (1/5/15) | per s each round |")
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
    for layout in dict.fromkeys(t["target"].split("/")[1] for t in trials):
        pairs = [
            t["per_second"] / trials[i + 1]["per_second"]
            for i, t in enumerate(trials)
            if t["target"] == f"payments/{layout}" and i + 1 < len(trials)
        ]
        print(
            f"ratio payments/{layout} / pgbench/{layout}: "
            f"{medians[f'payments/{layout}'] / medians[f'pgbench/{layout}']:.3f} (medians); "
            f"per pair {', '.join(f'{r:.3f}' for r in pairs)}  (target >= 0.5)"
        )


if __name__ == "__main__":
    main()

"""A list's total: counting the organization's rows vs summing its counters (issue 15, item 3).

    .venv/bin/python bench/list_totals.py --rows 10000,100000,1000000 --repeat 200

For each size: a fresh local PostgreSQL database (migrated: the counting triggers of migration 0044 are
on), one organization with N tickets (one INSERT ... SELECT generate_series; the triggers count them as
they go in, like any write), ANALYZE, then ``--repeat`` executions of each statement the ticket list
uses for its total, on one connection, timed client-side (median and p95), plus the insert's own time
with and without the triggers (what counting costs a bulk write; the other insert goes to a second
organization, so the table holds 2 × N rows), and 400 single-row inserts each way, one transaction each
(what counting costs a create). Statements:

* ``count``: ``SELECT count(*)`` of the organization's live tickets (what every list did before);
* ``count open+high``: the same with ``status = 'open' AND priority = 'high'`` (index-only on
  ``ix_operations_tickets_org_status_priority``);
* ``counters`` / ``counters open+high``: the sum of ``platform_list_counts`` rows (what they do now).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

import psycopg

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"

INSERT = """
INSERT INTO operations_tickets (id, organization_id, title, description, category, priority, priority_rank, status,
    property_id, response_due_at, resolution_due_at, version, created_at, updated_at)
SELECT gen_random_uuid(), %(org)s, 'Seeded ' || g, 'bench/list_totals.py', 'plumbing',
    (ARRAY['low', 'medium', 'high', 'critical'])[1 + g %% 4], 1 + g %% 4,
    (ARRAY['open', 'in_progress', 'resolved', 'closed'])[1 + (g / 4) %% 4], %(property)s,
    now(), now(), 1, now() - g * interval '1 second', now()
FROM generate_series(1, %(n)s) AS g
"""
STATEMENTS = {
    "count": "SELECT count(*) FROM operations_tickets WHERE organization_id = %(org)s AND deleted_at IS NULL",
    "count open+high": "SELECT count(*) FROM operations_tickets WHERE organization_id = %(org)s "
    "AND deleted_at IS NULL AND status = 'open' AND priority = 'high'",
    "counters": "SELECT COALESCE(sum(row_count), 0) FROM platform_list_counts "
    "WHERE organization_id = %(org)s AND list = 'tickets'",
    "counters open+high": "SELECT COALESCE(sum(row_count), 0) FROM platform_list_counts "
    "WHERE organization_id = %(org)s AND list = 'tickets' AND value1 = 'open' AND value2 = 'high'",
}


SINGLE = 400


def _single_row_inserts(conn: psycopg.Connection, org: uuid.UUID) -> dict[str, float]:
    """What the triggers add to a create: one-row INSERTs in autocommit (one transaction each), the
    triggers off and on in alternating blocks of 50 (load drifts alike on both). Rows stay (the counters
    count the "on" ones: the totals checked below include them)."""
    spent: dict[str, list[float]] = {"off": [], "on": []}
    for block in range(SINGLE // 50 * 2):
        mode = "off" if block % 2 == 0 else "on"
        conn.execute(f"SET session_replication_role = {'replica' if mode == 'off' else 'DEFAULT'}")
        target = uuid.uuid4() if mode == "off" else org
        for _ in range(50):
            t = time.perf_counter()
            conn.execute(INSERT, {"org": target, "property": uuid.uuid4(), "n": 1})
            spent[mode].append((time.perf_counter() - t) * 1000)
    conn.execute("SET session_replication_role = DEFAULT")
    return {mode: statistics.median(times) for mode, times in spent.items()}


def measure(n: int, repeat: int) -> None:
    import subprocess
    import sys
    from pathlib import Path

    name = f"pmsaas_bench_totals_{os.getpid()}"
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        env = {**os.environ, "PMSAAS_DATABASE_URL": url}
        subprocess.run([str(Path(sys.executable).parent / "pmsaas"), "db", "upgrade"], env=env, check=True,
                       capture_output=True)  # fmt: skip
        org = uuid.uuid4()
        with psycopg.connect(url, autocommit=True) as conn:
            # The same insert into another organization with the triggers off first (session_replication_role),
            # then with them: what counting costs a bulk write.
            conn.execute("SET session_replication_role = replica")
            started = time.perf_counter()
            conn.execute(INSERT, {"org": uuid.uuid4(), "property": uuid.uuid4(), "n": n})
            bare_insert = time.perf_counter() - started
            conn.execute("SET session_replication_role = DEFAULT")
            started = time.perf_counter()
            conn.execute(INSERT, {"org": org, "property": uuid.uuid4(), "n": n})
            inserted = time.perf_counter() - started
            single = _single_row_inserts(conn, org)
            conn.execute("ANALYZE")
            conn.execute("VACUUM operations_tickets")
            answers, timings = {}, {}
            for label, sql in STATEMENTS.items():
                for _ in range(5):  # warm the cache and the plan
                    conn.execute(sql, {"org": org})
                spent = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    row = conn.execute(sql, {"org": org}).fetchone()
                    spent.append((time.perf_counter() - t) * 1000)
                answers[label] = row[0] if row else None
                timings[label] = spent
        assert answers["count"] == answers["counters"] == n + SINGLE, answers
        assert answers["count open+high"] == answers["counters open+high"], answers
        load = os.getloadavg()[0]
        print(f"\n{n:,} tickets in one organization (one INSERT: {bare_insert:.2f} s without the counting triggers, "
              f"{inserted:.2f} s with them; another organization of {n:,} in the table; load {load:.1f})")  # fmt: skip
        off, on = single["off"], single["on"]
        print(f"single-row creates, each its own transaction (INSERT + COMMIT), median of {SINGLE} each, in "
              f"alternating blocks: {off:.3f} ms without the triggers, {on:.3f} ms with them")  # fmt: skip
        print("| total from | answer | median ms | p95 ms |")
        print("|---|---:|---:|---:|")
        for label, spent in timings.items():
            p95 = statistics.quantiles(spent, n=20)[-1]
            print(f"| {label} | {answers[label]:,} | {statistics.median(spent):.3f} | {p95:.3f} |")
    finally:
        with psycopg.connect(ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="10000,100000", help="comma-separated organization sizes")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    for n in (int(x) for x in args.rows.split(",")):
        measure(n, args.repeat)


if __name__ == "__main__":
    main()

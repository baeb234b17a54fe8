"""Every benchmark once, one table (issue 15, item 1).

    .venv/bin/python bench/run_all.py                  # short settings: a check that all run, ~10-15 min
    .venv/bin/python bench/run_all.py --full           # each script's own defaults (much longer)
    .venv/bin/python bench/run_all.py --only leases,memory

Runs the scripts one after the other (never at once: they would measure each other), each in its own
process with its own scratch database, and prints one Markdown table: for the HTTP benchmarks one row per
target (req/s, p50/p99, the app's CPU per request, endpoint/limit ratio) read from the JSON each writes,
for the others the script's exit status, wall time and its last summary line. The machine's load average
is printed with each row: a figure from a loaded machine is not a target met. Each script's full output
goes to bench/results/run_all/<name>.log.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "run_all"
PY = sys.executable
HTTP_SHORT = ["--rounds", "1", "--duration", "5", "--warmup", "2", "--connections", "16"]

# (name, script, short arguments, JSON it writes or None)
BENCHMARKS: list[tuple[str, str, list[str], str | None]] = [
    ("properties", "http_endpoints.py", [*HTTP_SHORT, "--output", "{out}"], "json"),
    ("tickets", "tickets.py", [*HTTP_SHORT, "--output", "{out}"], "json"),
    ("leases+invoices", "leases.py", [*HTTP_SHORT, "--leases", "200", "--output", "{out}"], "json"),
    ("peers", "peers.py", ["--rounds", "1", "--duration", "5", "--warmup", "2", "--output", "{out}"], None),
    ("memory", "memory.py", ["--workers", "1,2", "--requests", "50"], None),
    ("in-process", "inprocess.py", ["--runs", "3"], None),
    ("billing run", "billing_run.py", ["--leases", "2000"], None),
    ("payment posting", "payment_posting.py", ["--leases", "400", "--rounds", "1", "--duration", "5"], None),
    ("payment limit", "payment_limit.py", ["--leases", "400", "--rounds", "1", "--duration", "5"], None),
    ("webhook delivery", "webhook_delivery.py", ["--backlog", "500", "--rate", "50", "--seconds", "5"], None),
    ("SSE fan-out", "sse_fanout.py", ["--clients", "200", "--events", "20", "--interval", "0.2"], None),
]


def http_rows(name: str, data: dict[str, Any]) -> list[list[str]]:
    rows = []
    for run in data.get("runs", []):
        summary, ratios = run["summary"], run.get("ratios", {})
        for key, s in summary.items():
            op, _, kind = key.partition("/")
            ratio = ratios.get(f"{op}: endpoint/limit") if kind == "endpoint" else None
            rows.append(
                [
                    name,
                    f"{key} ({run['workers']}w)",
                    f"{s['rps_median']:,.0f}",
                    f"{s['p50_ms_median']:.1f} / {s['p99_ms_median']:.1f}",
                    f"{s.get('server_cpu_ms_per_request_median', float('nan')):.2f}",
                    "" if ratio is None else f"{ratio:.2f}",
                ]
            )
    return rows


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("[bench")]
    return (lines[-1] if lines else "")[:110].replace("|", "/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="each script's own default settings")
    parser.add_argument("--only", help="comma-separated names (see the table's first column)")
    args = parser.parse_args()
    only = {n.strip() for n in args.only.split(",")} if args.only else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    table: list[list[str]] = []
    for name, script, short, output in BENCHMARKS:
        if only and name not in only:
            continue
        slug = name.replace(" ", "_").replace("+", "_")
        out = RESULTS / f"{slug}.json"
        extra = [a.replace("{out}", str(out)) for a in short] if not args.full else []
        if args.full and output:
            extra = ["--output", str(out)]
        load = os.getloadavg()[0]
        started = time.monotonic()
        print(f"[run_all] {name}: {script} {' '.join(extra)} (load {load:.1f})", flush=True)
        done = subprocess.run([PY, str(BENCH / script), *extra], capture_output=True, text=True, cwd=BENCH.parent)
        wall = time.monotonic() - started
        (RESULTS / f"{slug}.log").write_text(done.stdout + "\n--- stderr ---\n" + done.stderr)
        loads = f"{load:.1f}→{os.getloadavg()[0]:.1f}"
        if done.returncode == 0 and output and out.exists():
            for row in http_rows(name, json.loads(out.read_text())):
                table.append([*row, loads])
        else:
            status = "ok" if done.returncode == 0 else f"FAILED ({done.returncode})"
            summary = last_line(done.stdout) or last_line(done.stderr)
            table.append([name, f"{status}, {wall:.0f} s", "", "", "", summary, loads])
    print("\n| benchmark | target | req/s | p50 / p99 ms | app CPU ms/req | endpoint/limit (or summary) | load |")
    print("|---|---|---:|---|---:|---|---|")
    for row in table:
        print("| " + " | ".join(row) + " |")
    print(f"\n{os.cpu_count()} CPUs; logs in {RESULTS}")


if __name__ == "__main__":
    main()

"""Lease and invoice list benchmark (issue 15, item 1): GET /api/v1/leases?page_size=50 and
GET /api/v1/financial/invoices?page_size=50 against their limit handlers (bench/limit_leases.py,
bench/limit_invoices.py) and the bare handler. Targets keys: ``list/*`` = leases, ``invoices/*``.

    .venv/bin/python bench/leases.py [--leases 300 --rounds 3 --duration 10 --connections 32 --workers 1]
    .venv/bin/python bench/leases.py --src /tmp/base/src ...   # also another checkout's endpoints, alternated

Same harness as bench/http_endpoints.py (fresh local PostgreSQL database, granian on ``bench/limit_app.py``
with ``PMSAAS_ENV=production`` and Redis, ``wrk``, alternating targets, CPU per request). The organization
(seeded like http_endpoints.py's, with one property) gets ``--leases`` leases through the real endpoints
(a unit, a tenant and a lease each; every other lease activated and invoiced with two lines, every other
invoice issued), so the rows are the product's own.
Before any load the limit handler's body must equal the endpoint's (sorted compact JSON, without
``meta.timestamp``/``meta.request_id``). Writes bench/results/leases.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_endpoints as h


def cad(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "CAD"}


def create_leases(base: str, token: str, property_id: str, n: int) -> None:
    def one(i: int) -> None:
        def post(path: str, body: dict[str, Any] | None) -> str:
            status, _, answer = h.request("POST", base + path, token, body)
            if status not in (200, 201):
                raise RuntimeError(f"POST {path}: HTTP {status} {answer}")
            return str(answer["data"]["id"])

        prop = f"/api/v1/properties/{property_id}"
        unit = post(f"{prop}/units", {"name": f"Unit {i:04d}"})
        tenant = post(f"{prop}/tenants", {"name": f"Tenant {i:04d}", "email": f"tenant{i}@example.com"})
        lease = {
            "unit_id": unit,
            "start_date": "2027-01-01",
            "end_date": "2027-12-31" if i % 3 else None,
            "rent": {"amount": f"{1500 + i}.00", "currency": "CAD"},
            "security_deposit": {"amount": "3000.00", "currency": "CAD"} if i % 2 else None,
            "late_fee": {"kind": "percentage", "value": "5", "cap": {"amount": "100.00", "currency": "CAD"}},
            "escalation": {"kind": "percentage", "value": "3"} if i % 4 else None,
        }
        lease_id = post(f"{prop}/tenants/{tenant}/lease", lease)
        if i % 2:
            post(f"/api/v1/leases/{lease_id}/activate", None)
            invoice = {
                "lease_id": lease_id,
                "issue_date": "2026-12-01",
                "due_date": "2026-12-10",
                "lines": [
                    {"description": "Rent", "amount": cad(f"{1500 + i}.00"), "charge_type": "rent"},
                    {"description": "Parking", "amount": cad("75.50"), "charge_type": "other"},
                ],
            }
            invoice_id = post("/api/v1/financial/invoices", invoice)
            if i % 4 == 1:
                post(f"/api/v1/financial/invoices/{invoice_id}/issue", None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(n)))


def make_targets(seed_: h.Seed, tmp: Path, base: bool = False) -> list[h.Target]:
    org = seed_.organization_id
    targets = [
        h.Target("list/endpoint", "list", "endpoint", "/api/v1/leases?page_size=50", auth=True),
        h.Target("list/limit", "list", "limit", f"/bench/limit/leases?organization_id={org}&page_size=50"),
        h.Target("invoices/endpoint", "invoices", "endpoint", "/api/v1/financial/invoices?page_size=50", auth=True),
        h.Target("invoices/limit", "invoices", "limit", f"/bench/limit/invoices?organization_id={org}&page_size=50"),
        h.Target("bare", "bare", "bare", "/bench/bare"),
    ]
    if base:  # the same endpoints served by the --src checkout's server, alternated with this one's
        targets[1:1] = [h.Target("list/base", "list", "base", "/api/v1/leases?page_size=50", auth=True)]
        targets[4:4] = [
            h.Target("invoices/base", "invoices", "base", "/api/v1/financial/invoices?page_size=50", auth=True)
        ]
    for t in targets:
        auth = f'wrk.headers["Authorization"] = "Bearer {seed_.token}"' if t.auth else ""
        t.script = tmp / f"leases_{t.key.replace('/', '_')}.lua"
        t.script.write_text(h.LUA_TEMPLATE.format(method=json.dumps(t.method), body="nil", auth=auth))
    return targets


def check_same_body(server: h.Server, targets: list[h.Target], token: str, against: str = "endpoint") -> dict[str, int]:
    """Each limit handler answers its endpoint's body; returns each list's total."""
    bodies = {}
    for t in targets:
        status, _, body = h.request(t.method, server.base + t.path, token if t.auth else None)
        if status != 200:
            raise RuntimeError(f"{t.key}: HTTP {status} {body}")
        bodies[t.key] = body
    totals = {}
    for op in ("list", "invoices"):
        real, limit = bodies[f"{op}/{against}"], bodies[f"{op}/limit"]
        if h.same_bytes(real) != h.same_bytes(limit):
            rows = [(a, b) for a, b in zip(real["data"], limit["data"], strict=False) if a != b][:1]
            raise RuntimeError(f"{op}: endpoint and limit handler differ: {real['meta']} {limit['meta']} {rows}")
        totals[op] = int(real["meta"]["pagination"]["total_count"])
    return totals


def bench_workers(
    args: argparse.Namespace, wrk: str, env: dict[str, str], db_url: str, seed_: h.Seed, tmp: Path, workers: int
) -> dict[str, Any]:
    server = h.Server(env, workers, tmp / f"leases-{workers}w.log")
    base = h.Server({**env, "BENCH_SRC": args.src}, workers, tmp / f"base-{workers}w.log") if args.src else None
    try:
        server.wait_ready()
        targets = make_targets(seed_, tmp, base is not None)
        totals = check_same_body(server, [t for t in targets if t.kind != "base"], seed_.token)
        h.log(f"lease and invoice lists: each limit handler's body is its endpoint's (sorted compact JSON; {totals})")
        if base is not None:
            base.wait_ready()
            check_same_body(base, [t for t in targets if t.kind != "endpoint"], seed_.token, against="base")
            h.log(f"the --src server ({args.src}) answers the same bodies")
        by_key = {t.key: t for t in targets}
        order = [t.key for t in targets]
        on = {t.key: base if t.kind == "base" and base is not None else server for t in targets}
        for key in order:
            h.run_trial(wrk, on[key], by_key[key], args.warmup, args.connections, args.threads, db_url)
        trials: dict[str, list[dict[str, Any]]] = {k: [] for k in order}
        for rnd in range(1, args.rounds + 1):
            for key in order:
                r = h.run_trial(wrk, on[key], by_key[key], args.duration, args.connections, args.threads, db_url)
                trials[key].append(r)
                h.log(
                    f"round {rnd} {key:<14} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms"
                )
    except BaseException:
        server.stop()
        if base is not None:
            base.stop()
        tail = (tmp / f"leases-{workers}w.log").read_bytes()[-4000:].decode(errors="replace")
        h.log(f"failed; the server log ends with:\n{tail}")
        raise
    server.stop()
    if base is not None:
        base.stop()
    summary = h.summarize(trials)
    rat = {}
    for op in ("list", "invoices"):
        rat[f"{op}: endpoint/limit"] = summary[f"{op}/endpoint"]["rps_median"] / summary[f"{op}/limit"]["rps_median"]
        if base is not None:
            rat[f"{op}: base/limit"] = summary[f"{op}/base"]["rps_median"] / summary[f"{op}/limit"]["rps_median"]
        rat[f"{op}: endpoint/bare"] = summary[f"{op}/endpoint"]["rps_median"] / summary["bare"]["rps_median"]
    print(f"\n== {workers} worker(s) ==")
    for key, s in summary.items():
        print(
            f"{key:<17}{s['rps_median']:>8.0f} req/s  p50 {s['p50_ms_median']:.2f} ms  p99 {s['p99_ms_median']:.2f} ms"
            f"  app CPU {s['server_cpu_ms_per_request_median']:.2f} ms/req"
        )
    for k, v in rat.items():
        print(f"  {k:<24} {v:.3f}")
    return {"workers": workers, "summary": summary, "ratios": rat, "trials": trials}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per trial")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", default="1", help="comma-separated server worker counts, e.g. 1,2")
    parser.add_argument("--output", type=Path, default=h.RESULTS / "leases.json")
    parser.add_argument("--src", help="also serve this src/ (another checkout's) and alternate its endpoints")
    args = parser.parse_args()

    wrk = h.ensure_wrk()
    db_name = f"pmsaas_bench_leases_{os.getpid()}"
    db_url = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-bench-leases-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": db_url,
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": h.generate_private_key(),
        "PMSAAS_DATA_KEY": "bench-data-key-not-secret",
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "PMSAAS_RATE_LIMIT_STANDARD": "1000000000",  # the limiter runs but never refuses
        "PMSAAS_REDIS_URL": h.REDIS_URL,
    }
    h.create_database(db_name)
    seed_: h.Seed | None = None
    try:
        subprocess.run([str(h.VENV_BIN / "pmsaas"), "db", "upgrade"], env=env, check=True, cwd=h.ROOT)
        h.N_PROPERTIES = 1  # the organization, its owner and one property (the leases' building)
        seed_ = asyncio.run(h.seed(env))
        server = h.Server(env, 1, tmp / "seed.log")
        try:
            server.wait_ready()
            _, _, props = h.request("GET", server.base + "/api/v1/properties", seed_.token)
            started = time.monotonic()
            create_leases(server.base, seed_.token, props["data"][0]["id"], args.leases)
            h.log(f"created {args.leases} leases through the endpoints in {time.monotonic() - started:.1f}s")
        finally:
            server.stop()
        runs = [bench_workers(args, wrk, env, db_url, seed_, tmp, int(w)) for w in args.workers.split(",")]
        results = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python", "bench/leases.py", *sys.argv[1:]]),
            "load_average": os.getloadavg(),
            "runs": runs,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
        h.log(f"wrote {args.output}")
    finally:
        h.drop_database(db_name)
        if seed_ is not None:
            h._forget_redis_keys(seed_)
        shutil.rmtree(tmp, ignore_errors=True)
        h.log(f"dropped {db_name}")


if __name__ == "__main__":
    main()

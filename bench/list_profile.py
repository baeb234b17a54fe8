"""In-process CPU per request of the lease and invoice lists, and where it goes (cProfile).

    .venv/bin/python bench/list_profile.py [--leases 60 --n 50 --runs 8 --profile leases,invoices]

Seeds a fresh PostgreSQL database as bench/leases.py does (one organization, one property, ``--leases``
leases through the real endpoints, every other one invoiced), then drives requests straight into the ASGI
app (production settings, Redis), one at a time: the minimum over ``--runs`` runs of ``--n`` requests of
the process's CPU time per request (the minimum filters out the rest of the machine's load), for the
endpoint and its limit handler; with ``--profile``, the cProfile top functions of one run of the named
lists. Run another checkout's code with ``PYTHONPATH=<checkout>/src``. Drops the database at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_endpoints as h
import inprocess
import leases as lb


async def measure(env: dict[str, str], seed: h.Seed, n: int, runs: int, profile: list[str]) -> None:
    os.environ.update(env)
    from limit_app import app  # the product's app + the bench handlers

    auth = [(b"authorization", f"Bearer {seed.token}".encode())]
    org = seed.organization_id
    targets = {
        "leases": ("/api/v1/leases", b"page_size=50", auth),
        "leases/limit": ("/bench/limit/leases", f"organization_id={org}&page_size=50".encode(), []),
        "invoices": ("/api/v1/financial/invoices", b"page_size=50", auth),
        "invoices/limit": ("/bench/limit/invoices", f"organization_id={org}&page_size=50".encode(), []),
    }
    started = asyncio.Event()
    lifespan_in: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    await lifespan_in.put({"type": "lifespan.startup"})

    async def lifespan_send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()

    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}}, lifespan_in.get, lifespan_send)
    )
    await started.wait()
    print(f"CPU per request, min of {runs} runs of {n}:", file=sys.__stdout__)
    for label, (path, query, headers) in targets.items():

        async def one(p: str = path, q: bytes = query, hd: list[tuple[bytes, bytes]] = headers) -> None:
            await inprocess.drive(app, "GET", p, q, hd)

        ms = await inprocess.best_cpu_ms(one, n, runs)
        print(f"  {label:<16} {ms:7.3f} ms", file=sys.__stdout__)
        if label in profile:
            prof = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
            prof.enable()
            for _ in range(n):
                await one()
            prof.disable()
            stats = pstats.Stats(prof, stream=sys.__stdout__)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(40)
    await lifespan_in.put({"type": "lifespan.shutdown"})
    await lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leases", type=int, default=60)
    parser.add_argument("--n", type=int, default=50, help="requests per run")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--profile", default="", help="comma-separated: leases, invoices")
    args = parser.parse_args()
    db_name = f"pmsaas_bench_listprof_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-bench-listprof-"))
    env = {
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{db_name}",
        "PMSAAS_REDIS_URL": h.REDIS_URL,
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": h.generate_private_key(),
        "PMSAAS_DATA_KEY": "bench-data-key-not-secret",
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "PMSAAS_RATE_LIMIT_STANDARD": "1000000000",
    }
    full_env = {**{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")}, **env}
    h.create_database(db_name)
    seed = None
    try:
        subprocess.run([str(h.VENV_BIN / "pmsaas"), "db", "upgrade"], env=full_env, check=True, cwd=h.ROOT)
        h.N_PROPERTIES = 1
        seed = asyncio.run(h.seed(full_env))
        server = h.Server(full_env, 1, tmp / "seed.log")
        try:
            server.wait_ready()
            _, _, props = h.request("GET", server.base + "/api/v1/properties", seed.token)
            lb.create_leases(server.base, seed.token, props["data"][0]["id"], args.leases)
        finally:
            server.stop()
        stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # the JSON access log
        try:
            asyncio.run(measure(env, seed, args.n, args.runs, [p for p in args.profile.split(",") if p]))
        finally:
            sys.stderr.close()
            sys.stderr = stderr
    finally:
        h.drop_database(db_name)
        if seed is not None:
            h._forget_redis_keys(seed)


if __name__ == "__main__":
    main()

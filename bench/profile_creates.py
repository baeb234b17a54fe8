"""Where a create's CPU goes: ``POST /api/v1/properties`` and ``POST /v1/tickets`` driven in-process under cProfile.

    .venv/bin/python bench/profile_creates.py [--n 300 --top 40 --sort tottime]

Same set-up as ``bench/inprocess.py`` (fresh PostgreSQL database, production settings, Redis, the app of
``bench/limit_app.py``), seeded small: ``bench/tickets.py``'s organization, API key and properties with 1,000
tickets (``http_endpoints.py``'s owner token for the property create). Each create is first timed (CPU per
request, minimum of 5 runs of ``--n``), then ``--n`` more run under cProfile and the top functions print.
Drops the database at the end. Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_endpoints as hb
import tickets as tb


async def drive(app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    if status != 201:
        raise RuntimeError(f"{path}: HTTP {status}")


async def measure(env: dict[str, str], seed: tb.TicketSeed, args: argparse.Namespace) -> None:
    os.environ.update(env)
    from limit_app import app

    ticket_body = {
        "title": tb.POST_TITLE,
        "description": "Profiled",
        "priority": "high",
        "category": "plumbing",
        "property_id": str(seed.property_id),
    }
    targets = {
        "POST /api/v1/properties": (
            "/api/v1/properties",
            json.dumps(hb.POST_BODY).encode(),
            [(b"authorization", f"Bearer {seed.token}".encode())],
        ),
        "POST /v1/tickets": ("/v1/tickets", json.dumps(ticket_body).encode(), [(b"x-api-key", seed.key.encode())]),
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
    for label, (path, body, headers) in targets.items():
        if args.only and args.only not in label:
            continue
        for _ in range(20):
            await drive(app, path, body, headers)
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            for _ in range(args.n):
                await drive(app, path, body, headers)
            best = min(best, 1000 * (time.process_time() - start) / args.n)
        print(f"\n== {label}: {best:.3f} ms CPU per request (min of 5 runs of {args.n}) ==", file=sys.__stdout__)
        if args.top:
            prof = cProfile.Profile(time.process_time)  # CPU, not the wall clock (the machine is shared)
            prof.enable()
            for _ in range(args.n):
                await drive(app, path, body, headers)
            prof.disable()
            pstats.Stats(prof, stream=sys.__stdout__).sort_stats(args.sort).print_stats(args.top)
    await lifespan_in.put({"type": "lifespan.shutdown"})
    await lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="requests per run")
    parser.add_argument("--top", type=int, default=40, help="functions to print (0: timing only)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative)")
    parser.add_argument("--only", default="", help="profile only the create whose label contains this")
    args = parser.parse_args()
    db_name = f"pmsaas_bench_profile_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-bench-"))
    env = {
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{db_name}",
        "PMSAAS_REDIS_URL": hb.REDIS_URL,
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": hb.generate_private_key(),
        "PMSAAS_DATA_KEY": "bench-data-key-not-secret",
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "PMSAAS_RATE_LIMIT_STANDARD": "1000000000",
    }
    full_env = {**{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")}, **env}
    hb.create_database(db_name)
    seed = None
    try:
        subprocess.run([str(hb.VENV_BIN / "pmsaas"), "db", "upgrade"], env=full_env, check=True, cwd=hb.ROOT)
        tb.N_TICKETS = 1_000
        seed = asyncio.run(tb.seed(full_env))
        import psycopg

        with psycopg.connect(env["PMSAAS_DATABASE_URL"], autocommit=True) as conn:  # room for the creates
            conn.execute(
                "UPDATE organizations_organizations SET plan = 'enterprise' WHERE id = %s", (seed.organization_id,)
            )
        stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # the access log, as in production, to /dev/null
        try:
            asyncio.run(measure(env, seed, args))
        finally:
            sys.stderr.close()
            sys.stderr = stderr
    finally:
        hb.drop_database(db_name)
        if seed is not None:
            import redis

            client = redis.Redis.from_url(hb.REDIS_URL)
            for pattern in (f"pmsaas:rl:api:key:{seed.api_key_id}*", f"pmsaas:rl:api:user:{seed.user_id}:*"):
                for k in client.scan_iter(match=pattern, count=100):
                    client.delete(k)
            client.close()


if __name__ == "__main__":
    main()

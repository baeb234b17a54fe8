"""Ticketing benchmark (issue 5, item 8): POST /v1/tickets and GET /v1/tickets?status=open&priority=high
with 100,000 tickets in the organization, as a ratio to the bare handler.

    .venv/bin/python bench/tickets.py [--rounds 3 --duration 10 --connections 32 --workers 1]

Same harness as bench/http_endpoints.py (fresh local PostgreSQL database, granian on
``bench/limit_app.py``, ``wrk``, alternating targets, CPU per request), but the organization
holds 100,000 tickets over 20 properties (Core bulk insert of the rows the ticket repository itself
maps from domain objects) and the client authenticates the way the ticketing seed says: an API key
(``Authorization: Bearer pmk_...``) with ``tickets:read`` and ``tickets:write``. Tickets that POST
trials add are deleted after each POST trial. Writes bench/results/tickets.json.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent))

import http_endpoints as h

N_TICKETS = 100_000
N_PROPERTIES = 20
POST_TITLE = "Bench POST leak"
MAINTENANCE = "/api/v1/operations/maintenance-requests"


@dataclass
class TicketSeed:
    organization_id: UUID
    api_key_id: UUID
    key: str
    property_id: UUID
    user_id: UUID
    token: str  # the owner's JWT (POST /api/v1/operations/maintenance-requests)


async def seed(env: dict[str, str]) -> TicketSeed:
    import secrets

    from pmsaas.adapters.sql.repositories.operations.tickets import _ticket_row
    from pmsaas.adapters.sql.repositories.properties import property_row
    from pmsaas.adapters.sql.tables.operations import tickets
    from pmsaas.adapters.sql.tables.properties import properties
    from pmsaas.container import build_container, shutdown
    from pmsaas.domain.identity.api_keys import ApiKey, hash_key_secret
    from pmsaas.domain.identity.model import Membership, User
    from pmsaas.domain.operations.model import BUILTIN_CATEGORIES, Priority, Ticket, TicketStatus
    from pmsaas.domain.organizations.model import OrganizationSettings
    from pmsaas.domain.organizations.services import new_organization
    from pmsaas.domain.properties.model import Property, PropertyType
    from pmsaas.domain.shared.address import Address
    from pmsaas.settings import load_settings

    container = build_container(load_settings(env))
    try:
        now = container.clock().now()
        org = new_organization("Bench Tickets", now, OrganizationSettings.for_country("CA"))
        user = User(email="bench-tickets@example.com", name="Bench Owner", created_at=now, updated_at=now)
        membership = Membership(user.id, org.id, frozenset({"OrganizationOwner"}), created_at=now)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(
            organization_id=org.id,
            name="bench",
            lookup="bench001",
            secret_hash=hash_key_secret(secret),
            scopes=frozenset({"tickets:read", "tickets:write"}),
            created_at=now,
            created_by=user.id,
        )
        props = [
            Property(
                organization_id=org.id,
                name=f"Bench Tower {i:02d}",
                type=PropertyType.RESIDENTIAL,
                address=Address(f"{100 + i} Main St", "Vancouver", "BC", "V6B 1A1", "CA"),
                created_at=now,
                updated_at=now,
            )
            for i in range(N_PROPERTIES)
        ]
        async with container.system_uow() as uow:
            await uow.organizations.add(org)
            await uow.users.add(user)
            await uow.memberships.add(membership)
            await uow.api_keys.add(key)
            await uow.commit()
        statuses = list(TicketStatus)
        priorities = list(Priority)
        start = now - timedelta(days=365)
        rows = []
        for i in range(N_TICKETS):
            at = start + timedelta(seconds=i * 300)
            ticket = Ticket(
                organization_id=org.id,
                title=f"Seeded ticket {i}",
                description="Seeded by bench/tickets.py",
                category=BUILTIN_CATEGORIES[i % len(BUILTIN_CATEGORIES)],
                priority=priorities[(i // 3) % len(priorities)],
                status=statuses[i % len(statuses)],
                property_id=props[i % N_PROPERTIES].id,
                requester_id=user.id,
                created_at=at,
                updated_at=at,
            )
            rows.append(_ticket_row(ticket))
        async with container.system_engine().begin() as conn:
            await conn.execute(properties.insert(), [property_row(p) for p in props])
            for chunk in range(0, N_TICKETS, 5000):
                await conn.execute(tickets.insert(), rows[chunk : chunk + 5000])
        token = container.tokens().issue(user, membership, container.clock().now()).token
        return TicketSeed(org.id, key.id, f"pmk_{key.lookup}_{secret}", props[0].id, user.id, token)
    finally:
        await shutdown(container)


def reset_posted_rows(db_url: str) -> int:
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        ids = "SELECT id FROM operations_tickets WHERE title = %s"
        conn.execute(f"DELETE FROM operations_ticket_updates WHERE ticket_id IN ({ids})", (POST_TITLE,))
        n = conn.execute("DELETE FROM operations_tickets WHERE title = %s", (POST_TITLE,)).rowcount
        conn.execute("DELETE FROM notifications_outbox WHERE payload->>'title' = %s", (POST_TITLE,))
        conn.execute("VACUUM (ANALYZE) operations_tickets")
    return n


def make_targets(seed_: TicketSeed, tmp: Path) -> list[h.Target]:
    body = {
        "title": POST_TITLE,
        "description": "created by bench/tickets.py",
        "priority": "high",
        "category": "plumbing",
        "property_id": str(seed_.property_id),
    }
    targets = [
        h.Target("list/endpoint", "list", "endpoint", "/v1/tickets?status=open&priority=high", auth=True),
        h.Target(
            "list/limit",
            "list",
            "limit",
            f"/bench/limit/tickets?organization_id={seed_.organization_id}&status=open&priority=high",
        ),
        h.Target("create/endpoint", "create", "endpoint", "/v1/tickets", "POST", auth=True, body=body),
        h.Target(
            "create/limit",
            "create",
            "limit",
            f"/bench/limit/tickets?organization_id={seed_.organization_id}&requester_id={seed_.api_key_id}",
            "POST",
            body=body,
        ),
        h.Target("maintenance/endpoint", "maintenance", "endpoint", MAINTENANCE, "POST", auth=True, body=body),
        h.Target(
            "maintenance/limit",
            "maintenance",
            "limit",
            f"/bench/limit/maintenance-requests?organization_id={seed_.organization_id}&requester_id={seed_.user_id}",
            "POST",
            body=body,
        ),
        h.Target("bare", "bare", "bare", "/bench/bare"),
    ]
    for t in targets:
        credential = seed_.token if t.key.startswith("maintenance/") else seed_.key
        lua = h.LUA_TEMPLATE.format(
            method=json.dumps(t.method),
            body=json.dumps(json.dumps(t.body)) if t.body else "nil",
            auth=f'wrk.headers["Authorization"] = "Bearer {credential}"' if t.auth else "",
        )
        t.script = tmp / f"tickets_{t.key.replace('/', '_')}.lua"
        t.script.write_text(lua)
    return targets


def bench_workers(
    args: argparse.Namespace, wrk: str, env: dict[str, str], db_url: str, seed_: TicketSeed, tmp: Path, workers: int
) -> dict[str, Any]:
    server = h.Server(env, workers, tmp / f"tickets-{workers}w.log")
    try:
        server.wait_ready()
        targets = make_targets(seed_, tmp)
        bodies: dict[str, Any] = {}
        for t in targets:  # each answers as expected before any load
            credential = seed_.token if t.key.startswith("maintenance/") else seed_.key
            status, _, body = h.request(t.method, server.base + t.path, credential if t.auth else None, t.body)
            if status != (201 if t.method == "POST" else 200):
                raise RuntimeError(f"{t.key}: HTTP {status} {body}")
            bodies[t.key] = body
            if t.key == "list/endpoint":
                total = body["meta"]["pagination"]["total"]
                log_line = f"list: {total} open+high tickets of {N_TICKETS}, {len(body['data'])} per page"
                h.log(log_line)
        if h.same_bytes_ticketing(bodies["list/endpoint"]) != h.same_bytes_ticketing(bodies["list/limit"]):
            real, limit = bodies["list/endpoint"], bodies["list/limit"]
            differ = [k for k in ("data", "meta") if real[k] != limit[k]] + sorted(set(real) ^ set(limit))
            detail = {k: (real.get(k), limit.get(k)) for k in differ if k != "data"}
            rows = [(a, b) for a, b in zip(real["data"], limit["data"], strict=False) if a != b][:1]
            raise RuntimeError(f"ticket list endpoint and its limit handler differ in {differ}: {detail} {rows}")
        h.log("list: the limit handler's body is the endpoint's (compared as sorted compact JSON)")
        per_post = ("id", "created_at", "updated_at")  # a new ticket's own values
        real_post, limit_post = bodies["create/endpoint"]["data"], bodies["create/limit"]["data"]
        if {k: v for k, v in real_post.items() if k not in per_post} != {
            k: v for k, v in limit_post.items() if k not in per_post
        } or set(bodies["create/endpoint"]) != set(bodies["create/limit"]):
            raise RuntimeError(f"ticket create bodies differ: {real_post} vs {limit_post}")
        h.log("create: the limit handler's body is the endpoint's but for the new id and timestamps")
        per_request = ("id", "created_at", "updated_at", "sla")  # a new request's own values (SLA: from now)
        real_m, limit_m = bodies["maintenance/endpoint"], bodies["maintenance/limit"]
        kept_real = {k: v for k, v in real_m["data"].items() if k not in per_request}
        kept_limit = {k: v for k, v in limit_m["data"].items() if k not in per_request}
        same_sla_shape = set(real_m["data"]["sla"]) == set(limit_m["data"]["sla"])
        if kept_real != kept_limit or not same_sla_shape or set(real_m["meta"]) != set(limit_m["meta"]):
            raise RuntimeError(f"maintenance request create bodies differ: {real_m} vs {limit_m}")
        h.log("maintenance: the limit handler's body is the endpoint's but for the new id, timestamps and SLA times")
        reset_posted_rows(db_url)
        by_key = {t.key: t for t in targets}
        order = [
            "list/endpoint", "list/limit", "create/endpoint", "create/limit",
            "maintenance/endpoint", "maintenance/limit", "bare",
        ]  # fmt: skip
        for key in order:
            h.run_trial(wrk, server, by_key[key], args.warmup, args.connections, args.threads, db_url)
            if key.startswith(("create/", "maintenance/")):
                reset_posted_rows(db_url)
        trials: dict[str, list[dict[str, Any]]] = {k: [] for k in order}
        for rnd in range(1, args.rounds + 1):
            for key in order:
                r = h.run_trial(wrk, server, by_key[key], args.duration, args.connections, args.threads, db_url)
                trials[key].append(r)
                h.log(
                    f"round {rnd} {key:<16} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms"
                )
                if key.startswith(("create/", "maintenance/")):
                    reset_posted_rows(db_url)
    except BaseException:
        server.stop()
        tail = (tmp / f"tickets-{workers}w.log").read_bytes()[-4000:].decode(errors="replace")
        h.log(f"failed; the server log ends with:\n{tail}")
        raise
    server.stop()
    summary = h.summarize(trials)
    bare = summary["bare"]["rps_median"]
    ops = ("list", "create", "maintenance")
    rat = {f"{op}: endpoint/bare": summary[f"{op}/endpoint"]["rps_median"] / bare for op in ops}
    for op in ops:
        rat[f"{op}: endpoint/limit"] = summary[f"{op}/endpoint"]["rps_median"] / summary[f"{op}/limit"]["rps_median"]
    print(f"\n== {workers} worker(s) ==")
    for key, s in summary.items():
        print(
            f"{key:<17}{s['rps_median']:>10.0f} req/s  p50 {s['p50_ms_median']:.2f} ms  p99 {s['p99_ms_median']:.2f} ms"
        )
    for k, v in rat.items():
        print(f"  {k:<24} {v:.3f}")
    return {"workers": workers, "summary": summary, "ratios": rat, "trials": trials}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per trial")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", default="1", help="comma-separated server worker counts, e.g. 1,2")
    parser.add_argument("--no-redis", action="store_true", help="embedded adapters instead of Redis")
    parser.add_argument("--output", type=Path, default=h.RESULTS / "tickets.json")
    args = parser.parse_args()

    wrk = h.ensure_wrk()
    db_name = f"pmsaas_bench_tickets_{os.getpid()}"
    db_url = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-bench-tickets-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": db_url,
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": h.generate_private_key(),
        "PMSAAS_DATA_KEY": "bench-data-key-not-secret",
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",  # the owner's JWT outlives the default 15 minutes
        "PMSAAS_RATE_LIMIT_STANDARD": "1000000000",  # the limiter runs but never refuses
    }
    if not args.no_redis:
        env["PMSAAS_REDIS_URL"] = h.REDIS_URL
    h.create_database(db_name)
    seed_: TicketSeed | None = None
    try:
        subprocess.run([str(h.VENV_BIN / "pmsaas"), "db", "upgrade"], env=env, check=True, cwd=h.ROOT)
        started = time.monotonic()
        seed_ = asyncio.run(seed(env))
        h.log(f"seeded {N_TICKETS} tickets over {N_PROPERTIES} properties in {time.monotonic() - started:.1f}s")
        runs = [bench_workers(args, wrk, env, db_url, seed_, tmp, int(w)) for w in args.workers.split(",")]
        results = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python", "bench/tickets.py", *sys.argv[1:]]),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "config": {"tickets": N_TICKETS, "rounds": args.rounds, "duration_s": args.duration,
                       "connections": args.connections, "redis": None if args.no_redis else h.REDIS_URL},
            "runs": runs,
        }  # fmt: skip
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
        h.log(f"wrote {args.output}")
    finally:
        h.drop_database(db_name)
        if seed_ is not None and not args.no_redis:
            import redis

            client = redis.Redis.from_url(h.REDIS_URL)
            for pattern in (f"pmsaas:rl:api:key:{seed_.api_key_id}*", f"pmsaas:rl:api:user:{seed_.user_id}:*"):
                for k in client.scan_iter(match=pattern, count=100):
                    client.delete(k)
            client.close()
        shutil.rmtree(tmp, ignore_errors=True)
        h.log(f"dropped {db_name}")


if __name__ == "__main__":
    main()

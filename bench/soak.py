"""Soak (issue 11, item 7): a mixed load against the real server for ``--minutes``, with faults
injected at random between the application and PostgreSQL and Redis; afterwards the books, the
payments, the outbox and the webhooks must agree.

    .venv/bin/python bench/soak.py [--minutes 10] [--clients 8] [--think-ms 50] [--seed 1]

Everything runs on 127.0.0.1 (PostgreSQL on 5432, Redis on 6379, both without a password):

* a fresh database ``pmsaas_soak_<pid>`` (``pmsaas db upgrade``), an empty Redis database (the first
  empty one of 8..15; flushed at the end); seeded with one Indian organization, ``--leases`` active
  leases with this month's invoice issued by the real billing run, an OrganizationOwner and its token,
  and a webhook subscribed to ``property.created`` and ``payment.received`` whose URL is a receiver
  in its own process (bench/webhook_delivery.py's: it checks every signature, records each webhook-id);
* the fault proxies (tests/faults/tcp_proxy.py, in a process of their own, bench/soak_faults.py) in
  front of PostgreSQL and Redis; the server (``pmsaas serve``: granian) and the worker
  (``pmsaas worker``: arq, which relays the outbox and delivers the webhooks) reach both only through
  them; the worker is started again when it exits, as a supervisor would (``--no-restart``: not), and
  each exit is reported (and fails the run). ``PMSAAS_ENV=test``: production refuses a webhook to
  127.0.0.1, every other check is the same;
* ``--clients`` clients (bench/soak_load.py) in a closed loop, ``--think-ms`` apart on average:
  55 % reads, 15 % property creates, 30 % payments of 100.00 INR on a random lease; creates and
  payments with an Idempotency-Key, retried on 503 as a client would;
* faults every 2 to 6 s (``--fault-gap``) at random on one of the two services (``--fault-targets``):
  latency (20-250 ms per chunk for 2-6 s), a reset of every open connection (RST, mid-request and
  mid-transaction), a burst of resets for 1-3 s, or an outage (connections dropped and refused for
  0.5-3 s);
* the RSS of the server's and the worker's processes every ``--sample-seconds``;
* after the load: faults healed, unfinished creates retried to their end, the worker given time to
  relay and deliver, then the checks of bench/soak_checks.py, read straight from PostgreSQL.

Prints a summary, writes ``--json`` (bench/results/soak.json by default), exits 1 when a check fails.
The database, the Redis database and every process it started are removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_checks
import soak_load
from http_endpoints import free_port, generate_private_key, process_tree, status_kib
from soak_faults import FaultInjector
from webhook_delivery import SECRET, ReceiverProcess

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "soak.json"


def log(msg: str) -> None:
    print(f"[soak {datetime.now(UTC).strftime('%H:%M:%S')}] {msg}", flush=True)


# -- the services ---------------------------------------------------------------------------------


def free_redis_db(url: str) -> int:
    import redis

    for db in range(8, 16):
        client = redis.Redis.from_url(f"{url.rstrip('/')}/{db}")
        try:
            if client.dbsize() == 0:
                return db
        finally:
            client.close()
    sys.exit("no empty Redis database among 8..15")


def flush_redis_db(url: str, db: int) -> None:
    import redis

    client = redis.Redis.from_url(f"{url.rstrip('/')}/{db}")
    try:
        client.flushdb()
    finally:
        client.close()


def admin(pg_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


async def seed(env: dict[str, str], url: str, leases: int, receiver_port: int) -> tuple[uuid.UUID, str, list[str]]:
    """The organization and its leases (bench/billing_run.py's seed), this month's invoices by the real
    billing run, an owner with a token, and the webhook to the receiver."""
    from billing_run import seed as seed_leases
    from sqlalchemy import text

    from pmsaas.container import build_container, shutdown
    from pmsaas.domain.flows.rent_billing import run_billing
    from pmsaas.domain.identity.model import Membership, User
    from pmsaas.domain.notifications.model import Webhook
    from pmsaas.settings import load_settings

    org = seed_leases(url, leases)
    container = build_container(load_settings(env, database_url=url))
    try:
        now = container.clock().now()
        async with container.system_engine().begin() as conn:  # running for a year, whatever today is
            started = now.date().replace(day=1, year=now.year - 1)
            await conn.execute(text("UPDATE properties_leases SET start_date = :d"), {"d": started})
        # (on a billing day the worker's scheduled run may bill some of them first: either is the same)
        await run_billing(uow_factory=container.system_uow, clock=container.clock(), period=now.strftime("%Y-%m"))
        user = User(
            email="soak-owner@example.com",
            name="Soak Owner",
            password_hash=container.password_hasher().hash("soak password 123"),
            email_verified=True,
            default_organization_id=org,
            created_at=now,
            updated_at=now,
        )
        membership = Membership(user.id, org, frozenset({"OrganizationOwner"}), created_at=now)
        hook = Webhook(
            organization_id=org,
            url=f"http://127.0.0.1:{receiver_port}/hook",
            events=soak_checks.SUBSCRIBED,
            secret_sealed=container.secret_box().seal(SECRET),
            created_at=now,
            updated_at=now,
        )
        async with container.system_uow() as uow:
            await uow.users.add(user)
            await uow.memberships.add(membership)
            await uow.webhooks.add(hook)
            await uow.commit()
        token = container.tokens().issue(user, membership, now).token
        async with container.system_engine().connect() as conn:
            rows = await conn.execute(text("SELECT id FROM properties_leases WHERE organization_id = :o"), {"o": org})
            lease_ids = [str(r[0]) for r in rows]
            invoices = text("SELECT count(*) FROM financial_invoices WHERE organization_id = :o")
            billed = await conn.scalar(invoices, {"o": org})
        assert billed == leases, f"{billed} invoices for {leases} leases"
        return org, token, lease_ids
    finally:
        await shutdown(container)


def worker_env(env: dict[str, str], tmp: Path, args: argparse.Namespace) -> dict[str, str]:
    """The worker's environment; with ``--trace-worker-memory``, tracemalloc reports every minute
    (``bench/soak_trace/sitecustomize.py``) into ``worker-tracemalloc.txt`` in the logs directory."""
    if not args.trace_worker_memory:
        return env
    trace_dir = str(Path(__file__).resolve().parent / "soak_trace")
    path = os.pathsep.join(p for p in (trace_dir, env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, "PMSAAS_SOAK_TRACE_FILE": str(tmp / "worker-tracemalloc.txt")}


class Proc:
    """A process of the product (server or worker) in its own session, logging to a file. With
    ``restart``, a supervisor's ``Restart=always``: when it exits it is started again a second later,
    and the exit is recorded (when, and the last line it wrote)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path, restart: bool = False) -> None:
        self.name, self._args, self._env, self.restart = name, args, env, restart
        self.log_path = logdir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.exits: list[dict[str, Any]] = []
        self.proc = self._start()
        if restart:
            threading.Thread(target=self._supervise, daemon=True, name=f"supervise-{name}").start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [str(VENV_BIN / "pmsaas"), *self._args],
            env=self._env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _supervise(self) -> None:
        while self.restart:
            code = self.proc.wait()
            if not self.restart:
                return
            self.exits.append({"at": time.time(), "code": code, "last_line": _last_line(self.log_path)})
            log(f"{self.name} exited ({code}): {self.exits[-1]['last_line'][:160]}; restarting it")
            time.sleep(1)
            self.proc = self._start()

    def rss_kib(self) -> int:
        return sum(status_kib(p, "VmRSS") for p in process_tree(self.proc.pid))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def interrupt(self) -> None:
        self.restart = False
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGINT)

    def stop(self) -> None:
        self.interrupt()
        if self.alive():
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


def _last_line(path: Path) -> str:
    lines = [line for line in path.read_bytes().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def wait_ready(base: str, server: Proc, timeout: float = 90.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"the server exited: see {server.log_path}")
        try:
            with urllib.request.urlopen(f"{base}/health/ready", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server was not ready in time")


# -- measuring ------------------------------------------------------------------------------------


class RssSampler(threading.Thread):
    def __init__(self, procs: list[Proc], every: float) -> None:
        super().__init__(daemon=True, name="rss")
        self.procs, self.every = procs, every
        self.samples: list[dict[str, float]] = []
        self.started_at = time.time()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            sample: dict[str, float] = {"minute": (time.time() - self.started_at) / 60}
            for p in self.procs:
                sample[p.name] = p.rss_kib()
            self.samples.append(sample)
            if self._stop_event.wait(self.every):
                return

    def stop(self) -> list[dict[str, float]]:
        self._stop_event.set()
        self.join()
        return self.samples


async def load_under_faults(
    args: argparse.Namespace, faults: FaultInjector, base: str, token: str, leases: list[str]
) -> Any:
    seconds = args.minutes * 60
    faults.start()
    load = asyncio.create_task(
        soak_load.run_load(
            base, token, leases, args.clients, seconds, args.think_ms / 1000, args.seed, f"s{os.getpid()}"
        )
    )
    await asyncio.sleep(seconds)
    injected = await asyncio.to_thread(faults.stop)  # the load's own retries finish on healed services
    log(f"load over: {len(injected)} faults injected; finishing the clients' retries")
    return await load, injected


def drain(dsn: str, org: uuid.UUID, timeout: float) -> tuple[dict[str, int], float]:
    """Wait until the worker has relayed every event and no webhook message is pending."""
    import psycopg

    started = time.monotonic()
    while True:
        with psycopg.connect(dsn) as conn:
            state = soak_checks.outbox_state(conn, org)
        if not state["outbox_unrelayed"] and not state.get("webhook_pending"):
            return state, time.monotonic() - started
        if time.monotonic() - started > timeout:
            return state, time.monotonic() - started
        time.sleep(1)


# -- the run --------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from urllib.parse import urlsplit

    receiver = ReceiverProcess()
    gap = (args.fault_gap[0], args.fault_gap[1])
    faults = FaultInjector(
        args.seed,
        gap,
        tuple(args.fault_targets),
        urlsplit(args.pg_url).port or 5432,
        urlsplit(args.redis_url).port or 6379,
    )
    pg_admin = args.pg_url
    name = f"pmsaas_soak_{os.getpid()}"
    base_pg = pg_admin.rsplit("/", 1)[0]
    direct = f"{base_pg}/{name}"
    proxied = f"postgresql://postgres@127.0.0.1:{faults.ports['postgres']}/{name}"
    redis_db = free_redis_db(args.redis_url)
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-soak-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "test",
        "PMSAAS_DATABASE_URL": proxied,
        "PMSAAS_REDIS_URL": f"redis://127.0.0.1:{faults.ports['redis']}/{redis_db}",
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": generate_private_key(),
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "PMSAAS_RATE_LIMIT_ENTERPRISE": "1000000000",
        "PMSAAS_WEBHOOK_ALLOW_LOOPBACK": "true",
        "PMSAAS_DATA_KEY": uuid.uuid4().hex,  # one key for the seed, the server and the worker
        "PMSAAS_LOG_JSON": "true",
    }
    procs: list[Proc] = []
    admin(pg_admin, f'CREATE DATABASE "{name}"')
    try:
        from pmsaas.container import upgrade

        upgrade(direct)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # started before the seed, which they do not need to start: their start-up overlaps it
        procs.append(Proc("server", ["serve", "--port", str(port), "--workers", str(args.workers)], env, tmp))
        procs.append(Proc("worker", ["worker"], worker_env(env, tmp, args), tmp, restart=not args.no_restart))
        org, token, leases = asyncio.run(seed(env, direct, args.leases, receiver.port))
        log(f"database {name}, Redis db {redis_db}; seeded {len(leases)} leases with an issued invoice each")
        wait_ready(base, procs[0])
        log(f"server on {base}, worker started; logs in {tmp}; load for {args.minutes} min, {args.clients} clients")
        sampler = RssSampler(procs, args.sample_seconds)
        sampler.start()
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
        started = datetime.now(UTC)
        outcome, injected = asyncio.run(load_under_faults(args, faults, base, token, leases))
        samples = sampler.stop()
        state, drained = drain(direct, org, args.drain_seconds)
        log(f"drain: {drained:.0f} s, {state}")
        last = receiver.snapshot()
        received = set(last["first"])
        windows = [(f.start, f.end) for f in injected]
        checks = soak_checks.check_all(direct, org, outcome.payments, outcome.properties, received)
        for p in procs:
            if p.exits or not p.alive():
                checks["failures"].append(f"the {p.name} exited {len(p.exits) or 1} time(s) during the run")
        return {
            "measured_at": started.isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python", "bench/soak.py", *sys.argv[1:]]),
            "commit": commit.stdout.strip(),
            "machine": {"cpus": os.cpu_count(), "load_average_end": os.getloadavg()},
            "args": vars(args),
            "requests": soak_load.classify(outcome.attempts, windows),
            "latency": soak_load.latencies(outcome.attempts),
            "created": {"properties": len(outcome.properties), "payments": len(outcome.payments)},
            "abandoned": outcome.abandoned,
            # every answer but a 2xx to a create or a payment, by key: what to look at when a check fails
            "create_retries": [asdict(a) for a in outcome.attempts if a.key and a.status not in (200, 201)],
            "faults": {
                "count": len(injected),
                "by_kind": _by_kind(injected),
                "seconds_under_fault": sum(f.end - f.start for f in injected),
            },
            "memory": {p.name: soak_checks.memory_trend(samples, p.name, args.minutes) for p in procs},
            "rss_samples": samples,
            "exits": {p.name: [{**e, "minute": (e["at"] - sampler.started_at) / 60} for e in p.exits] for p in procs},
            "drain_seconds": drained,
            "webhooks_received": len(received),
            "webhook_requests": last["requests"],  # more than received: redeliveries (at least once)
            "receiver_bad_signatures": last["bad"],
            **checks,
        }
    finally:
        for p in procs:
            p.interrupt()  # all at once: they shut down side by side
        for p in procs:
            p.stop()
        faults.close()
        receiver.stop()
        if args.keep_database:
            log(f"kept database {name} ({direct})")
        else:
            admin(pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        flush_redis_db(args.redis_url, redis_db)
        log("stopped and cleaned up")


def _by_kind(injected: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in injected:
        counts[f"{f.target} {f.kind}"] = counts.get(f"{f.target} {f.kind}", 0) + 1
    return counts


def summary(result: dict[str, Any]) -> str:
    req, lat, faults = result["requests"], result["latency"]["all"], result["faults"]
    lines = [
        f"commit {result['commit']}, {result['args']['minutes']} min from {result['measured_at']}, "
        f"load average at the end {result['machine']['load_average_end'][0]:.1f}",
        f"requests {req['attempts']}: p50 {lat['p50_ms']:.0f} ms, p99 {lat['p99_ms']:.0f} ms; "
        f"errors {req['errors']} ({req['error_rate']:.3%}); 503 during a fault {req['503_during_fault']}",
        f"faults {faults['count']} ({faults['seconds_under_fault']:.0f} s under a fault): {faults['by_kind']}",
        f"created: {result['created']}; abandoned: {len(result['abandoned'])}; webhooks received "
        f"{result['webhooks_received']} in {result['webhook_requests']} requests"
        f" (bad signatures {result['receiver_bad_signatures']})",
        f"outbox after {result['drain_seconds']:.0f} s: {result['outbox']}",
    ]
    for name, trend in result["memory"].items():
        if trend:
            lines.append(
                f"{name} RSS: {trend['rss_start_mib']:.0f} MiB at minute {trend['from_minute']:.1f} -> "
                f"{trend['rss_end_mib']:.0f} MiB at the end (growth {trend['growth_mib']:+.1f} MiB, peak "
                f"{trend['peak_mib']:.0f}); slope {trend['slope_first_half_mib_per_min']:+.2f} then "
                f"{trend['slope_second_half_mib_per_min']:+.2f} MiB/min"
            )
    for name, exits in result["exits"].items():
        if exits:
            lines.append(
                f"{name} exited {len(exits)} time(s), at minutes " + ", ".join(f"{e['minute']:.1f}" for e in exits)
            )
    lines.append("checks: " + ("all agree" if not result["failures"] else "FAILED: " + "; ".join(result["failures"])))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--think-ms", type=float, default=50.0)
    parser.add_argument("--leases", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="granian workers of the server")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-gap", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"))
    parser.add_argument("--fault-targets", nargs="+", choices=("postgres", "redis"), default=["postgres", "redis"])
    parser.add_argument("--no-restart", action="store_true", help="leave the worker dead when it exits")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database (to look into it)")
    parser.add_argument("--sample-seconds", type=float, default=5.0)
    parser.add_argument("--drain-seconds", type=float, default=90.0)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument(
        "--trace-worker-memory",
        action="store_true",
        help="tracemalloc in the worker: the lines whose allocations grew most, every minute, in the logs directory",
    )
    args = parser.parse_args()
    result = run(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, default=str))
    print(summary(result), flush=True)
    sys.exit(1 if result["failures"] else 0)


if __name__ == "__main__":
    main()

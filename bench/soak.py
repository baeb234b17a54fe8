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
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_checks
import soak_load
from deployment import ROOT, Proc, drain, log, product_env, scratch_services, seed, stop_all, wait_ready
from http_endpoints import free_port
from soak_faults import FaultInjector
from webhook_delivery import ReceiverProcess

RESULTS = ROOT / "bench" / "results" / "soak.json"


def worker_env(env: dict[str, str], tmp: Path, args: argparse.Namespace) -> dict[str, str]:
    """The worker's environment; with ``--trace-worker-memory``, tracemalloc reports every minute
    (``bench/soak_trace/sitecustomize.py``) into ``worker-tracemalloc.txt`` in the logs directory."""
    if not args.trace_worker_memory:
        return env
    trace_dir = str(Path(__file__).resolve().parent / "soak_trace")
    path = os.pathsep.join(p for p in (trace_dir, env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, "PMSAAS_SOAK_TRACE_FILE": str(tmp / "worker-tracemalloc.txt")}


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
    procs: list[Proc] = []
    with scratch_services(args.pg_url, args.redis_url, "pmsaas_soak", args.keep_database) as services:
        try:
            proxied = f"postgresql://postgres@127.0.0.1:{faults.ports['postgres']}/{services.database}"
            redis = f"redis://127.0.0.1:{faults.ports['redis']}/{services.redis_db}"
            tmp = Path(tempfile.mkdtemp(prefix="pmsaas-soak-"))
            env = product_env(proxied, redis, tmp / "var")
            direct = services.database_url
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            # started before the seed, which they do not need to start: their start-up overlaps it
            procs.append(Proc("server", ["serve", "--port", str(port), "--workers", str(args.workers)], env, tmp))
            procs.append(Proc("worker", ["worker"], worker_env(env, tmp, args), tmp, restart=not args.no_restart))
            org, token, leases = asyncio.run(seed(env, direct, args.leases, receiver.port))
            log(
                f"database {services.database}, Redis db {services.redis_db}; "
                f"seeded {len(leases)} leases with an issued invoice each"
            )
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
                "exits": {
                    p.name: [{**e, "minute": (e["at"] - sampler.started_at) / 60} for e in p.exits] for p in procs
                },
                "drain_seconds": drained,
                "webhooks_received": len(received),
                "webhook_requests": last["requests"],  # more than received: redeliveries (at least once)
                "receiver_bad_signatures": last["bad"],
                **checks,
            }
        finally:
            stop_all(procs)
            faults.close()
            receiver.stop()
            log("stopped; the database and the Redis database are removed next")


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

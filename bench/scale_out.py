"""Scale-out, shown (issue 15, item 5): the mixed load against the product as deployed on PostgreSQL +
Redis, with 1 API process + 1 arq worker and with 2 API processes + 2 arq workers, alternating in one run.

    .venv/bin/python bench/scale_out.py [--rounds 3] [--seconds 60] [--clients 16] [--think-ms 0]

Everything runs on 127.0.0.1 (PostgreSQL on 5432, Redis on 6379) and is removed at the end:

* the services and the seed of bench/soak.py (bench/deployment.py): a fresh database
  ``pmsaas_scaleout_<pid>`` (``pmsaas db upgrade``), an empty Redis database, one Indian organization
  with ``--leases`` active leases and this month's invoice each, an OrganizationOwner's token, and a
  webhook subscribed to ``property.created`` and ``payment.received`` whose URL is the receiver of
  bench/webhook_delivery.py in its own process (it checks every Standard Webhooks signature and records
  each webhook-id's first arrival). No fault proxies; rate limits raised so they never refuse;
* per round, each configuration in turn (1 + 1 first in odd rounds, 2 + 2 first in even ones, so a
  drift hits both alike): ``pmsaas serve --workers N`` (granian, N worker processes behind one port)
  and N ``pmsaas worker`` processes (arq: relay every 5 s, webhook delivery a second after), started
  afresh on a copy of the seeded database (``CREATE DATABASE ... TEMPLATE``; dropped afterwards) with
  the Redis database emptied, so every measurement starts from the same rows (the payments of one would
  make the ledgers and the trial balance of the next dearer); ``--warmup`` seconds of load not
  counted; ``--seconds`` of the mixed load of bench/soak_load.py with weights 70 % reads, 20 %
  property creates, 10 % payments (``--clients`` closed loops, ``--think-ms`` apart on average,
  Idempotency-Keys on the creates); then up to ``--drain-seconds`` for every event of the measured
  window to reach the receiver, and the processes stopped;
* per configuration: req/s overall and per kind (2xx answers / wall time of the load), p50/p99 latency,
  errors (bench/soak_load.py's ``classify``: with no faults every 503 is one), the outbox lag from
  commit to a verified delivery (the receiver's first arrival of the event's webhook-id minus the
  client's time at the 201 of the create or payment that committed it: after the commit, so the lag is
  if anything a little short; the JSON also has it from the event's ``occurred_at``, stamped inside the
  transaction before the commit, a little long), and the CPU seconds per request of the API
  processes, the arq workers, the PostgreSQL backends of the database (and every PostgreSQL process:
  checkpointer, WAL writer, autovacuum too), Redis and this process (the load generator), with the
  machine's busy and stolen shares over the load (``/proc``).

Prints a Markdown table (the speed-up is the median req/s of 2 + 2 over that of 1 + 1), writes
``--json`` (bench/results/scale_out.json by default). Exits 1 when a process died or a request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_load
from deployment import (
    ROOT,
    Proc,
    database_copy,
    flush_redis_db,
    log,
    product_env,
    scratch_services,
    seed,
    stop_all,
    wait_ready,
)
from http_endpoints import cpu_seconds, free_port, pid_cpu, postgres_backends
from soak_checks import SUBSCRIBED
from soak_load import percentile
from webhook_delivery import ReceiverProcess

RESULTS = ROOT / "bench" / "results" / "scale_out.json"
MIX = {"read": 70, "create": 20, "payment": 10}
CONFIGS = {"1+1": (1, 1), "2+2": (2, 2)}  # API processes (granian workers), arq workers
KINDS = tuple(MIX)
CRON_JOBS = ("relay_outbox", "deliver_webhooks")
CPU_ROWS = {
    "api": "API processes",
    "worker": "arq workers",
    "postgres": "PostgreSQL backends of the database",
    "postgres_all": "every PostgreSQL process",
    "redis": "Redis",
    "load_generator": "load generator (this process)",
}


# -- CPU ------------------------------------------------------------------------------------------


def pids_named(name: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == name:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def machine_jiffies() -> tuple[int, int, int]:
    """(busy, stolen, total) clock ticks of every CPU since boot (iowait counts as idle; stolen: the
    hypervisor ran something else on this machine's virtual CPUs)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle, steal = values[3] + values[4], values[7]
    return sum(values) - idle - steal, steal, sum(values)


class CpuMeter:
    """CPU seconds used between ``__init__`` and ``read`` by each group of processes."""

    def __init__(self, api: Proc, workers: list[Proc], receiver_pid: int, database_url: str) -> None:
        self.database_url = database_url
        self.groups = {
            "api": api.pids(),
            "worker": [p for w in workers for p in w.pids()],
            "redis": pids_named("redis-server"),
            "receiver": [receiver_pid],
        }
        self.before = {name: cpu_seconds(pids) for name, pids in self.groups.items()}
        self.pg_before = pid_cpu(postgres_backends(database_url))
        self.pg_all_before = pid_cpu(pids_named("postgres"))
        self.own_before = _own_cpu()
        self.machine_before = machine_jiffies()

    def read(self) -> dict[str, float]:
        used = {name: cpu_seconds(pids) - self.before[name] for name, pids in self.groups.items()}
        # Backends opened during the load count from zero; one that closed during it is missed.
        now = pid_cpu(postgres_backends(self.database_url))
        used["postgres"] = sum(cpu - self.pg_before.get(pid, 0.0) for pid, cpu in now.items())
        # Every PostgreSQL process: also the checkpointer, the WAL writer, autovacuum.
        every = pid_cpu(pids_named("postgres"))
        used["postgres_all"] = sum(cpu - self.pg_all_before.get(pid, 0.0) for pid, cpu in every.items())
        used["load_generator"] = _own_cpu() - self.own_before
        busy, steal, total = (now_ - then for now_, then in zip(machine_jiffies(), self.machine_before, strict=True))
        used["machine_busy_share"] = busy / max(1, total)
        used["machine_steal_share"] = steal / max(1, total)
        return used


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


# -- one configuration, one round -----------------------------------------------------------------


def _first_201(attempts: list[soak_load.Attempt]) -> dict[str, float]:
    """Idempotency-Key -> when the client first read a 201 for it (the commit happened before)."""
    answered: dict[str, float] = {}
    for a in attempts:
        if a.key and a.status == 201:
            answered[a.key] = min(a.end, answered.get(a.key, a.end))
    return answered


def delivery_lags(
    dsn: str, org: uuid.UUID, outcome: soak_load.Outcome, receiver: ReceiverProcess, timeout: float
) -> tuple[dict[str, Any], list[float], list[float]]:
    """Wait (up to ``timeout``) until the receiver has verified the event of every create and payment
    answered 201; the lags (s) from the 201 and from the event's occurred_at, and what was missing."""
    import psycopg

    answered = _first_201(outcome.attempts)
    entity_at = {entity: answered[key] for key, entity in {**outcome.properties, **outcome.payments}.items()}
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT id::text, coalesce(payload->>'payment_id', payload->>'property_id', payload->>'id'), occurred_at"
            " FROM notifications_outbox WHERE organization_id = %s AND event = ANY(%s)"
            " AND coalesce(payload->>'payment_id', payload->>'property_id', payload->>'id') = ANY(%s)",
            (org, list(SUBSCRIBED), list(entity_at)),
        ).fetchall()
    events = {event: (entity_at[entity], occurred.timestamp()) for event, entity, occurred in rows}
    started = time.monotonic()
    while True:
        first = receiver.snapshot()["first"]
        missing = [e for e in events if e not in first]
        if not missing or time.monotonic() - started > timeout:
            break
        time.sleep(0.5)
    from_201 = [first[e] - at for e, (at, _) in events.items() if e in first]
    from_occurred = [first[e] - occurred for e, (_, occurred) in events.items() if e in first]
    info = {
        "events": len(events),
        "without_event": len(entity_at) - len(events),  # a create answered 201 with no outbox row: a bug
        "undelivered": len(missing),
        "waited_s": time.monotonic() - started,
        **_spread("from_201_s", from_201),
        **_spread("from_occurred_at_s", from_occurred),
    }
    return info, from_201, from_occurred


def _spread(name: str, values: list[float]) -> dict[str, float]:
    return {
        f"{name}_p50": percentile(values, 50),
        f"{name}_p99": percentile(values, 99),
        f"{name}_max": max(values, default=float("nan")),
    }


def measure(
    args: argparse.Namespace,
    label: str,
    rnd: int,
    env: dict[str, str],
    dsn: str,
    world: tuple[uuid.UUID, str, list[str]],
    receiver: ReceiverProcess,
    logdir: Path,
) -> tuple[dict[str, Any], dict[str, list[float]]]:
    org, token, leases = world
    api_processes, arq_workers = CONFIGS[label]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    name = f"r{rnd}-{label}"
    server = Proc(f"{name}-server", ["serve", "--port", str(port), "--workers", str(api_processes)], env, logdir)
    workers = [Proc(f"{name}-worker{i + 1}", ["worker"], env, logdir) for i in range(arq_workers)]
    procs = [server, *workers]
    tag = f"x{os.getpid()}{name}"
    try:
        wait_ready(base, server)
        think = args.think_ms / 1000
        if args.warmup:
            warm = soak_load.run_load(base, token, leases, args.clients, args.warmup, think, args.seed, f"{tag}w", MIX)
            asyncio.run(warm)
        meter = CpuMeter(server, workers, receiver.proc.pid or 0, dsn)
        load_average = os.getloadavg()[0]
        started = time.time()
        seed_ = args.seed * 100 + rnd
        outcome = asyncio.run(
            soak_load.run_load(base, token, leases, args.clients, args.seconds, think, seed_, tag, MIX)
        )
        elapsed = time.time() - started
        cpu = meter.read()
        lag, from_201, from_occurred = delivery_lags(dsn, org, outcome, receiver, args.drain_seconds)
        died = [p.name for p in procs if not p.alive()]
    finally:
        stopping = time.monotonic()
        stop_all(procs)
        log(f"{name}: stopped in {time.monotonic() - stopping:.1f} s")
    # Which worker ran the relay and the delivery ticks (arq runs each cron tick once, on one worker).
    cron_runs = {w.name: {job: _log_count(w.log_path, f"cron:{job}()") for job in CRON_JOBS} for w in workers}
    ok = [a for a in outcome.attempts if a.status is not None and 200 <= a.status < 300]
    answered = sum(1 for a in outcome.attempts if a.status is not None)
    counts = soak_load.classify(outcome.attempts, [])
    result = {
        "config": label,
        "round": rnd,
        "api_processes": api_processes,
        "arq_workers": arq_workers,
        "seconds": elapsed,
        "requests_ok": len(ok),
        "rps": len(ok) / elapsed,
        "rps_by_kind": {k: sum(1 for a in ok if a.op == k) / elapsed for k in KINDS},
        "latency": soak_load.latencies(outcome.attempts),
        "errors": counts["errors"],
        "error_examples": counts["error_examples"],
        "abandoned": len(outcome.abandoned),
        "lag": lag,
        "cpu_s": cpu,
        "cpu_ms_per_request": {k: 1000 * v / max(1, answered) for k, v in cpu.items() if not k.startswith("machine_")},
        "cron_runs": cron_runs,
        "load_average_before": load_average,
        "died": died,
    }
    samples = {
        "all": [(a.end - a.start) * 1000 for a in outcome.attempts if a.status is not None],
        **{
            k: [(a.end - a.start) * 1000 for a in outcome.attempts if a.status is not None and a.op == k] for k in KINDS
        },
        "lag_from_201": from_201,
        "lag_from_occurred_at": from_occurred,
    }
    kinds = ", ".join(f"{k} {v:.0f}" for k, v in result["rps_by_kind"].items())
    log(
        f"round {rnd} {label}: {result['rps']:.0f} req/s ({kinds}),"
        f" p50 {result['latency']['all']['p50_ms']:.0f} ms, p99 {result['latency']['all']['p99_ms']:.0f} ms,"
        f" errors {result['errors']}; lag p50 {lag['from_201_s_p50']:.2f} s p99 {lag['from_201_s_p99']:.2f} s"
        f" ({lag['undelivered']} of {lag['events']} undelivered); machine busy {cpu['machine_busy_share']:.0%}"
    )
    return result, samples


def _log_count(path: Path, needle: str) -> int:
    return path.read_bytes().decode(errors="replace").count(needle)


# -- the run --------------------------------------------------------------------------------------


def order(rnd: int) -> list[str]:
    labels = list(CONFIGS)
    return labels if rnd % 2 else labels[::-1]


def run(args: argparse.Namespace) -> dict[str, Any]:
    receiver = ReceiverProcess()
    segments: list[dict[str, Any]] = []
    samples: dict[str, dict[str, list[float]]] = {label: {} for label in CONFIGS}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    started = datetime.now(UTC)
    try:
        with scratch_services(args.pg_url, args.redis_url, "pmsaas_scaleout") as services:
            logdir = Path(tempfile.mkdtemp(prefix="pmsaas-scaleout-"))
            redis = f"{args.redis_url.rstrip('/')}/{services.redis_db}"
            env = product_env(services.database_url, redis, logdir / "var")
            world = asyncio.run(seed(env, services.database_url, args.leases, receiver.port))
            log(f"database {services.database}, Redis db {services.redis_db}, {args.leases} leases; logs in {logdir}")
            for rnd in range(1, args.rounds + 1):
                for label in order(rnd):
                    # Every measurement on a copy of the seeded database and an empty Redis database: the
                    # payments and properties of one do not slow the reads (ledgers, trial balance) of the next.
                    copy = f"{services.database}_{rnd}_{label.replace('+', '_')}"
                    with database_copy(args.pg_url, services.database, copy) as dsn:
                        segment_env = {**env, "PMSAAS_DATABASE_URL": dsn}
                        result, got = measure(args, label, rnd, segment_env, dsn, world, receiver, logdir)
                    flush_redis_db(args.redis_url, services.redis_db)
                    segments.append(result)
                    for k, v in got.items():
                        samples[label].setdefault(k, []).extend(v)
    finally:
        receiver_stats = receiver.stop()
    return {
        "measured_at": started.isoformat(timespec="seconds"),
        "ended_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([".venv/bin/python", "bench/scale_out.py", *sys.argv[1:]]),
        "commit": commit.stdout.strip(),
        "machine": {"cpus": os.cpu_count(), "load_average_end": os.getloadavg()},
        "args": vars(args),
        "mix": MIX,
        "summary": {
            label: summarize([s for s in segments if s["config"] == label], samples[label]) for label in CONFIGS
        },
        "speed_up_per_round": speed_ups(segments),
        "segments": segments,
        "receiver": {"requests": receiver_stats["requests"], "bad_signatures": receiver_stats["bad"]},
    }


def summarize(segments: list[dict[str, Any]], samples: dict[str, list[float]]) -> dict[str, Any]:
    """Medians over the rounds of the rates; percentiles over every round's requests (and events) pooled."""
    med = statistics.median
    return {
        "rounds": len(segments),
        "rps": med(s["rps"] for s in segments),
        "rps_each": [round(s["rps"], 1) for s in segments],
        "rps_by_kind": {k: med(s["rps_by_kind"][k] for s in segments) for k in KINDS},
        "latency_ms": {
            k: {"p50": percentile(samples.get(k, []), 50), "p99": percentile(samples.get(k, []), 99)}
            for k in ("all", *KINDS)
        },
        "errors": sum(s["errors"] for s in segments),
        "lag_s": {
            "from_201_p50": percentile(samples.get("lag_from_201", []), 50),
            "from_201_p99": percentile(samples.get("lag_from_201", []), 99),
            "from_occurred_at_p99": percentile(samples.get("lag_from_occurred_at", []), 99),
            "max": max(samples.get("lag_from_201", []), default=float("nan")),
            "events": sum(s["lag"]["events"] for s in segments),
            "undelivered": sum(s["lag"]["undelivered"] for s in segments),
        },
        "cpu_ms_per_request": {
            k: med(s["cpu_ms_per_request"][k] for s in segments) for k in segments[0]["cpu_ms_per_request"]
        },
        "machine_busy_share": med(s["cpu_s"]["machine_busy_share"] for s in segments),
        "machine_steal_share": med(s["cpu_s"].get("machine_steal_share", 0.0) for s in segments),
        "relay_runs_per_worker": _per_worker(segments, "relay_outbox"),
        "died": [name for s in segments for name in s["died"]],
    }


def _per_worker(segments: list[dict[str, Any]], job: str) -> list[int]:
    """Runs of the cron ``job`` by the first, second, ... arq worker, over every round."""
    counts: list[int] = []
    for s in segments:
        for i, runs in enumerate(s.get("cron_runs", {}).values()):
            counts += [0] * (i + 1 - len(counts))
            counts[i] += runs[job]
    return counts


def speed_ups(segments: list[dict[str, Any]]) -> list[float]:
    by_round: dict[int, dict[str, float]] = {}
    for s in segments:
        by_round.setdefault(s["round"], {})[s["config"]] = s["rps"]
    return [r["2+2"] / r["1+1"] for _, r in sorted(by_round.items()) if {"1+1", "2+2"} <= set(r)]


def table(result: dict[str, Any]) -> str:
    one, two = result["summary"]["1+1"], result["summary"]["2+2"]

    def row(name: str, a: str, b: str, ratio: str = "") -> str:
        return f"| {name} | {a} | {b} | {ratio} |"

    def ratio(x: float, y: float) -> str:
        return f"{y / x:.2f} x" if x else ""

    lines = [
        "| | 1 API + 1 worker | 2 API + 2 workers | 2 + 2 / 1 + 1 |",
        "|---|---:|---:|---:|",
        row(
            "req/s, all (median of rounds)",
            f"{one['rps']:.0f}",
            f"{two['rps']:.0f}",
            f"**{ratio(one['rps'], two['rps'])}**",
        ),
        row(
            "req/s each round",
            " / ".join(f"{v:.0f}" for v in one["rps_each"]),
            " / ".join(f"{v:.0f}" for v in two["rps_each"]),
            " / ".join(f"{v:.2f}" for v in result["speed_up_per_round"]),
        ),
    ]
    for k in KINDS:
        a, b = one["rps_by_kind"][k], two["rps_by_kind"][k]
        lines.append(row(f"req/s, {k}s", f"{a:.0f}", f"{b:.0f}", ratio(a, b)))
    for k in ("all", *KINDS):
        a, b = one["latency_ms"][k], two["latency_ms"][k]
        lines.append(row(f"p50 / p99 ms, {k}", f"{a['p50']:.0f} / {a['p99']:.0f}", f"{b['p50']:.0f} / {b['p99']:.0f}"))
    lines.append(row("errors", str(one["errors"]), str(two["errors"])))
    la, lb = one["lag_s"], two["lag_s"]
    lines += [
        row(
            "outbox lag p50 / p99 s (201 → verified webhook)",
            f"{la['from_201_p50']:.2f} / {la['from_201_p99']:.2f}",
            f"{lb['from_201_p50']:.2f} / {lb['from_201_p99']:.2f}",
        ),
        row(
            "outbox lag p99 s (occurred_at → verified)",
            f"{la['from_occurred_at_p99']:.2f}",
            f"{lb['from_occurred_at_p99']:.2f}",
        ),
        row(
            "events delivered / undelivered",
            f"{la['events'] - la['undelivered']} / {la['undelivered']}",
            f"{lb['events'] - lb['undelivered']} / {lb['undelivered']}",
        ),
    ]
    lines.append(
        row(
            "outbox relay ticks run, per arq worker",
            " / ".join(map(str, one.get("relay_runs_per_worker", []))),
            " / ".join(map(str, two.get("relay_runs_per_worker", []))),
        )
    )
    for k, name in CPU_ROWS.items():
        a, b = one["cpu_ms_per_request"].get(k, float("nan")), two["cpu_ms_per_request"].get(k, float("nan"))
        lines.append(row(f"CPU ms per request: {name}", f"{a:.2f}", f"{b:.2f}"))
    lines.append(
        row("machine CPU busy (2 cores)", f"{one['machine_busy_share']:.0%}", f"{two['machine_busy_share']:.0%}")
    )
    steal = (one.get("machine_steal_share", 0.0), two.get("machine_steal_share", 0.0))
    lines.append(row("machine CPU stolen by the hypervisor", f"{steal[0]:.1%}", f"{steal[1]:.1%}"))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured load per configuration and round")
    parser.add_argument("--warmup", type=float, default=5.0, help="load before each measurement, not counted")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--think-ms", type=float, default=0.0)
    parser.add_argument("--leases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drain-seconds", type=float, default=30.0, help="wait for the measured events' webhooks")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379")
    parser.add_argument("--json", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, default=str))
    print(
        f"\ncommit {result['commit']}, {result['measured_at']} to {result['ended_at']}, {args.rounds} rounds x "
        f"{args.seconds:.0f} s per configuration, {args.clients} clients; load average at the end "
        f"{result['machine']['load_average_end'][0]:.1f}\n"
    )
    print(table(result), flush=True)
    failed = any(s["errors"] or s["died"] or s["abandoned"] or s["lag"]["without_event"] for s in result["segments"])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""HTTP benchmark (issue 2, item 10): the real property endpoints vs a limit handler vs a bare handler.

    .venv/bin/python bench/http_endpoints.py [--rounds 3 --duration 10 --connections 32 --workers 1,2]

Everything happens on this machine and on 127.0.0.1 only: it creates a fresh PostgreSQL database,
migrates it (``pmsaas db upgrade``), seeds one organization with 10,000 properties (a Core bulk
insert of the rows the repository itself maps from domain objects) and one OrganizationOwner,
starts granian on ``bench/limit_app.py`` (the product's ``create_app`` plus the limit handlers), and
drives it with ``wrk``
(Debian package; installed with ``apt-get install -y wrk`` when missing and running as root).
Targets alternate inside each round (endpoint, limit, bare; so drift hits all alike). Rows that
POST trials add are deleted (and the tables vacuumed) after each POST trial, so every list trial
sees the same 10,000 properties. It prints a table, writes bench/results/latest.json, stops the
server and drops the database, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
BENCH_DIR = Path(__file__).resolve().parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
N_PROPERTIES = 10_000
POST_NAME_PREFIX = "Bench POST"

POST_BODY = {
    "name": f"{POST_NAME_PREFIX} Apartments",
    "type": "residential",
    "address": {"street": "123 Main St", "city": "Vancouver", "province": "BC", "postal_code": "V6B 1A1"},
    "description": "created by bench/http_endpoints.py",
    "year_built": 1998,
}

CITIES = (
    ("Vancouver", "BC", "V6B 1A1", "CA"),
    ("Toronto", "ON", "M5J 2Y3", "CA"),
    ("Mumbai", "MH", "400076", "IN"),
    ("Bengaluru", "KA", "560001", "IN"),
    ("Austin", "TX", "73301", "US"),
    ("Beverly Hills", "CA", "90210", "US"),
)
KINDS = ("residential", "commercial", "mixed_use")


# -- helpers -------------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {msg}", flush=True)


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk not found: installing it from Debian's packages: apt-get update && apt-get install -y wrk")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        path = shutil.which("wrk")
        if path:
            return path
    sys.exit("wrk is needed: install it with `apt-get install -y wrk` (Debian) and run again")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def generate_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- seeding -------------------------------------------------------------------------------------


@dataclass
class Seed:
    organization_id: UUID
    user_id: UUID
    token: str


async def seed(env: dict[str, str]) -> Seed:
    """One organization, one OrganizationOwner, 10,000 properties, through the domain objects and the
    repository's own row mapping (the rows are exactly what POST /api/v1/properties writes)."""
    from pmsaas.adapters.sql.repositories.properties import property_row as _row
    from pmsaas.adapters.sql.tables.notifications import outbox
    from pmsaas.adapters.sql.tables.properties import properties
    from pmsaas.container import build_container, shutdown
    from pmsaas.domain.identity.model import Membership, User
    from pmsaas.domain.organizations.model import OrganizationSettings, Plan
    from pmsaas.domain.organizations.services import new_organization
    from pmsaas.domain.properties.model import Property, PropertyStatus, PropertyType
    from pmsaas.domain.shared.address import Address
    from pmsaas.settings import load_settings

    container = build_container(load_settings(env))
    try:
        now = container.clock().now()
        org = new_organization("Bench Property Management", now, OrganizationSettings.for_country("CA"))
        org.plan = Plan.ENTERPRISE  # 10,000 properties and the POST trials: past any smaller plan's limit
        user = User(
            email="bench-owner@example.com",
            name="Bench Owner",
            password_hash=container.password_hasher().hash("bench password 123"),
            email_verified=True,
            default_organization_id=org.id,
            created_at=now,
            updated_at=now,
        )
        membership = Membership(user.id, org.id, frozenset({"OrganizationOwner"}), created_at=now)
        async with container.system_uow() as uow:
            await uow.organizations.add(org)
            await uow.users.add(user)
            await uow.memberships.add(membership)
            await uow.commit()

        start = now - timedelta(days=400)
        rows, events = [], []
        for i in range(N_PROPERTIES):
            city, province, postal, country = CITIES[i % len(CITIES)]
            at = start + timedelta(seconds=i * 3)  # distinct creation times, like real traffic
            prop = Property(
                organization_id=org.id,
                name=f"{city} Property {i:05d}",
                type=PropertyType(KINDS[i % len(KINDS)]),
                status=PropertyStatus.ACTIVE if i % 10 else PropertyStatus.INACTIVE,
                address=Address(f"{100 + i} Main St", city, province, postal, country),
                description=f"Seeded property {i}" if i % 2 else None,
                year_built=1950 + i % 70 if i % 3 else None,
                created_at=at,
                updated_at=at,
            )
            rows.append(_row(prop))
            e = prop.event("property.created", at)
            events.append(
                {
                    "id": e.id,
                    "organization_id": e.organization_id,
                    "event": e.name,
                    "payload": e.data,
                    "occurred_at": at,
                }
            )
        async with container.system_engine().begin() as conn:
            for chunk in range(0, N_PROPERTIES, 2000):
                await conn.execute(properties.insert(), rows[chunk : chunk + 2000])
                await conn.execute(outbox.insert(), events[chunk : chunk + 2000])
        token = container.tokens().issue(user, membership, container.clock().now()).token
        return Seed(org.id, user.id, token)
    finally:
        await shutdown(container)


def reset_posted_rows(db_url: str) -> int:
    """Delete what POST trials added, so every list trial sees the same 10,000 rows."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        deleted = conn.execute("DELETE FROM properties_properties WHERE name LIKE %s", (f"{POST_NAME_PREFIX}%",))
        n = deleted.rowcount
        conn.execute("DELETE FROM notifications_outbox WHERE payload->>'name' LIKE %s", (f"{POST_NAME_PREFIX}%",))
        conn.execute("VACUUM (ANALYZE) properties_properties")
        conn.execute("VACUUM (ANALYZE) notifications_outbox")
    return n


# -- server --------------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (clock ticks → seconds)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / os.sysconf("SC_CLK_TCK")


def pid_cpu(pids: list[int]) -> dict[int, float]:
    return {pid: cpu_seconds([pid]) for pid in pids}


def postgres_backends(db_url: str) -> list[int]:
    """The server processes serving the benchmark database (the app's pools and the limit handler's)."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(r[0]) for r in rows]


def status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_until_ready(url: str, proc: subprocess.Popen[bytes], where: str, timeout: float) -> None:
    """Until ``url`` answers 200; an error when ``proc`` (the server) exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; {where}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server not ready in time")


class Server:
    READY_PATH = "/health/ready"  # answered 200 once the server serves

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self._log = log_path.open("wb")
        # The product's app with the limit handlers in front of it (limit_app.py), served by granian as
        # ``pmsaas serve`` serves the product (ASGI interface, no access log, same worker count).
        cmd = [
            str(VENV_BIN / "granian"),
            "--interface",
            "asgi",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--no-access-log",
            "limit_app:app",
        ]
        # BENCH_SRC: another checkout's src/ first on the path (a base commit served next to this one).
        path = [str(BENCH_DIR), *([env["BENCH_SRC"]] if env.get("BENCH_SRC") else [])]
        env = {**env, "PYTHONPATH": os.pathsep.join(path)}
        log(f"starting: {' '.join(cmd)}")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=BENCH_DIR, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        wait_until_ready(f"{self.base}{self.READY_PATH}", self.proc, "see its log", timeout)

    def rss_kib(self) -> int:
        return sum(status_kib(p, "VmRSS") for p in process_tree(self.proc.pid))

    def hwm_kib(self) -> dict[int, int]:
        return {p: status_kib(p, "VmHWM") for p in process_tree(self.proc.pid)}

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self._log.close()


def request(
    method: str, url: str, token: str | None = None, body: dict[str, Any] | None = None
) -> tuple[int, Any, Any]:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"null")


# -- trials --------------------------------------------------------------------------------------

LUA_TEMPLATE = """
wrk.method = {method}
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
{auth}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {{"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Target:
    key: str  # e.g. "list/endpoint"
    operation: str  # list | create
    kind: str  # endpoint | limit | bare
    path: str
    method: str = "GET"
    auth: bool = False
    body: dict[str, Any] | None = None
    script: Path = field(default_factory=Path)


def make_targets(seed_: Seed, tmp: Path) -> list[Target]:
    org = seed_.organization_id
    targets = [
        Target("list/endpoint", "list", "endpoint", "/api/v1/properties?page_size=50", auth=True),
        Target("list/limit", "list", "limit", f"/bench/limit/properties?organization_id={org}&page_size=50"),
        Target("create/endpoint", "create", "endpoint", "/api/v1/properties", "POST", auth=True, body=POST_BODY),
        Target(
            "create/limit", "create", "limit", f"/bench/limit/properties?organization_id={org}", "POST", body=POST_BODY
        ),
        Target("bare", "bare", "bare", "/bench/bare"),
    ]
    for t in targets:
        lua = LUA_TEMPLATE.format(
            method=json.dumps(t.method),
            body=json.dumps(json.dumps(t.body)) if t.body else "nil",
            auth=f'wrk.headers["Authorization"] = "Bearer {seed_.token}"' if t.auth else "",
        )
        t.script = tmp / f"{t.key.replace('/', '_')}.lua"
        t.script.write_text(lua)
    return targets


def same_bytes(body: dict[str, Any]) -> bytes:
    """The body as compact JSON without the two per-response values (meta.timestamp, meta.request_id)."""
    meta = {k: v for k, v in body["meta"].items() if k not in ("timestamp", "request_id")}
    return json.dumps({**body, "meta": meta}, separators=(",", ":"), sort_keys=True).encode()


def same_bytes_ticketing(body: dict[str, Any]) -> bytes:
    """A ticketing body as compact JSON (its envelope has no per-response values)."""
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def check_targets(server: Server, targets: list[Target], seed_: Seed) -> dict[str, Any]:
    """Each target answers as expected before any load (and the list bodies agree)."""
    seen: dict[str, Any] = {}
    for t in targets:
        status, headers, body = request(t.method, server.base + t.path, seed_.token if t.auth else None, t.body)
        expected = 201 if t.method == "POST" else 200
        if status != expected:
            raise RuntimeError(f"{t.key}: HTTP {status} {body}")
        if t.kind == "endpoint" and "X-RateLimit-Limit" not in headers and "x-ratelimit-limit" not in headers:
            raise RuntimeError(f"{t.key}: no X-RateLimit-* headers: {headers}")
        seen[t.key] = body
    real, limit = seen["list/endpoint"], seen["list/limit"]
    if real["meta"]["pagination"] != limit["meta"]["pagination"] or len(real["data"]) != len(limit["data"]) != 50:
        raise RuntimeError(f"list bodies disagree: {real['meta']} vs {limit['meta']}")
    if [p["id"] for p in real["data"]] != [p["id"] for p in limit["data"]]:
        raise RuntimeError("list endpoint and limit handler return different pages")
    if set(real["data"][0]) != set(limit["data"][0]) or set(real) != set(limit):
        raise RuntimeError("list endpoint and limit handler bodies have different fields")
    if same_bytes(real) != same_bytes(limit):  # every byte but the timestamp and the request id
        raise RuntimeError("list endpoint and limit handler bodies differ beyond meta.timestamp/request_id")
    return {
        "list_response_bytes": len(json.dumps(real, separators=(",", ":"))),
        "total_count": real["meta"]["pagination"]["total_count"],
    }


def run_trial(
    wrk: str, server: Server, t: Target, duration: int, connections: int, threads: int, db_url: str
) -> dict[str, Any]:
    cmd = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(t.script),
        server.base + t.path,
    ]
    server_pids = process_tree(server.proc.pid)
    pg_before = pid_cpu(postgres_backends(db_url))
    cpu_before, load_before = cpu_seconds(server_pids), os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_rss = 0
    while proc.poll() is None:
        peak_rss = max(peak_rss, server.rss_kib())
        time.sleep(0.25)
    out = proc.stdout.read() if proc.stdout else ""
    server_cpu = cpu_seconds(server_pids) - cpu_before
    # Backends opened during the trial count from zero; one that closed during it is missed.
    pg_cpu = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pid_cpu(postgres_backends(db_url)).items())
    line = next((ln for ln in out.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {out}")
    r = json.loads(line.removeprefix("BENCH_JSON "))
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return {
        "rps": r["requests"] / (r["duration_us"] / 1e6),
        "requests": r["requests"],
        "p50_ms": r["p50_us"] / 1000,
        "p90_ms": r["p90_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000,
        "errors": errors,
        "non_2xx": r["status"],
        "peak_rss_mib": peak_rss / 1024,
        # CPU the server used per request: less sensitive than req/s to what else the machine runs.
        "server_cpu_ms_per_request": 1000 * server_cpu / max(1, r["requests"]),
        "postgres_cpu_ms_per_request": 1000 * pg_cpu / max(1, r["requests"]),
        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def summarize(trials: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    summary = {}
    for key, rs in trials.items():
        summary[key] = {
            "rps_median": statistics.median(r["rps"] for r in rs),
            "rps_each": [round(r["rps"], 1) for r in rs],
            "p50_ms_median": statistics.median(r["p50_ms"] for r in rs),
            "p99_ms_median": statistics.median(r["p99_ms"] for r in rs),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in rs),
            "server_cpu_ms_per_request_median": statistics.median(r["server_cpu_ms_per_request"] for r in rs),
            "postgres_cpu_ms_per_request_median": statistics.median(r["postgres_cpu_ms_per_request"] for r in rs),
            "errors": sum(r["errors"] for r in rs),
        }
    return summary


def ratios(summary: dict[str, dict[str, Any]]) -> dict[str, float]:
    bare = summary["bare"]["rps_median"]
    out = {}
    for op in ("list", "create"):
        endpoint = summary[f"{op}/endpoint"]["rps_median"]
        out[f"{op}: endpoint/limit"] = endpoint / summary[f"{op}/limit"]["rps_median"]
        out[f"{op}: endpoint/bare"] = endpoint / bare
    return out


def print_table(workers: int, summary: dict[str, dict[str, Any]], rat: dict[str, float]) -> None:
    print(f"\n== {workers} worker(s) ==")
    head = f"{'target':<17}{'req/s (median)':>15}{'p50 ms':>9}{'p99 ms':>9}{'app CPU ms':>11}{'PG CPU ms':>10}"
    head += f"{'peak RSS MiB':>14}"
    head += f"{'errors':>8}"
    print(f"{head}  req/s each round")
    for key, s in summary.items():
        print(
            f"{key:<17}{s['rps_median']:>15.0f}{s['p50_ms_median']:>9.2f}{s['p99_ms_median']:>9.2f}"
            f"{s['server_cpu_ms_per_request_median']:>11.3f}{s['postgres_cpu_ms_per_request_median']:>10.3f}"
            f"{s['peak_rss_mib']:>14.1f}{s['errors']:>8}  {s['rps_each']}"
        )
    for k, v in rat.items():
        print(f"  {k:<24} {v:.3f}")
    print(f"  target (list endpoint >= 0.5 x limit): {'MET' if rat['list: endpoint/limit'] >= 0.5 else 'NOT MET'}")


def bench_workers(
    args: argparse.Namespace, wrk: str, env: dict[str, str], db_url: str, seed_: Seed, tmp: Path, workers: int
) -> dict[str, Any]:
    server = Server(env, workers, tmp / f"server-{workers}w.log")
    try:
        server.wait_ready()
        targets = make_targets(seed_, tmp)
        info = check_targets(server, targets, seed_)
        reset_posted_rows(db_url)
        by_key = {t.key: t for t in targets}
        # A, B, C alternating: (endpoint list, endpoint create), (limit list, limit create), bare.
        order = ["list/endpoint", "create/endpoint", "list/limit", "create/limit", "bare"]
        log(f"warm-up: {args.warmup}s per target")
        for key in order:
            run_trial(wrk, server, by_key[key], args.warmup, args.connections, args.threads, db_url)
            if key.startswith("create/"):
                reset_posted_rows(db_url)
        trials: dict[str, list[dict[str, Any]]] = {k: [] for k in order}
        for rnd in range(1, args.rounds + 1):
            for key in order:
                r = run_trial(wrk, server, by_key[key], args.duration, args.connections, args.threads, db_url)
                trials[key].append(r)
                log(
                    f"round {rnd} {key:<16} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms"
                    f"  CPU/req app {r['server_cpu_ms_per_request']:.3f} PG {r['postgres_cpu_ms_per_request']:.3f} ms"
                    f"  errors {r['errors']}"
                    f"  load {r['loadavg_1m']}"
                )
                if key.startswith("create/"):
                    reset_posted_rows(db_url)
        hwm = server.hwm_kib()
    except BaseException:
        server.stop()
        tail = (tmp / f"server-{workers}w.log").read_bytes()[-4000:].decode(errors="replace")
        log(f"failed; the server log ends with:\n{tail}")
        raise
    server.stop()
    summary = summarize(trials)
    rat = ratios(summary)
    print_table(workers, summary, rat)
    return {
        "workers": workers,
        "server_processes_vmhwm_mib": {str(p): round(v / 1024, 1) for p, v in hwm.items()},
        "server_vmhwm_total_mib": round(sum(hwm.values()) / 1024, 1),
        "check": info,
        "summary": summary,
        "ratios": rat,
        "trials": trials,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per trial")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", default="1", help="comma-separated server worker counts, e.g. 1,2")
    parser.add_argument("--no-redis", action="store_true", help="embedded adapters instead of Redis")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()

    wrk = ensure_wrk()
    wrk_version = subprocess.run([wrk, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    db_name = f"pmsaas_bench_{os.getpid()}"
    db_url = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": db_url,
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": generate_private_key(),
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",  # the run outlives the default 15 minutes
        # The limiter runs on every request (headers included) but never refuses: trials send far
        # more than a plan's hourly allowance.
        "PMSAAS_RATE_LIMIT_STANDARD": "1000000000",
    }
    if not args.no_redis:
        env["PMSAAS_REDIS_URL"] = REDIS_URL
    log(f"database {db_name}; redis {'off' if args.no_redis else REDIS_URL}; wrk: {wrk_version}")
    results: dict[str, Any] = {}
    create_database(db_name)
    seed_: Seed | None = None
    try:
        subprocess.run([str(VENV_BIN / "pmsaas"), "db", "upgrade"], env=env, check=True, cwd=ROOT)
        started = time.monotonic()
        seed_ = asyncio.run(seed(env))
        log(f"seeded 1 organization, 1 user, {N_PROPERTIES} properties in {time.monotonic() - started:.1f}s")
        runs = [bench_workers(args, wrk, env, db_url, seed_, tmp, int(w)) for w in args.workers.split(",")]
        results = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python", "bench/http_endpoints.py", *sys.argv[1:]]),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "wrk": wrk_version},
            "config": {
                "server": "granian limit_app:app (create_app + bench handlers)",
                "database": "PostgreSQL (local), fresh database",
                "redis": None if args.no_redis else REDIS_URL,
                "env": "production",
                "properties": N_PROPERTIES,
                "rounds": args.rounds,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "connections": args.connections,
                "wrk_threads": args.threads,
            },
            "runs": runs,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
        log(f"wrote {args.output}")
    finally:
        drop_database(db_name)
        if seed_ is not None and not args.no_redis:
            _forget_redis_keys(seed_)
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"dropped {db_name}")


def _forget_redis_keys(seed_: Seed) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        for key in client.scan_iter(match=f"pmsaas:rl:api:user:{seed_.user_id}:*", count=100):
            client.delete(key)
    finally:
        client.close()


if __name__ == "__main__":
    main()

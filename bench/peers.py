"""The property list next to two peers on the same rows (issue 15, item 2).

    .venv/bin/python bench/peers.py [--rounds 3 --duration 10 --connections 32 --warmup 3]

Peers (small apps in bench/peers/, each in its own virtualenv bench/.venvs/<peer>, created here from
bench/peers/<peer>/requirements.txt with pinned versions and reused while the pins are unchanged):

- ``fastapi_sqlmodel``: FastAPI + SQLModel as full-stack-fastapi-template writes its items list,
  served by ``uvicorn --workers 1`` (the template's ``fastapi run`` is uvicorn);
- ``litestar_aa``: Litestar + advanced-alchemy as litestar-fullstack writes a list, served by
  ``granian --workers 1`` (litestar-fullstack serves with litestar-granian).

Everything on 127.0.0.1: a fresh PostgreSQL database, migrated, seeded by http_endpoints.seed (one
organization, its owner, 10,000 properties, a real RS256 access token that all three servers verify);
ours is http_endpoints.Server (granian, 1 worker, ``PMSAAS_ENV=production``, Redis), serving
``GET /api/v1/properties?page_size=50``. Each server must answer 200 with 50 rows, the same ids on the
first page and the same total, before any load. Then a warm-up per server and ``--rounds`` rounds of
``wrk`` alternating ours / fastapi / litestar-aa (same Lua script as http_endpoints: method, bearer
header, latency summary). Reported per server: median req/s, p50/p99, the server's CPU ms per request,
PostgreSQL's CPU ms per request, and after the rounds each server's memory: VmHWM and Pss summed over
its process tree. Then the ratio ours / best peer (target: ≥ 3). Writes JSON to ``--output``; stops the
servers and drops the database, also on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from http_endpoints import (  # noqa: E402
    HOST,
    LUA_TEMPLATE,
    REDIS_URL,
    RESULTS,
    ROOT,
    VENV_BIN,
    Seed,
    Server,
    Target,
    _forget_redis_keys,
    create_database,
    drop_database,
    ensure_wrk,
    free_port,
    generate_private_key,
    log,
    process_tree,
    request,
    run_trial,
    seed,
    status_kib,
)
from memory import pss_kib  # noqa: E402

PEERS_DIR = BENCH_DIR / "peers"
VENVS = BENCH_DIR / ".venvs"
OURS = "ours"
PAGE = 50


# -- peers' virtualenvs and servers --------------------------------------------------------------


def peer_venv(peer: str) -> Path:
    """bench/.venvs/<peer> with the peer's pinned requirements (rebuilt when the pins change)."""
    requirements = PEERS_DIR / peer / "requirements.txt"
    pins = hashlib.sha256(requirements.read_bytes()).hexdigest()
    venv = VENVS / peer
    stamp = venv / "pins.sha256"
    if stamp.exists() and stamp.read_text() == pins:
        return venv
    log(f"creating {venv} from {requirements.relative_to(ROOT)}")
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
    stamp.write_text(pins)
    return venv


def peer_command(peer: str, venv: Path, port: int) -> list[str]:
    if peer == "fastapi_sqlmodel":
        return [str(venv / "bin/uvicorn"), "app:app", "--host", HOST, "--port", str(port), "--workers", "1"]
    return [
        *(str(venv / "bin/granian"), "--interface", "asgi", "--host", HOST, "--port", str(port)),
        *("--workers", "1", "--loop", "uvloop", "--no-access-log", "app:app"),
    ]


PEER_PATHS = {
    "fastapi_sqlmodel": f"/api/v1/properties/?skip=0&limit={PAGE}",
    "litestar_aa": f"/api/properties?currentPage=1&pageSize={PAGE}",
}


class PeerServer(Server):
    """A peer's server: started from its own virtualenv; readiness, memory and stopping as ours."""

    READY_PATH = "/health"

    def __init__(self, peer: str, venv: Path, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self._log = log_path.open("wb")
        cmd = peer_command(peer, venv, self.port)
        env = {k: v for k, v in env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        log(f"starting {peer}: {' '.join(cmd)}")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=PEERS_DIR / peer, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )


# -- checks and trials ---------------------------------------------------------------------------


def page_of(key: str, body: dict[str, Any]) -> tuple[list[str], int]:
    """The page's ids and the total, from each server's own envelope."""
    if key == OURS:
        return [p["id"] for p in body["data"]], int(body["meta"]["pagination"]["total_count"])
    if key == "fastapi_sqlmodel":
        return [p["id"] for p in body["data"]], int(body["count"])
    return [p["id"] for p in body["items"]], int(body["total"])


def check(servers: dict[str, Any], targets: dict[str, Target], seed_: Seed) -> dict[str, Any]:
    """Each server answers 200 with 50 rows; the ids of the first page and the total agree with ours."""
    info: dict[str, Any] = {}
    first: list[str] = []
    for key, server in servers.items():
        status, _headers, body = request("GET", server.base + targets[key].path, seed_.token)
        if status != 200:
            raise RuntimeError(f"{key}: HTTP {status} {body}")
        ids, total = page_of(key, body)
        if len(ids) != PAGE:
            raise RuntimeError(f"{key}: {len(ids)} rows, not {PAGE}")
        first = first or ids
        if ids != first:
            raise RuntimeError(f"{key}: its first page differs from ours")
        info[key] = {"rows": len(ids), "total": total, "response_bytes": len(json.dumps(body, separators=(",", ":")))}
    if len({v["total"] for v in info.values()}) != 1:
        raise RuntimeError(f"the totals differ: {info}")
    return info


def make_target(key: str, path: str, token: str, tmp: Path) -> Target:
    t = Target(key, "list", key, path, auth=True)
    lua = LUA_TEMPLATE.format(method='"GET"', body="nil", auth=f'wrk.headers["Authorization"] = "Bearer {token}"')
    t.script = tmp / f"{key}.lua"
    t.script.write_text(lua)
    return t


def memory_mib(server: Any) -> dict[str, Any]:
    pids = process_tree(server.proc.pid)
    hwm = sum(status_kib(p, "VmHWM") for p in pids)
    pss = sum(pss_kib(p) for p in pids)
    return {"processes": len(pids), "vmhwm_mib": round(hwm / 1024, 1), "pss_mib": round(pss / 1024, 1)}


def summarize(trials: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    out = {}
    for key, rs in trials.items():
        out[key] = {
            "rps_median": statistics.median(r["rps"] for r in rs),
            "rps_each": [round(r["rps"], 1) for r in rs],
            "p50_ms_median": statistics.median(r["p50_ms"] for r in rs),
            "p99_ms_median": statistics.median(r["p99_ms"] for r in rs),
            "server_cpu_ms_per_request_median": statistics.median(r["server_cpu_ms_per_request"] for r in rs),
            "postgres_cpu_ms_per_request_median": statistics.median(r["postgres_cpu_ms_per_request"] for r in rs),
            "errors": sum(r["errors"] for r in rs),
        }
    return out


def print_table(
    summary: dict[str, dict[str, Any]], memory: dict[str, dict[str, Any]], ratio: float, cpu_ratio: float
) -> None:
    print(
        "\n| server | req/s (median) | p50 ms | p99 ms | app CPU ms/req | PG CPU ms/req | processes | VmHWM MiB "
        "| Pss MiB | errors | req/s each round |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for key, s in summary.items():
        m = memory[key]
        print(
            f"| {key} | {s['rps_median']:,.0f} | {s['p50_ms_median']:.2f} | {s['p99_ms_median']:.2f} "
            f"| {s['server_cpu_ms_per_request_median']:.3f} | {s['postgres_cpu_ms_per_request_median']:.3f} "
            f"| {m['processes']} | {m['vmhwm_mib']} | {m['pss_mib']} | {s['errors']} | {s['rps_each']} |"
        )
    print(
        f"\nours / best peer (req/s): {ratio:.2f}, target >= 3: {'MET' if ratio >= 3 else 'NOT MET'}; "
        f"leanest peer's app CPU per request / ours: {cpu_ratio:.2f}"
    )


def bench(args: argparse.Namespace, wrk: str, env: dict[str, str], db_url: str, seed_: Seed, tmp: Path) -> dict:
    venvs = {peer: peer_venv(peer) for peer in PEER_PATHS}
    servers: dict[str, Any] = {}
    try:
        servers[OURS] = Server(env, 1, tmp / "ours.log")
        for peer, venv in venvs.items():
            servers[peer] = PeerServer(peer, venv, {**env, "PEER_DATABASE_URL": db_url}, tmp / f"{peer}.log")
        for server in servers.values():
            server.wait_ready()
        paths = {OURS: f"/api/v1/properties?page_size={PAGE}", **PEER_PATHS}
        targets = {k: make_target(k, paths[k], seed_.token, tmp) for k in servers}
        info = check(servers, targets, seed_)
        log(f"checked: {info}")
        log(f"warm-up: {args.warmup}s per server")
        for key, server in servers.items():
            run_trial(wrk, server, targets[key], args.warmup, args.connections, args.threads, db_url)
        trials: dict[str, list[dict[str, Any]]] = {k: [] for k in servers}
        for rnd in range(1, args.rounds + 1):
            for key, server in servers.items():
                r = run_trial(wrk, server, targets[key], args.duration, args.connections, args.threads, db_url)
                trials[key].append(r)
                log(
                    f"round {rnd} {key:<17} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms"
                    f"  CPU/req app {r['server_cpu_ms_per_request']:.3f} PG {r['postgres_cpu_ms_per_request']:.3f}"
                    f"  errors {r['errors']}  load {r['loadavg_1m']}"
                )
        memory = {k: memory_mib(s) for k, s in servers.items()}
    except BaseException:
        for key in servers:
            tail = (tmp / f"{key}.log").read_bytes()[-3000:].decode(errors="replace")
            log(f"{key}'s log ends with:\n{tail}")
        raise
    finally:
        for server in servers.values():
            server.stop()
    summary = summarize(trials)
    best_peer = max((k for k in summary if k != OURS), key=lambda k: summary[k]["rps_median"])
    ratio = summary[OURS]["rps_median"] / summary[best_peer]["rps_median"]
    # CPU per request moves less than req/s with what else the machine runs: the leanest peer's / ours.
    cpu = "server_cpu_ms_per_request_median"
    cpu_ratio = min(summary[k][cpu] for k in summary if k != OURS) / summary[OURS][cpu]
    print_table(summary, memory, ratio, cpu_ratio)
    return {
        "check": info,
        "summary": summary,
        "memory_after_rounds": memory,
        "best_peer": best_peer,
        "ratio_ours_to_best_peer": ratio,
        "ratio_leanest_peer_cpu_to_ours": cpu_ratio,
        "trials": trials,
    }


def pins() -> dict[str, list[str]]:
    out = {}
    for peer in PEER_PATHS:
        lines = (PEERS_DIR / peer / "requirements.txt").read_text().splitlines()
        out[peer] = [ln for ln in lines if ln and not ln.startswith("#")]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per trial")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per server")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--output", type=Path, default=RESULTS / "peers.json")
    args = parser.parse_args()

    wrk = ensure_wrk()
    db_name = f"pmsaas_bench_peers_{os.getpid()}"
    db_url = f"postgresql://postgres@127.0.0.1:5432/{db_name}"
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-peers-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_")},
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": db_url,
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": generate_private_key(),
        "PMSAAS_ACCESS_TOKEN_TTL_SECONDS": "86400",
        "PMSAAS_RATE_LIMIT_STANDARD": "1000000000",
        "PMSAAS_REDIS_URL": REDIS_URL,
    }
    log(f"database {db_name}")
    create_database(db_name)
    seed_: Seed | None = None
    try:
        subprocess.run([str(VENV_BIN / "pmsaas"), "db", "upgrade"], env=env, check=True, cwd=ROOT)
        seed_ = asyncio.run(seed(env))
        log("seeded 1 organization, 1 user, 10,000 properties")
        load = os.getloadavg()[0]
        run = bench(args, wrk, env, db_url, seed_, tmp)
        results = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([".venv/bin/python", "bench/peers.py", *sys.argv[1:]]),
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "loadavg_1m": [round(load, 2), round(os.getloadavg()[0], 2)],
            "config": {
                "rounds": args.rounds,
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "connections": args.connections,
                "wrk_threads": args.threads,
                "peer_pins": pins(),
            },
            **run,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
        log(f"wrote {args.output}")
    finally:
        drop_database(db_name)
        if seed_ is not None:
            _forget_redis_keys(seed_)
        shutil.rmtree(tmp, ignore_errors=True)
        log(f"dropped {db_name}")


if __name__ == "__main__":
    main()

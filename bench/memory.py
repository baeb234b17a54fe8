"""Memory of ``pmsaas serve`` per process: granian's main (supervisor) process and each worker.

    .venv/bin/python bench/memory.py --workers 1,2
    .venv/bin/python bench/memory.py --workers 1,2 --src /tmp/base/src   # another checkout's code
    .venv/bin/python bench/memory.py --workers 1,2 --deployed            # as `pip install .` deploys it

Starts the real command (``pmsaas serve``, granian) with ``PMSAAS_ENV=production`` on a scratch SQLite
database (migrated with the same code), waits for ``/health/ready``, sends a few hundred light requests
(readiness, JWKS, a refused list) so every worker has served, waits a second, then reads for every process
of the server's tree ``VmHWM`` and ``VmRSS`` (``/proc/<pid>/status``) and ``Pss`` (``smaps_rollup``: shared
pages divided between the processes sharing them, so the column adds up). Prints one table per worker
count, stops the server, removes the scratch directory. Only 127.0.0.1; no PostgreSQL or Redis needed.

``--deployed`` runs the server from a virtualenv of its own (``bench/.venvs/deployed``, made on first use
with ``pip install .``: the package and its runtime dependencies only). The development virtualenv also
holds the test tools, and some libraries import what they find: dependency-injector loads pydantic-settings
(and with it pydantic) and werkzeug when they are installed, which only schemathesis and the OpenAPI
validators of the test suite bring. A deployment has none of them, so its workers are smaller.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent
DEPLOYED_VENV = BENCH_DIR / ".venvs" / "deployed"
HOST = "127.0.0.1"

sys.path.insert(0, str(BENCH_DIR))
from http_endpoints import free_port, generate_private_key, process_tree, status_kib  # noqa: E402


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            r.read()
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except OSError:
        return 0


def deployed_venv() -> Path:
    """``pip install .`` (no extras) into bench/.venvs/deployed, reinstalled on every run so the code is
    this checkout's; its bin directory."""
    if not (DEPLOYED_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(DEPLOYED_VENV)], check=True)
    pip = [str(DEPLOYED_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "--force-reinstall", "--no-deps", str(ROOT)], check=True)
    subprocess.run([*pip, str(ROOT)], check=True)
    return DEPLOYED_VENV / "bin"


def measure(
    env: dict[str, str], workers: int, requests: int, log_path: Path, bin_dir: Path = VENV_BIN
) -> list[dict[str, int | str]]:
    port = free_port()
    base = f"http://{HOST}:{port}"
    cmd = [str(bin_dir / "pmsaas"), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while get(f"{base}/health/ready") != 200:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {log_path}")
                time.sleep(0.3)
            for _ in range(requests):  # light requests, spread over the workers by the kernel
                get(f"{base}/health/ready")
                get(f"{base}/.well-known/jwks.json")
                get(f"{base}/api/v1/properties")  # 401: authentication runs
            time.sleep(1.0)
            rows: list[dict[str, int | str]] = []
            for pid in process_tree(proc.pid):
                role = "main (pmsaas serve)" if pid == proc.pid else "worker"
                rows.append(
                    {
                        "role": role,
                        "pid": pid,
                        "hwm": status_kib(pid, "VmHWM"),
                        "rss": status_kib(pid, "VmRSS"),
                        "pss": pss_kib(pid),
                    }
                )
            return rows
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--requests", type=int, default=200, help="rounds of 3 light requests after start")
    parser.add_argument("--src", help="put this src/ first on PYTHONPATH (measure another checkout's code)")
    parser.add_argument("--deployed", action="store_true", help="serve from `pip install .` in bench/.venvs/deployed")
    args = parser.parse_args()
    bin_dir = deployed_venv() if args.deployed else VENV_BIN
    tmp = Path(tempfile.mkdtemp(prefix="pmsaas-memory-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PMSAAS_") and k != "PYTHONPATH"},
        "PMSAAS_ENV": "production",
        "PMSAAS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'memory.sqlite3'}",
        "PMSAAS_VAR_DIR": str(tmp / "var"),
        "PMSAAS_JWT_PRIVATE_KEY": generate_private_key(),
    }
    if args.src:
        env["PYTHONPATH"] = str(Path(args.src).resolve())
    try:
        where = subprocess.run(
            [str(bin_dir / "python"), "-c", "import pmsaas; print(pmsaas.__file__)"],
            env=env,
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"code: {where}", flush=True)
        subprocess.run([str(bin_dir / "pmsaas"), "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        load = os.getloadavg()[0]
        for workers in [int(w) for w in args.workers.split(",")]:
            rows = measure(env, workers, args.requests, tmp / f"server-{workers}.log", bin_dir)
            print(f"\n{workers} worker(s), load average at start {load:.1f}, now {os.getloadavg()[0]:.1f}")
            print("| process | VmHWM MiB | VmRSS MiB | Pss MiB |")
            print("|---|---:|---:|---:|")
            for row in rows:
                mib = [f"{int(row[k]) / 1024:.1f}" for k in ("hwm", "rss", "pss")]
                print(f"| {row['role']} | {' | '.join(mib)} |")
            total = sum(int(r["pss"]) for r in rows)
            print(f"| **tree, Pss summed** | | | **{total / 1024:.1f}** |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

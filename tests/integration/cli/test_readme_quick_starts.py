"""The README's "first month" blocks, run as a new user would paste them: bash + curl against a
real server (`pmsaas serve`) on a fresh database; only the port is changed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PMSAAS = Path(sys.executable).with_name("pmsaas")


def _block(heading: str) -> str:
    readme = (ROOT / "README.md").read_text()
    after = readme[readme.index(heading) :]
    return re.search(r"```sh\n(.*?)```", after, re.S).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("quickstart")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PMSAAS_DATABASE_URL": f"sqlite:///{tmp / 'qs.sqlite3'}", "PMSAAS_VAR_DIR": str(tmp)}
    env["PMSAAS_LOG_LEVEL"] = "WARNING"
    subprocess.run([PMSAAS, "db", "upgrade"], env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [PMSAAS, "serve", "--port", str(port), "--server", "uvicorn"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=1) as ready:
                    if ready.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _run(block: str, port: int) -> str:
    assert shutil.which("curl"), "curl is needed (Debian package curl)"
    script = "set -euo pipefail\n" + block.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    return done.stdout


def test_india_a_month_of_a_mumbai_commercial_lease(server: int):
    out = _run(_block("### India: a commercial lease in Mumbai"), server)
    assert "\npaid\n" in out and "\nTrue\n" in out, out
    assert '"27AAPFU0939F1ZV"' in out or "27AAPFU0939F1ZV" in out or '"cgst"' in out.lower(), out
    assert "18000.00" in out  # GST on the rent, in the return
    assert "10000.00" in out  # the TDS the tenant withheld, in the TDS report


def test_canada_a_month_of_a_toronto_commercial_lease(server: int):
    out = _run(_block("### Canada: a commercial lease in Toronto"), server)
    assert "\npaid\n" in out and "\nTrue\n" in out, out
    assert "546.00" in out  # HST 13 % of 4,200.00, in the return

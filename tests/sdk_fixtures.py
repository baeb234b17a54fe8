"""(A plugin of tests/conftest.py, not a conftest of tests/integration/sdks: a second module named
``conftest`` would shadow the suite's own for ``from conftest import ...``.)

A live server with the demo data, and the two SDKs installed from the repository as a user would.

The server (`pmsaas serve` on a free port, `pmsaas seed-demo` on a scratch database) runs once per
backend (SQLite, and PostgreSQL when PMSAAS_TEST_DATABASE_URL is set). The SDKs are installed once
per session: the Python one with `pip install` into a folder, the TypeScript one with `npm ci` (which
compiles it) in a copy of `sdks/typescript`, then `npm install` of that copy into an empty project.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pmsaas.container import scratch_database

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_URL = os.environ.get("PMSAAS_TEST_DATABASE_URL")
SANDBOX_ADMIN = {"email": "admin@sandbox.propertymgmt.com", "password": "admin123"}


@dataclass(frozen=True)
class Live:
    base_url: str
    token: str  # the sandbox admin's access token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(url: str, body: dict[str, object], token: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["data"]  # type: ignore[no-any-return]


def _wait_ready(base_url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/health/ready", timeout=1) as ready:
                if ready.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@pytest.fixture(scope="package", params=["sqlite"] + (["postgres"] if PG_URL else []))
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    var = tmp_path_factory.mktemp("sdk-server")
    with scratch_database(PG_URL if request.param == "postgres" else "sqlite://") as url:  # type: ignore[arg-type]
        port = _free_port()
        # Its own origin is the public base URL: the browser examples open /ws from a page served there.
        env = {**os.environ, "PMSAAS_DATABASE_URL": url, "PMSAAS_VAR_DIR": str(var), "PMSAAS_LOG_LEVEL": "WARNING"}
        env["PMSAAS_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([BIN / "pmsaas", *command], env=env, check=True, capture_output=True)
        process = subprocess.Popen(
            # granian, the default server (uvicorn serves /ws as well: tests/integration/cli/test_serve_websocket.py)
            [BIN / "pmsaas", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_ready(base_url, process)
            token = _post(f"{base_url}/api/v1/identity/login", SANDBOX_ADMIN)["access_token"]
            yield Live(base_url=base_url, token=str(token))
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def python_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install sdks/python` into a folder, built with the test environment's setuptools: nothing
    is downloaded (CI also runs the suite with the clock two years ahead, where TLS would fail)."""
    target = tmp_path_factory.mktemp("python-sdk")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT / "sdks" / "python")],
        check=True, capture_output=True, cwd=tmp_path_factory.getbasetemp(), timeout=120,
    )  # fmt: skip
    assert (target / "propertymgmt" / "py.typed").is_file()
    return target


def _npm(*args: str, cwd: Path) -> None:
    npm = shutil.which("npm")
    assert npm, "npm is needed (Node 20)"
    # --prefer-offline: the npm cache answers when it can (CI runs the suite with the clock moved too)
    command = [npm, *args, "--no-audit", "--no-fund", "--prefer-offline"]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"npm {' '.join(args)}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session")
def typescript_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of sdks/typescript after `npm ci` (typescript only; `prepare` compiles with tsc)."""
    copy = tmp_path_factory.mktemp("ts") / "js-sdk"
    shutil.copytree(ROOT / "sdks" / "typescript", copy, ignore=shutil.ignore_patterns("node_modules", "dist"))
    _npm("ci", cwd=copy)
    assert (copy / "dist" / "index.js").is_file()
    return copy


@pytest.fixture(scope="session")
def js_project(tmp_path_factory: pytest.TempPathFactory, typescript_sdk: Path) -> Path:
    """An empty ES module project that ran `npm install <the SDK>`, as the seed's example expects."""
    project = tmp_path_factory.mktemp("js-project")
    (project / "package.json").write_text(json.dumps({"name": "seed-example", "private": True, "type": "module"}))
    _npm("install", str(typescript_sdk), cwd=project)
    assert (project / "node_modules" / "@propertymgmt" / "js-sdk" / "package.json").exists()
    return project

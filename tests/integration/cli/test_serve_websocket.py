"""`pmsaas serve` serves the WebSocket endpoint with either server it offers (README: `--server
granian|uvicorn`): uvicorn needs a WebSocket library, which the package depends on (`websockets`);
without one uvicorn answers every upgrade with a plain 404 and `/ws` never opens."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect

BIN = Path(__file__).resolve().parents[3] / ".venv" / "bin"
ADMIN = {"email": "admin@sandbox.propertymgmt.com", "password": "admin123"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _login(base: str) -> str:
    body = json.dumps(ADMIN).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/identity/login", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(json.load(answer)["data"]["access_token"])


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PMSAAS_DATABASE_URL": f"sqlite:///{tmp_path / 'pmsaas.sqlite3'}",
        "PMSAAS_VAR_DIR": str(tmp_path / "var"),
        "PMSAAS_LOG_LEVEL": "WARNING",
    }
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([BIN / "pmsaas", *command], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [BIN / "pmsaas", "serve", "--port", str(port), "--server", request.param],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert server.poll() is None, f"pmsaas serve --server {request.param} exited with {server.returncode}"
            try:
                with urllib.request.urlopen(f"{base}/health/ready", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.mark.parametrize("served", ["granian", "uvicorn"], indirect=True)
def test_the_websocket_opens_and_authenticates_on_either_server(served: str):
    token = _login(served)
    with connect(served.replace("http://", "ws://") + "/ws", open_timeout=10) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        answer = json.loads(ws.recv(timeout=10))
    assert answer["type"] == "connected", answer

"""The explorer at /schema renders the API in a real browser: headless Chromium against a real server.

Swagger UI renders the operations progressively after the page's load event, so a one-shot
``--dump-dom`` sees only the first few (and under ``--virtual-time-budget`` the rendering stalls).
The test drives Chromium over ``--remote-debugging-pipe`` instead (the DevTools protocol on two
file descriptors, nothing but the standard library) and waits until the operations are on the page.
CI installs Chromium (.ci/run); without it this test fails rather than skips.
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
from pathlib import Path
from typing import Any

import pytest


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    pytest.fail("headless Chromium is needed for the explorer test: apt-get install -y chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies out), NUL-separated."""

    def __init__(self, profile: Path) -> None:
        to_chrome, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome = os.pipe()

        def wire_fds() -> None:  # in the child: its fd 3 reads our commands, its fd 4 writes the replies
            high_in, high_out = os.dup(to_chrome), os.dup(from_chrome)  # neither may be 3 or 4 already
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run"]
        self.process = subprocess.Popen(
            [chromium(), *args, f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=wire_fds,
            pass_fds=(3, 4),  # kept open through exec (the wiring runs before the other fds close)
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                assert "error" not in reply, reply
                return reply["result"]

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            assert chunk, "Chromium closed the DevTools pipe"
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.navigate", url=url)

    def evaluate(self, expression: str) -> Any:
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture
def server(tmp_path: Path) -> Any:
    """The real ASGI app under uvicorn on a free loopback port, over a scratch SQLite file."""
    port = free_port()
    env = {**os.environ, "PMSAAS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'explorer.sqlite3'}"}
    env.pop("PMSAAS_REDIS_URL", None)
    pmsaas = Path(sys.executable).with_name("pmsaas")
    subprocess.run([pmsaas, "db", "upgrade"], cwd=tmp_path, env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "pmsaas.entrypoints.http.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=tmp_path,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 45
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1):
                break
        except OSError:
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


AUTH_DIALOG = "[...document.querySelectorAll('.auth-container')].map(e => e.innerText)"
COUNT = "[document.querySelectorAll('.opblock').length, document.body.innerText.includes('Unable to render')]"


def test_the_explorer_renders_every_operation_in_headless_chromium(server: str, tmp_path: Path) -> None:
    with urllib.request.urlopen(f"{server}/schema/openapi.json") as r:
        spec = json.load(r)
    operations = sum(
        1 for item in spec["paths"].values() for method in item if method in {"get", "post", "put", "patch", "delete"}
    )
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(f"{server}/schema")
        deadline = time.monotonic() + 45
        rendered, failed = 0, False
        while time.monotonic() < deadline:
            rendered, failed = browser.evaluate(COUNT) or (0, False)
            if failed or rendered >= operations:
                break
            time.sleep(0.25)
        text = browser.evaluate("document.body.innerText")
        paths = browser.evaluate("[...document.querySelectorAll('.opblock-summary-path')].map(e => e.dataset.path)")
        browser.evaluate("document.querySelector('.btn.authorize').click()")
        schemes: list[str] = []
        while time.monotonic() < deadline and len(schemes) < 2:
            time.sleep(0.1)
            schemes = browser.evaluate(AUTH_DIALOG) or []
    finally:
        browser.close()
    assert not failed, text[:2000]
    assert "Unable to render" not in text
    assert rendered >= operations, (rendered, operations)  # an operation under two tags shows twice
    assert "/api/v1/properties" in paths and "/v1/tickets" in paths
    # "Authorize" asks for both credentials the API takes: a bearer token and an API key.
    assert any("BearerToken" in s and "http, Bearer" in s for s in schemes), schemes
    assert any("ApiKey" in s and "X-API-Key" in s for s in schemes), schemes

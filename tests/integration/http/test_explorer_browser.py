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
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from browser_support import Browser, free_port


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

"""Every curl, Python and JavaScript example of the API documents, run against a local server.

The examples are checked in verbatim under tests/seed_examples/; only the host and the credentials
are substituted here (``ADAPT``). The ticketing API document has no curl, Python or JavaScript
example (only HTTP request and response listings), so every example comes from the platform one.
Two of its JavaScript examples are not run as written: ``000_javascript_websocket.mjs`` and
``000_javascript_sse.mjs`` open ``/ws`` and ``/api/v1/events`` without credentials (the API admits a
socket by its first message and a stream by its Authorization header, docs/realtime.md) and need a
browser's WebSocket and EventSource, which Node 20 lacks; the streams themselves are tested in
tests/integration/http/platform/test_realtime_sse.py and test_realtime_ws.py.
``test_every_example_is_run_or_listed_as_not_served`` keeps that list honest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "tests" / "seed_examples"
CURL = ["000_curl_login.sh", "000_curl_use_token.sh", "000_curl_get_properties.sh", "000_curl_create_property.sh"]
RUN = [*CURL, "000_python_sdk.py", "000_javascript_sdk.mjs"]
NOT_SERVED = {"000_javascript_websocket.mjs", "000_javascript_sse.mjs"}


def adapt(text: str, base_url: str, token: str, api_key: str | None = None) -> str:
    """Host and credentials only: the sandbox admin's access token for the curl examples, a real API
    key (scopes ``property:read`` and ``property:create``, made by the admin) for the SDK examples."""
    for seed, local in (
        ("https://api.propertymgmt.com", base_url),  # curl host
        ("environment='production'", f"environment='{base_url}'"),  # Python SDK host
        ("environment: 'production'", f"environment: '{base_url}'"),  # JavaScript SDK host
        ("user@example.com", "admin@sandbox.propertymgmt.com"),  # the sandbox users of the document
        ("password123", "admin123"),
        ("YOUR_JWT_TOKEN", token),
        ("your_api_key", api_key or token),
    ):
        text = text.replace(seed, local)
    assert "propertymgmt.com/api" not in text and "YOUR_" not in text and "your_api_key" not in text
    return text


def _api_key(live) -> str:  # type: ignore[no-untyped-def]
    """What the SDK examples' ``api_key`` stands for: a key that may list and create properties."""
    body = {"name": "Seed example", "scopes": ["property:read", "property:create"]}
    request = urllib.request.Request(
        f"{live.base_url}/api/v1/identity/api-keys",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live.token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        key: str = json.load(answer)["data"]["key"]
    assert key.startswith("pmk_")
    return key


def test_every_example_is_run_or_listed_as_not_served():
    assert {p.name for p in EXAMPLES.iterdir()} == {*RUN, *NOT_SERVED}


@pytest.mark.parametrize("example", CURL)
def test_curl_example(live, example: str):  # type: ignore[no-untyped-def]
    assert shutil.which("curl"), "curl is needed (Debian package curl)"
    script = adapt((EXAMPLES / example).read_text(), live.base_url, live.token)
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["success"] is True, answer
    if example == "000_curl_login.sh":
        assert answer["data"]["token_type"] == "Bearer" and answer["data"]["access_token"]
    if example == "000_curl_get_properties.sh":
        assert answer["meta"]["pagination"]["page_size"] == 20 and answer["data"]
    if example == "000_curl_create_property.sh":
        assert answer["data"]["name"] == "Sunset Apartments"
        assert answer["data"]["address"]["postal_code"] == "V6B 1A1"


def test_python_sdk_example(live, python_sdk: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    example = tmp_path / "example.py"
    # the harness prints what the example made; the example itself is unchanged
    report = "\nimport json; print(json.dumps({'listed': len(properties.data), 'created': property}))\n"
    example.write_text(
        adapt((EXAMPLES / "000_python_sdk.py").read_text(), live.base_url, live.token, _api_key(live)) + report
    )
    done = subprocess.run(
        [sys.executable, example], env={**os.environ, "PYTHONPATH": str(python_sdk)}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["listed"] >= 2
    assert made["created"]["name"] == "Sunset Apartments" and made["created"]["address"]["province"] == "BC"


def test_javascript_sdk_example(live, js_project: Path):  # type: ignore[no-untyped-def]
    example = js_project / "example.mjs"
    report = "\nconsole.log(JSON.stringify({ listed: properties.data.length, created: property }));\n"
    example.write_text(
        adapt((EXAMPLES / "000_javascript_sdk.mjs").read_text(), live.base_url, live.token, _api_key(live)) + report
    )
    done = subprocess.run(["node", example.name], cwd=js_project, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["listed"] >= 2
    assert made["created"]["name"] == "Sunset Apartments" and made["created"]["address"]["postalCode"] == "V6B 1A1"

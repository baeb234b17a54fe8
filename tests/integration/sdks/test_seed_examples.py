"""Every curl, Python and JavaScript example of the API documents, run against a local server.

The examples are checked in verbatim under tests/seed_examples/; only the host and the credentials
are substituted here (``ADAPT``). The ticketing API document has no curl, Python or JavaScript
example (only HTTP request and response listings), so every example comes from the platform one.
The two browser examples, ``000_javascript_websocket.mjs`` and ``000_javascript_sse.mjs``, run in
headless Chromium on a page of the server's own origin: the page first obtains the real-time cookie
as a browser application does (``POST /api/v1/events/session`` with its token, docs/realtime.md),
then runs both snippets as written (only the WebSocket's host changed), and the test makes a
maintenance request and a payment over HTTP and reads what the snippets' handlers received.
``test_every_example_is_run`` keeps the list honest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from browser_support import Browser

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "tests" / "seed_examples"
CURL = ["000_curl_login.sh", "000_curl_use_token.sh", "000_curl_get_properties.sh", "000_curl_create_property.sh"]
BROWSER = ["000_javascript_websocket.mjs", "000_javascript_sse.mjs"]
RUN = [*CURL, "000_python_sdk.py", "000_javascript_sdk.mjs", *BROWSER]


def adapt(text: str, base_url: str, token: str, api_key: str | None = None) -> str:
    """Host and credentials only: the sandbox admin's access token for the curl examples, a real API
    key (scopes ``property:read`` and ``property:create``, made by the admin) for the SDK examples."""
    for seed, local in (
        ("https://api.propertymgmt.com", base_url),  # curl host
        ("wss://api.propertymgmt.com", base_url.replace("http://", "ws://", 1)),  # WebSocket host
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


def test_every_example_is_run():
    assert {p.name for p in EXAMPLES.iterdir()} == set(RUN)


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


# What the page defines before the examples run: the handlers the snippets call (the document leaves
# them to the application) record what they receive; then it obtains the real-time cookie as a
# browser application does, with the access token it holds (in memory, never in a URL).
PAGE_HANDLERS = """
window.received = {sse: [], maintenance: [], payments: [], notifications: []};
window.handleRealTimeUpdate = (update) => received.sse.push(update);
window.handleMaintenanceUpdate = (update) => received.maintenance.push(update);
window.handlePaymentUpdate = (data) => received.payments.push(data);
window.handleNotification = (data) => received.notifications.push(data);
"""
OPEN_SESSION = """
fetch('/api/v1/events/session', {method: 'POST', headers: {Authorization: 'Bearer %s'}})
  .then(async (r) => [r.status, document.cookie, await r.json()])
"""


def _call(live: Any, method: str, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
    request = urllib.request.Request(
        f"{live.base_url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {live.token}", **headers},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["data"]


def test_the_browser_examples_receive_maintenance_and_payment_updates_in_chromium(live, tmp_path: Path):  # type: ignore[no-untyped-def]
    lease = next(x for x in _call(live, "GET", "/api/v1/leases?page_size=100") if x["status"] == "active")
    snippets = [adapt((EXAMPLES / name).read_text(), live.base_url, live.token) for name in BROWSER]
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(f"{live.base_url}/schema")  # a page of the server's origin (the explorer: connect-src 'self')
        browser.wait_for(f"document.readyState !== 'loading' && location.origin === '{live.base_url}'", seconds=45)
        browser.run(PAGE_HANDLERS)
        status, visible, session = browser.run(OPEN_SESSION % live.token)
        assert status == 201 and session["data"]["paths"] == ["/api/v1/events", "/ws"], session
        assert "pmsaas_stream" not in visible  # HttpOnly: no script can read the handle
        for snippet in snippets:
            browser.run(snippet)  # as written: no token in the code, the cookie goes by itself
        # Both streams are open (the socket was admitted by its cookie: no auth message was sent).
        browser.wait_for("eventSource.readyState === EventSource.OPEN")
        browser.run("ws.addEventListener('close', (e) => { received.closed = [e.code, e.reason]; })")
        browser.wait_for("ws.readyState === WebSocket.OPEN || received.closed")
        time.sleep(1.0)  # let both subscribe before the events
        assert not browser.evaluate("received.closed"), browser.evaluate("received.closed")
        request = {"title": "Leaking tap", "description": "The kitchen tap drips", "priority": "high"}
        request |= {"category": "plumbing", "property_id": lease["property_id"], "unit_id": lease["unit_id"]}
        made = _call(live, "POST", "/api/v1/operations/maintenance-requests", request)
        payment = {"lease_id": lease["id"], "amount": {"amount": "10.00", "currency": lease["rent"]["currency"]},
                   "method": "bank_transfer", "reference": "Seed example"}  # fmt: skip
        paid = _call(live, "POST", "/api/v1/financial/payments", payment, **{"Idempotency-Key": str(uuid.uuid4())})
        got = browser.wait_for(
            "received.payments.length && received.maintenance.filter(m => !m.type).length"
            " && received.maintenance.filter(m => m.type).length && received.sse.length && received",
            seconds=30,
        )
    finally:
        browser.close()
    from_socket = [m for m in got["maintenance"] if "type" not in m]  # the WebSocket's switch passes update.data
    from_named_event = [m for m in got["maintenance"] if "type" in m]  # SSE addEventListener('maintenance')
    assert any(m["maintenance_request_id"] == made["id"] for m in from_socket), got
    assert all(m["type"] == "maintenance_update" for m in from_named_event), got
    assert any(m["data"]["maintenance_request_id"] == made["id"] for m in from_named_event), got
    assert any(p["payment_id"] == paid["id"] for p in got["payments"]), got  # WebSocket: payment_received
    # SSE onmessage: the default event carries payment_received (maintenance goes to the named event)
    assert any(u["type"] == "payment_received" and u["data"]["payment_id"] == paid["id"] for u in got["sse"]), got

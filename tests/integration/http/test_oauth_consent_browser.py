"""The OAuth consent page in headless Chromium against a real server: load it, sign in, allow, land
on the client's redirect URI with a code and the state; the code then buys a token that reads
/v1/tickets. The browser and server helpers are the explorer test's."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from test_explorer_browser import Browser, server  # noqa: F401  (a fixture used by name)


def call(method: str, url: str, body: Any = None, token: str | None = None, form: bool = False) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded" if form else "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def wait_for(browser: Browser, expression: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = browser.evaluate(expression)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {expression}: {browser.evaluate('document.body.innerText')!r}")


def test_the_consent_page_signs_in_and_sends_a_code_back(server: str, tmp_path: Path) -> None:  # noqa: F811
    email, password = f"owner-{secrets.token_hex(4)}@example.com", "correct horse battery"
    status, _ = call(
        "POST",
        f"{server}/api/v1/identity/register",
        {"email": email, "password": password, "name": "Olivia Owner", "organization_name": "Acme"},
    )
    assert status == 201
    _, login = call("POST", f"{server}/api/v1/identity/login", {"email": email, "password": password})
    owner = login["data"]["access_token"]
    callback = f"{server}/oauth-test-callback"
    status, client = call(
        "POST",
        f"{server}/api/v1/identity/oauth-clients",
        {"name": "Helpdesk Sync", "redirect_uris": [callback], "scopes": ["tickets:read"]},
        owner,
    )
    assert status == 201, client
    client = client["data"]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client["client_id"],
            "redirect_uri": callback,
            "scope": "tickets:read",
            "state": "browser-state",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(f"{server}/oauth/authorize?{query}")
        heading = wait_for(browser, "document.querySelector('h1') && document.querySelector('h1').innerText")
        assert "Helpdesk Sync" in heading
        assert "tickets:read" in browser.evaluate("document.getElementById('scopes').innerText")
        # a wrong password first: the page says so and stays
        browser.evaluate(
            f"document.getElementById('email').value = {json.dumps(email)};"
            "document.getElementById('password').value = 'not the password';"
            "document.getElementById('allow').click();"
        )
        error = wait_for(browser, "document.getElementById('error') && document.getElementById('error').innerText")
        assert "Invalid e-mail or password" in error
        browser.evaluate(
            f"document.getElementById('email').value = {json.dumps(email)};"
            f"document.getElementById('password').value = {json.dumps(password)};"
            "document.getElementById('allow').click();"
        )
        landed = wait_for(browser, f"location.href.startsWith({json.dumps(callback)}) && location.href")
    finally:
        browser.close()
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(landed).query))
    assert answer["state"] == "browser-state" and answer["code"]
    assert password not in landed and "access_token" not in landed  # no secrets in the URL but the code

    basic = base64.b64encode(f"{client['client_id']}:{client['client_secret']}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": answer["code"], "redirect_uri": callback}
    request = urllib.request.Request(
        f"{server}/oauth/token",
        data=urllib.parse.urlencode({**form, "code_verifier": verifier}).encode(),
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        tokens = json.loads(r.read())
    status, tickets = call("GET", f"{server}/v1/tickets", token=tokens["access_token"])
    assert status == 200, tickets

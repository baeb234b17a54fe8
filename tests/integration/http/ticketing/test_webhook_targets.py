"""Webhook targets reach the public internet only (issue 11): the numeric spellings of loopback, bare
names and names that resolve to private ranges are refused. Names resolve through the suite's fake
resolver (tests/fakes/network.py), so the answers are fixed."""

from __future__ import annotations

import pytest

WEBHOOK = {"events": ["ticket.created"], "secret": "a-signing-secret-of-16+"}

REFUSED = [
    "http://2130706433/",  # 127.0.0.1 as one decimal number
    "http://127.1/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://0x7f000001/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://intranet/",  # a bare name
    "http://localhost./",
    "http://127.0.0.1.nip.io/",
    "http://10.0.0.1.nip.io/hook",
    "https://intranet.example.com/hook",
    "https://mixed.example.com/hook",  # one private answer is enough
    "https://v6-loopback.example.com/",
    "https://does-not-resolve.example.com/",
]


@pytest.mark.parametrize("url", REFUSED)
async def test_private_targets_are_refused(api, owner, url):
    r = await api.post("/v1/webhooks", owner.token, json={**WEBHOOK, "url": url})
    assert r.status_code == 422, (url, r.text)
    assert "url" in r.json()["error"]["details"], r.text


@pytest.mark.parametrize("url", ["https://hooks.example.com/ticketing", "http://93.184.215.14:8080/x"])
async def test_public_targets_are_kept(api, owner, url):
    r = await api.post("/v1/webhooks", owner.token, json={**WEBHOOK, "url": url})
    assert r.status_code == 201, r.text

"""Webhook targets reach the public internet only (issue 11): the numeric spellings of loopback, bare
names and names that resolve to private ranges are refused. Names resolve through the suite's fake
resolver (tests/fakes/network.py), so the answers are fixed."""

from __future__ import annotations

import pytest

from fakes.network import PRIVATE_TARGETS as REFUSED

WEBHOOK = {"events": ["ticket.created"], "secret": "a-signing-secret-of-16+"}


@pytest.mark.parametrize("url", REFUSED)
async def test_private_targets_are_refused(api, owner, url):
    r = await api.post("/v1/webhooks", owner.token, json={**WEBHOOK, "url": url})
    assert r.status_code == 422, (url, r.text)
    assert "url" in r.json()["error"]["details"], r.text


@pytest.mark.parametrize("url", ["https://hooks.example.com/ticketing", "http://93.184.215.14:8080/x"])
async def test_public_targets_are_kept(api, owner, url):
    r = await api.post("/v1/webhooks", owner.token, json={**WEBHOOK, "url": url})
    assert r.status_code == 201, r.text

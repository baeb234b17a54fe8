"""Absolute URLs on /v1 come from PMSAAS_PUBLIC_BASE_URL, never from the Host header (issue 11): a
caller must not be able to plant its own origin in links other clients follow."""

from __future__ import annotations

from ops_support import make_place, make_ticket

EVIL = {"Host": "evil.example"}


def _origin(api) -> str:
    return api.container.settings().public_base_url.rstrip("/")


async def test_pagination_links_ignore_the_host_header(api, owner):
    place = await make_place(api, owner)
    for _ in range(2):
        await make_ticket(api, owner.token, place)
    r = await api.get("/v1/tickets?per_page=1", owner.token, headers=EVIL)
    assert r.status_code == 200, r.text
    nxt = r.json()["meta"]["pagination"]["links"]["next"]
    assert nxt.startswith(f"{_origin(api)}/v1/tickets?") and "evil" not in nxt, nxt


async def test_attachment_urls_ignore_the_host_header(api, owner):
    place = await make_place(api, owner)
    t = await make_ticket(api, owner.token, place)
    url = f"/v1/tickets/{t['id']}"
    files = {"file": ("a.pdf", b"%PDF-1.4 x", "application/pdf")}
    r = await api.post(f"{url}/attachments", owner.token, files=files, headers=EVIL)
    assert r.status_code == 201, r.text
    detail = (await api.get(url, owner.token, headers=EVIL)).json()["data"]
    urls = [a["url"] for a in detail["attachments"]] + [r.json()["data"]["url"]]
    assert all(u.startswith(f"{_origin(api)}/v1/tickets/{t['id']}/attachments/") for u in urls), urls


def test_the_development_default_is_loopback():
    from pmsaas.settings import load_settings

    assert load_settings({}).public_base_url == "http://127.0.0.1:8000"

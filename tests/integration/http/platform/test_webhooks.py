"""/api/v1/webhooks, and its sharing one store with the ticketing surface's /v1/webhooks."""

from __future__ import annotations

import uuid

import pytest

from fakes.network import PRIVATE_TARGETS
from notify_support import fields_of

W = "/api/v1/webhooks"
HOOK = {"url": "https://hooks.example.com/pm", "events": ["property.created", "invoice.paid", "ticket.created"]}


async def _register(api, token, **kw):
    r = await api.post(W, token, json={**HOOK, **kw})
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_the_secret_is_shown_once_and_the_webhook_can_change_and_go(api, owner):
    hook = await _register(api, owner.token, description="Accounting sync")
    assert hook["secret"].startswith("whsec_") and len(hook["secret"]) > 30
    assert hook["events"] == HOOK["events"] and hook["active"] is True
    url = f"{W}/{hook['id']}"
    got = (await api.get(url, owner.token)).json()["data"]
    assert "secret" not in got and got["description"] == "Accounting sync"
    listed = (await api.get(W, owner.token)).json()
    assert [w["id"] for w in listed["data"]] == [hook["id"]] and listed["meta"]["pagination"]["total_count"] == 1
    assert hook["secret"] not in (await api.get(W, owner.token)).text
    stored = await _sealed(api, hook["id"])
    assert hook["secret"] not in stored and api.container.secret_box().open(stored) == hook["secret"]

    r = await api.put(url, owner.token, json={"url": "https://h2.example.com/x", "events": ["payment.failed"],
                                              "active": False})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["data"]["events"] == ["payment.failed"] and r.json()["data"]["active"] is False
    assert r.json()["data"]["description"] is None and "secret" not in r.json()["data"]
    r = await api.get(f"{url}/deliveries", owner.token)
    assert r.status_code == 200 and r.json()["data"] == [] and r.json()["meta"]["pagination"]["total_count"] == 0
    assert (await api.delete(url, owner.token)).status_code == 204
    assert (await api.get(url, owner.token)).status_code == 404
    assert (await api.get(f"{url}/deliveries", owner.token)).status_code == 404


async def _sealed(api, webhook_id):
    import sqlalchemy as sa

    from pmsaas.adapters.sql.tables.notifications import webhooks

    async with api.container.system_engine().connect() as conn:
        q = sa.select(webhooks.c.secret_sealed).where(webhooks.c.id == uuid.UUID(webhook_id))
        return (await conn.execute(q)).scalar_one()


async def test_one_store_for_both_surfaces(api, owner):
    r = await api.post(
        "/v1/webhooks", owner.token,
        json={"url": "https://t.example.com/h", "events": ["ticket.created"], "secret": "s" * 20},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    ticketing_id = r.json()["data"]["id"]
    platform = await _register(api, owner.token)
    assert [w["id"] for w in (await api.get(W, owner.token)).json()["data"]] == [ticketing_id, platform["id"]]
    assert [w["id"] for w in (await api.get("/v1/webhooks", owner.token)).json()["data"]] == [
        ticketing_id,
        platform["id"],
    ]
    # DELETE on the ticketing surface: the seed's envelope, 200 with data null; gone from both.
    r = await api.delete(f"/v1/webhooks/{platform['id']}", owner.token)
    assert r.status_code == 200 and r.json() == {"status": "success", "data": None}
    assert (await api.get(f"{W}/{platform['id']}", owner.token)).status_code == 404
    assert (await api.delete(f"/v1/webhooks/{platform['id']}", owner.token)).status_code == 404
    assert (await api.delete(f"{W}/{ticketing_id}", owner.token)).status_code == 204
    assert (await api.get("/v1/webhooks", owner.token)).json()["data"] == []


async def test_webhooks_tenancy_and_roles(api, owner, other_owner):
    hook = await _register(api, owner.token)
    url = f"{W}/{hook['id']}"
    _, manager = await owner.add_user("PropertyManager")
    _, tenant = await owner.add_user("Tenant")
    for method, path, body in (
        ("GET", url, None),
        ("PUT", url, HOOK),
        ("DELETE", url, None),
        ("GET", f"{url}/deliveries", None),
        ("DELETE", f"/v1/webhooks/{hook['id']}", None),
    ):
        assert (await api.request(method, path, token=other_owner.token, json=body)).status_code == 404, path
        for token in (manager, tenant):
            assert (await api.request(method, path, token=token, json=body)).status_code == 403, path
    assert (await api.get(W, other_owner.token)).json()["data"] == []
    assert (await api.post(W, manager, json=HOOK)).status_code == 403
    assert (await api.get(f"{W}/{uuid.uuid4()}", owner.token)).status_code == 404


async def test_private_and_malformed_targets_are_refused(api, owner):
    for body, field in [
        ({**HOOK, "url": "http://127.0.0.1/hook"}, "url"),
        ({**HOOK, "url": "https://10.0.0.1/hook"}, "url"),
        ({**HOOK, "url": "http://169.254.169.254/latest/meta-data"}, "url"),
        ({**HOOK, "url": "https://[::1]/hook"}, "url"),
        ({**HOOK, "url": "https://[::ffff:127.0.0.1]/hook"}, "url"),
        ({**HOOK, "url": "https://100.64.0.1/hook"}, "url"),
        ({**HOOK, "url": "https://localhost/hook"}, "url"),
        ({**HOOK, "url": "https://metadata.google.internal/x"}, "url"),
        ({**HOOK, "url": "https://user:pw@hooks.example.com/"}, "url"),
        ({**HOOK, "url": "ftp://hooks.example.com/"}, "url"),
        ({**HOOK, "events": ["lease.exploded"]}, "events.0"),
        ({**HOOK, "events": []}, "events"),
        ({**HOOK, "secret": "mine-mine-mine-mine"}, "secret"),
        ({**HOOK, "description": "nul\u0000"}, "description"),
        ({**HOOK, "active": "yes"}, "active"),
    ]:
        r = await api.post(W, owner.token, json=body)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR", (body, r.text)
        assert field in fields_of(r), (field, r.text)
    hook = await _register(api, owner.token)
    r = await api.put(f"{W}/{hook['id']}", owner.token, json={**HOOK, "url": "http://192.168.1.10/"})
    assert r.status_code == 422 and fields_of(r) == ["url"]
    assert (await api.get(f"{W}/{hook['id']}/deliveries?page_size=0", owner.token)).status_code in (400, 422)


# The ticketing surface's hardened list (numeric spellings, bare names, names resolving to private
# ranges through the suite's fake resolver) holds here too: both surfaces share one URL check.
@pytest.mark.parametrize("url", PRIVATE_TARGETS)
async def test_the_ticketing_surfaces_refused_targets_are_refused_here(api, owner, url):
    r = await api.post(W, owner.token, json={**HOOK, "url": url})
    assert r.status_code == 422 and fields_of(r) == ["url"], (url, r.text)


async def test_a_replaced_url_gets_the_same_check(api, owner):
    hook = await _register(api, owner.token)
    for url in ("http://2130706433/", "https://intranet/", "https://mixed.example.com/hook"):
        r = await api.put(f"{W}/{hook['id']}", owner.token, json={**HOOK, "url": url})
        assert r.status_code == 422 and fields_of(r) == ["url"], (url, r.text)


@pytest.mark.parametrize(
    "url", ["https://100.64.0.1/hook", "https://user:pw@hooks.example.com/", "https://metadata.google.internal/x"]
)
async def test_the_ticketing_surface_refuses_cgnat_metadata_and_credentials(api, owner, url):
    r = await api.post("/v1/webhooks", owner.token, json={"events": ["ticket.created"], "secret": "s" * 20, "url": url})
    assert r.status_code == 422 and "url" in r.json()["error"]["details"], (url, r.text)

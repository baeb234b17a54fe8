"""POST /api/v1/webhooks/{id}/ping, .../deliveries/{delivery_id}/redeliver and .../rotate-secret:
one signed attempt now, recorded like the worker's; rotation with two secrets valid for a day;
another organization's ids are 404, a manager is 403, unknown ids write nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from conftest import SUITE_CLOCK
from fakes.webhook_receiver import standard_webhooks_verify
from ops_support import make_place, make_tenant, make_ticket
from webhook_support import HOOKS, deliver, messages, new_property, record_event, register, relay

pytestmark = pytest.mark.today("2026-12-01")


def verified(secret: str, request) -> bool:
    return standard_webhooks_verify(secret, request.headers, request.body, SUITE_CLOCK.now().timestamp())


async def test_ping_sends_one_signed_attempt_and_answers_with_it(api, owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    r = await api.post(f"{HOOKS}/{hook['id']}/ping", owner.token)
    assert r.status_code == 200, r.text
    attempt = r.json()["data"]
    assert attempt["succeeded"], attempt["error"]
    assert attempt["status_code"] == 200 and attempt["event"] == "webhook.ping"
    [request] = receiver.requests
    assert verified(hook["secret"], request)
    assert request.json["event"] == "webhook.ping" and request.json["webhook_id"] == hook["id"]
    log = (await api.get(f"{HOOKS}/{hook['id']}/deliveries", owner.token)).json()["data"]
    assert [a["id"] for a in log] == [attempt["id"]]


async def test_a_failed_ping_is_not_retried_and_does_not_disable(api, owner, receiver, sender):
    receiver.status = 500
    hook = await register(api, owner, receiver.url())
    attempt = (await api.post(f"{HOOKS}/{hook['id']}/ping", owner.token)).json()["data"]
    assert not attempt["succeeded"] and attempt["status_code"] == 500 and "500" in attempt["error"]
    [message] = await messages(api, owner)
    assert message.status == "failed"
    SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(minutes=10))
    assert await deliver(api, owner) == 0
    assert len(receiver.requests) == 1
    assert (await api.get(f"{HOOKS}/{hook['id']}", owner.token)).json()["data"]["active"] is True


async def test_redeliver_sends_the_same_event_again_under_its_id(api, owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    assert await deliver(api, owner) == 1
    [first] = (await api.get(f"{HOOKS}/{hook['id']}/deliveries", owner.token)).json()["data"]

    r = await api.post(f"{HOOKS}/{hook['id']}/deliveries/{first['id']}/redeliver", owner.token)
    assert r.status_code == 200, r.text
    again = r.json()["data"]
    assert again["succeeded"] and again["attempt"] == 2 and again["event_id"] == first["event_id"]
    assert len(receiver.requests) == 2 and len(receiver.unique) == 1
    assert all(verified(hook["secret"], q) for q in receiver.requests)


async def test_rotation_signs_with_both_secrets_for_a_day(api, owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    r = await api.post(f"{HOOKS}/{hook['id']}/rotate-secret", owner.token)
    assert r.status_code == 200, r.text
    new_secret = r.json()["data"]["secret"]
    assert new_secret.startswith("whsec_") and new_secret != hook["secret"]
    assert "secret" not in (await api.get(f"{HOOKS}/{hook['id']}", owner.token)).json()["data"]

    await api.post(f"{HOOKS}/{hook['id']}/ping", owner.token)
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert verified(hook["secret"], request) and verified(new_secret, request)

    SUITE_CLOCK.pin(SUITE_CLOCK.now() + timedelta(hours=25))
    await relay(api)
    await record_event(api, owner, property_id="p-1")
    await relay(api)
    assert await deliver(api, owner) == 1
    request = receiver.requests[-1]
    assert len(request.headers["webhook-signature"].split(" ")) == 1
    assert verified(new_secret, request) and not verified(hook["secret"], request)


async def test_a_ticketing_secret_signs_as_its_own_bytes(api, owner, receiver, sender):
    secret = "my-own-ticketing-secret-123"
    r = await api.post(
        "/v1/webhooks", owner.token, json={"url": receiver.url(), "events": ["ticket.created"], "secret": secret}
    )
    assert r.status_code == 201, r.text
    ping = await api.post(f"{HOOKS}/{r.json()['data']['id']}/ping", owner.token)
    assert ping.json()["data"]["succeeded"]
    assert verified(secret, receiver.requests[-1])


async def test_another_organization_gets_404_and_a_manager_403(api, owner, other_owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    attempt = (await api.post(f"{HOOKS}/{hook['id']}/ping", owner.token)).json()["data"]
    paths = [
        f"{HOOKS}/{hook['id']}/ping",
        f"{HOOKS}/{hook['id']}/rotate-secret",
        f"{HOOKS}/{hook['id']}/deliveries/{attempt['id']}/redeliver",
    ]
    for path in paths:
        r = await api.post(path, other_owner.token)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    assert (await api.get(f"{HOOKS}/{hook['id']}/deliveries", other_owner.token)).status_code == 404
    # Another organization's webhook with this one's attempt id: 404 as well.
    theirs = await register(api, other_owner, receiver.url())
    r = await api.post(f"{HOOKS}/{theirs['id']}/deliveries/{attempt['id']}/redeliver", other_owner.token)
    assert r.status_code == 404

    _, manager = await owner.add_user("PropertyManager")
    for path in paths:
        assert (await api.post(path, manager)).status_code == 403, path
    assert len(receiver.requests) == 1  # only the owner's ping went out
    assert len(await messages(api, owner)) == 1


async def test_unknown_ids_are_404_and_write_nothing(api, owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    unknown = uuid.uuid4()
    for path in (
        f"{HOOKS}/{unknown}/ping",
        f"{HOOKS}/{unknown}/rotate-secret",
        f"{HOOKS}/{hook['id']}/deliveries/{unknown}/redeliver",
    ):
        r = await api.post(path, owner.token)
        assert r.status_code == 404, (path, r.text)
    r = await api.post(f"{HOOKS}/{hook['id']}/deliveries/not-a-uuid/redeliver", owner.token)
    assert r.status_code in (404, 422)
    assert receiver.requests == [] and await messages(api, owner) == []


async def test_story_a_tenants_maintenance_request_reaches_the_ticketing_webhook_signed(api, owner, receiver, sender):
    """The issue's story, webhook part: a tenant files a ticket over HTTP; the ticketing surface's
    webhook (the caller's own secret) receives a signed ``ticket.created`` it verifies."""
    secret = "the-integrators-own-secret"
    r = await api.post(
        "/v1/webhooks", owner.token, json={"url": receiver.url(), "events": ["ticket.created"], "secret": secret}
    )
    assert r.status_code == 201, r.text
    place = await make_place(api, owner)
    tenant = await make_tenant(api, owner, place)
    await relay(api)
    ticket = await make_ticket(api, tenant.token, place)
    await relay(api)
    assert await deliver(api, owner) == 1
    [request] = receiver.requests
    assert verified(secret, request)
    assert request.json["event"] == "ticket.created" and request.json["webhook_id"] == r.json()["data"]["id"]
    assert ticket["id"] in str(request.json["data"])

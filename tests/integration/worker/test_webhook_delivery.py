"""Webhook delivery (issue 12 item 5) from the outbox to a receiver on loopback, on both databases:
Standard Webhooks signatures checked by the receiver, the relay's fan-out committed with its marks,
at least once when the worker dies between sending and recording, the retry schedule on a fixed
clock, disabling on 410 and after the last retry, a hanging receiver, no redirects."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from dependency_injector import providers

from conftest import SUITE_CLOCK
from fakes.webhook_receiver import standard_webhooks_verify
from pmsaas.adapters.sql.repositories.notifications.webhook_messages import SqlWebhookMessageRepository
from pmsaas.adapters.sql.tables.notifications import outbox, webhook_deliveries
from pmsaas.domain.notifications.messages import MAX_ATTEMPTS, retry_delay
from pmsaas.domain.notifications.webhook_delivery import WebhookFanOut
from pmsaas.domain.shared.outbox import relay_outbox
from pmsaas.domain.shared.ports import OutboxSubscriber
from webhook_support import (
    HOOKS,
    deliver,
    event_ids,
    loopback_sender,
    messages,
    new_property,
    register,
    relay,
    webhook_row,
)

pytestmark = pytest.mark.today("2026-12-01")


def verified(secret: str, request) -> bool:
    return standard_webhooks_verify(secret, request.headers, request.body, SUITE_CLOCK.now().timestamp())


async def test_a_committed_event_reaches_the_receiver_signed_once(api, owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    assert hook["secret"].startswith("whsec_")
    await relay(api)
    property_id = await new_property(api, owner)
    assert await relay(api) >= 1
    assert await deliver(api, owner) == 1

    [request] = receiver.requests
    assert verified(hook["secret"], request)
    [event_id] = await event_ids(api, owner)
    assert request.headers["webhook-id"] == str(event_id)  # the consumer's idempotency key
    assert request.headers["content-type"] == "application/json"
    body = request.json
    assert set(body) == {"event", "timestamp", "data", "webhook_id"}
    assert body["event"] == "property.created" and body["webhook_id"] == hook["id"]
    assert body["data"]["property_id"] == property_id
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timestamp"])

    assert await deliver(api, owner) == 0  # delivered: nothing due
    log = (await api.get(f"{HOOKS}/{hook['id']}/deliveries", owner.token)).json()
    [attempt] = log["data"]
    assert attempt["succeeded"] and attempt["status_code"] == 200 and attempt["attempt"] == 1
    assert attempt["event_id"] == str(event_id) and attempt["event"] == "property.created"


async def test_unsubscribed_events_and_inactive_webhooks_get_nothing(api, owner, receiver, sender):
    await register(api, owner, receiver.url(), events=("tenant.created",))
    off = await register(api, owner, receiver.url())
    r = await api.put(
        f"{HOOKS}/{off['id']}",
        owner.token,
        json={"url": receiver.url(), "events": ["property.created"], "active": False},
    )
    assert r.status_code == 200, r.text
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    assert await messages(api, owner) == []
    assert await deliver(api, owner) == 0 and receiver.requests == []


class Crash(OutboxSubscriber):
    async def receive(self, events, uow, now):
        raise RuntimeError("the worker died mid-batch")


async def test_fan_out_commits_with_the_relay_marks_or_not_at_all(api, owner, receiver, sender):
    await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    c = api.container
    with pytest.raises(RuntimeError):
        await relay_outbox(
            outbox=c.outbox(), publisher=c.event_publisher(), clock=c.clock(), subscribers=[WebhookFanOut(), Crash()]
        )
    assert await messages(api, owner) == []  # rolled back with the batch
    async with c.system_engine().connect() as conn:
        unpublished = await conn.execute(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.published_at.is_(None))
        )
        assert unpublished.scalar_one() == 1  # the property's event (sign-up's were relayed before)

    await relay(api)
    assert len(await messages(api, owner)) == 1
    async with c.system_engine().begin() as conn:  # the same event handed over again (at least once)
        await conn.execute(
            outbox.update().where(outbox.c.organization_id == uuid.UUID(owner.org_id)).values(published_at=None)
        )
    await relay(api)
    assert len(await messages(api, owner)) == 1  # one message per (webhook, event)


async def test_a_worker_killed_between_send_and_record_delivers_again_under_the_same_id(
    api, owner, receiver, sender, monkeypatch
):
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)

    async def killed(self, results):
        raise RuntimeError("killed after sending")

    with monkeypatch.context() as m:
        m.setattr(SqlWebhookMessageRepository, "record", killed)
        with pytest.raises(RuntimeError):
            await deliver(api, owner)
    assert len(receiver.requests) == 1
    [message] = await messages(api, owner)
    assert message.status == "pending" and message.attempts == 1  # the claim counted it
    assert await deliver(api, owner) == 0  # leased: not due before the lease ends

    SUITE_CLOCK.pin(message.next_attempt_at + timedelta(seconds=1))
    assert await deliver(api, owner) == 1
    assert len(receiver.requests) == 2
    assert len(receiver.unique) == 1  # the consumer dedupes by webhook-id (the event id)
    assert all(verified(hook["secret"], r) for r in receiver.requests)
    [message] = await messages(api, owner)
    assert message.status == "delivered" and message.attempts == 2


async def test_a_receiver_failing_forever_is_retried_for_three_days_then_disabled(api, owner, receiver, sender):
    receiver.status = 500
    start = SUITE_CLOCK.now()
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    first = None
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert await deliver(api, owner) == 1, attempt
        [message] = await messages(api, owner)
        first = first or SUITE_CLOCK.now()
        if attempt < MAX_ATTEMPTS:
            assert message.status == "pending"
            wait = message.next_attempt_at - SUITE_CLOCK.now()
            assert abs(wait - retry_delay(attempt, message.id)) < timedelta(seconds=1)
            assert await deliver(api, owner) == 0  # not due yet
            SUITE_CLOCK.pin(message.next_attempt_at)
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
    assert SUITE_CLOCK.now() - first > timedelta(hours=75)  # "over about three days"
    row = await webhook_row(api, hook["id"])
    assert not row.active and row.disabled_reason == f"{MAX_ATTEMPTS} attempts failed"
    assert len(receiver.requests) == MAX_ATTEMPTS and len(receiver.unique) == 1

    SUITE_CLOCK.pin(start)  # the owner's token again
    log = (await api.get(f"{HOOKS}/{hook['id']}/deliveries", owner.token, params={"page_size": 50})).json()
    assert [a["attempt"] for a in log["data"]] == list(range(MAX_ATTEMPTS, 0, -1))
    assert all(not a["succeeded"] and a["status_code"] == 500 for a in log["data"])
    shown = (await api.get(f"{HOOKS}/{hook['id']}", owner.token)).json()["data"]
    assert shown["active"] is False and shown["disabled_reason"] == f"{MAX_ATTEMPTS} attempts failed"


async def test_410_gone_disables_the_webhook_at_once_and_reactivating_clears_it(api, owner, receiver, sender):
    receiver.status = 410
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    assert await deliver(api, owner) == 1
    [message] = await messages(api, owner)
    assert message.status == "failed" and message.attempts == 1
    shown = (await api.get(f"{HOOKS}/{hook['id']}", owner.token)).json()["data"]
    assert shown["active"] is False and "410" in shown["disabled_reason"]

    r = await api.put(
        f"{HOOKS}/{hook['id']}", owner.token, json={"url": receiver.url(), "events": ["property.created"]}
    )
    assert r.status_code == 200 and r.json()["data"]["active"] is True and "disabled_reason" not in r.json()["data"]


async def test_a_hanging_receiver_times_out_is_recorded_and_slows_nothing_else(api, owner, receiver, sender):
    receiver.hang = True
    sender._timeout = 1.0
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)

    async def meanwhile():
        await asyncio.sleep(0.1)
        started = time.monotonic()
        r = await api.get(f"{HOOKS}/{hook['id']}", owner.token)
        return r.status_code, time.monotonic() - started

    attempted, (status, took) = await asyncio.gather(deliver(api, owner), meanwhile())
    assert attempted == 1 and status == 200 and took < 0.9
    log = (await api.get(f"{HOOKS}/{hook['id']}/deliveries", owner.token)).json()
    [attempt] = log["data"]
    assert not attempt["succeeded"] and attempt["status_code"] is None
    assert attempt["error"] == "no answer within 1 s" and attempt["duration_ms"] >= 900
    [message] = await messages(api, owner)
    assert message.status == "pending"  # retried later


async def test_redirects_are_not_followed(api, owner, receiver, sender):
    receiver.status, receiver.location = 302, receiver.url(path="/elsewhere")
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    assert await deliver(api, owner) == 1
    assert [r.path for r in receiver.requests] == ["/hook"]
    async with api.container.system_engine().connect() as conn:
        row = (
            await conn.execute(
                sa.select(webhook_deliveries).where(webhook_deliveries.c.webhook_id == uuid.UUID(hook["id"]))
            )
        ).one()
    assert row.status_code == 302 and not row.succeeded and "not followed" in row.error


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "100.64.0.1", "::ffff:127.0.0.1"]
)
async def test_a_name_rebound_to_a_private_address_is_refused_at_connect_time(api, owner, receiver, address):
    """Registration saw a public address; at delivery the name answers a private one: no request."""
    strict = loopback_sender({"rebind.example.com": [address]}, allow_loopback=False)
    api.container.webhook_sender.override(providers.Object(strict))
    try:
        hook = await register(api, owner, f"http://rebind.example.com:{receiver.port}/hook")
        await relay(api)
        await new_property(api, owner)
        await relay(api)
        assert await deliver(api, owner) == 1
    finally:
        api.container.webhook_sender.reset_override()
    assert receiver.requests == []
    log = (await api.get(f"{HOOKS}/{hook['id']}/deliveries", owner.token)).json()
    [attempt] = log["data"]
    assert not attempt["succeeded"] and attempt["error"].startswith("refused at connect time")


async def test_a_webhook_deleted_while_its_message_is_sent_records_nothing_and_breaks_nothing(
    api, owner, receiver, sender, monkeypatch
):
    hook = await register(api, owner, receiver.url())
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    original = type(sender).send

    async def send_then_delete(self, url, body, headers):
        outcome = await original(self, url, body, headers)
        async with api.container.system_uow() as uow:
            await uow.webhooks.delete(uuid.UUID(owner.org_id), uuid.UUID(hook["id"]))
            await uow.commit()
        return outcome

    monkeypatch.setattr(type(sender), "send", send_then_delete)
    assert await deliver(api, owner) == 1
    monkeypatch.undo()
    assert len(receiver.requests) == 1 and await messages(api, owner) == []
    async with api.container.system_engine().connect() as conn:
        logged = await conn.execute(
            sa.select(sa.func.count()).where(webhook_deliveries.c.webhook_id == uuid.UUID(hook["id"]))
        )
        assert logged.scalar_one() == 0


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "2130706433", "127.1", "0x7f.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "localhost"]
)
async def test_the_sender_refuses_loopback_in_any_spelling_unless_the_test_setting_allows_it(receiver, host):
    strict = loopback_sender({"localhost": ["127.0.0.1"]}, allow_loopback=False)
    outcome = await strict.send(f"http://{host}:{receiver.port}/hook", b"{}", {})
    assert outcome.status_code is None and outcome.error.startswith("refused at connect time")
    assert receiver.requests == []
    if host.startswith("127.0.0.1") or host == "localhost":
        allowed = await loopback_sender({"localhost": ["127.0.0.1"]}).send(
            f"http://{host}:{receiver.port}/hook", b"{}", {}
        )
        assert allowed.succeeded and len(receiver.requests) == 1


async def test_production_sends_https_only(receiver):
    production = loopback_sender(require_https=True)
    outcome = await production.send(receiver.url(), b"{}", {})
    assert outcome.error == "refused: the URL must be https" and receiver.requests == []


async def test_concurrent_sweeps_send_each_message_once(api, owner, receiver, sender):
    hook = await register(api, owner, receiver.url())
    await relay(api)
    for i in range(6):
        await new_property(api, owner, name=f"Swept {i}")
    await relay(api)
    counts = await asyncio.gather(*(deliver(api, owner, limit=2) for _ in range(3)))
    while await deliver(api, owner):
        pass
    assert sum(counts) <= 6
    assert len(receiver.requests) == len(receiver.unique) == 6
    assert all(verified(hook["secret"], r) for r in receiver.requests)
    assert {m.status for m in await messages(api, owner)} == {"delivered"}


async def test_a_secret_sealed_under_another_key_fails_its_own_attempt_only(api, owner, receiver, sender):
    """After a PMSAAS_DATA_KEY change, an endpoint whose secret no longer opens gets a recorded failed
    attempt; the sweep goes on and the other endpoints are delivered."""
    good = await register(api, owner, receiver.url())
    stale = await register(api, owner, receiver.url(path="/stale"))
    from pmsaas.adapters.sql.tables.notifications import webhooks

    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            webhooks.update().where(webhooks.c.id == uuid.UUID(stale["id"])).values(secret_sealed="gAAAAA-not-ours")
        )
    await relay(api)
    await new_property(api, owner)
    await relay(api)
    assert await deliver(api, owner) == 2
    [request] = receiver.requests
    assert verified(good["secret"], request)
    [attempt] = (await api.get(f"{HOOKS}/{stale['id']}/deliveries", owner.token)).json()["data"]
    assert not attempt["succeeded"] and "cannot be opened" in attempt["error"]

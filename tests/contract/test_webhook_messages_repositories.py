"""One suite for the webhook message store (fan-out, claims, attempts) over the fake, SQL on SQLite
and SQL on PostgreSQL. Every test works in one unit of work and never commits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.notifications.messages import SendOutcome, WebhookMessage, record_attempt
from pmsaas.domain.notifications.model import Webhook
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def hook(org, active=True, at=0):
    return Webhook(
        org, "https://hooks.example.com/x", ("property.created",), "sealed", b.at(at), b.at(at), active=active
    )


def event(org, at=0):
    return DomainEvent(name="property.created", organization_id=org, occurred_at=b.at(at), data={"n": at})


async def test_messages_are_unique_per_webhook_and_event_and_claimed_when_due(make_uow):
    org, other = new_id(), new_id()
    on, off, theirs = hook(org), hook(org, active=False, at=1), hook(other)
    e = event(org)
    async with make_uow() as uow:
        for w in (on, off, theirs):
            await uow.webhooks.add(w)
        assert [w.id for w in await uow.webhook_messages.subscribed({org})] == [on.id]
        first = WebhookMessage.for_event(on, e, b.at(0))
        assert await uow.webhook_messages.add_new([first]) == 1
        assert await uow.webhook_messages.add_new([WebhookMessage.for_event(on, e, b.at(1))]) == 0

        assert (
            await uow.webhook_messages.claim_due(now=b.at(0), lease_until=b.at(60), limit=10, organization_id=other)
            == []
        )
        [due] = await uow.webhook_messages.claim_due(now=b.at(0), lease_until=b.at(60), limit=10, organization_id=org)
        assert due.message.id == first.id and due.message.attempts == 1 and due.webhook.id == on.id
        assert due.message.payload["webhook_id"] == str(on.id)
        # Leased: not due again before the lease ends, then due again (the worker died).
        assert (
            await uow.webhook_messages.claim_due(now=b.at(59), lease_until=b.at(120), limit=10, organization_id=org)
            == []
        )
        [again] = await uow.webhook_messages.claim_due(
            now=b.at(60), lease_until=b.at(120), limit=10, organization_id=org
        )
        assert again.message.attempts == 2

        with pytest.raises(NotFound):
            await uow.webhook_messages.claim(other, first.id, lease_until=b.at(200))


async def test_recorded_attempts_are_logged_and_a_410_disables_the_webhook(make_uow):
    org = new_id()
    w = hook(org)
    async with make_uow() as uow:
        await uow.webhooks.add(w)
        message = WebhookMessage.for_event(w, event(org), b.at(0))
        await uow.webhook_messages.add_new([message])
        due = await uow.webhook_messages.claim(org, message.id, lease_until=b.at(60))
        result = record_attempt(due.message, SendOutcome(410, "gone", 12), b.at(1))
        await uow.webhook_messages.record([(due.message, result)])

        stored = await uow.webhooks.get(org, w.id)
        assert not stored.active and stored.disabled_reason == result.disable_reason
        logged = await uow.webhook_messages.attempt(org, w.id, result.delivery.id)
        assert logged.message_id == message.id and logged.status_code == 410 and logged.attempt == 1
        with pytest.raises(NotFound):
            await uow.webhook_messages.attempt(new_id(), w.id, result.delivery.id)
        assert (
            await uow.webhook_messages.claim_due(
                now=b.at(0) + timedelta(days=9), lease_until=b.at(99), limit=10, organization_id=org
            )
            == []
        )

"""Real-time messages: which events become which message, who may receive them, and a slow stream
dropped rather than buffered (the memory channels adapter)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from litestar.channels.backends.memory import MemoryChannelsBackend

from pmsaas.adapters.realtime.channels import ChannelsRealtime
from pmsaas.adapters.realtime.replay import MemoryReplayLog, parse_cursor
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.notifications.ports import StreamTooSlow
from pmsaas.domain.notifications.realtime import admits, message_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.events import DomainEvent

ORG = uuid.uuid4()


def actor(*roles: str, tenant: uuid.UUID | None = None, user: uuid.UUID | None = None) -> Actor:
    return Actor(user or uuid.uuid4(), ORG, frozenset(roles), permissions_for(set(roles)), tenant_profile_id=tenant)


def event(name: str, **data: object) -> DomainEvent:
    return DomainEvent(name, ORG, datetime(2026, 12, 1, tzinfo=UTC), dict(data))


def test_events_map_to_the_seeds_three_message_types():
    assert message_for(event("ticket.created")).type == "maintenance_update"  # type: ignore[union-attr]
    assert message_for(event("payment.received")).type == "payment_received"  # type: ignore[union-attr]
    note = message_for(event("notification.created", user_id=str(uuid.uuid4())))
    assert note is not None and note.type == "notification"
    assert message_for(event("property.created")) is None
    assert message_for(event("notification.created")) is None  # no recipient, no message


def test_a_tenant_sees_its_own_only_and_staff_by_permission():
    alice, bob = uuid.uuid4(), uuid.uuid4()
    theirs = message_for(event("ticket.updated", tenant_id=str(alice)))
    assert theirs is not None
    assert admits(theirs.audience, actor("Tenant", tenant=alice))
    assert not admits(theirs.audience, actor("Tenant", tenant=bob))
    assert admits(theirs.audience, actor("PropertyManager"))
    assert admits(theirs.audience, actor("MaintenanceStaff"))
    paid = message_for(event("payment.received", tenant_id=str(alice)))
    assert paid is not None and not admits(paid.audience, actor("MaintenanceStaff"))
    assert admits(paid.audience, actor("OrganizationOwner"))


def test_a_notification_reaches_its_recipient_alone():
    me = uuid.uuid4()
    note = message_for(event("notification.created", user_id=str(me)))
    assert note is not None
    assert admits(note.audience, actor("Tenant", user=me))
    assert not admits(note.audience, actor("OrganizationOwner"))


def test_cursors_grow_and_only_ours_parse():
    assert parse_cursor("12-3") == (12, 3)
    assert parse_cursor("abc") is None and parse_cursor(None) is None and parse_cursor("1-2-3") is None


async def test_a_stream_that_falls_behind_its_backlog_is_dropped_not_buffered():
    realtime = ChannelsRealtime(MemoryChannelsBackend(), MemoryReplayLog(100), max_backlog=3, shared=False)
    await realtime.start()
    try:
        async with realtime.open(actor("OrganizationOwner"), None) as stream:
            for n in range(10):
                message = message_for(event("ticket.updated", title=str(n)))
                assert message is not None
                await realtime.broadcast(message)
            delivered = []
            with pytest.raises(StreamTooSlow):
                for _ in range(10):
                    d = await stream.next(1.0)
                    assert d is not None
                    delivered.append(d.data["title"])
            assert len(delivered) <= 3  # what the backlog held, then the stream ends
    finally:
        await realtime.stop()

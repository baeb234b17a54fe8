"""What the webhook delivery tests share: a receiver on loopback, a sender allowed to reach it, and
short ways to relay, deliver and read the delivery tables."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers

from fakes.webhook_receiver import Receiver
from pmsaas.adapters.net.webhook_sender import HttpxWebhookSender
from pmsaas.adapters.sql.tables.notifications import outbox, webhook_messages, webhooks
from pmsaas.container import build_container, shutdown
from pmsaas.domain.notifications.webhook_delivery import deliver_due_webhooks
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.network import HostResolver
from pmsaas.entrypoints.worker.tasks import relay_outbox
from support import property_body

HOOKS = "/api/v1/webhooks"
# The delivery side's DNS: the name the receiver registers under answers loopback at connect time
# (registration saw a public address: the suite's resolver). Any other name answers TEST-NET-1, which
# is refused, so no test ever reaches the network.
DELIVERY_DNS = {"receiver.example.com": ["127.0.0.1"]}


class DeliveryDns(HostResolver):
    """Names outside the table answer a documentation address (192.0.2.1, refused): never the network."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table

    async def addresses(self, host: str) -> list[str]:
        return list(self.table.get(host, ["192.0.2.1"]))


def loopback_sender(table: dict[str, list[str]] | None = None, **kw: Any) -> HttpxWebhookSender:
    kw.setdefault("allow_loopback", True)  # what PMSAAS_WEBHOOK_ALLOW_LOOPBACK gives a test deployment
    kw.setdefault("timeout_seconds", 2.0)
    return HttpxWebhookSender(DeliveryDns({**DELIVERY_DNS, **(table or {})}), **kw)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = await Receiver().start()
    yield r
    await r.stop()


@pytest.fixture
def sender(api: Any) -> Iterator[HttpxWebhookSender]:
    s = loopback_sender()
    api.container.webhook_sender.override(providers.Object(s))
    yield s
    api.container.webhook_sender.reset_override()


async def register(api: Any, owner: Any, url: str, events: tuple[str, ...] = ("property.created",)) -> dict[str, Any]:
    r = await api.post(HOOKS, owner.token, json={"url": url, "events": list(events)})
    assert r.status_code == 201, r.text
    return dict(r.json()["data"])


async def relay(api: Any) -> int:
    """The relay as ``pmsaas worker`` runs it: in its own process, with its own container. (The test
    client serves the app on another event loop: its Redis connections are not this loop's.)"""
    worker = build_container(api.container.settings())
    total = 0
    try:
        while published := await relay_outbox({"container": worker}):
            total += published
    finally:
        await shutdown(worker)
    return total


async def deliver(api: Any, owner: Any, **kw: Any) -> int:
    c = api.container
    return await deliver_due_webhooks(
        uow_factory=c.system_uow,
        sender=c.webhook_sender(),
        box=c.secret_box(),
        clock=c.clock(),
        organization_id=uuid.UUID(owner.org_id),
        **kw,
    )


async def new_property(api: Any, owner: Any, name: str = "Delivered") -> str:
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name=name))
    assert r.status_code == 201, r.text
    return str(r.json()["data"]["id"])


async def messages(api: Any, owner: Any) -> list[Any]:
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(webhook_messages)
            .where(webhook_messages.c.organization_id == uuid.UUID(owner.org_id))
            .order_by(webhook_messages.c.created_at)
        )
        return list(rows)


async def webhook_row(api: Any, webhook_id: str) -> Any:
    async with api.container.system_engine().connect() as conn:
        return (await conn.execute(sa.select(webhooks).where(webhooks.c.id == uuid.UUID(webhook_id)))).one()


async def event_ids(api: Any, owner: Any, name: str = "property.created") -> list[uuid.UUID]:
    async with api.container.system_engine().connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.id)
            .where(outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.event == name)
            .order_by(outbox.c.seq)
        )
        return list(rows.scalars())


async def record_event(api: Any, owner: Any, name: str = "property.created", **data: Any) -> uuid.UUID:
    """An event committed through a unit of work, as a use case would (no token needed: the clock may
    be days ahead of the owner's sign-in)."""
    event = DomainEvent(
        name=name, organization_id=uuid.UUID(owner.org_id), occurred_at=api.container.clock().now(), data=data
    )
    async with api.container.system_uow() as uow:
        uow.record(event)
        await uow.commit()
    return event.id

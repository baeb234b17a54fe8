"""Webhook subscriptions of the ticketing surface."""

from __future__ import annotations

from pmsaas.domain.operations.model import TICKET_EVENTS, WebhookSubscription
from pmsaas.domain.operations.ports import OperationsUnitOfWork, SecretBox
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.network import HostResolver, check_public_url


async def check_webhook_url(url: str, resolver: HostResolver) -> None:
    """An http(s) URL to a public host: deliveries must not be aimed at our own network (SSRF)."""
    await check_public_url(url, resolver)


async def register_webhook(
    *,
    uow: OperationsUnitOfWork,
    box: SecretBox,
    resolver: HostResolver,
    clock: Clock,
    actor: Actor,
    url: str,
    events: list[str],
    secret: str,
) -> WebhookSubscription:
    actor.require("webhook:create")
    await check_webhook_url(url, resolver)
    unknown = [e for e in events if e not in TICKET_EVENTS]
    if unknown:
        raise ValidationFailed.single("events", f"unknown events: {', '.join(unknown)}")
    if not events:
        raise ValidationFailed.single("events", "at least one event is required")
    if len(secret) < 16:
        raise ValidationFailed.single("secret", "must be at least 16 characters")
    webhook = WebhookSubscription(
        organization_id=actor.org,
        url=url,
        events=tuple(dict.fromkeys(events)),
        secret_sealed=box.seal(secret),
        created_at=clock.now(),
    )
    async with uow:
        await uow.ticket_webhooks.add(webhook)
        await uow.commit()
    return webhook


async def list_webhooks(*, uow: OperationsUnitOfWork, actor: Actor) -> list[WebhookSubscription]:
    actor.require("webhook:read")
    async with uow:
        return await uow.ticket_webhooks.list(actor.org)

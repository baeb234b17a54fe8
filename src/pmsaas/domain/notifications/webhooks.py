"""Webhook endpoints: one store for both surfaces (/api/v1/webhooks and the ticketing /v1/webhooks).

The platform surface generates the signing secret (``whsec_`` + base64, the Standard Webhooks form)
and shows it once; the ticketing surface takes the caller's own secret, as its seed says. Either
way it is stored sealed, never returned again."""

from __future__ import annotations

import base64
import secrets as random
from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.notifications.model import TICKET_EVENTS, WEBHOOK_EVENTS, Webhook, WebhookDelivery
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.network import HostResolver
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import SecretBox
from pmsaas.domain.shared.urls import check_public_url


def new_signing_secret() -> str:
    return "whsec_" + base64.b64encode(random.token_bytes(24)).decode()


@dataclass(frozen=True)
class WebhookInput:
    url: str
    events: list[str]
    description: str | None = None
    active: bool = True


def _events(events: list[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [e for e in events if e not in allowed]
    if unknown:
        raise ValidationFailed.single("events", f"unknown events: {', '.join(unknown)}")
    if not events:
        raise ValidationFailed.single("events", "at least one event is required")
    return tuple(dict.fromkeys(events))


async def register_webhook(
    *,
    uow: NotificationsUnitOfWork,
    box: SecretBox,
    resolver: HostResolver,
    clock: Clock,
    actor: Actor,
    data: WebhookInput,
    secret: str | None = None,
    require_https: bool = False,
    allowed_events: tuple[str, ...] = WEBHOOK_EVENTS,
) -> tuple[Webhook, str]:
    """Returns the webhook and its signing secret in clear (the only time it is available)."""
    actor.require("webhook:create")
    await check_public_url(data.url, resolver, require_https=require_https)
    events = _events(data.events, allowed_events)
    if secret is not None and len(secret) < 16:
        raise ValidationFailed.single("secret", "must be at least 16 characters")
    secret = secret if secret is not None else new_signing_secret()
    now = clock.now()
    webhook = Webhook(
        organization_id=actor.org,
        url=data.url,
        events=events,
        secret_sealed=box.seal(secret),
        description=data.description,
        active=data.active,
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await uow.webhooks.add(webhook)
        await uow.commit()
    return webhook, secret


async def register_ticket_webhook(
    *,
    uow: NotificationsUnitOfWork,
    box: SecretBox,
    resolver: HostResolver,
    clock: Clock,
    actor: Actor,
    url: str,
    events: list[str],
    secret: str,
) -> Webhook:
    """The ticketing surface's registration: ticket events only, the caller's own secret."""
    webhook, _ = await register_webhook(
        uow=uow,
        box=box,
        resolver=resolver,
        clock=clock,
        actor=actor,
        data=WebhookInput(url=url, events=events),
        secret=secret,
        allowed_events=TICKET_EVENTS,
    )
    return webhook


async def update_webhook(
    *,
    uow: NotificationsUnitOfWork,
    resolver: HostResolver,
    clock: Clock,
    actor: Actor,
    webhook_id: UUID,
    data: WebhookInput,
    require_https: bool = False,
) -> Webhook:
    actor.require("webhook:update")
    await check_public_url(data.url, resolver, require_https=require_https)
    events = _events(data.events, WEBHOOK_EVENTS)
    async with uow:
        webhook = await uow.webhooks.get(actor.org, webhook_id)
        webhook.url, webhook.events, webhook.description, webhook.active = (
            data.url, events, data.description, data.active
        )  # fmt: skip
        if data.active:
            webhook.disabled_reason = None  # re-activated: delivery resumes with the pending messages
        webhook.updated_at = clock.now()
        await uow.webhooks.update(webhook)
        await uow.commit()
    return webhook


async def get_webhook(*, uow: NotificationsUnitOfWork, actor: Actor, webhook_id: UUID) -> Webhook:
    actor.require("webhook:read")
    async with uow:
        return await uow.webhooks.get(actor.org, webhook_id)


async def list_webhooks(*, uow: NotificationsUnitOfWork, actor: Actor) -> list[Webhook]:
    actor.require("webhook:read")
    async with uow:
        return await uow.webhooks.list(actor.org)


async def list_webhooks_page(*, uow: NotificationsUnitOfWork, actor: Actor, page: PageRequest) -> Page[Webhook]:
    """A page of ``list_webhooks`` (an organization has a handful of webhooks: paged in memory)."""
    everything = await list_webhooks(uow=uow, actor=actor)
    ordered = everything[::-1] if page.descending else everything
    return Page(ordered[page.offset : page.offset + page.page_size], len(everything), page.page, page.page_size)


async def delete_webhook(*, uow: NotificationsUnitOfWork, actor: Actor, webhook_id: UUID) -> None:
    actor.require("webhook:delete")
    async with uow:
        await uow.webhooks.delete(actor.org, webhook_id)
        await uow.commit()


async def list_deliveries(
    *, uow: NotificationsUnitOfWork, actor: Actor, webhook_id: UUID, page: PageRequest
) -> Page[WebhookDelivery]:
    actor.require("webhook:read")
    async with uow:
        return await uow.webhooks.deliveries(actor.org, webhook_id, page)

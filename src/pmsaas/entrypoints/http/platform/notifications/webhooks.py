"""/api/v1/webhooks: the platform surface of the organization's webhook endpoints.

The same endpoints as the ticketing surface's /v1/webhooks (one store): a webhook registered on
either is listed, changed and deleted on both. The signing secret (``whsec_…``) is generated here
and returned once, in the creation response; URLs must be https in production."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.notifications import webhook_delivery, webhooks
from pmsaas.domain.notifications.model import Webhook, WebhookDelivery
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.notifications.common import NO_NUL
from pmsaas.entrypoints.http.structs import Input

EventName = Literal[
    "property.created", "property.updated", "property.deleted",
    "tenant.created", "tenant.updated", "tenant.deleted",
    "invoice.created", "invoice.paid",
    "maintenance.created", "maintenance.completed",
    "payment.received", "payment.failed",
    "ticket.created", "ticket.updated", "ticket.resolved",
]  # fmt: skip
Url = Annotated[str, msgspec.Meta(min_length=8, max_length=2000, pattern=r"^https?://[^\s]+$")]
Events = Annotated[list[EventName], msgspec.Meta(min_length=1, max_length=15)]
Description = Annotated[str, msgspec.Meta(max_length=500, pattern=NO_NUL)]


class WebhookIn(Input):
    url: Url
    events: Events
    description: Description | None = None
    active: bool = True

    def to_input(self) -> webhooks.WebhookInput:
        return webhooks.WebhookInput(
            url=self.url, events=list(self.events), description=self.description, active=self.active
        )


class WebhookOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    id: UUID
    url: str
    events: list[str]
    description: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # only in the creation and rotation responses
    disabled_reason: str | None = None  # why delivery disabled it by itself (410 Gone, retries exhausted)

    @classmethod
    def of(cls, w: Webhook, secret: str | None = None) -> WebhookOut:
        return cls(
            id=w.id,
            url=w.url,
            events=list(w.events),
            description=w.description,
            active=w.active,
            created_at=w.created_at,
            updated_at=w.updated_at,
            secret=secret,
            disabled_reason=w.disabled_reason,
        )


class DeliveryOut(msgspec.Struct, kw_only=True):
    id: UUID
    event_id: UUID
    event: str
    attempt: int
    attempted_at: datetime
    status_code: int | None
    succeeded: bool
    error: str | None
    duration_ms: int | None

    @classmethod
    def of(cls, d: WebhookDelivery) -> DeliveryOut:
        return cls(
            id=d.id,
            event_id=d.event_id,
            event=d.event,
            attempt=d.attempt,
            attempted_at=d.attempted_at,
            status_code=d.status_code,
            succeeded=d.succeeded,
            error=d.error,
            duration_ms=d.duration_ms,
        )


class WebhookController(Controller):
    path = "/api/v1/webhooks"
    tags = ["Webhooks"]
    dependencies = {"listing": Provide(list_query(("attempted_at",), default_sort="attempted_at"))}

    @get(
        "/",
        guards=[requires("webhook:read")],
        opt=READS_ONLY,
        dependencies={"listing": Provide(list_query(("created_at",)))},
        summary="List webhooks, oldest first",
    )
    async def list_webhooks(self, listing: Listing) -> Paginated[WebhookOut]:
        ctx = listing.ctx
        page = await webhooks.list_webhooks_page(uow=ctx.uow(), actor=ctx.actor, page=listing.page)
        return paginated(page, [WebhookOut.of(w) for w in page.items])

    @post("/", guards=[requires("webhook:create")], status_code=HTTP_201_CREATED, summary="Register a webhook")
    async def create_webhook(self, ctx: Context, data: JSONBody[WebhookIn]) -> Ok[WebhookOut]:
        webhook, secret = await webhooks.register_webhook(
            uow=ctx.uow(),
            box=ctx.secret_box,
            resolver=ctx.host_resolver,
            clock=ctx.clock,
            actor=ctx.actor,
            data=data.to_input(),
            require_https=ctx.is_production,
        )
        return ok(WebhookOut.of(webhook, secret))

    @get("/{webhook_id:uuid}", guards=[requires("webhook:read")], opt=READS_ONLY, summary="Get a webhook")
    async def get_webhook(self, ctx: Context, webhook_id: FromPath[UUID]) -> Ok[WebhookOut]:
        return ok(WebhookOut.of(await webhooks.get_webhook(uow=ctx.uow(), actor=ctx.actor, webhook_id=webhook_id)))

    @put("/{webhook_id:uuid}", guards=[requires("webhook:update")], summary="Replace a webhook")
    async def update_webhook(
        self, ctx: Context, webhook_id: FromPath[UUID], data: JSONBody[WebhookIn]
    ) -> Ok[WebhookOut]:
        webhook = await webhooks.update_webhook(
            uow=ctx.uow(),
            resolver=ctx.host_resolver,
            clock=ctx.clock,
            actor=ctx.actor,
            webhook_id=webhook_id,
            data=data.to_input(),
            require_https=ctx.is_production,
        )
        return ok(WebhookOut.of(webhook))

    @delete(
        "/{webhook_id:uuid}",
        guards=[requires("webhook:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a webhook",
    )
    async def delete_webhook(self, ctx: Context, webhook_id: FromPath[UUID]) -> None:
        await webhooks.delete_webhook(uow=ctx.uow(), actor=ctx.actor, webhook_id=webhook_id)

    @get(
        "/{webhook_id:uuid}/deliveries",
        guards=[requires("webhook:read")],
        opt=READS_ONLY,
        summary="A webhook's delivery attempts, newest first",
    )
    async def list_deliveries(self, listing: Listing, webhook_id: FromPath[UUID]) -> Paginated[DeliveryOut]:
        ctx = listing.ctx
        page = await webhooks.list_deliveries(uow=ctx.uow(), actor=ctx.actor, webhook_id=webhook_id, page=listing.page)
        return paginated(page, [DeliveryOut.of(d) for d in page.items])

    @post(
        "/{webhook_id:uuid}/ping",
        guards=[requires("webhook:update")],
        status_code=HTTP_200_OK,
        summary="Send a signed webhook.ping now; the attempt (tried once)",
    )
    async def ping(self, ctx: Context, webhook_id: FromPath[UUID]) -> Ok[DeliveryOut]:
        attempt = await webhook_delivery.ping_webhook(
            uow_factory=ctx.uow,
            sender=ctx.webhook_sender,
            box=ctx.secret_box,
            clock=ctx.clock,
            actor=ctx.actor,
            webhook_id=webhook_id,
        )
        return ok(DeliveryOut.of(attempt))

    @post(
        "/{webhook_id:uuid}/deliveries/{delivery_id:uuid}/redeliver",
        guards=[requires("webhook:update")],
        status_code=HTTP_200_OK,
        summary="Send the event of a logged attempt again, now; the new attempt",
    )
    async def redeliver(self, ctx: Context, webhook_id: FromPath[UUID], delivery_id: FromPath[UUID]) -> Ok[DeliveryOut]:
        attempt = await webhook_delivery.redeliver(
            uow_factory=ctx.uow,
            sender=ctx.webhook_sender,
            box=ctx.secret_box,
            clock=ctx.clock,
            actor=ctx.actor,
            webhook_id=webhook_id,
            delivery_id=delivery_id,
        )
        return ok(DeliveryOut.of(attempt))

    @post(
        "/{webhook_id:uuid}/rotate-secret",
        guards=[requires("webhook:update")],
        status_code=HTTP_200_OK,
        summary="A new signing secret (shown once); the old one keeps signing for 24 hours",
    )
    async def rotate_secret(self, ctx: Context, webhook_id: FromPath[UUID]) -> Ok[WebhookOut]:
        secret = await webhook_delivery.rotate_secret(
            uow=ctx.uow(), box=ctx.secret_box, clock=ctx.clock, actor=ctx.actor, webhook_id=webhook_id
        )
        webhook = await webhooks.get_webhook(uow=ctx.uow(), actor=ctx.actor, webhook_id=webhook_id)
        return ok(WebhookOut.of(webhook, secret))

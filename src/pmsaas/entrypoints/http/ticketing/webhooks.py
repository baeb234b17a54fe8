"""/v1/webhooks: register, list and delete endpoints for ticket events.

The ticketing surface of the organization's webhooks: the same store as /api/v1/webhooks (the
notifications context), limited here to ticket events and the seed's shapes. The caller supplies
the signing secret; it is stored encrypted (Fernet, key from PMSAAS_DATA_KEY), not hashed: signed
delivery (Standard Webhooks, docs/api-contract.md §8) needs it in clear. It is never returned.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from pmsaas.domain.notifications import webhooks
from pmsaas.domain.notifications.model import Webhook
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.structs import Input
from pmsaas.entrypoints.http.ticketing.common import (
    Page_,
    PerPage,
    TicketingItem,
    TicketingList,
    item,
    page_of_all,
    scope_guard,
    ts,
)

EventName = Literal["ticket.created", "ticket.updated", "ticket.resolved"]

WRITE = scope_guard("webhooks:write", "webhook:create")
READ = scope_guard("webhooks:write", "webhook:read")
DELETE = scope_guard("webhooks:write", "webhook:delete")


class WebhookIn(Input):
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=2000, pattern=r"^https?://[^\s]+$")]
    events: Annotated[list[EventName], msgspec.Meta(min_length=1, max_length=3)]
    secret: Annotated[str, msgspec.Meta(min_length=16, max_length=200)]


class WebhookOut(msgspec.Struct, kw_only=True):
    id: str
    url: str
    events: list[str]
    created_at: str

    @classmethod
    def of(cls, w: Webhook) -> WebhookOut:
        return cls(id=str(w.id), url=w.url, events=list(w.events), created_at=ts(w.created_at))


class TicketingWebhookController(Controller):
    path = "/v1/webhooks"
    tags = ["Ticketing"]

    @post("/", guards=[WRITE], status_code=HTTP_201_CREATED, summary="Register a webhook")
    async def register(self, ctx: Context, data: JSONBody[WebhookIn]) -> TicketingItem[WebhookOut]:
        webhook = await webhooks.register_ticket_webhook(
            uow=ctx.uow(),
            box=ctx.secret_box,
            resolver=ctx.host_resolver,
            clock=ctx.clock,
            actor=ctx.actor,
            url=data.url,
            events=list(data.events),
            secret=data.secret,
        )
        return item(WebhookOut.of(webhook))

    @get("/", guards=[READ], summary="List webhooks")
    async def list_webhooks(
        self, request: Request[Any, Any, Any], ctx: Context, page: Page_ = 1, per_page: PerPage = 10
    ) -> TicketingList[WebhookOut]:
        hooks = await webhooks.list_webhooks(uow=ctx.uow(), actor=ctx.actor)
        return page_of_all(request, [WebhookOut.of(w) for w in hooks], page, per_page)

    @delete("/{webhook_id:uuid}", guards=[DELETE], status_code=HTTP_200_OK, summary="Delete a webhook")
    async def delete_webhook(self, ctx: Context, webhook_id: FromPath[UUID]) -> TicketingItem[None]:
        await webhooks.delete_webhook(uow=ctx.uow(), actor=ctx.actor, webhook_id=webhook_id)
        return TicketingItem(data=None)

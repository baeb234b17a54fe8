"""/v1/webhooks: register (and list) endpoints for ticket events.

The signing secret is stored encrypted (Fernet, key from PMSAAS_DATA_KEY), not hashed: signed
delivery (Standard Webhooks, docs/api-contract.md §8) needs it in clear. It is never returned.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.operations import webhooks
from pmsaas.domain.operations.model import WebhookSubscription
from pmsaas.entrypoints.http.deps import AppContainer, CurrentActor
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
    def of(cls, w: WebhookSubscription) -> WebhookOut:
        return cls(id=str(w.id), url=w.url, events=list(w.events), created_at=ts(w.created_at))


class TicketingWebhookController(Controller):
    path = "/v1/webhooks"
    tags = ["Ticketing"]

    @post("/", guards=[WRITE], status_code=HTTP_201_CREATED, summary="Register a webhook")
    async def register(
        self, container: AppContainer, actor: CurrentActor, data: JSONBody[WebhookIn]
    ) -> TicketingItem[WebhookOut]:
        webhook = await webhooks.register_webhook(
            uow=container.uow(),
            box=container.secret_box(),
            resolver=container.host_resolver(),
            clock=container.clock(),
            actor=actor,
            url=data.url,
            events=list(data.events),
            secret=data.secret,
        )
        return item(WebhookOut.of(webhook))

    @get("/", guards=[READ], summary="List webhooks")
    async def list_webhooks(
        self,
        request: Request[Any, Any, Any],
        container: AppContainer,
        actor: CurrentActor,
        page: Page_ = 1,
        per_page: PerPage = 10,
    ) -> TicketingList[WebhookOut]:
        hooks = await webhooks.list_webhooks(uow=container.uow(), actor=actor)
        return page_of_all(request, [WebhookOut.of(w) for w in hooks], page, per_page)

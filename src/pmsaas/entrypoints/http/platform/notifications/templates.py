"""/api/v1/notifications/templates: message templates with {{variable}} placeholders, and /send."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.notifications import rendering, templates
from pmsaas.domain.notifications.model import ChannelType, Template
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.notifications.common import NO_NUL, Body, ChannelName, EventType, Label, Locale
from pmsaas.entrypoints.http.structs import Input

MANAGE = requires(templates.MANAGE)
VariableName = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
VariableValue = Annotated[str, msgspec.Meta(max_length=rendering.MAX_VALUE_LENGTH, pattern=NO_NUL)] | int | float
Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=NO_NUL)]


class TemplateIn(Input):
    name: Label
    channel: ChannelName
    body: Body
    locale: Locale = "en-US"
    subject: Subject | None = None
    event_type: EventType | None = None
    active: bool = True
    dlt_template_id: Annotated[str, msgspec.Meta(max_length=30)] | None = None  # SMS to India (TRAI DLT)
    whatsapp_name: Annotated[str, msgspec.Meta(max_length=512)] | None = None  # Meta's approved template name

    def to_input(self) -> templates.TemplateInput:
        return templates.TemplateInput(
            name=self.name,
            channel=ChannelType(self.channel),
            locale=self.locale,
            subject=self.subject,
            body=self.body,
            event_type=self.event_type,
            active=self.active,
            dlt_template_id=self.dlt_template_id,
            whatsapp_name=self.whatsapp_name,
        )


class SendIn(Input):
    recipients: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=templates.MAX_RECIPIENTS)]
    variables: Annotated[dict[VariableName, VariableValue], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=dict
    )


class TemplateOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    channel: str
    locale: str
    subject: str | None
    body: str
    event_type: str | None
    variables: list[str]  # the placeholders the template uses, in order of first use
    active: bool
    dlt_template_id: str | None
    whatsapp_name: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, t: Template) -> TemplateOut:
        return cls(
            id=t.id,
            name=t.name,
            channel=t.channel.value,
            locale=t.locale,
            subject=t.subject,
            body=t.body,
            event_type=t.event_type,
            dlt_template_id=t.dlt_template_id,
            whatsapp_name=t.whatsapp_name,
            variables=rendering.variables_of(t.subject, t.body),
            active=t.active,
            created_at=t.created_at,
            updated_at=t.updated_at,
        )


class DeliveryOut(msgspec.Struct, kw_only=True):
    user_id: UUID
    channel: str
    status: str
    notification_id: UUID | None


class SendOut(msgspec.Struct, kw_only=True):
    template_id: UUID
    deliveries: list[DeliveryOut]


def _text(value: str | int | float) -> str:
    return value if isinstance(value, str) else str(value)


class TemplateController(Controller):
    path = "/api/v1/notifications/templates"
    tags = ["Notifications"]
    dependencies = {"listing": Provide(list_query(("created_at", "updated_at", "name")))}

    @get("/", guards=[MANAGE], opt=READS_ONLY, summary="List templates")
    async def list_templates(self, listing: Listing) -> Paginated[TemplateOut]:
        ctx = listing.ctx
        page = await templates.list_templates(uow=ctx.uow(), actor=ctx.actor, page=listing.page)
        return paginated(page, [TemplateOut.of(t) for t in page.items])

    @post("/", guards=[MANAGE], status_code=HTTP_201_CREATED, summary="Create a template")
    async def create_template(self, ctx: Context, data: JSONBody[TemplateIn]) -> Ok[TemplateOut]:
        t = await templates.create_template(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, data=data.to_input())
        return ok(TemplateOut.of(t))

    @get("/{template_id:uuid}", guards=[MANAGE], opt=READS_ONLY, summary="Get a template")
    async def get_template(self, ctx: Context, template_id: FromPath[UUID]) -> Ok[TemplateOut]:
        return ok(TemplateOut.of(await templates.get_template(uow=ctx.uow(), actor=ctx.actor, template_id=template_id)))

    @put("/{template_id:uuid}", guards=[MANAGE], summary="Replace a template")
    async def update_template(
        self, ctx: Context, template_id: FromPath[UUID], data: JSONBody[TemplateIn]
    ) -> Ok[TemplateOut]:
        t = await templates.update_template(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, template_id=template_id, data=data.to_input()
        )
        return ok(TemplateOut.of(t))

    @delete("/{template_id:uuid}", guards=[MANAGE], status_code=HTTP_204_NO_CONTENT, summary="Delete a template")
    async def delete_template(self, ctx: Context, template_id: FromPath[UUID]) -> None:
        await templates.delete_template(uow=ctx.uow(), actor=ctx.actor, template_id=template_id)

    @post(
        "/{template_id:uuid}/send",
        guards=[MANAGE],
        status_code=HTTP_200_OK,
        summary="Render a template with variables and send it to members",
    )
    async def send_template(self, ctx: Context, template_id: FromPath[UUID], data: JSONBody[SendIn]) -> Ok[SendOut]:
        deliveries = await templates.send_template(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            mailer=ctx.mailer,
            jobs=ctx.jobs,
            template_id=template_id,
            recipients=data.recipients,
            variables={k: _text(v) for k, v in data.variables.items()},
        )
        return ok(
            SendOut(
                template_id=template_id,
                deliveries=[
                    DeliveryOut(user_id=d.user_id, channel=d.channel.value, status=d.status,
                                notification_id=d.notification_id)
                    for d in deliveries
                ],
            )
        )  # fmt: skip

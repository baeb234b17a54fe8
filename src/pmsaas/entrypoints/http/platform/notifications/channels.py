"""/api/v1/notifications/channels: providers per channel type; secrets are write-only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.notifications import channels
from pmsaas.domain.notifications.model import Channel, ChannelType
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.platform.notifications.common import NO_NUL, ChannelName, Label, Settings
from pmsaas.entrypoints.http.structs import Input

MANAGE = requires(channels.MANAGE)
Provider = Annotated[str, msgspec.Meta(min_length=1, max_length=50, pattern=r"^[a-z][a-z0-9_-]*$")]


class ChannelIn(Input):
    name: Label
    type: ChannelName
    provider: Provider = "console"
    config: Settings = msgspec.field(default_factory=dict)
    # Write-only. On a PUT, absent keeps the stored secrets; an object replaces them all.
    secrets: Settings | None = None
    active: bool = True

    def to_input(self) -> channels.ChannelInput:
        return channels.ChannelInput(
            name=self.name,
            type=ChannelType(self.type),
            provider=self.provider,
            config=dict(self.config),
            secrets=None if self.secrets is None else dict(self.secrets),
            active=self.active,
        )


class TestIn(Input):
    to: Annotated[str, msgspec.Meta(min_length=1, max_length=254, pattern=NO_NUL)] | None = None
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=NO_NUL)] = (
        "Test message from pmsaas: this channel works."
    )


class ChannelOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    type: str
    provider: str
    config: dict[str, str]
    secret_keys: list[str]  # which secrets are stored; their values are never returned
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Channel) -> ChannelOut:
        return cls(
            id=c.id,
            name=c.name,
            type=c.type.value,
            provider=c.provider,
            config=dict(c.config),
            secret_keys=sorted(c.secrets_sealed),
            active=c.active,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class TestOut(msgspec.Struct, kw_only=True):
    channel_id: UUID
    delivered: bool
    detail: str
    provider_message_id: str | None


class ChannelController(Controller):
    path = "/api/v1/notifications/channels"
    tags = ["Notifications"]
    dependencies = {"listing": Provide(list_query(("created_at", "updated_at", "name")))}

    @get("/", guards=[MANAGE], opt=READS_ONLY, summary="List channels")
    async def list_channels(self, listing: Listing) -> Paginated[ChannelOut]:
        ctx = listing.ctx
        page = await channels.list_channels(uow=ctx.uow(), actor=ctx.actor, page=listing.page)
        return paginated(page, [ChannelOut.of(c) for c in page.items])

    @post("/", guards=[MANAGE], status_code=HTTP_201_CREATED, summary="Configure a channel")
    async def create_channel(self, ctx: Context, data: JSONBody[ChannelIn]) -> Ok[ChannelOut]:
        c = await channels.create_channel(
            uow=ctx.uow(), clock=ctx.clock, box=ctx.secret_box, actor=ctx.actor, data=data.to_input()
        )
        return ok(ChannelOut.of(c))

    @get("/{channel_id:uuid}", guards=[MANAGE], opt=READS_ONLY, summary="Get a channel")
    async def get_channel(self, ctx: Context, channel_id: FromPath[UUID]) -> Ok[ChannelOut]:
        return ok(ChannelOut.of(await channels.get_channel(uow=ctx.uow(), actor=ctx.actor, channel_id=channel_id)))

    @put("/{channel_id:uuid}", guards=[MANAGE], summary="Replace a channel's settings")
    async def update_channel(
        self, ctx: Context, channel_id: FromPath[UUID], data: JSONBody[ChannelIn]
    ) -> Ok[ChannelOut]:
        c = await channels.update_channel(
            uow=ctx.uow(), clock=ctx.clock, box=ctx.secret_box, actor=ctx.actor, channel_id=channel_id,
            data=data.to_input(),
        )  # fmt: skip
        return ok(ChannelOut.of(c))

    @delete("/{channel_id:uuid}", guards=[MANAGE], status_code=HTTP_204_NO_CONTENT, summary="Delete a channel")
    async def delete_channel(self, ctx: Context, channel_id: FromPath[UUID]) -> None:
        await channels.delete_channel(uow=ctx.uow(), actor=ctx.actor, channel_id=channel_id)

    @post(
        "/{channel_id:uuid}/test",
        guards=[MANAGE],
        status_code=HTTP_200_OK,
        summary="Send a test message through a channel",
    )
    async def test_channel(self, ctx: Context, channel_id: FromPath[UUID], data: JSONBody[TestIn]) -> Ok[TestOut]:
        outcome = await channels.send_test_message(
            uow=ctx.uow(),
            box=ctx.secret_box,
            provider=ctx.message_provider,
            actor=ctx.actor,
            channel_id=channel_id,
            to=data.to,
            message=data.message,
        )
        return ok(
            TestOut(
                channel_id=channel_id,
                delivered=outcome.delivered,
                detail=outcome.detail,
                provider_message_id=outcome.provider_message_id,
            )
        )

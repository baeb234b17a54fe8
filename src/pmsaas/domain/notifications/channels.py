"""Delivery channels: a provider and its settings per channel type; credentials sealed, never shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.notifications.model import Channel, ChannelType
from pmsaas.domain.notifications.ports import MessageProvider, NotificationsUnitOfWork, ProviderOutcome
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import SecretBox

MANAGE = "notification:manage"

# Settings a channel type cannot work without (providers' own keys may add to them).
REQUIRED_CONFIG: dict[ChannelType, tuple[str, ...]] = {
    ChannelType.EMAIL: ("from_email",),
    ChannelType.SMS: ("from_number",),
    ChannelType.WHATSAPP: ("phone_number_id",),
    ChannelType.IN_APP: (),
}
PHONE = re.compile(r"^\+[1-9]\d{6,14}$")  # E.164
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ChannelInput:
    name: str
    type: ChannelType
    provider: str
    config: dict[str, str]
    secrets: dict[str, str] | None  # None on a PUT: keep the stored ones
    active: bool = True


def _check(data: ChannelInput) -> None:
    missing = [key for key in REQUIRED_CONFIG[data.type] if not data.config.get(key)]
    if missing:
        raise ValidationFailed.single(f"config.{missing[0]}", f"a {data.type.value} channel needs it")
    clash = set(data.config) & set(data.secrets or {})
    if clash:
        raise ValidationFailed.single(f"secrets.{sorted(clash)[0]}", "is also in config: keep a setting in one place")


async def create_channel(
    *, uow: NotificationsUnitOfWork, clock: Clock, box: SecretBox, actor: Actor, data: ChannelInput
) -> Channel:
    actor.require(MANAGE)
    _check(data)
    now = clock.now()
    channel = Channel(
        organization_id=actor.org,
        name=data.name,
        type=data.type,
        provider=data.provider,
        config=dict(data.config),
        secrets_sealed={k: box.seal(v) for k, v in (data.secrets or {}).items()},
        active=data.active,
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await uow.channels.add(channel)
        await uow.commit()
    return channel


async def update_channel(
    *, uow: NotificationsUnitOfWork, clock: Clock, box: SecretBox, actor: Actor, channel_id: UUID, data: ChannelInput
) -> Channel:
    actor.require(MANAGE)
    _check(data)
    async with uow:
        channel = await uow.channels.get(actor.org, channel_id)
        if data.type is not channel.type:
            raise Conflict("a channel's type cannot change: create another channel")
        channel.name, channel.provider, channel.active = data.name, data.provider, data.active
        channel.config = dict(data.config)
        if data.secrets is not None:
            channel.secrets_sealed = {k: box.seal(v) for k, v in data.secrets.items()}
        channel.updated_at = clock.now()
        await uow.channels.update(channel)
        await uow.commit()
    return channel


async def get_channel(*, uow: NotificationsUnitOfWork, actor: Actor, channel_id: UUID) -> Channel:
    actor.require(MANAGE)
    async with uow:
        return await uow.channels.get(actor.org, channel_id)


async def list_channels(*, uow: NotificationsUnitOfWork, actor: Actor, page: PageRequest) -> Page[Channel]:
    actor.require(MANAGE)
    async with uow:
        return await uow.channels.list(actor.org, page)


async def delete_channel(*, uow: NotificationsUnitOfWork, actor: Actor, channel_id: UUID) -> None:
    actor.require(MANAGE)
    async with uow:
        await uow.channels.delete(actor.org, channel_id)
        await uow.commit()


def check_address(channel_type: ChannelType, to: str | None) -> str:
    if channel_type is ChannelType.EMAIL and not (to and EMAIL.match(to)):
        raise ValidationFailed.single("to", "an e-mail address is required")
    if channel_type in (ChannelType.SMS, ChannelType.WHATSAPP) and not (to and PHONE.match(to)):
        raise ValidationFailed.single("to", "a phone number in E.164 form (+919812345678) is required")
    return to or ""


async def send_test_message(
    *,
    uow: NotificationsUnitOfWork,
    box: SecretBox,
    provider: MessageProvider,
    actor: Actor,
    channel_id: UUID,
    to: str | None,
    message: str,
) -> ProviderOutcome:
    """Sends one test message through the channel's provider and reports what it answered."""
    actor.require(MANAGE)
    async with uow:
        channel = await uow.channels.get(actor.org, channel_id)
    address = check_address(channel.type, to)
    if not channel.active:
        return ProviderOutcome(delivered=False, detail="the channel is inactive")
    return await provider.send(
        channel_type=channel.type,
        provider=channel.provider,
        config=dict(channel.config),
        secrets={k: box.open(v) for k, v in channel.secrets_sealed.items()},
        to=address,
        text=message,
    )

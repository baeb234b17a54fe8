"""Live messaging: each channel's ``provider`` picks its adapter ("twilio", "meta"); e-mail channels
use the mail transport; a provider without an adapter is refused (recorded, never raised)."""

from __future__ import annotations

from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import MessageProvider, ProviderOutcome, ProviderTemplate
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, MessageNotSent


class ProviderRouter(MessageProvider):
    def __init__(
        self, adapters: dict[tuple[ChannelType, str], MessageProvider], mail: MessageProvider | None = None
    ) -> None:
        self._adapters = adapters
        self._mail = mail

    async def send(
        self,
        *,
        channel_type: ChannelType,
        provider: str,
        config: dict[str, str],
        secrets: dict[str, str],
        to: str,
        text: str,
        template: ProviderTemplate | None = None,
    ) -> ProviderOutcome:
        adapter = self._adapters.get((channel_type, provider))
        if adapter is None and channel_type is ChannelType.EMAIL:
            adapter = self._mail
        if adapter is None:
            names = sorted(p for t, p in self._adapters if t is channel_type)
            return ProviderOutcome(False, f"no {channel_type.value} provider {provider!r} (known: {names})")
        return await adapter.send(
            channel_type=channel_type,
            provider=provider,
            config=config,
            secrets=secrets,
            to=to,
            text=text,
            template=template,
        )


class MailChannelProvider(MessageProvider):
    """E-mail channels go out through the platform's mail transport (SMTP settings or var/mail),
    whatever their ``provider`` says: a channel's ``from_email`` is recorded, the server's own
    sender is used (SPF/DKIM are the server's)."""

    def __init__(self, transport: EmailSender) -> None:
        self._transport = transport

    async def send(
        self,
        *,
        channel_type: ChannelType,
        provider: str,
        config: dict[str, str],
        secrets: dict[str, str],
        to: str,
        text: str,
        template: ProviderTemplate | None = None,
    ) -> ProviderOutcome:
        try:
            await self._transport.send(EmailMessage(to=to, subject=text.split("\n", 1)[0][:200], body=text))
        except MessageNotSent as refused:
            return ProviderOutcome(False, refused.detail, retryable=refused.retryable)
        return ProviderOutcome(True, "handed to the mail transport")

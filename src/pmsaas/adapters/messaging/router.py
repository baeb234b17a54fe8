"""Live messaging: each channel's ``provider`` picks its adapter ("twilio", "meta"); a provider
without an adapter is refused (recorded, never raised)."""

from __future__ import annotations

from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import MessageProvider, ProviderOutcome, ProviderTemplate


class ProviderRouter(MessageProvider):
    def __init__(self, adapters: dict[tuple[ChannelType, str], MessageProvider]) -> None:
        self._adapters = adapters

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

"""Console e-mail: the embedded default. Messages go to the log, and are kept for tests."""

from __future__ import annotations

import structlog

from pmsaas.domain.notifications.model import ChannelType
from pmsaas.domain.notifications.ports import MessageProvider, ProviderOutcome, ProviderTemplate
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

log = structlog.get_logger("pmsaas.mail")


class ConsoleEmailSender(EmailSender):
    def __init__(self, keep: int = 200, *, log_body: bool = True) -> None:
        self.sent: list[EmailMessage] = []
        self._keep = keep
        self._log_body = log_body  # development only: bodies carry one-time tokens

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)
        del self.sent[: -self._keep]
        # The body may hold a one-time token; in development that is the point of the console sender.
        log.info(
            "email.sent",
            to=message.to,
            subject=message.subject,
            body=message.body if self._log_body else "(hidden)",
            attachments=[a.filename for a in message.attachments],
        )


class ConsoleMessageProvider(MessageProvider):
    """The embedded stand-in for every channel provider: the message goes to the log (and is kept
    for tests) and counts as delivered. Credentials are never logged."""

    def __init__(self, keep: int = 200) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (channel type, to, text)
        self._keep = keep

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
        self.sent.append((channel_type.value, to, text))
        del self.sent[: -self._keep]
        log.info("message.sent", channel=channel_type.value, provider=provider, to=to, text=text)
        return ProviderOutcome(delivered=True, detail=f"written to the console in place of {provider} (embedded mode)")

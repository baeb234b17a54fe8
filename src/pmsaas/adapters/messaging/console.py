"""Console e-mail: the embedded default. Messages go to the log, and are kept for tests."""

from __future__ import annotations

import structlog

from pmsaas.domain.shared.ports import EmailMessage, EmailSender

log = structlog.get_logger("pmsaas.mail")


class ConsoleEmailSender(EmailSender):
    def __init__(self, keep: int = 200, *, log_body: bool = True) -> None:
        self.sent: list[EmailMessage] = []
        self._keep = keep
        self._log_body = log_body  # off in production: bodies carry one-time tokens

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

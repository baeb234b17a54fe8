"""E-mail through an SMTP server (aiosmtplib): STARTTLS and AUTH from the settings.

SMTP replies are mapped to ``MessageNotSent``: a 4xx reply, a timeout or a refused connection may
pass later (retryable); a 5xx reply (a refused recipient, a failed login) will not."""

from __future__ import annotations

import ssl

import aiosmtplib
import structlog

from pmsaas.adapters.messaging.mime import to_mime
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, MessageNotSent

log = structlog.get_logger("pmsaas.mail")


class SmtpEmailSender(EmailSender):
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        clock: Clock,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        ca_file: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._host, self._port, self._sender, self._clock = host, port, sender, clock
        self._username, self._password = username, password
        self._starttls = starttls
        self._tls = ssl.create_default_context(cafile=ca_file) if starttls else None
        self._timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        mime = to_mime(message, sender=self._sender, at=self._clock.now())
        try:
            await aiosmtplib.send(
                mime,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                start_tls=self._starttls,  # required when asked: never fall back to plain text with a password
                tls_context=self._tls,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [r.code for r in refused.recipients]
            raise MessageNotSent(f"recipient refused ({codes})", retryable=all(400 <= c < 500 for c in codes)) from None
        except aiosmtplib.SMTPResponseException as reply:
            raise MessageNotSent(
                f"SMTP {reply.code}: {reply.message[:200]}", retryable=400 <= reply.code < 500
            ) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as failure:
            raise MessageNotSent(f"SMTP server unreachable: {type(failure).__name__}", retryable=True) from None
        log.info("email.sent", to=message.to, subject=message.subject, server=f"{self._host}:{self._port}")

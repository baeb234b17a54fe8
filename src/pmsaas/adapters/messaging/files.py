"""The embedded default: each e-mail is written as ``var/mail/<timestamp>-<id>.eml``, a file any mail
program opens (the reset link, the invoice PDF attached). The log says where, not what: the body
holds one-time tokens."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import structlog

from pmsaas.adapters.messaging.mime import to_mime
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.ports import EmailMessage, EmailSender, MessageNotSent

log = structlog.get_logger("pmsaas.mail")


class EmlFileEmailSender(EmailSender):
    def __init__(self, directory: Path, *, sender: str, clock: Clock) -> None:
        self.directory = directory
        self._sender, self._clock = sender, clock

    async def send(self, message: EmailMessage) -> None:
        at = self._clock.now()
        path = self.directory / f"{at:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:12]}.eml"
        data = to_mime(message, sender=self._sender, at=at).as_bytes()
        try:
            await asyncio.to_thread(_write, path, data)
        except OSError as failure:
            raise MessageNotSent(f"cannot write {path.name}: {failure.strerror}", retryable=True) from None
        log.info("email.written", path=str(path), to=message.to, subject=message.subject)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".eml.part")
    tmp.write_bytes(data)
    tmp.replace(path)  # a reader never sees half a message

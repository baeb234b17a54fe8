"""The ``EmailSender`` a request uses: it only enqueues a ``send_email`` job (the JobQueue port);
the job sends through the configured transport with retries (``domain/notifications/delivery.py``).
The message travels as plain data (attachments base64), as jobs' arguments must."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from pmsaas.domain.notifications.delivery import SEND_EMAIL
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, EmailSender, JobArgument, JobQueue


class QueuedEmailSender(EmailSender):
    def __init__(self, jobs: JobQueue) -> None:
        self._jobs = jobs

    async def send(self, message: EmailMessage) -> None:
        key = f"email:{uuid.uuid4()}"
        await self._jobs.enqueue(SEND_EMAIL, job_id=f"{key}:1", message=encode(message), key=key, attempt=1)

    async def send_once(self, message: EmailMessage, key: str) -> None:
        key = f"email:{key}"
        await self._jobs.enqueue(SEND_EMAIL, job_id=f"{key}:1", message=encode(message), key=key, attempt=1)


def encode(message: EmailMessage) -> dict[str, JobArgument]:
    return {
        "to": message.to,
        "subject": message.subject,
        "body": message.body,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "content": base64.b64encode(a.content).decode()}
            for a in message.attachments
        ],
    }


def decode(data: dict[str, Any]) -> EmailMessage:
    return EmailMessage(
        to=data["to"],
        subject=data["subject"],
        body=data["body"],
        attachments=tuple(
            EmailAttachment(a["filename"], a["content_type"], base64.b64decode(a["content"]))
            for a in data.get("attachments") or []
        ),
    )

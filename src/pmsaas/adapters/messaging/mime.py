"""An ``EmailMessage`` of the domain as an RFC 5322 message (text body, PDF and other attachments)."""

from __future__ import annotations

import email.message
import email.utils
from datetime import datetime

from pmsaas.domain.shared.ports import EmailMessage


def to_mime(message: EmailMessage, *, sender: str, at: datetime) -> email.message.EmailMessage:
    mime = email.message.EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.format_datetime(at)
    mime["Message-ID"] = email.utils.make_msgid(domain=_domain(sender))
    mime.set_content(message.body)  # utf-8 as needed (Devanagari bodies), 7bit when plain ASCII
    for a in message.attachments:
        maintype, _, subtype = a.content_type.partition("/")
        mime.add_attachment(a.content, maintype=maintype, subtype=subtype or "octet-stream", filename=a.filename)
    return mime


def _domain(sender: str) -> str:
    address = email.utils.parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"

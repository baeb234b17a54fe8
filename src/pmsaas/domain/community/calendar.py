"""An event as an iCalendar object (RFC 5545): one VEVENT, times in UTC, text escaped, lines folded."""

from __future__ import annotations

from datetime import UTC, datetime

from pmsaas.domain.community.model import CommunityEvent

PRODID = "-//pmsaas//community events//EN"


def _utc(at: datetime) -> str:
    # RFC 5545 §3.3.5 form #2: UTC time, "Z" suffix.
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon and comma escaped; newlines as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 §3.1: content lines of at most 75 octets, continued with CRLF and one space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # the continuation's leading space counts
    return "\r\n ".join(parts)


def event_uid(event: CommunityEvent) -> str:
    # Stable across downloads and edits: calendar clients update the entry instead of duplicating it.
    return f"{event.id}@community.pmsaas"


def ics(event: CommunityEvent, stamped_at: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{event_uid(event)}",
        f"DTSTAMP:{_utc(stamped_at)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.title)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)

"""The .ics file: RFC 5545 text escaping, line folding, UTC times and a stable UID."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.community.calendar import escape_text, fold, ics
from pmsaas.domain.community.model import CommunityEvent

IST = timezone(timedelta(hours=5, minutes=30))


def event(**changes) -> CommunityEvent:
    base = {
        "organization_id": uuid4(),
        "title": "Holi, colours; and music",
        "description": "Line one\nLine two \\ end",
        "location": "Lawn",
        "starts_at": datetime(2027, 3, 22, 10, 0, tzinfo=IST),
        "ends_at": datetime(2027, 3, 22, 13, 0, tzinfo=IST),
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
    }
    base.update(changes)
    return CommunityEvent(**base)


def test_times_in_utc_text_escaped_uid_stable():
    e = event()
    text = ics(e, datetime(2026, 12, 1, 12, tzinfo=UTC))
    assert "DTSTART:20270322T043000Z\r\n" in text and "DTEND:20270322T073000Z\r\n" in text
    assert "SUMMARY:Holi\\, colours\\; and music\r\n" in text
    assert "DESCRIPTION:Line one\\nLine two \\\\ end\r\n" in text
    later = ics(e, datetime(2026, 12, 9, tzinfo=UTC))
    assert [x for x in text.split("\r\n") if x.startswith("UID")] == [
        x for x in later.split("\r\n") if x.startswith("UID")
    ]
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")


@given(st.text(min_size=0, max_size=400))
def test_folded_lines_fit_and_unfold_to_the_original(value: str):
    line = "DESCRIPTION:" + escape_text(value)
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert "\n" not in line and "\r" not in line

"""Input bounds shared by every request body, checked once while the body is decoded.

- Text: no NUL and no control characters other than tab, line feed and carriage return
  (PostgreSQL refuses NUL in text; the others only make trouble in exports, logs and e-mails).
- Dates: within 1900-01-01 .. 2200-12-31, so that schedules, renewals and periods computed from
  them stay inside what ``datetime.date`` and the databases hold.
- JSON: at most ``MAX_DEPTH`` levels of nesting, checked on the raw bytes before parsing.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import msgspec

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2200, 12, 31)
MAX_DEPTH = 32

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_value(field: str, value: Any) -> None:
    """Raise ValueError (msgspec turns it into a 422) when ``value`` breaks a bound.

    Nested request Structs check themselves; containers of plain values are walked here."""
    if isinstance(value, str):
        if _CONTROL.search(value) is not None:
            raise ValueError(f"Field `{field}` must not contain control characters")
    elif isinstance(value, date):  # datetimes too
        if not EARLIEST_DATE <= (value.date() if hasattr(value, "date") else value) <= LATEST_DATE:
            raise ValueError(f"Field `{field}` must be between {EARLIEST_DATE} and {LATEST_DATE}")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            check_value(field, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(field, key)
            check_value(field, item)
    elif isinstance(value, msgspec.Struct) and not hasattr(value, "__post_init__"):
        for name in value.__struct_fields__:  # a plain Struct inside a body: walk it too
            check_value(f"{field}.{name}", getattr(value, name))


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text nests arrays/objects more than ``limit`` deep. Cheap for the usual
    body: fewer brackets than the limit cannot nest deeper than it."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for ch in _STRING.sub(b"", body):
        if ch in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif ch in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False

"""The opaque keyset cursor of a list page (docs/api-contract.md §2, "Keyset cursor").

A cursor is URL-safe base64 (no padding) of a small JSON array ``[version, sort_by, descending,
tagged sort value, id]`` followed by an 8-byte BLAKE2b check. It is validated, not secret: every list
still filters by the caller's organization, so a forged but well-formed cursor only moves the reader
inside their own rows; a tampered or truncated one fails the check and answers 422.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.paging import After

_VERSION = 1
_CHECK = b"pmsaas-list-cursor-v1"  # a domain separator for the check, not a secret
_DIGEST = 8


def _tagged(value: Any) -> list[Any]:
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    if isinstance(value, bool):  # before int: bool is an int
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, Decimal):
        return ["n", str(value)]
    if isinstance(value, UUID):
        return ["u", str(value)]
    return ["s", str(value.value if hasattr(value, "value") else value)]  # str, or a str enum


def _untagged(tag: str, raw: Any) -> Any:
    match tag:
        case "t":
            parsed = datetime.fromisoformat(raw)
            if parsed.tzinfo is None:
                raise ValueError("naive")
            return parsed
        case "d":
            return date.fromisoformat(raw)
        case "b" if isinstance(raw, bool):
            return raw
        case "i" if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        case "n":
            return Decimal(raw)
        case "u":
            return UUID(raw)
        case "s" if isinstance(raw, str):
            return raw
    raise ValueError("unknown tag")


def _check(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST, key=_CHECK).digest()


def encode_cursor(sort_by: str, descending: bool, after: After) -> str:
    payload = msgspec.json.encode([_VERSION, sort_by, descending, _tagged(after.value), str(after.id)])
    return base64.urlsafe_b64encode(payload + _check(payload)).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str, sort_by: str, descending: bool) -> After:
    """The keyset position in ``cursor``; 422 (``cursor``) when it is not one of ours or was made for
    another sort than this request's."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload, check = raw[:-_DIGEST], raw[-_DIGEST:]
        if len(raw) <= _DIGEST or not hmac.compare_digest(check, _check(payload)):
            raise ValueError("check")
        version, cursor_sort, cursor_desc, (tag, value), row_id = msgspec.json.decode(payload)
        if version != _VERSION:
            raise ValueError("version")
        position = After(value=_untagged(tag, value), id=UUID(row_id))
    except (ValueError, TypeError, binascii.Error, msgspec.DecodeError):
        raise ValidationFailed.single("cursor", "is not a valid cursor") from None
    if cursor_sort != sort_by or cursor_desc is not descending:
        raise ValidationFailed.single("cursor", "was made for another sort_by or sort_order; repeat the same query")
    return position

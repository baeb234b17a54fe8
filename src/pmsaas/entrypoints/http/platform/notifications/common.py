"""Field types the notifications controllers share. Text never carries a NUL character: PostgreSQL
refuses it in text and JSON, so it is a 422 here rather than a 500 there."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec

from pmsaas.domain.shared.errors import ValidationFailed

NO_NUL = r"^[^\x00]*$"
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]
Body = Annotated[str, msgspec.Meta(min_length=1, max_length=10_000, pattern=NO_NUL)]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NO_NUL)]
EventType = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
Locale = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
ChannelName = Literal["in_app", "email", "sms", "whatsapp"]
SettingKey = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
SettingValue = Annotated[str, msgspec.Meta(max_length=2000, pattern=NO_NUL)]
Settings = Annotated[dict[SettingKey, SettingValue], msgspec.Meta(max_length=30)]

MAX_DATA_BYTES = 16_000


def check_data(data: dict[str, Any], field: str = "data") -> dict[str, Any]:
    """A free JSON object (a notification's ``data``): small, and no NUL anywhere in it."""
    encoded = msgspec.json.encode(data)
    if len(encoded) > MAX_DATA_BYTES:
        raise ValidationFailed.single(field, f"must encode to at most {MAX_DATA_BYTES} bytes")
    if b"\\u0000" in encoded:
        raise ValidationFailed.single(field, "must not contain NUL characters")
    return data

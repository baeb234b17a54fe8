"""Verify a webhook the platform sent (Standard Webhooks, https://www.standardwebhooks.com/).

The platform signs ``"<webhook-id>.<webhook-timestamp>.<body>"`` with HMAC-SHA256 and sends
``webhook-signature: v1,<base64>`` (two space-separated signatures while a rotated secret overlaps).
A ``whsec_`` secret is base64 after the prefix; any other secret (one chosen on the ticketing
surface) is used as its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

TOLERANCE_SECONDS = 5 * 60


class WebhookVerificationError(Exception):
    """The request was not signed by the platform with this secret, or is too old or too new."""


def _key(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


def sign(payload: bytes | str, *, msg_id: str, timestamp: int, secret: str) -> str:
    """The ``webhook-signature`` value the platform sends (for tests of a receiver)."""
    body = payload.encode() if isinstance(payload, str) else payload
    digest = hmac.new(_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> Any:
    """The parsed payload when one signature matches and the timestamp is recent; else raises.

    Pass the raw body as received (before any JSON parsing) and the request's headers.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id, stamp, signatures = (lowered[h] for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
        timestamp = int(stamp)
    except (KeyError, ValueError):
        raise WebhookVerificationError(
            "missing or malformed webhook-id, webhook-timestamp or webhook-signature"
        ) from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookVerificationError("the timestamp is outside the tolerance")
    expected = sign(payload, msg_id=msg_id, timestamp=timestamp, secret=secret).split(",", 1)[1]
    for candidate in signatures.split(" "):
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
            return json.loads(payload)
    raise WebhookVerificationError("no signature matches")

"""Standard Webhooks signatures (https://www.standardwebhooks.com/, spec/standard-webhooks.md of
github.com/standard-webhooks/standard-webhooks): HMAC-SHA256 over ``"<webhook-id>.<webhook-timestamp>.<body>"``
with the endpoint's secret, sent as ``v1,<base64>``; several space-separated signatures while a
secret rotates, any one of which a receiver accepts.

Secrets of the form ``whsec_<base64>`` are decoded as the reference libraries do; a ticketing
surface secret chosen by the caller (any string) is used as its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping

SECRET_PREFIX = "whsec_"
VERSION = "v1"


def secret_key(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        try:
            # The reference libraries pad too: an unpadded base64 secret decodes the same.
            return base64.b64decode(secret[len(SECRET_PREFIX) :] + "==")
        except (binascii.Error, ValueError):
            pass  # not base64 after all: the caller's own string, as any other
    return secret.encode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return f"{VERSION},{base64.b64encode(digest).decode()}"


def signature_header(secrets: Iterable[str], message_id: str, timestamp: int, body: bytes) -> str:
    """One signature per valid secret, current first, space-separated (zero-downtime rotation)."""
    return " ".join(sign(s, message_id, timestamp, body) for s in secrets)


def headers(secrets: Iterable[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, message_id, timestamp, body),
    }


def verify(secret: str, received: Mapping[str, str], body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does: the timestamp within ``tolerance`` seconds of ``now``, and one of the
    ``v1`` signatures equal (constant-time) to ours."""
    lowered = {k.lower(): v for k, v in received.items()}
    message_id, stamp, signatures = (lowered.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (message_id and stamp and signatures):
        return False
    try:
        timestamp = int(stamp)
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, message_id, timestamp, body).encode()
    return any(
        hmac.compare_digest(expected, candidate.encode())
        for candidate in signatures.split(" ")
        if candidate.startswith(f"{VERSION},")
    )

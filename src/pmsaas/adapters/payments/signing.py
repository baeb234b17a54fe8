"""Gateway callback signatures in Stripe's scheme, shared by the sandbox and Stripe adapters.

Header ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``. A header may carry several
``v1`` values (Stripe sends one per active secret while a secret is being rolled); any match is
accepted. Signatures older or newer than the tolerance are refused, so a captured callback cannot
be replayed later (the event id check catches replays inside the window).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import AuthenticationFailed


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={_mac(secret, t, body)}"


def verify(secret: str, body: bytes, header: str | None, *, tolerance: int = 300, now: float | None = None) -> bool:
    if not header or not secret:
        return False
    stamps: list[str] = []
    macs: list[str] = []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            stamps.append(value)
        elif name == "v1":
            macs.append(value)
    if len(stamps) != 1 or not macs:
        return False
    try:
        t = int(stamps[0])
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - t) > tolerance:
        return False
    expected = _mac(secret, t, body)
    return any(hmac.compare_digest(expected, mac) for mac in macs)


def _mac(secret: str, t: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever its case (an HTTP layer's headers, or a plain dict in tests)."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


class CallbackSignature:
    """A gateway's callback check: its header, its webhook secret, the accepted age."""

    def __init__(self, name: str, secret: str | None, *, tolerance: int, clock: Clock | None) -> None:
        self.header = name
        self._secret = secret or ""
        self._tolerance = tolerance
        self._clock = clock

    def verified(self, headers: Mapping[str, str], body: bytes) -> bytes:
        """The body, when the signature checks out; ``AuthenticationFailed`` otherwise (no secret: always)."""
        now = self._clock.now().timestamp() if self._clock is not None else None
        if not verify(self._secret, body, header(headers, self.header), tolerance=self._tolerance, now=now):
            raise AuthenticationFailed("Invalid or expired webhook signature")
        return body

"""TOTP (RFC 6238) with pyotp: 6 digits, 30-second steps, ±1 step of drift. Secrets are sealed with
the SecretBox before they leave this adapter, and opened only to compute a code."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

import pyotp

from pmsaas.domain.identity.ports import OneTimePasswords
from pmsaas.domain.shared.ports import SecretBox

STEP_SECONDS = 30


class PyotpOneTimePasswords(OneTimePasswords):
    def __init__(self, box: SecretBox, *, issuer: str = "pmsaas") -> None:
        self._box = box
        self._issuer = issuer

    def new_secret(self) -> tuple[str, str]:
        plain = pyotp.random_base32()
        return self._box.seal(plain), plain

    def provisioning_uri(self, sealed_secret: str, *, account: str) -> str:
        return pyotp.TOTP(self._box.open(sealed_secret)).provisioning_uri(name=account, issuer_name=self._issuer)

    def matching_step(self, sealed_secret: str, code: str, at: datetime) -> int | None:
        totp = pyotp.TOTP(self._box.open(sealed_secret), interval=STEP_SECONDS)
        for drift in (1, 0, -1):
            moment = at + timedelta(seconds=drift * STEP_SECONDS)
            if hmac.compare_digest(totp.at(moment), code):
                return totp.timecode(moment)
        return None

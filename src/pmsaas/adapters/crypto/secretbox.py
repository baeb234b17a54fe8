"""Secrets the product must use later in clear (webhook signing secrets), encrypted at rest with
Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``, already a dependency through pyjwt[crypto]).

The key comes from PMSAAS_DATA_KEY (any high-entropy string; it is stretched with SHA-256 into a
Fernet key). Development without one gets a random key kept in var/keys/data.key.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from pmsaas.domain.shared.ports import SecretBox


def _fernet_key(material: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())


class FernetSecretBox(SecretBox):
    def __init__(self, key_material: str) -> None:
        self._fernet = Fernet(_fernet_key(key_material))

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("sealed secret does not open with this key (PMSAAS_DATA_KEY changed?)") from exc

    @classmethod
    def development(cls, directory: Path) -> FernetSecretBox:
        path = directory / "data.key"
        if not path.exists():
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return cls(path.read_text().strip())

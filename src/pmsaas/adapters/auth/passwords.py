"""argon2id password hashes (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pmsaas.domain.identity.ports import PasswordHasher


class Argon2PasswordHasher(PasswordHasher):
    def __init__(self, *, time_cost: int = 3, memory_cost_kib: int = 65536) -> None:
        self._argon = Argon2(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=1)
        # A real hash to verify against when the account does not exist (equal timing).
        self._dummy = self._argon.hash("not-a-real-password-for-timing")

    def hash(self, password: str) -> str:
        return self._argon.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        self.verify(self._dummy, password)

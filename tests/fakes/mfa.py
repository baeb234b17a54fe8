"""In-memory TOTP factors, and a deterministic OneTimePasswords for unit tests: the code of a step
is the step's last six digits, so a test computes it from the same clock."""

from __future__ import annotations

import copy
from datetime import datetime
from uuid import UUID

from fakes.store import FakeDatabase
from pmsaas.domain.identity.model import MfaFactor
from pmsaas.domain.identity.ports import MfaFactorRepository, OneTimePasswords


class FakeMfaFactorRepository(MfaFactorRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def find(self, user_id: UUID) -> MfaFactor | None:
        return copy.deepcopy(self._db.mfa_factors.get(user_id))

    async def save(self, factor: MfaFactor) -> None:
        self._db.mfa_factors[factor.user_id] = copy.deepcopy(factor)

    async def remove(self, user_id: UUID) -> None:
        self._db.mfa_factors.pop(user_id, None)


class FakeOneTimePasswords(OneTimePasswords):
    def __init__(self) -> None:
        self.issued = 0

    def new_secret(self) -> tuple[str, str]:
        self.issued += 1
        return f"sealed:{self.issued}", f"SECRET{self.issued}"

    def provisioning_uri(self, sealed_secret: str, *, account: str) -> str:
        return f"otpauth://totp/pmsaas:{account}?secret={sealed_secret.removeprefix('sealed:')}&issuer=pmsaas"

    @staticmethod
    def code_at(at: datetime) -> str:
        return f"{int(at.timestamp()) // 30 % 1_000_000:06d}"

    def matching_step(self, sealed_secret: str, code: str, at: datetime) -> int | None:
        step = int(at.timestamp()) // 30
        for candidate in (step + 1, step, step - 1):
            if f"{candidate % 1_000_000:06d}" == code:
                return candidate
        return None

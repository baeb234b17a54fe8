"""Sign-in secrets: how refresh, action and challenge tokens are made and stored, and the policy of
their lifetimes and sign-in attempts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from pmsaas.domain.identity.model import User
from pmsaas.domain.identity.ports import IdentityUnitOfWork
from pmsaas.domain.shared.clock import Clock


def hash_secret(secret: str) -> str:
    """Refresh and action tokens are random 256-bit secrets: SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenPolicy:
    refresh_ttl: timedelta
    login_attempts_per_account: int = 10
    login_attempts_per_ip: int = 50
    login_window_seconds: int = 900


async def new_action_token(uow: IdentityUnitOfWork, clock: Clock, user: User, purpose: str, ttl: timedelta) -> str:
    """Stores a single-use token (hashed) for a password reset or an invitation; returns the secret to send."""
    secret = new_secret()
    now = clock.now()
    await uow.tokens.add_action_token(
        user_id=user.id, purpose=purpose, token_hash=hash_secret(secret), created_at=now, expires_at=now + ttl
    )
    return secret

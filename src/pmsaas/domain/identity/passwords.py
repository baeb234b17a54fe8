"""Password reset: a single-use token by e-mail, then a new password that signs out every session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from pmsaas.domain.identity.audit_events import (
    PASSWORD_RESET,
    PASSWORD_RESET_REQUESTED,
    as_actor,
    home_organization,
    user_target,
)
from pmsaas.domain.identity.model import User, UserStatus, check_password, normalize_email
from pmsaas.domain.identity.ports import IdentityUnitOfWork, PasswordHasher
from pmsaas.domain.identity.tokens import hash_secret, new_action_token
from pmsaas.domain.shared.audit import NO_REQUEST, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

RESET_TTL = timedelta(hours=2)


async def forgot_password(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    mailer: EmailSender,
    base_url: str,
    email: str,
    request: RequestInfo = NO_REQUEST,
) -> None:
    """Always succeeds from the caller's view, whether the account exists or not."""
    try:
        email = normalize_email(email)
    except ValidationFailed:
        return
    async with uow:
        user = await uow.users.find_by_email(email)
        if user is None or user.status == UserStatus.DISABLED:
            return
        secret = await new_action_token(uow, clock, user, "reset", RESET_TTL)
        actor = as_actor(user, await home_organization(uow, user))
        await record_audit(uow, actor, PASSWORD_RESET_REQUESTED, user_target(user), request, at=clock.now())
        await uow.commit()
    await mailer.send(
        EmailMessage(
            to=user.email,
            subject="Reset your password",
            body=f"Use this token within 2 hours to set a new password:\n{secret}\n"
            f"Open the reset page: {base_url}/reset-password?token={secret}\n"
            f'or POST {base_url}/api/v1/identity/reset-password with {{"token", "password"}}.',
        )
    )


async def reset_password(
    *,
    uow: IdentityUnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    token: str,
    password: str,
    request: RequestInfo = NO_REQUEST,
) -> User:
    check_password(password)
    password_hash = hasher.hash(password)
    now = clock.now()
    async with uow:
        user_id = None
        for purpose in ("reset", "invite"):
            user_id = await uow.tokens.use_action_token(purpose=purpose, token_hash=hash_secret(token), at=now)
            if user_id:
                break
        if user_id is None:
            raise ValidationFailed.single("token", "is invalid or has expired")
        user = await uow.users.get(user_id)
        user = replace(user, password_hash=password_hash, status=UserStatus.ACTIVE, email_verified=True, updated_at=now)
        await uow.users.update(user)
        await uow.tokens.revoke_user_tokens(user.id, now)  # a reset signs out every session
        await uow.tokens.end_access(user.id, at=now)
        actor = as_actor(user, await home_organization(uow, user))
        details = {"sessions": "all revoked", "via": purpose}
        await record_audit(uow, actor, PASSWORD_RESET, user_target(user), request, at=now, details=details)
        await uow.commit()
    return user

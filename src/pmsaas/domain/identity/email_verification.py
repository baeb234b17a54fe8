"""Proof that an account's holder reads its e-mail: a single-use token, stored hashed, that expires.

Registration sends the first one; the signed-in holder may ask for another (throttled). Signing in
does not wait for it: ``email_verified`` is what the account shows, and what flows that mail the
holder (invoices, resets) can rely on."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from pmsaas.domain.identity.audit_events import EMAIL_VERIFIED, as_actor, home_organization, user_target
from pmsaas.domain.identity.model import User
from pmsaas.domain.identity.ports import AttemptLimiter, IdentityUnitOfWork
from pmsaas.domain.identity.tokens import hash_secret, new_action_token
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, NotFound, RateLimited, ValidationFailed
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

VERIFY_PURPOSE = "verify"
VERIFY_TTL = timedelta(hours=24)
RESENDS_PER_HOUR = 3


def verification_message(user: User, secret: str, base_url: str) -> EmailMessage:
    return EmailMessage(
        to=user.email,
        subject="Confirm your e-mail address",
        body=f"Hello {user.name},\n\nConfirm this address within 24 hours with this token:\n{secret}\n"
        f"Open {base_url}/verify-email?token={secret}\n"
        f'or POST {base_url}/api/v1/identity/verify-email with {{"token"}}.\n'
        "If you did not create an account, ignore this message.",
    )


async def send_verification(
    *, uow: IdentityUnitOfWork, clock: Clock, mailer: EmailSender, base_url: str, user: User
) -> None:
    """A new token for ``user`` (its own transaction), then the e-mail carrying it."""
    async with uow:
        secret = await new_action_token(uow, clock, user, VERIFY_PURPOSE, VERIFY_TTL)
        await uow.commit()
    await mailer.send(verification_message(user, secret, base_url))


async def resend_verification(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    mailer: EmailSender,
    limiter: AttemptLimiter,
    base_url: str,
    actor: Actor,
) -> None:
    if actor.user_id is None:
        raise NotFound("user")
    async with uow.read_only() as ro:
        user = await ro.users.get(actor.user_id)
    if user.email_verified:
        raise Conflict("this e-mail address is already verified")
    wait = await limiter.hit(f"verify:resend:{user.id}", limit=RESENDS_PER_HOUR, window_seconds=3600)
    if wait is not None:
        raise RateLimited(retry_after=wait, message="A verification e-mail was sent recently; try again later")
    await send_verification(uow=uow, clock=clock, mailer=mailer, base_url=base_url, user=user)


async def verify_email(*, uow: IdentityUnitOfWork, clock: Clock, token: str, request: RequestInfo = NO_REQUEST) -> User:
    """Spends the token and marks the address verified. A used, expired or unknown token is 422."""
    now = clock.now()
    async with uow:
        user_id = await uow.tokens.use_action_token(purpose=VERIFY_PURPOSE, token_hash=hash_secret(token), at=now)
        if user_id is None:
            raise ValidationFailed.single("token", "is invalid, used or has expired")
        user = await uow.users.get(user_id)
        if not user.email_verified:
            user = replace(user, email_verified=True, updated_at=now)
            await uow.users.update(user)
            actor = as_actor(user, await home_organization(uow, user))
            await record_audit(uow, actor, EMAIL_VERIFIED, user_target(user), request, at=now)
        await uow.commit()
    return user

"""Registration: a new account, and with an organization name its organization, in one transaction.

It crosses contexts: identity stores the account and its membership, the organizations context
builds the organization (``new_organization``, its name and default settings) and stores it.

``register`` refuses a known e-mail (409): right for an operator's CLI, but over the open
API it answers "this address has an account" to anyone. Here a known e-mail gets the same 201 and
the same shape as a new one, built from a stand-in that is never stored, and the address's owner
gets an e-mail saying someone tried (so the real person learns of it, and nobody else does).
"""

from __future__ import annotations

from abc import ABC

from pmsaas.domain.identity.email_verification import send_verification
from pmsaas.domain.identity.model import Membership, OrgUser, User, check_password, normalize_email
from pmsaas.domain.identity.ports import IdentityUnitOfWork, PasswordHasher
from pmsaas.domain.identity.users import check_name, user_event
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.organizations.ports import OrganizationsUnitOfWork
from pmsaas.domain.organizations.services import new_organization
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import EmailMessage, EmailSender


class SignUpUnitOfWork(IdentityUnitOfWork, OrganizationsUnitOfWork, ABC):
    """One transaction over the identity and the organizations ports."""


async def register(
    *,
    uow: SignUpUnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
    name: str,
    organization_name: str | None = None,
    settings: OrganizationSettings | None = None,
) -> tuple[User, Membership | None]:
    """``settings``: the organization's country (and State/province), from which its currency, time
    zone and locale follow (``OrganizationSettings.for_country``); the United States' by default."""
    email, name = normalize_email(email), check_name(name)
    if settings is not None:
        if organization_name is None:
            raise ValidationFailed.single("country", "describes the organization: give organization_name too")
        settings = settings.validated()
    check_password(password)
    if organization_name is not None and not organization_name.strip():
        raise ValidationFailed.single("organization_name", "must not be blank")
    org_name = organization_name.strip() if organization_name else None
    password_hash = hasher.hash(password)
    now = clock.now()
    async with uow:
        if await uow.users.find_by_email(email) is not None:
            raise Conflict("an account with this e-mail already exists")
        user = User(email=email, name=name, password_hash=password_hash, created_at=now, updated_at=now)
        membership = None
        if org_name:
            org = new_organization(org_name, now, settings)
            await uow.organizations.add(org)
            user.default_organization_id = org.id
            membership = Membership(user.id, org.id, frozenset({"OrganizationOwner"}), created_at=now)
        await uow.users.add(user)
        if membership:
            await uow.memberships.add(membership)
            # The same events as POST /organizations and POST /identity/users would write.
            uow.record(
                DomainEvent(
                    "organization.created",
                    membership.organization_id,
                    now,
                    {"organization_id": str(membership.organization_id), "name": org_name},
                )
            )
            uow.record(user_event("user.created", OrgUser(user, membership), now))
        await uow.commit()
    return user, membership


async def sign_up(
    *,
    uow: SignUpUnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    mailer: EmailSender,
    base_url: str,
    email: str,
    password: str,
    name: str,
    organization_name: str | None = None,
    settings: OrganizationSettings | None = None,
) -> tuple[User, Membership | None]:
    """A new account, or for a known e-mail an unsaved look-alike of one plus an e-mail to its owner.
    The password is hashed either way (inside ``register``), so both answers take as long.

    A new account is sent its e-mail verification token (its own transaction: should that fail, the
    holder asks for another with ``resend_verification``)."""
    try:
        user, membership = await register(
            uow=uow,
            hasher=hasher,
            clock=clock,
            email=email,
            password=password,
            name=name,
            organization_name=organization_name,
            settings=settings,
        )
    except Conflict:
        pass
    else:
        await send_verification(uow=uow, clock=clock, mailer=mailer, base_url=base_url, user=user)
        return user, membership
    now = clock.now()
    known = normalize_email(email)
    stand_in = User(email=known, name=name.strip(), password_hash="", created_at=now, updated_at=now)
    membership = None
    if organization_name:
        membership = Membership(stand_in.id, new_id(), frozenset({"OrganizationOwner"}), created_at=now)
    await mailer.send(
        EmailMessage(
            to=known,
            subject="Someone tried to register with your e-mail",
            body="An account with this e-mail address already exists, so nothing was created.\n"
            f"If it was you, sign in at {base_url}/api/v1/identity/login, or reset your password with "
            f"POST {base_url}/api/v1/identity/forgot-password. If it was not you, ignore this message.",
        )
    )
    return stand_in, membership

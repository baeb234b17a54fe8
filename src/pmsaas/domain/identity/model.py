"""Users, memberships (a user's roles in one organization) and credentials."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pmsaas.domain.identity.roles import is_known_role, permissions_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import FieldProblem, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class UserStatus(StrEnum):
    ACTIVE = "active"
    INVITED = "invited"  # created without a password; an invitation e-mail lets them set one
    DISABLED = "disabled"


def normalize_email(raw: str, field_name: str = "email") -> str:
    value = raw.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationFailed.single(field_name, "is not a valid e-mail address")
    return value


def check_password(password: str, field_name: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed.single(field_name, f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed.single(field_name, f"must be at most {MAX_PASSWORD_LENGTH} characters")


def check_roles(roles: list[str], field_name: str = "roles", custom: frozenset[str] = frozenset()) -> frozenset[str]:
    """``custom``: the names of the organization's own roles, assignable like the built-in ones."""
    problems = [
        FieldProblem(f"{field_name}.{i}", f"unknown role {r!r}")
        for i, r in enumerate(roles)
        if not is_known_role(r) and r not in custom
    ]
    if problems:
        raise ValidationFailed(problems)
    if not roles:
        raise ValidationFailed.single(field_name, "at least one role is required")
    return frozenset(roles)


@dataclass(eq=False)
class User:
    email: str
    name: str
    created_at: datetime
    updated_at: datetime
    password_hash: str | None = None
    phone: str | None = None
    status: UserStatus = UserStatus.ACTIVE
    email_verified: bool = False
    default_organization_id: UUID | None = None
    id: UUID = field(default_factory=new_id)


@dataclass(eq=False)
class Membership:
    user_id: UUID
    organization_id: UUID
    roles: frozenset[str]
    created_at: datetime
    tenant_profile_id: UUID | None = None
    id: UUID = field(default_factory=new_id)
    # What the organization's custom roles among ``roles`` grant; the repositories fill it in.
    custom_grants: frozenset[str] = frozenset()

    @property
    def permissions(self) -> frozenset[str]:
        """The effective grants: the union of every role's, built-in and custom."""
        return permissions_for(self.roles) | self.custom_grants

    @property
    def custom_role_names(self) -> frozenset[str]:
        """The organization's own roles among ``roles`` (whose grants the repositories load)."""
        return frozenset(r for r in self.roles if not is_known_role(r))


@dataclass(eq=False)
class CustomRole:
    organization_id: UUID
    name: str
    description: str
    permissions: frozenset[str]
    created_at: datetime
    updated_at: datetime
    created_by: UUID | None = None
    id: UUID = field(default_factory=new_id)

    def event(self, name: str, at: datetime, actor: Actor) -> DomainEvent:
        return DomainEvent(
            name=name,
            organization_id=self.organization_id,
            occurred_at=at,
            data={
                "role_id": str(self.id),
                "name": self.name,
                "permissions": sorted(self.permissions),
                "actor_user_id": str(actor.user_id) if actor.user_id else None,
            },
        )


@dataclass(eq=False)
class MfaFactor:
    """A user's TOTP factor. ``sealed_secret`` is encrypted (the OneTimePasswords adapter opens it);
    ``last_step`` is the newest time step accepted, so no code is accepted twice; recovery codes are
    kept as SHA-256 hashes and each leaves the list when used."""

    user_id: UUID
    sealed_secret: str
    created_at: datetime
    confirmed_at: datetime | None = None
    last_step: int | None = None
    recovery_hashes: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool:
        return self.confirmed_at is not None


@dataclass(frozen=True)
class MfaChallenge:
    """The first step of a sign-in with MFA: no access token, only this short-lived challenge."""

    token: str
    expires_in: int
    user: User
    # The organization requires MFA of this member, who has none yet: the challenge only lets them
    # set it up (POST /mfa/setup with it), and the confirming code then signs them in.
    setup_required: bool = False


@dataclass(frozen=True)
class OrgUser:
    """A user as seen from one organization: the account plus its roles there."""

    user: User
    membership: Membership


@dataclass(frozen=True)
class Invitation:
    """An organization's offer of roles to an account that already exists: the account joins only
    when it accepts (signed in, with the e-mailed token). Only the token's hash is stored."""

    organization_id: UUID
    user_id: UUID
    roles: frozenset[str]
    token_hash: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    id: UUID = field(default_factory=new_id)


@dataclass(frozen=True)
class RefreshRecord:
    id: UUID
    family_id: UUID
    user_id: UUID
    organization_id: UUID | None
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str
    jti: str
    expires_at: datetime
    expires_in: int


@dataclass(frozen=True)
class TokenPair:
    access: IssuedAccessToken
    refresh_token: str
    user: User
    membership: Membership | None

"""Identity's entries in the audit log (``domain/shared/audit.py``) and the owners' reading of it.

Action names are ``<thing>.<what happened>``; docs/identity.md lists them. Sign-ins are recorded
in the sign-in's own transaction (a failure commits its entry, then answers the error)."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.identity.model import User
from pmsaas.domain.identity.ports import AuditEventFilter, IdentityUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import AuditEvent, AuditTarget
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest

LOGIN_SUCCEEDED = "login.succeeded"
LOGIN_FAILED = "login.failed"
LOGIN_LOCKED = "login.locked"
MFA_ENABLED = "mfa.enabled"
MFA_DISABLED = "mfa.disabled"
MFA_RECOVERY_CODES_REGENERATED = "mfa.recovery_codes_regenerated"
MFA_LOCKED = "mfa.locked"
PASSWORD_RESET_REQUESTED = "password.reset_requested"
PASSWORD_RESET = "password.reset"
EMAIL_VERIFIED = "email.verified"
ROLE_CREATED = "role.created"
ROLE_UPDATED = "role.updated"
ROLE_PERMISSIONS_CHANGED = "role.permissions_changed"
ROLE_DELETED = "role.deleted"
USER_ROLES_CHANGED = "user.roles_changed"

MAX_EXPORT = 10_000  # rows in one CSV export; narrow the dates for more


def user_target(user: User) -> AuditTarget:
    return AuditTarget("user", str(user.id), user.email)


def as_actor(user: User, organization_id: UUID | None) -> Actor:
    """The user acting on their own account (signing in, resetting their password)."""
    return Actor(user_id=user.id, organization_id=organization_id)


async def home_organization(uow: IdentityUnitOfWork, user: User) -> UUID | None:
    """Where a user's own account events are filed: the default organization, else the first one."""
    memberships = await uow.memberships.for_user(user.id)
    ids = [m.organization_id for m in memberships]
    if user.default_organization_id in ids:
        return user.default_organization_id
    return ids[0] if ids else None


async def list_audit_events(
    *, uow: IdentityUnitOfWork, actor: Actor, filters: AuditEventFilter, page: PageRequest
) -> Page[AuditEvent]:
    """The actor's organization's entries only (another organization's are never reachable)."""
    actor.require("org:audit")
    if filters.occurred_from and filters.occurred_to and filters.occurred_from >= filters.occurred_to:
        raise ValidationFailed.single("to", "must be after from")
    async with uow.read_only() as ro:
        return await ro.audit_events.list(actor.org, filters, page)

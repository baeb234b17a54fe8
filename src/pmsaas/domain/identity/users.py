"""Users of an organization: add (or invite an existing account), read, list, change, remove."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from pmsaas.domain.identity.audit_events import USER_ROLES_CHANGED, user_target
from pmsaas.domain.identity.custom_roles import guard_grants
from pmsaas.domain.identity.model import (
    Invitation,
    Membership,
    OrgUser,
    User,
    UserStatus,
    check_password,
    check_roles,
    normalize_email,
)
from pmsaas.domain.identity.ports import IdentityUnitOfWork, PasswordHasher, UserFilter
from pmsaas.domain.identity.roles import is_known_role
from pmsaas.domain.identity.tokens import hash_secret, new_action_token, new_secret
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import Quota, takes_a_seat
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

INVITATION_TTL = timedelta(days=7)


def check_name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name.strip()


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    roles: list[str]
    password: str | None = None
    phone: str | None = None


def user_event(name: str, org_user: OrgUser, at: datetime) -> DomainEvent:
    return DomainEvent(
        name=name,
        organization_id=org_user.membership.organization_id,
        occurred_at=at,
        data={
            "user_id": str(org_user.user.id),
            "email": org_user.user.email,
            "roles": sorted(org_user.membership.roles),
        },
    )


def _guard_roles(actor: Actor, roles: frozenset[str]) -> None:
    if "SuperAdmin" in roles and "SuperAdmin" not in actor.roles:
        raise PermissionDenied("only a SuperAdmin can grant SuperAdmin")


async def _resolve_roles(uow: IdentityUnitOfWork, actor: Actor, wanted: list[str]) -> frozenset[str]:
    """Role names (built-in or the organization's own) or custom role ids → the names a membership
    holds. Whoever hands out a custom role must hold what it grants (no way up through a role)."""
    custom = {r.name: r for r in await uow.custom_roles.list(actor.org)}
    by_id = {str(r.id): r.name for r in custom.values()}
    roles = check_roles([by_id.get(r.lower(), r) for r in wanted], custom=frozenset(custom))
    _guard_roles(actor, roles)
    for name in roles & custom.keys():
        guard_grants(actor, custom[name].permissions)
    return roles


async def admit_seat(uow: IdentityUnitOfWork, organization_id: UUID, roles: frozenset[str], now: datetime) -> None:
    """A member (or an invitation) with a working role takes a seat: refused past the plan's seats,
    counted under the organization's lock so concurrent additions cannot overshoot together."""
    if takes_a_seat(roles):
        await uow.plan_allowance.admit(organization_id, Quota.SEATS, adding=1, now=now)


async def create_user(
    *,
    uow: IdentityUnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    mailer: EmailSender,
    base_url: str,
    actor: Actor,
    data: NewUser,
) -> OrgUser:
    """Adds a user to the actor's organization; a new one without a password is invited by e-mail to
    set one. An existing account (by e-mail) is not pulled in: it is invited to join
    (``invite_account``) and the answer looks like a new user's, so the caller learns nothing of it."""
    email, name = normalize_email(data.email), check_name(data.name)
    if data.password is not None:
        check_password(data.password)
    password_hash = hasher.hash(data.password) if data.password is not None else None
    now = clock.now()
    invite_secret = None
    async with uow:
        roles = await _resolve_roles(uow, actor, data.roles)
        user = await uow.users.find_by_email(email)
        if user is not None and await uow.memberships.find(actor.org, user.id) is not None:
            raise Conflict("this user is already a member of the organization")
        await admit_seat(uow, actor.org, roles, now)
        if user is not None:
            return await invite_account(
                uow=uow,
                clock=clock,
                mailer=mailer,
                base_url=base_url,
                actor=actor,
                account=user,
                data=data,
                roles=roles,
                stand_in_active=password_hash is not None,
            )
        if user is None:
            user = User(
                email=email,
                name=name,
                phone=data.phone,
                password_hash=password_hash,
                status=UserStatus.ACTIVE if password_hash else UserStatus.INVITED,
                default_organization_id=actor.org,
                created_at=now,
                updated_at=now,
            )
            await uow.users.add(user)
            if password_hash is None:
                invite_secret = await new_action_token(uow, clock, user, "invite", INVITATION_TTL)
        await uow.memberships.add(Membership(user.id, actor.org, roles, created_at=now))
        membership = await uow.memberships.get(actor.org, user.id)  # with the custom roles' grants
        result = OrgUser(user, membership)
        uow.record(user_event("user.created", result, now))
        await uow.commit()
    if invite_secret:
        await mailer.send(
            EmailMessage(
                to=user.email,
                subject="You have been invited to pmsaas",
                body=f"Hello {user.name},\n\nSet your password within 7 days with this token:\n{invite_secret}\n"
                f'POST {base_url}/api/v1/identity/reset-password with {{"token", "password"}}.',
            )
        )
    return result


async def get_user(*, uow: IdentityUnitOfWork, actor: Actor, user_id: UUID) -> OrgUser:
    async with uow:
        membership = await uow.memberships.get(actor.org, user_id)
        return OrgUser(await uow.users.get(user_id), membership)


async def list_users(*, uow: IdentityUnitOfWork, actor: Actor, filters: UserFilter, page: PageRequest) -> Page[OrgUser]:
    async with uow:
        if filters.role is not None and not is_known_role(filters.role):
            if filters.role not in {r.name for r in await uow.custom_roles.list(actor.org)}:
                raise ValidationFailed.single("role", f"unknown role {filters.role!r}")
        found = await uow.memberships.list_users(actor.org, filters, page)
    return Page([OrgUser(u, m) for u, m in found.items], found.total, found.page, found.page_size)


@dataclass(frozen=True)
class UserChanges:
    name: str
    phone: str | None = None
    status: UserStatus | None = None
    roles: list[str] | None = None


async def update_user(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    actor: Actor,
    user_id: UUID,
    changes: UserChanges,
    request: RequestInfo = NO_REQUEST,
) -> OrgUser:
    name = check_name(changes.name)
    now = clock.now()
    async with uow:
        roles = await _resolve_roles(uow, actor, changes.roles) if changes.roles is not None else None
        membership = await uow.memberships.get(actor.org, user_id)
        current = await uow.users.get(user_id)
        status_changes = changes.status is not None and changes.status != current.status
        if status_changes and user_id == actor.user_id:
            raise Conflict("you cannot change your own status")
        profile_changes = status_changes or (name, changes.phone) != (current.name, current.phone)
        if profile_changes and user_id != actor.user_id and len(await uow.memberships.for_user(user_id)) > 1:
            # The account is shared with other organizations: one of them must not rename it or
            # lock it out of the others. Its roles here, or its membership, are this org's to change.
            raise Conflict("this account also belongs to other organizations; change its roles or remove it instead")
        user = replace(current, name=name, phone=changes.phone, updated_at=now)
        if status_changes and changes.status is not None:
            user.status = changes.status
            if changes.status == UserStatus.DISABLED:
                await uow.tokens.revoke_user_tokens(user.id, now)
                await uow.tokens.end_access(user.id, at=now)
        await uow.users.update(user)
        if roles is not None and roles != membership.roles:
            await _set_roles(uow, actor, membership, roles, now, request)
            membership = await uow.memberships.get(actor.org, user_id)
        result = OrgUser(user, membership)
        uow.record(user_event("user.updated", result, now))
        await uow.commit()
    return result


async def _set_roles(
    uow: IdentityUnitOfWork,
    actor: Actor,
    membership: Membership,
    roles: frozenset[str],
    at: datetime,
    request: RequestInfo = NO_REQUEST,
) -> Membership:
    if membership.user_id == actor.user_id and "OrganizationOwner" in membership.roles - roles:
        raise Conflict("you cannot remove your own OrganizationOwner role")
    if not takes_a_seat(membership.roles):  # a tenant given a working role now takes a seat
        await admit_seat(uow, membership.organization_id, roles, at)
    if membership.roles - roles:  # a role taken away: tokens naming it end (one added harms no one)
        await uow.tokens.end_access(membership.user_id, membership.organization_id, at=at)
    details = {"from": " ".join(sorted(membership.roles)), "to": " ".join(sorted(roles))}
    membership = replace(membership, roles=roles)
    await uow.memberships.update(membership)
    user = await uow.users.get(membership.user_id)
    await record_audit(uow, actor, USER_ROLES_CHANGED, user_target(user), request, at=at, details=details)
    return membership


async def set_user_roles(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    actor: Actor,
    user_id: UUID,
    roles: list[str],
    request: RequestInfo = NO_REQUEST,
) -> OrgUser:
    now = clock.now()
    async with uow:
        wanted = await _resolve_roles(uow, actor, roles)
        await _set_roles(uow, actor, await uow.memberships.get(actor.org, user_id), wanted, now, request)
        membership = await uow.memberships.get(actor.org, user_id)  # with the custom roles' grants
        result = OrgUser(await uow.users.get(user_id), membership)
        uow.record(user_event("user.updated", result, now))
        await uow.commit()
    return result


async def remove_user(*, uow: IdentityUnitOfWork, clock: Clock, actor: Actor, user_id: UUID) -> None:
    """Removes the user from this organization (the account itself may belong to others)."""
    if user_id == actor.user_id:
        raise Conflict("you cannot remove yourself from the organization")
    async with uow:
        membership = await uow.memberships.get(actor.org, user_id)
        user = await uow.users.get(user_id)
        await uow.memberships.remove(actor.org, user_id)
        now = clock.now()
        await uow.tokens.end_access(user_id, actor.org, at=now)  # its tokens for this organization end now
        uow.record(user_event("user.deleted", OrgUser(user, membership), now))
        await uow.commit()


async def me(*, uow: IdentityUnitOfWork, actor: Actor) -> User:
    if actor.user_id is None:
        raise NotFound("user")
    async with uow:
        return await uow.users.get(actor.user_id)


async def invite_account(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    mailer: EmailSender,
    base_url: str,
    actor: Actor,
    account: User,
    data: NewUser,
    roles: frozenset[str],
    stand_in_active: bool,
) -> OrgUser:
    """Inside ``create_user``'s transaction: store an invitation for ``account``, commit, e-mail its
    token, and answer with an unsaved look-alike of a new user built from the request alone."""
    now = clock.now()
    secret = new_secret()
    await uow.invitations.add(
        Invitation(actor.org, account.id, roles, hash_secret(secret), created_at=now, expires_at=now + INVITATION_TTL)
    )
    # The grants of the organization's custom roles among them, as a new user's membership shows.
    grants = frozenset(p for r in await uow.custom_roles.list(actor.org) if r.name in roles for p in r.permissions)
    await uow.commit()
    await mailer.send(
        EmailMessage(
            to=account.email,
            subject="You have been invited to join an organization on pmsaas",
            body=f"Hello {account.name},\n\nAn organization invites you to join it as {', '.join(sorted(roles))}.\n"
            f"To accept within 7 days, sign in and send POST {base_url}/api/v1/identity/invitations/<token>/accept "
            f"with this token:\n{secret}\nIf you do not know this organization, ignore this message.",
        )
    )
    status = UserStatus.ACTIVE if stand_in_active else UserStatus.INVITED
    stand_in = User(
        email=account.email,
        name=check_name(data.name),
        phone=data.phone,
        status=status,
        default_organization_id=actor.org,
        created_at=now,
        updated_at=now,
    )
    return OrgUser(stand_in, Membership(stand_in.id, actor.org, roles, created_at=now, custom_grants=grants))

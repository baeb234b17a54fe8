"""Identity use cases: registration, sign-in, token rotation, users of an organization."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

from pmsaas.domain.identity.custom_roles import guard_grants
from pmsaas.domain.identity.model import (
    Invitation,
    Membership,
    MfaChallenge,
    OrgUser,
    RefreshRecord,
    TokenPair,
    User,
    UserStatus,
    check_password,
    check_roles,
    normalize_email,
)
from pmsaas.domain.identity.ports import (
    AccessTokenIssuer,
    AttemptLimiter,
    IdentityUnitOfWork,
    PasswordHasher,
    UserFilter,
)
from pmsaas.domain.identity.roles import is_known_role
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.ports import EmailMessage, EmailSender

INVITATION_TTL = timedelta(days=7)
RESET_TTL = timedelta(hours=2)
CHALLENGE_TTL = timedelta(minutes=5)  # the MFA sign-in challenge (domain/identity/mfa.py)
CHALLENGE_PURPOSE = "mfa"


def hash_secret(secret: str) -> str:
    """Refresh and action tokens are random 256-bit secrets: SHA-256 is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class TokenPolicy:
    refresh_ttl: timedelta
    login_attempts_per_account: int = 10
    login_attempts_per_ip: int = 50
    login_window_seconds: int = 900


def _check_name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name.strip()


async def register(
    *,
    uow: IdentityUnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    email: str,
    password: str,
    name: str,
    organization_name: str | None = None,
) -> tuple[User, Membership | None]:
    email, name = normalize_email(email), _check_name(name)
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
            org_id = await uow.organization_registry.create_for_owner(name=org_name, at=now)
            user.default_organization_id = org_id
            membership = Membership(user.id, org_id, frozenset({"OrganizationOwner"}), created_at=now)
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
            uow.record(_user_event("user.created", OrgUser(user, membership), now))
        await uow.commit()
    return user, membership


async def _pick_membership(uow: IdentityUnitOfWork, user: User) -> Membership | None:
    memberships = await uow.memberships.for_user(user.id)
    for m in memberships:
        if m.organization_id == user.default_organization_id:
            return m
    return memberships[0] if memberships else None


async def _issue_pair(
    uow: IdentityUnitOfWork,
    issuer: AccessTokenIssuer,
    clock: Clock,
    policy: TokenPolicy,
    user: User,
    membership: Membership | None,
    family_id: UUID,
) -> TokenPair:
    now = clock.now()
    secret = _new_secret()
    record = RefreshRecord(
        id=new_id(),
        family_id=family_id,
        user_id=user.id,
        organization_id=membership.organization_id if membership else None,
        expires_at=now + policy.refresh_ttl,
        used_at=None,
        revoked_at=None,
    )
    await uow.tokens.add_refresh(record=record, token_hash=hash_secret(secret), created_at=now)
    versions = await uow.tokens.access_versions(user.id, record.organization_id)
    return TokenPair(issuer.issue(user, membership, now, versions), secret, user, membership)


async def login(
    *,
    uow: IdentityUnitOfWork,
    hasher: PasswordHasher,
    issuer: AccessTokenIssuer,
    limiter: AttemptLimiter,
    clock: Clock,
    policy: TokenPolicy,
    email: str,
    password: str,
    client_ip: str,
) -> TokenPair | MfaChallenge:
    email = email.strip().lower()
    for key, limit in (
        (f"login:account:{email}", policy.login_attempts_per_account),
        (f"login:ip:{client_ip}", policy.login_attempts_per_ip),
    ):
        wait = await limiter.hit(key, limit=limit, window_seconds=policy.login_window_seconds)
        if wait is not None:
            raise RateLimited(retry_after=wait, message="Too many sign-in attempts; try again later")
    async with uow:
        user = await uow.users.find_by_email(email)
        if user is None or user.password_hash is None:
            hasher.dummy_verify(password)  # same work, same answer: no account enumeration
            raise AuthenticationFailed("Invalid e-mail or password")
        if not hasher.verify(user.password_hash, password) or user.status == UserStatus.DISABLED:
            raise AuthenticationFailed("Invalid e-mail or password")
        result = await _mfa_challenge(uow, clock, user) or await issue_session(uow, issuer, clock, policy, user)
        await uow.commit()
    await limiter.reset(f"login:account:{email}")
    return result


async def issue_session(
    uow: IdentityUnitOfWork, issuer: AccessTokenIssuer, clock: Clock, policy: TokenPolicy, user: User
) -> TokenPair:
    """A new refresh family and access token, in the user's default organization."""
    membership = await _pick_membership(uow, user)
    return await _issue_pair(uow, issuer, clock, policy, user, membership, family_id=new_id())


async def _mfa_challenge(uow: IdentityUnitOfWork, clock: Clock, user: User) -> MfaChallenge | None:
    """With MFA on, a right password earns only a short-lived challenge (hashed, single use)."""
    factor = await uow.mfa_factors.find(user.id)
    if factor is None or not factor.enabled:
        return None
    secret = _new_secret()
    now = clock.now()
    await uow.tokens.add_action_token(
        user_id=user.id,
        purpose=CHALLENGE_PURPOSE,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + CHALLENGE_TTL,
    )
    return MfaChallenge(token=secret, expires_in=int(CHALLENGE_TTL.total_seconds()), user=user)


async def refresh(
    *,
    uow: IdentityUnitOfWork,
    issuer: AccessTokenIssuer,
    clock: Clock,
    policy: TokenPolicy,
    refresh_token: str,
) -> TokenPair:
    """Rotate: the presented token dies. A dead token presented again revokes its whole family."""
    now = clock.now()
    async with uow:
        record = await uow.tokens.find_refresh(hash_secret(refresh_token))
        if record is None or record.revoked_at is not None or record.expires_at <= now:
            raise AuthenticationFailed("Invalid refresh token")
        if record.used_at is not None or not await uow.tokens.mark_refresh_used(record.id, now):
            # A stolen token may be either copy: end the family, and every access token of the user.
            await uow.tokens.revoke_family(record.family_id, now)
            await uow.tokens.end_access(record.user_id, at=now)
            await uow.commit()  # the revocation must stick even though this request fails
            raise AuthenticationFailed("Refresh token reuse detected; please sign in again")
        user = await uow.users.get(record.user_id)
        if user.status == UserStatus.DISABLED:
            raise AuthenticationFailed("Invalid refresh token")
        membership = None
        if record.organization_id is not None:
            membership = await uow.memberships.find(record.organization_id, user.id)
        if membership is None:
            membership = await _pick_membership(uow, user)
        pair = await _issue_pair(uow, issuer, clock, policy, user, membership, family_id=record.family_id)
        await uow.commit()
    return pair


async def logout(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    user_id: UUID,
    access_jti: str | None,
    access_expires_at_epoch: int | None,
    refresh_token: str | None,
    everywhere: bool = False,
) -> None:
    """Ends this access token and its refresh family; ``everywhere`` (or no refresh token to tell the
    family by) ends every refresh token and every access token of the user, in every organization."""
    now = clock.now()
    async with uow:
        if access_jti:
            expires = datetime.fromtimestamp(access_expires_at_epoch or 0, UTC) if access_expires_at_epoch else now
            await uow.tokens.revoke_access(access_jti, max(expires, now))
        if refresh_token and not everywhere:
            record = await uow.tokens.find_refresh(hash_secret(refresh_token))
            if record is not None and record.user_id == user_id:
                await uow.tokens.revoke_family(record.family_id, now)
        else:
            await uow.tokens.revoke_user_tokens(user_id, now)
            await uow.tokens.end_access(user_id, at=now)
        await uow.commit()


# -- password reset and invitations --------------------------------------------------------


async def _send_action_link(uow: IdentityUnitOfWork, clock: Clock, user: User, purpose: str, ttl: timedelta) -> str:
    secret = _new_secret()
    now = clock.now()
    await uow.tokens.add_action_token(
        user_id=user.id, purpose=purpose, token_hash=hash_secret(secret), created_at=now, expires_at=now + ttl
    )
    return secret


async def forgot_password(
    *, uow: IdentityUnitOfWork, clock: Clock, mailer: EmailSender, base_url: str, email: str
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
        secret = await _send_action_link(uow, clock, user, "reset", RESET_TTL)
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
    *, uow: IdentityUnitOfWork, hasher: PasswordHasher, clock: Clock, token: str, password: str
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
        await uow.commit()
    return user


# -- users of an organization -------------------------------------------------------------


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    roles: list[str]
    password: str | None = None
    phone: str | None = None


def _user_event(name: str, org_user: OrgUser, at: datetime) -> DomainEvent:
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
    email, name = normalize_email(data.email), _check_name(data.name)
    if data.password is not None:
        check_password(data.password)
    password_hash = hasher.hash(data.password) if data.password is not None else None
    now = clock.now()
    invite_secret = None
    async with uow:
        roles = await _resolve_roles(uow, actor, data.roles)
        user = await uow.users.find_by_email(email)
        if user is not None and await uow.memberships.find(actor.org, user.id) is None:
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
                invite_secret = await _send_action_link(uow, clock, user, "invite", INVITATION_TTL)
        elif await uow.memberships.find(actor.org, user.id) is not None:
            raise Conflict("this user is already a member of the organization")
        await uow.memberships.add(Membership(user.id, actor.org, roles, created_at=now))
        membership = await uow.memberships.get(actor.org, user.id)  # with the custom roles' grants
        result = OrgUser(user, membership)
        uow.record(_user_event("user.created", result, now))
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
    *, uow: IdentityUnitOfWork, clock: Clock, actor: Actor, user_id: UUID, changes: UserChanges
) -> OrgUser:
    name = _check_name(changes.name)
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
            await _set_roles(uow, actor, membership, roles, now)
            membership = await uow.memberships.get(actor.org, user_id)
        result = OrgUser(user, membership)
        uow.record(_user_event("user.updated", result, now))
        await uow.commit()
    return result


async def _set_roles(
    uow: IdentityUnitOfWork, actor: Actor, membership: Membership, roles: frozenset[str], at: datetime
) -> Membership:
    if membership.user_id == actor.user_id and "OrganizationOwner" in membership.roles - roles:
        raise Conflict("you cannot remove your own OrganizationOwner role")
    if membership.roles - roles:  # a role taken away: tokens naming it end (one added harms no one)
        await uow.tokens.end_access(membership.user_id, membership.organization_id, at=at)
    membership = replace(membership, roles=roles)
    await uow.memberships.update(membership)
    return membership


async def set_user_roles(
    *, uow: IdentityUnitOfWork, clock: Clock, actor: Actor, user_id: UUID, roles: list[str]
) -> OrgUser:
    now = clock.now()
    async with uow:
        wanted = await _resolve_roles(uow, actor, roles)
        await _set_roles(uow, actor, await uow.memberships.get(actor.org, user_id), wanted, now)
        membership = await uow.memberships.get(actor.org, user_id)  # with the custom roles' grants
        result = OrgUser(await uow.users.get(user_id), membership)
        uow.record(_user_event("user.updated", result, now))
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
        uow.record(_user_event("user.deleted", OrgUser(user, membership), now))
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
    secret = _new_secret()
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
        name=_check_name(data.name),
        phone=data.phone,
        status=status,
        default_organization_id=actor.org,
        created_at=now,
        updated_at=now,
    )
    return OrgUser(stand_in, Membership(stand_in.id, actor.org, roles, created_at=now, custom_grants=grants))

"""An organization's own roles: a name and a set of the product's permission strings.

The built-in roles (``roles.ROLES``) are the same for every organization and cannot be changed. A
custom role lives in one organization; members hold it by name, next to their built-in roles, and
their effective permissions are the union of all their roles' grants. Nobody can put into a role a
permission they do not hold themselves, so a role is never a way up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from pmsaas.domain.identity.model import CustomRole, Membership
from pmsaas.domain.identity.ports import IdentityUnitOfWork, UserFilter
from pmsaas.domain.identity.roles import ALL_PERMISSIONS, RESOURCES, ROLES
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, AuditTarget, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.paging import PageRequest

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,48}[A-Za-z0-9]$|^[A-Za-z0-9]$")
MAX_ROLES_PER_ORGANIZATION = 100
_BUILT_IN_LOWER = {name.lower() for name in ROLES}


def check_role_name(raw: str) -> str:
    name = raw.strip()
    if not _NAME.match(name):
        raise ValidationFailed.single(
            "name", "must be 1-50 letters, digits, spaces, '.', '_' or '-', starting and ending with a letter or digit"
        )
    if name.lower() in _BUILT_IN_LOWER:
        raise Conflict(f"{name!r} is a built-in role")
    return name


def is_permission_string(value: str) -> bool:
    """``*``, ``<resource>:*`` or one of the concrete permissions the product checks."""
    if value == "*" or value in ALL_PERMISSIONS:
        return True
    return value.endswith(":*") and value[:-2] in RESOURCES


def check_permissions(values: list[str], field_name: str = "permissions") -> frozenset[str]:
    problems = [
        FieldProblem(f"{field_name}.{i}", f"unknown permission {v!r}")
        for i, v in enumerate(values)
        if not is_permission_string(v)
    ]
    if problems:
        raise ValidationFailed(problems)
    if not values:
        raise ValidationFailed.single(field_name, "at least one permission is required")
    return frozenset(values)


def can_grant(actor: Actor, grant: str) -> bool:
    """A wildcard only by one who holds that wildcard (or ``*``): it also covers actions added later."""
    if grant == "*":
        return "*" in actor.permissions
    if grant.endswith(":*"):
        return "*" in actor.permissions or grant in actor.permissions
    return actor.can(grant)


def guard_grants(actor: Actor, grants: frozenset[str]) -> None:
    missing = sorted(g for g in grants if not can_grant(actor, g))
    if missing:
        raise PermissionDenied(f"you cannot grant permissions you do not hold: {', '.join(missing)}")


@dataclass(frozen=True)
class RoleDraft:
    name: str
    description: str
    permissions: list[str]


async def _audit(
    uow: IdentityUnitOfWork, actor: Actor, action: str, role: CustomRole, request: RequestInfo, at: datetime
) -> None:
    details = {"name": role.name, "permissions": " ".join(sorted(role.permissions))}
    await record_audit(
        uow, actor, action, AuditTarget("role", str(role.id), role.name), request, at=at, details=details
    )


async def create_role(
    *, uow: IdentityUnitOfWork, clock: Clock, actor: Actor, draft: RoleDraft, request: RequestInfo = NO_REQUEST
) -> CustomRole:
    name = check_role_name(draft.name)
    permissions = check_permissions(draft.permissions)
    guard_grants(actor, permissions)
    now = clock.now()
    async with uow:
        if len(await uow.custom_roles.list(actor.org)) >= MAX_ROLES_PER_ORGANIZATION:
            raise Conflict(f"an organization can have at most {MAX_ROLES_PER_ORGANIZATION} custom roles")
        role = CustomRole(
            organization_id=actor.org,
            name=name,
            description=draft.description.strip(),
            permissions=permissions,
            created_at=now,
            updated_at=now,
            created_by=actor.user_id,
        )
        await uow.custom_roles.add(role)
        uow.record(role.event("role.created", now, actor))
        await _audit(uow, actor, "role.created", role, request, now)
        await uow.commit()
    return role


async def list_roles(*, uow: IdentityUnitOfWork, actor: Actor) -> list[CustomRole]:
    async with uow:
        return await uow.custom_roles.list(actor.org)


async def get_role(*, uow: IdentityUnitOfWork, actor: Actor, role_id: UUID) -> CustomRole:
    async with uow:
        return await uow.custom_roles.get(actor.org, role_id)


async def _members_holding(uow: IdentityUnitOfWork, organization_id: UUID, name: str) -> list[Membership]:
    """Memberships of the organization that hold the role ``name`` (paged through the user list)."""
    found: list[Membership] = []
    page = 1
    while True:
        chunk = await uow.memberships.list_users(organization_id, UserFilter(role=name), PageRequest(page, 100))
        found += [m for _, m in chunk.items if name in m.roles]
        if page * 100 >= chunk.total:
            return found
        page += 1


async def update_role(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    actor: Actor,
    role_id: UUID,
    draft: RoleDraft,
    request: RequestInfo = NO_REQUEST,
) -> CustomRole:
    """Renames, describes and re-grants a role. Members keep it under its new name; their access
    tokens carry the old grants until they are refreshed (at most the access-token lifetime)."""
    name = check_role_name(draft.name)
    permissions = check_permissions(draft.permissions)
    guard_grants(actor, permissions)
    now = clock.now()
    async with uow:
        current = await uow.custom_roles.get(actor.org, role_id)
        role = replace(
            current, name=name, description=draft.description.strip(), permissions=permissions, updated_at=now
        )
        await uow.custom_roles.update(role)
        if name != current.name:
            for membership in await _members_holding(uow, actor.org, current.name):
                await uow.memberships.update(replace(membership, roles=(membership.roles - {current.name}) | {name}))
        uow.record(role.event("role.updated", now, actor))
        await _audit(uow, actor, "role.updated", role, request, now)
        await uow.commit()
    return role


async def set_role_permissions(
    *,
    uow: IdentityUnitOfWork,
    clock: Clock,
    actor: Actor,
    role_id: UUID,
    permissions: list[str],
    request: RequestInfo = NO_REQUEST,
) -> CustomRole:
    granted = check_permissions(permissions)
    guard_grants(actor, granted)
    now = clock.now()
    async with uow:
        role = replace(await uow.custom_roles.get(actor.org, role_id), permissions=granted, updated_at=now)
        await uow.custom_roles.update(role)
        uow.record(role.event("role.permissions_changed", now, actor))
        await _audit(uow, actor, "role.permissions_changed", role, request, now)
        await uow.commit()
    return role


async def delete_role(
    *, uow: IdentityUnitOfWork, clock: Clock, actor: Actor, role_id: UUID, request: RequestInfo = NO_REQUEST
) -> None:
    now = clock.now()
    async with uow:
        role = await uow.custom_roles.get(actor.org, role_id)
        holders = await _members_holding(uow, actor.org, role.name)
        if holders:
            raise Conflict(f"the role {role.name!r} is held by {len(holders)} member(s); take it from them first")
        await uow.custom_roles.remove(actor.org, role_id)
        uow.record(role.event("role.deleted", now, actor))
        await _audit(uow, actor, "role.deleted", role, request, now)
        await uow.commit()


def built_in_role(role_id: str) -> None:
    """Raises Conflict for a built-in role (they cannot change), NotFound for anything else not a UUID."""
    if role_id in ROLES:
        raise Conflict(f"{role_id!r} is a built-in role and cannot be changed or deleted")
    raise NotFound("role", role_id)

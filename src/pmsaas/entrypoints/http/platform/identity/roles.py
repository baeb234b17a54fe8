"""/api/v1/identity/roles and /permissions: the built-in roles, the organization's own, and the
permission strings a role can grant.

Built-in roles have their name as id; custom roles a UUID. Changing or deleting a built-in role is
409 (the role cannot change, whoever asks); granting what the caller does not hold is 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.identity import custom_roles as uc
from pmsaas.domain.identity.model import CustomRole
from pmsaas.domain.identity.roles import ALL_PERMISSIONS, ROLE_DESCRIPTIONS, ROLES, expand
from pmsaas.domain.shared.errors import NotFound
from pmsaas.entrypoints.http.auth import READS_ONLY, requires
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.structs import Input

PermissionName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Permissions = Annotated[list[PermissionName], msgspec.Meta(min_length=1, max_length=100)]


class RoleIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    permissions: Permissions
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""

    def draft(self) -> uc.RoleDraft:
        return uc.RoleDraft(name=self.name, description=self.description, permissions=self.permissions)


class RolePermissionsIn(Input):
    permissions: Permissions


class RoleOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    description: str
    permissions: list[str]
    expanded_permissions: list[str]
    built_in: bool
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def built(cls, name: str) -> RoleOut:
        granted = ROLES[name]
        return cls(
            id=name,
            name=name,
            description=ROLE_DESCRIPTIONS[name],
            permissions=list(granted),
            expanded_permissions=expand(frozenset(granted)),
            built_in=True,
        )

    @classmethod
    def custom(cls, role: CustomRole) -> RoleOut:
        return cls(
            id=str(role.id),
            name=role.name,
            description=role.description,
            permissions=sorted(role.permissions),
            expanded_permissions=expand(role.permissions),
            built_in=False,
            created_at=role.created_at,
            updated_at=role.updated_at,
        )


class RolePermissionsOut(msgspec.Struct, kw_only=True):
    role_id: str
    permissions: list[str]
    expanded_permissions: list[str]

    @classmethod
    def of(cls, role: RoleOut) -> RolePermissionsOut:
        return cls(role_id=role.id, permissions=role.permissions, expanded_permissions=role.expanded_permissions)


class PermissionOut(msgspec.Struct, kw_only=True):
    name: str
    resource: str
    action: str


def _custom_id(role_id: str) -> UUID:
    """A custom role's id; a built-in role's name is 409 (it cannot change), anything else 404."""
    try:
        return UUID(role_id)
    except ValueError:
        uc.built_in_role(role_id)
        raise NotFound("role", role_id) from None


class RoleController(Controller):
    path = "/api/v1/identity"
    tags = ["Identity"]

    @get("/roles", opt=READS_ONLY, summary="Roles (built-in and the organization's own) and what they grant")
    async def list_roles(self, ctx: Context) -> Ok[list[RoleOut]]:
        built = [RoleOut.built(name) for name in ROLES]
        if ctx.actor.organization_id is None:
            return ok(built)
        return ok(built + [RoleOut.custom(r) for r in await uc.list_roles(uow=ctx.uow(), actor=ctx.actor)])

    @post("/roles", guards=[requires("role:create")], status_code=HTTP_201_CREATED, summary="Create a custom role")
    async def create_role(self, ctx: Context, data: JSONBody[RoleIn]) -> Ok[RoleOut]:
        role = await uc.create_role(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, draft=data.draft(), request=ctx.request_info
        )
        return ok(RoleOut.custom(role))

    @get("/roles/{role_id:str}", opt=READS_ONLY, summary="One role")
    async def get_role(self, ctx: Context, role_id: FromPath[str]) -> Ok[RoleOut]:
        return ok(await _find(ctx, role_id))

    @put("/roles/{role_id:str}", guards=[requires("role:update")], summary="Replace a custom role")
    async def update_role(self, ctx: Context, role_id: FromPath[str], data: JSONBody[RoleIn]) -> Ok[RoleOut]:
        role = await uc.update_role(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            role_id=_custom_id(role_id),
            draft=data.draft(),
            request=ctx.request_info,
        )
        return ok(RoleOut.custom(role))

    @delete(
        "/roles/{role_id:str}",
        guards=[requires("role:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a custom role nobody holds",
    )
    async def delete_role(self, ctx: Context, role_id: FromPath[str]) -> None:
        await uc.delete_role(
            uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, role_id=_custom_id(role_id), request=ctx.request_info
        )

    @get("/roles/{role_id:str}/permissions", opt=READS_ONLY, summary="What a role grants")
    async def get_role_permissions(self, ctx: Context, role_id: FromPath[str]) -> Ok[RolePermissionsOut]:
        return ok(RolePermissionsOut.of(await _find(ctx, role_id)))

    @put("/roles/{role_id:str}/permissions", guards=[requires("role:update")], summary="Replace what a role grants")
    async def put_role_permissions(
        self, ctx: Context, role_id: FromPath[str], data: JSONBody[RolePermissionsIn]
    ) -> Ok[RolePermissionsOut]:
        role = await uc.set_role_permissions(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            role_id=_custom_id(role_id),
            permissions=data.permissions,
            request=ctx.request_info,
        )
        return ok(RolePermissionsOut.of(RoleOut.custom(role)))

    @get("/permissions", opt=READS_ONLY, summary="Every permission the product checks")
    async def permissions(self) -> Ok[list[PermissionOut]]:
        return ok([PermissionOut(name=p, resource=p.split(":")[0], action=p.split(":")[1]) for p in ALL_PERMISSIONS])


async def _find(ctx: Context, role_id: str) -> RoleOut:
    if role_id in ROLES:
        return RoleOut.built(role_id)
    try:
        custom_id = UUID(role_id)
    except ValueError:
        raise NotFound("role", role_id) from None
    return RoleOut.custom(await uc.get_role(uow=ctx.uow(), actor=ctx.actor, role_id=custom_id))

"""/api/v1/identity/api-keys: create (the key shown once), list, get, rotate, revoke."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.identity import api_keys as services
from pmsaas.domain.identity.api_keys import ApiKey
from pmsaas.domain.identity.scopes import MAX_SCOPES
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING
from pmsaas.entrypoints.http.structs import Input, Name

ScopeName = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class ApiKeyIn(Input):
    name: Name
    scopes: Annotated[list[ScopeName], msgspec.Meta(min_length=1, max_length=MAX_SCOPES)]
    expires_at: datetime | None = None


class RotateIn(Input):
    # How long the replaced secret keeps working (0: it stops at once). At most seven days.
    grace_seconds: Annotated[int, msgspec.Meta(ge=0, le=604_800)] = 0


class ApiKeyOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool
    revoked_at: datetime | None
    rotated_at: datetime | None
    previous_valid_until: datetime | None

    @classmethod
    def of(cls, k: ApiKey) -> ApiKeyOut:
        return cls(
            id=k.id,
            name=k.name,
            prefix=k.prefix,
            scopes=sorted(k.scopes),
            created_at=k.created_at,
            expires_at=k.expires_at,
            last_used_at=k.last_used_at,
            revoked=k.revoked,
            revoked_at=k.revoked_at,
            rotated_at=k.rotated_at,
            previous_valid_until=k.previous_valid_until,
        )


class CreatedApiKeyOut(ApiKeyOut, kw_only=True):
    key: str  # the plaintext, returned by this response only


class ApiKeyController(Controller):
    path = "/api/v1/identity/api-keys"
    tags = ["Identity"]

    @get("/", guards=[requires("apikey:read")], dependencies=PAGING, summary="API keys of the organization")
    async def list_keys(self, paging: Paged) -> Paginated[ApiKeyOut]:
        ctx = paging.ctx
        keys = await services.list_api_keys(uow=ctx.uow(), actor=ctx.actor)
        return paginated_all([ApiKeyOut.of(k) for k in keys], paging.page)

    @post(
        "/",
        guards=[requires("apikey:create")],
        status_code=HTTP_201_CREATED,
        summary="Create an API key (the key is in this response only)",
    )
    async def create_key(self, ctx: Context, data: JSONBody[ApiKeyIn]) -> Ok[CreatedApiKeyOut]:
        issued = await services.create_api_key(
            request=ctx.request_info,
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            name=data.name,
            scopes=data.scopes,
            expires_at=data.expires_at,
        )
        base = ApiKeyOut.of(issued.key)
        return ok(CreatedApiKeyOut(**{f: getattr(base, f) for f in base.__struct_fields__}, key=issued.plaintext))

    @get("/{key_id:uuid}", guards=[requires("apikey:read")], summary="One API key")
    async def get_key(self, ctx: Context, key_id: FromPath[UUID]) -> Ok[ApiKeyOut]:
        return ok(ApiKeyOut.of(await services.get_api_key(uow=ctx.uow(), actor=ctx.actor, key_id=key_id)))

    @post(
        "/{key_id:uuid}/rotate",
        guards=[requires("apikey:create")],
        status_code=HTTP_200_OK,
        summary="Rotate a key: a new secret (in this response only); the old one stops now or after grace_seconds",
    )
    async def rotate_key(self, ctx: Context, key_id: FromPath[UUID], data: JSONBody[RotateIn]) -> Ok[CreatedApiKeyOut]:
        issued = await services.rotate_api_key(
            request=ctx.request_info,
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            key_id=key_id,
            grace=timedelta(seconds=data.grace_seconds),
        )
        base = ApiKeyOut.of(issued.key)
        return ok(CreatedApiKeyOut(**{f: getattr(base, f) for f in base.__struct_fields__}, key=issued.plaintext))

    @delete(
        "/{key_id:uuid}", guards=[requires("apikey:delete")], status_code=HTTP_204_NO_CONTENT, summary="Revoke a key"
    )
    async def revoke_key(self, ctx: Context, key_id: FromPath[UUID]) -> None:
        await services.revoke_api_key(
            request=ctx.request_info, uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, key_id=key_id
        )

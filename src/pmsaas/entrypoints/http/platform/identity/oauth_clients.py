"""/api/v1/identity/oauth-clients: register (the secret shown once), list, get, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.identity import oauth_clients as services
from pmsaas.domain.identity.oauth import OAuthClient
from pmsaas.domain.identity.scopes import MAX_SCOPES
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Paged
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated_all
from pmsaas.entrypoints.http.pagination import PAGING
from pmsaas.entrypoints.http.structs import Input, Name

Short = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
Uri = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class OAuthClientIn(Input):
    name: Name
    redirect_uris: Annotated[list[Uri], msgspec.Meta(max_length=10)]
    scopes: Annotated[list[Short], msgspec.Meta(min_length=1, max_length=MAX_SCOPES)]
    grant_types: Annotated[list[Short], msgspec.Meta(min_length=1, max_length=3)] = msgspec.field(
        default_factory=lambda: ["authorization_code", "refresh_token"]
    )
    # RFC 7591 naming; "none" registers a public client (no secret, PKCE, no client_credentials).
    token_endpoint_auth_method: Literal["client_secret_basic", "client_secret_post", "none"] = "client_secret_basic"


class OAuthClientOut(msgspec.Struct, kw_only=True):
    id: UUID
    client_id: str
    name: str
    redirect_uris: list[str]
    scopes: list[str]
    grant_types: list[str]
    token_endpoint_auth_method: str
    client_type: Literal["confidential", "public"]  # RFC 6749 §2.1
    created_at: datetime
    revoked: bool
    revoked_at: datetime | None

    @classmethod
    def of(cls, c: OAuthClient) -> OAuthClientOut:
        return cls(
            id=c.id,
            client_id=c.client_id,
            name=c.name,
            redirect_uris=list(c.redirect_uris),
            scopes=sorted(c.scopes),
            grant_types=sorted(c.grant_types),
            token_endpoint_auth_method=c.auth_method,
            client_type="public" if c.is_public else "confidential",
            created_at=c.created_at,
            revoked=c.revoked_at is not None,
            revoked_at=c.revoked_at,
        )


class RegisteredOAuthClientOut(OAuthClientOut, kw_only=True):
    client_secret: str | None  # returned by this response only; null for a public client


class OAuthClientController(Controller):
    path = "/api/v1/identity/oauth-clients"
    tags = ["Identity"]

    @get("/", guards=[requires("oauthclient:read")], dependencies=PAGING, summary="OAuth clients of the organization")
    async def list_clients(self, paging: Paged) -> Paginated[OAuthClientOut]:
        ctx = paging.ctx
        clients = await services.list_clients(uow=ctx.uow(), actor=ctx.actor)
        return paginated_all([OAuthClientOut.of(c) for c in clients], paging.page)

    @post(
        "/",
        guards=[requires("oauthclient:create")],
        status_code=HTTP_201_CREATED,
        summary="Register an OAuth client (the secret is in this response only)",
    )
    async def register(self, ctx: Context, data: JSONBody[OAuthClientIn]) -> Ok[RegisteredOAuthClientOut]:
        registered = await services.register_client(
            request=ctx.request_info,
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            name=data.name,
            redirect_uris=data.redirect_uris,
            scopes=data.scopes,
            grant_types=data.grant_types,
            auth_method=data.token_endpoint_auth_method,
        )
        base = OAuthClientOut.of(registered.client)
        fields = {f: getattr(base, f) for f in base.__struct_fields__}
        return ok(RegisteredOAuthClientOut(**fields, client_secret=registered.client_secret))

    @get("/{client_id:uuid}", guards=[requires("oauthclient:read")], summary="One OAuth client")
    async def get_client(self, ctx: Context, client_id: FromPath[UUID]) -> Ok[OAuthClientOut]:
        client = await services.get_client(uow=ctx.uow(), actor=ctx.actor, client_id=client_id)
        return ok(OAuthClientOut.of(client))

    @delete(
        "/{client_id:uuid}",
        guards=[requires("oauthclient:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Revoke a client (no new tokens; its users' tokens die)",
    )
    async def revoke(self, ctx: Context, client_id: FromPath[UUID]) -> None:
        ended = await services.revoke_client(
            request=ctx.request_info, uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, client_id=client_id
        )
        for jti, exp in ended:  # refused at the gate at once, in every process
            await ctx.revocations.revoke(jti, exp)

"""/api/v1/identity: registration, sign-in, tokens, users of the organization, roles."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from pmsaas.domain.flows.sign_up import sign_up
from pmsaas.domain.identity import passwords, sessions, users
from pmsaas.domain.identity.email_domains import check_may_found_organization
from pmsaas.domain.identity.model import Membership, MfaChallenge, OrgUser, TokenPair, User, UserStatus
from pmsaas.domain.identity.ports import UserFilter
from pmsaas.domain.organizations.model import OrganizationSettings
from pmsaas.domain.shared.errors import FieldProblem, NotFound, ValidationFailed
from pmsaas.entrypoints.http.auth import requires
from pmsaas.entrypoints.http.deps import Context, Listing
from pmsaas.entrypoints.http.envelope import Ok, Paginated, ok, paginated
from pmsaas.entrypoints.http.pagination import list_query
from pmsaas.entrypoints.http.structs import Input, Name

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
Phone = Annotated[str, msgspec.Meta(max_length=32)]
RoleName = Annotated[str, msgspec.Meta(max_length=50)]


Region = Annotated[str, msgspec.Meta(min_length=1, max_length=10)]


class RegisterIn(Input):
    email: Email
    password: Password
    name: Name
    organization_name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    # The organization's country (and State/province): its currency, time zone and locale follow.
    country: Literal["IN", "CA", "US"] | None = None
    province: Region | None = None
    state: Region | None = None  # the same field, as a US or Indian caller names it

    def settings(self) -> OrganizationSettings | None:
        region = self.province or self.state
        if self.province and self.state and self.province.upper() != self.state.upper():
            raise ValidationFailed.single("state", "differs from province; send one of them")
        if self.country is None:
            if region:
                raise ValidationFailed.single("country", "is required with a State/province")
            return None
        defaults = OrganizationSettings.for_country(self.country)
        settings = replace(defaults, province=region)
        try:
            return settings.validated()
        except ValidationFailed as exc:  # named as the caller named it
            name = "state" if self.state and not self.province else "province"
            raise ValidationFailed(
                [FieldProblem(name if p.field == "province" else p.field, p.message) for p in exc.problems]
            ) from None


class LoginIn(Input):
    email: Email
    password: Password


class RefreshIn(Input):
    refresh_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class LogoutIn(Input):
    refresh_token: Annotated[str, msgspec.Meta(max_length=512)] | None = None
    all: bool = False  # "log out everywhere": every session and access token of the account


class ForgotPasswordIn(Input):
    email: Email


class ResetPasswordIn(Input):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    password: Password


class UserOut(msgspec.Struct, kw_only=True):
    id: UUID
    email: str
    name: str
    phone: str | None
    status: str
    email_verified: bool
    organization_id: UUID | None
    roles: list[str]
    permissions: list[str]
    tenant_profile_id: UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User, membership: Membership | None) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            phone=user.phone,
            status=user.status.value,
            email_verified=user.email_verified,
            organization_id=membership.organization_id if membership else None,
            roles=sorted(membership.roles) if membership else [],
            permissions=sorted(membership.permissions) if membership else [],
            tenant_profile_id=membership.tenant_profile_id if membership else None,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )

    @classmethod
    def of_org_user(cls, org_user: OrgUser) -> UserOut:
        return cls.of(org_user.user, org_user.membership)


class TokenOut(msgspec.Struct, kw_only=True):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int
    user: UserOut

    @classmethod
    def of(cls, pair: TokenPair) -> TokenOut:
        return cls(
            access_token=pair.access.token,
            refresh_token=pair.refresh_token,
            token_type="Bearer",
            expires_in=pair.access.expires_in,
            user=UserOut.of(pair.user, pair.membership),
        )


class MfaChallengeOut(msgspec.Struct, kw_only=True):
    """A sign-in with MFA on: no token yet; POST the challenge and a code to /mfa/verify."""

    mfa_required: bool = True
    # The organization requires MFA of this member, who has none: the challenge only sets it up
    # (POST /mfa/setup with challenge_token, then with challenge_token and the first code).
    mfa_setup_required: bool = False
    challenge_token: str
    expires_in: int


class MessageOut(msgspec.Struct, kw_only=True):
    message: str


def _client_ip(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


class IdentityController(Controller):
    path = "/api/v1/identity"
    tags = ["Identity"]

    @post("/register", status_code=HTTP_201_CREATED, summary="Create an account (optionally an organization)")
    async def register(self, ctx: Context, request: Request[Any, Any, Any], data: JSONBody[RegisterIn]) -> Ok[UserOut]:
        wait = await ctx.login_attempts.hit(
            f"register:ip:{_client_ip(request)}",
            limit=ctx.settings.registrations_per_ip_per_hour,
            window_seconds=3600,
        )
        if wait is not None:
            from pmsaas.domain.shared.errors import RateLimited

            raise RateLimited(retry_after=wait, message="Too many registrations from this address")
        if data.organization_name:  # a verified domain's people join by invitation only (docs/organizations.md)
            await check_may_found_organization(uow=ctx.system_uow(), email=data.email)
        user, membership = await sign_up(  # the same answer for a known e-mail (no account enumeration)
            uow=ctx.system_uow(),
            hasher=ctx.password_hasher,
            clock=ctx.clock,
            mailer=ctx.mailer,
            base_url=ctx.settings.public_base_url,
            email=data.email,
            password=data.password,
            name=data.name,
            organization_name=data.organization_name,
            settings=data.settings(),
        )
        return ok(UserOut.of(user, membership))

    @post("/login", status_code=HTTP_200_OK, summary="Sign in (with MFA on: a challenge for /mfa/verify)")
    async def login(
        self, ctx: Context, request: Request[Any, Any, Any], data: JSONBody[LoginIn]
    ) -> Ok[TokenOut | MfaChallengeOut]:
        pair = await sessions.login(
            uow=ctx.system_uow(),
            hasher=ctx.password_hasher,
            issuer=ctx.access_tokens,
            limiter=ctx.login_attempts,
            clock=ctx.clock,
            policy=ctx.token_policy,
            email=data.email,
            password=data.password,
            client_ip=_client_ip(request),
            request=ctx.request_info,
            mailer=ctx.mailer,
        )
        if isinstance(pair, MfaChallenge):
            return ok(
                MfaChallengeOut(
                    challenge_token=pair.token, expires_in=pair.expires_in, mfa_setup_required=pair.setup_required
                )
            )
        return ok(TokenOut.of(pair))

    @post("/refresh", status_code=HTTP_200_OK, summary="Rotate a refresh token for a new token pair")
    async def refresh(self, ctx: Context, data: JSONBody[RefreshIn]) -> Ok[TokenOut]:
        pair = await sessions.refresh(
            uow=ctx.system_uow(),
            issuer=ctx.access_tokens,
            clock=ctx.clock,
            policy=ctx.token_policy,
            refresh_token=data.refresh_token,
        )
        return ok(TokenOut.of(pair))

    @post("/logout", status_code=HTTP_200_OK, summary="Sign out: this session, or every session (no body, or all=true)")
    async def logout(
        self, ctx: Context, request: Request[Any, Any, Any], data: JSONBody[LogoutIn | None] = None
    ) -> Ok[MessageOut]:
        claims = request.scope.get("auth") or {}
        if ctx.actor.user_id is None:
            raise NotFound("session")
        await sessions.logout(
            uow=ctx.system_uow(),
            clock=ctx.clock,
            user_id=ctx.actor.user_id,
            access_jti=claims.get("jti"),
            access_expires_at_epoch=claims.get("exp"),
            refresh_token=data.refresh_token if data else None,
            everywhere=data.all if data else True,
        )
        if claims.get("jti"):
            await ctx.revocations.revoke(claims["jti"], int(claims.get("exp", 0)))
        return ok(MessageOut(message="Signed out"))

    @post("/forgot-password", status_code=HTTP_200_OK, summary="E-mail a password-reset token")
    async def forgot_password(
        self, ctx: Context, request: Request[Any, Any, Any], data: JSONBody[ForgotPasswordIn]
    ) -> Ok[MessageOut]:
        settings = ctx.settings
        wait = await ctx.login_attempts.hit(f"forgot:{data.email.lower()}", limit=5, window_seconds=3600)
        if wait is None:
            await passwords.forgot_password(
                uow=ctx.system_uow(),
                clock=ctx.clock,
                mailer=ctx.mailer,
                base_url=settings.public_base_url,
                email=data.email,
                request=ctx.request_info,
            )
        return ok(MessageOut(message="If the account exists, a reset e-mail is on its way"))

    @post("/reset-password", status_code=HTTP_200_OK, summary="Set a new password with an e-mailed token")
    async def reset_password(self, ctx: Context, data: JSONBody[ResetPasswordIn]) -> Ok[MessageOut]:
        await passwords.reset_password(
            uow=ctx.system_uow(),
            hasher=ctx.password_hasher,
            clock=ctx.clock,
            token=data.token,
            password=data.password,
            request=ctx.request_info,
        )
        return ok(MessageOut(message="Password updated; sign in with the new password"))

    @get("/me", summary="The signed-in user in the current organization")
    async def me(self, ctx: Context) -> Ok[UserOut]:
        if ctx.actor.user_id is None or ctx.actor.organization_id is None:
            user = await users.me(uow=ctx.uow(), actor=ctx.actor)
            return ok(UserOut.of(user, None))
        return ok(UserOut.of_org_user(await users.get_user(uow=ctx.uow(), actor=ctx.actor, user_id=ctx.actor.user_id)))


# -- users of the organization ------------------------------------------------------------


class UserCreateIn(Input):
    email: Email
    name: Name
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=10)]
    password: Password | None = None
    phone: Phone | None = None


class UserUpdateIn(Input):
    name: Name
    phone: Phone | None = None
    status: Literal["active", "disabled"] | None = None
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=10)] | None = None


class RolesIn(Input):
    roles: Annotated[list[RoleName], msgspec.Meta(min_length=1, max_length=10)]


class RolesOut(msgspec.Struct, kw_only=True):
    user_id: UUID
    organization_id: UUID
    roles: list[str]
    permissions: list[str]


def _roles_out(org_user: OrgUser) -> RolesOut:
    m = org_user.membership
    return RolesOut(
        user_id=m.user_id, organization_id=m.organization_id, roles=sorted(m.roles), permissions=sorted(m.permissions)
    )


class UsersController(Controller):
    path = "/api/v1/identity/users"
    tags = ["Identity"]
    dependencies = {"listing": Provide(list_query(("created_at", "name", "email")))}

    @get("/", guards=[requires("user:read")], summary="Users of the organization")
    async def list_users(
        self,
        listing: Listing,
        status: FromQuery[Literal["active", "invited", "disabled"] | None] = None,
        role: Annotated[str | None, QueryParameter(max_length=50)] = None,
        search: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Paginated[UserOut]:
        ctx = listing.ctx
        filters = UserFilter(
            status=status,
            role=role,
            search=search,
            created_after=listing.created_after,
            created_before=listing.created_before,
        )
        page = await users.list_users(uow=ctx.uow(), actor=ctx.actor, filters=filters, page=listing.page)
        return paginated(page, [UserOut.of_org_user(u) for u in page.items])

    @post(
        "/",
        guards=[requires("user:create")],
        status_code=HTTP_201_CREATED,
        summary="Add a user (invited by e-mail when no password is given)",
    )
    async def create_user(self, ctx: Context, data: JSONBody[UserCreateIn]) -> Ok[UserOut]:
        org_user = await users.create_user(
            uow=ctx.uow(),
            hasher=ctx.password_hasher,
            clock=ctx.clock,
            mailer=ctx.mailer,
            base_url=ctx.settings.public_base_url,
            actor=ctx.actor,
            data=users.NewUser(
                email=data.email, name=data.name, roles=data.roles, password=data.password, phone=data.phone
            ),
        )
        return ok(UserOut.of_org_user(org_user))

    @get("/{user_id:uuid}", guards=[requires("user:read")], summary="One user of the organization")
    async def get_user(self, ctx: Context, user_id: FromPath[UUID]) -> Ok[UserOut]:
        return ok(UserOut.of_org_user(await users.get_user(uow=ctx.uow(), actor=ctx.actor, user_id=user_id)))

    @put("/{user_id:uuid}", guards=[requires("user:update")], summary="Update a user")
    async def update_user(self, ctx: Context, user_id: FromPath[UUID], data: JSONBody[UserUpdateIn]) -> Ok[UserOut]:
        changes = users.UserChanges(
            name=data.name,
            phone=data.phone,
            status=UserStatus(data.status) if data.status else None,
            roles=data.roles,
        )
        org_user = await users.update_user(  # system: whether the account is shared with other organizations
            uow=ctx.system_uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            user_id=user_id,
            changes=changes,
            request=ctx.request_info,
        )
        return ok(UserOut.of_org_user(org_user))

    @delete(
        "/{user_id:uuid}",
        guards=[requires("user:delete")],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a user from the organization",
    )
    async def delete_user(self, ctx: Context, user_id: FromPath[UUID]) -> None:
        await users.remove_user(uow=ctx.uow(), clock=ctx.clock, actor=ctx.actor, user_id=user_id)

    @get("/{user_id:uuid}/roles", guards=[requires("user:read")], summary="A user's roles here")
    async def get_roles(self, ctx: Context, user_id: FromPath[UUID]) -> Ok[RolesOut]:
        return ok(_roles_out(await users.get_user(uow=ctx.uow(), actor=ctx.actor, user_id=user_id)))

    @put("/{user_id:uuid}/roles", guards=[requires("user:update")], summary="Replace a user's roles here")
    async def put_roles(self, ctx: Context, user_id: FromPath[UUID], data: JSONBody[RolesIn]) -> Ok[RolesOut]:
        org_user = await users.set_user_roles(
            uow=ctx.uow(),
            clock=ctx.clock,
            actor=ctx.actor,
            user_id=user_id,
            roles=data.roles,
            request=ctx.request_info,
        )
        return ok(_roles_out(org_user))

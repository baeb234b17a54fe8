"""/api/v1/identity/mfa: TOTP set-up, the second step of a sign-in, new recovery codes.

``POST /mfa/setup`` without a code starts (secret and otpauth URI, shown once); with ``{code}`` it
confirms and answers the ten recovery codes (shown once). A member whose organization requires MFA
and who has none signs in to a set-up challenge instead of tokens: ``POST /mfa/required-setup``
with ``{challenge_token}`` (no bearer token) starts, with ``{challenge_token, code}`` confirms and
also answers the session's tokens. ``POST /mfa/verify`` takes the sign-in's challenge plus a code or a recovery
code, and answers the tokens (public: the challenge is the credential).
``POST /mfa/recovery-codes`` with a current code replaces the recovery codes."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.identity import mfa
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.platform.identity.identity import TokenOut
from pmsaas.entrypoints.http.structs import Input

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
Challenge = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class MfaSetupIn(Input):
    code: Code | None = None


class RequiredSetupIn(Input):
    challenge_token: Challenge  # the sign-in's set-up challenge (the organization requires MFA; none yet)
    code: Code | None = None


class MfaSetupOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    enabled: bool
    secret: str | None = None
    otpauth_uri: str | None = None
    recovery_codes: list[str] | None = None
    tokens: TokenOut | None = None  # a required set-up confirmed: the sign-in is complete


class MfaVerifyIn(Input):
    challenge_token: Challenge
    code: Code | None = None
    recovery_code: Code | None = None


class RecoveryCodesIn(Input):
    code: Code


class MfaOffOut(msgspec.Struct, kw_only=True):
    enabled: bool


class RecoveryCodesOut(msgspec.Struct, kw_only=True):
    recovery_codes: list[str]


def _services(ctx: Context) -> mfa.MfaServices:
    return mfa.MfaServices(ctx.one_time_passwords, ctx.login_attempts, ctx.clock, ctx.mailer)


async def _required_setup(ctx: Context, data: RequiredSetupIn, challenge: str) -> MfaSetupOut:
    if data.code is None:
        started = await mfa.start_required_setup(
            uow=ctx.system_uow(), otp=ctx.one_time_passwords, clock=ctx.clock, challenge_token=challenge
        )
        return MfaSetupOut(enabled=False, secret=started.secret, otpauth_uri=started.otpauth_uri)
    codes, pair = await mfa.confirm_required_setup(
        uow=ctx.system_uow(),
        services=_services(ctx),
        issuer=ctx.access_tokens,
        policy=ctx.token_policy,
        challenge_token=challenge,
        code=data.code,
        request=ctx.request_info,
    )
    return MfaSetupOut(enabled=True, recovery_codes=codes, tokens=TokenOut.of(pair))


class MfaController(Controller):
    path = "/api/v1/identity/mfa"
    tags = ["Identity"]

    @post("/setup", status_code=HTTP_200_OK, summary="Start (no code) or confirm (code) multi-factor sign-in")
    async def setup(self, ctx: Context, data: JSONBody[MfaSetupIn | None] = None) -> Ok[MfaSetupOut]:
        if data is None or data.code is None:
            started = await mfa.start_setup(uow=ctx.uow(), otp=ctx.one_time_passwords, clock=ctx.clock, actor=ctx.actor)
            return ok(MfaSetupOut(enabled=False, secret=started.secret, otpauth_uri=started.otpauth_uri))
        codes = await mfa.confirm_setup(
            uow=ctx.uow(),
            otp=ctx.one_time_passwords,
            limiter=ctx.login_attempts,
            clock=ctx.clock,
            actor=ctx.actor,
            code=data.code,
            request=ctx.request_info,
            mailer=ctx.mailer,
        )
        return ok(MfaSetupOut(enabled=True, recovery_codes=codes))

    @post(
        "/required-setup",
        status_code=HTTP_200_OK,
        summary="Set up MFA with the sign-in's set-up challenge (start; then confirm with a code for the tokens)",
    )
    async def required_setup(self, ctx: Context, data: JSONBody[RequiredSetupIn]) -> Ok[MfaSetupOut]:
        return ok(await _required_setup(ctx, data, data.challenge_token))

    @post("/verify", status_code=HTTP_200_OK, summary="Second sign-in step: a TOTP code or a recovery code")
    async def verify(self, ctx: Context, data: JSONBody[MfaVerifyIn]) -> Ok[TokenOut]:
        pair = await mfa.verify_sign_in(
            uow=ctx.system_uow(),
            otp=ctx.one_time_passwords,
            issuer=ctx.access_tokens,
            limiter=ctx.login_attempts,
            clock=ctx.clock,
            policy=ctx.token_policy,
            challenge_token=data.challenge_token,
            code=data.code,
            recovery_code=data.recovery_code,
            request=ctx.request_info,
            mailer=ctx.mailer,
        )
        return ok(TokenOut.of(pair))

    @post("/recovery-codes", status_code=HTTP_200_OK, summary="Replace the recovery codes (a current code)")
    async def recovery_codes(self, ctx: Context, data: JSONBody[RecoveryCodesIn]) -> Ok[RecoveryCodesOut]:
        codes = await mfa.regenerate_recovery_codes(
            uow=ctx.uow(), services=_services(ctx), actor=ctx.actor, code=data.code, request=ctx.request_info
        )
        return ok(RecoveryCodesOut(recovery_codes=codes))

    @post("/disable", status_code=HTTP_200_OK, summary="Turn multi-factor sign-in off (a current or recovery code)")
    async def disable(self, ctx: Context, data: JSONBody[RecoveryCodesIn]) -> Ok[MfaOffOut]:
        await mfa.turn_off(
            uow=ctx.uow(), services=_services(ctx), actor=ctx.actor, code=data.code, request=ctx.request_info
        )
        return ok(MfaOffOut(enabled=False))

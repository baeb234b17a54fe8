"""/api/v1/identity/mfa: TOTP set-up and the second step of a sign-in.

``POST /mfa/setup`` without a code starts (secret and otpauth URI, shown once); with ``{code}`` it
confirms and answers the ten recovery codes (shown once). ``POST /mfa/verify`` takes the challenge
the sign-in answered plus a code or a recovery code, and answers the tokens (public: the challenge
is the credential)."""

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


class MfaSetupIn(Input):
    code: Code | None = None


class MfaSetupOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    enabled: bool
    secret: str | None = None
    otpauth_uri: str | None = None
    recovery_codes: list[str] | None = None


class MfaVerifyIn(Input):
    challenge_token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
    code: Code | None = None
    recovery_code: Code | None = None


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
        )
        return ok(MfaSetupOut(enabled=True, recovery_codes=codes))

    @post("/verify", status_code=HTTP_200_OK, summary="Second sign-in step: a TOTP code or a recovery code")
    async def verify(self, ctx: Context, data: JSONBody[MfaVerifyIn]) -> Ok[TokenOut]:
        pair = await mfa.verify_sign_in(
            uow=ctx.uow(),
            otp=ctx.one_time_passwords,
            issuer=ctx.access_tokens,
            limiter=ctx.login_attempts,
            clock=ctx.clock,
            policy=ctx.token_policy,
            challenge_token=data.challenge_token,
            code=data.code,
            recovery_code=data.recovery_code,
        )
        return ok(TokenOut.of(pair))

"""/api/v1/identity/verify-email: confirm the account's e-mail address with the e-mailed token
(public: the token is the credential), and ``verify-email/resend`` for the signed-in holder."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from pmsaas.domain.identity import email_verification
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.platform.identity.identity import MessageOut, UserOut
from pmsaas.entrypoints.http.structs import Input


class VerifyEmailIn(Input):
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=512)]


class AccountController(Controller):
    path = "/api/v1/identity"
    tags = ["Identity"]

    @post("/verify-email", status_code=HTTP_200_OK, summary="Confirm the e-mail address with the e-mailed token")
    async def verify_email(self, ctx: Context, data: JSONBody[VerifyEmailIn]) -> Ok[UserOut]:
        user = await email_verification.verify_email(
            uow=ctx.system_uow(), clock=ctx.clock, token=data.token, request=ctx.request_info
        )
        return ok(UserOut.of(user, None))

    @post("/verify-email/resend", status_code=HTTP_200_OK, summary="E-mail a new verification token (throttled)")
    async def resend(self, ctx: Context) -> Ok[MessageOut]:
        await email_verification.resend_verification(
            uow=ctx.uow(),
            clock=ctx.clock,
            mailer=ctx.mailer,
            limiter=ctx.login_attempts,
            base_url=ctx.settings.public_base_url,
            actor=ctx.actor,
        )
        return ok(MessageOut(message="A new verification e-mail is on its way"))

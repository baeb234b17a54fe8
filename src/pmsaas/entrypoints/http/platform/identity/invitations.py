"""/api/v1/identity/invitations: an existing account accepts an organization's invitation."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED

from pmsaas.domain.identity.invitations import accept_invitation
from pmsaas.domain.shared.errors import NotFound
from pmsaas.entrypoints.http.deps import Context
from pmsaas.entrypoints.http.envelope import Ok, ok
from pmsaas.entrypoints.http.platform.identity.identity import UserOut


class InvitationsController(Controller):
    path = "/api/v1/identity/invitations"
    tags = ["Identity"]

    @post(
        "/{token:str}/accept",
        status_code=HTTP_201_CREATED,
        summary="Accept an invitation (signed in as the invited account): join the organization",
    )
    async def accept(self, ctx: Context, token: FromPath[str]) -> Ok[UserOut]:
        if not token or len(token) > 512:
            raise NotFound("invitation")  # no such token, whatever its shape
        return ok(
            UserOut.of_org_user(
                await accept_invitation(uow=ctx.system_uow(), clock=ctx.clock, actor=ctx.actor, token=token)
            )
        )

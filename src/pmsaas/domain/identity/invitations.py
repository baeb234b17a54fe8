"""Accepting an invitation: an existing account joins an organization that invited it
(``services.create_user`` stores the invitation and e-mails its token)."""

from __future__ import annotations

from pmsaas.domain.identity.model import Membership, OrgUser
from pmsaas.domain.identity.ports import IdentityUnitOfWork
from pmsaas.domain.identity.tokens import hash_secret
from pmsaas.domain.identity.users import admit_seat, user_event
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, NotFound


async def accept_invitation(*, uow: IdentityUnitOfWork, clock: Clock, actor: Actor, token: str) -> OrgUser:
    """The signed-in invitee joins the organization with the invited roles. Unknown, used, expired
    or someone else's token: NotFound, the same answer for each."""
    if actor.user_id is None:
        raise NotFound("invitation")
    now = clock.now()
    async with uow:
        invitation = await uow.invitations.find(hash_secret(token))
        if invitation is None or invitation.user_id != actor.user_id or invitation.expires_at <= now:
            raise NotFound("invitation")
        if invitation.accepted_at is not None or not await uow.invitations.accept(invitation.id, now):
            raise NotFound("invitation")
        if await uow.memberships.find(invitation.organization_id, actor.user_id) is not None:
            raise Conflict("you are already a member of this organization")
        if not await uow.organization_registry.exists(invitation.organization_id):
            raise NotFound("invitation")
        # Sent within the plan's seats, but the plan may have shrunk (or seats filled) since.
        await admit_seat(uow, invitation.organization_id, invitation.roles, now)
        await uow.memberships.add(
            Membership(actor.user_id, invitation.organization_id, invitation.roles, created_at=now)
        )
        membership = await uow.memberships.get(invitation.organization_id, actor.user_id)  # custom grants
        result = OrgUser(await uow.users.get(actor.user_id), membership)
        uow.record(user_event("user.created", result, now))
        await uow.commit()
    return result

"""Who sees what in operations, and the checks every use case shares.

An actor with ``maintenance:read`` sees every ticket of the organization; a tenant
(``maintenance:create`` only) sees the tickets it reported and nothing else.
"""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.operations.model import Ticket
from pmsaas.domain.operations.ports import OperationsUnitOfWork
from pmsaas.domain.shared.actor import Actor, permission_matches
from pmsaas.domain.shared.errors import NotFound, PermissionDenied, ValidationFailed


def reader_scope(actor: Actor) -> UUID | None:
    """None: the whole organization; a UUID: only the tickets of that tenant."""
    if actor.can("maintenance:read"):
        return None
    if actor.is_tenant and actor.tenant_profile_id is not None and actor.can("maintenance:create"):
        return actor.tenant_profile_id
    raise PermissionDenied("Missing permission maintenance:read")


async def visible_ticket(uow: OperationsUnitOfWork, actor: Actor, ticket_id: UUID) -> Ticket:
    tenant = reader_scope(actor)
    ticket = await uow.tickets.get(actor.org, ticket_id)
    if tenant is not None and ticket.tenant_id != tenant:
        raise NotFound("ticket", ticket_id)  # someone else's ticket: as if it did not exist
    return ticket


# The grant a member needs to be assigned a request: working one is updating it.
WORKS_TICKETS = "maintenance:update"


def may_work_tickets(grants: frozenset[str]) -> bool:
    """Whether a member holding ``grants`` (what all their roles grant) may be assigned requests."""
    return any(permission_matches(g, WORKS_TICKETS) for g in grants)


def actor_ref(actor: Actor) -> UUID | None:
    return actor.user_id or actor.api_key_id


def required_text(value: str, field_name: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationFailed.single(field_name, "must not be blank")
    return value

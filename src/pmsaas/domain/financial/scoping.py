"""Who sees which financial records: a tenant only its own, everyone else the whole organization."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.financial.ports import FinancialUnitOfWork, LeaseRef
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import NotFound


async def visible_tenants(uow: FinancialUnitOfWork, actor: Actor) -> frozenset[UUID] | None:
    """None = every tenant of the organization; a Tenant sees only its own records."""
    if not actor.is_tenant:
        return None
    ids: set[UUID] = set()
    if actor.tenant_profile_id is not None:
        ids.add(actor.tenant_profile_id)
    if actor.user_id is not None:
        ids |= await uow.lease_directory.tenant_ids_of_user(actor.org, actor.user_id)
    return frozenset(ids)


async def lease_for(uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID) -> LeaseRef:
    return await visible_lease(uow, actor, await uow.lease_directory.get(actor.org, lease_id), lease_id)


async def visible_lease(uow: FinancialUnitOfWork, actor: Actor, lease: LeaseRef | None, lease_id: UUID) -> LeaseRef:
    """The lease read already (None: not in the organization), if the actor may see it."""
    if lease is None:
        raise NotFound("lease", lease_id)
    visible = await visible_tenants(uow, actor)
    if visible is not None and lease.tenant_id not in visible:
        raise NotFound("lease", lease_id)
    return lease


def check_visible(visible: frozenset[UUID] | None, tenant_id: UUID, what: str, ident: UUID) -> None:
    if visible is not None and tenant_id not in visible:
        raise NotFound(what, ident)

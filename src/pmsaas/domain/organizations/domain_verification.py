"""Domain use cases: add, list, delete, verify (``email_domains.py`` holds the rules)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pmsaas.domain.organizations.email_domains import DomainStatus, OrganizationDomain
from pmsaas.domain.organizations.ports import PlansUnitOfWork, TxtResolver
from pmsaas.domain.organizations.services import _mutable
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest


def _event(name: str, d: OrganizationDomain, at: datetime) -> DomainEvent:
    return DomainEvent(name, d.organization_id, at, {"domain_id": str(d.id), "domain": d.domain})


async def add_domain(
    *, uow: PlansUnitOfWork, clock: Clock, actor: Actor, organization_id: UUID, domain: str
) -> OrganizationDomain:
    now = clock.now()
    claimed = OrganizationDomain.claim(organization_id, domain, now)
    async with uow:
        await _mutable(uow, actor, organization_id)
        if await uow.domains.verified_elsewhere(organization_id, claimed.domain):
            raise Conflict(f"{claimed.domain} is verified by another organization")
        await uow.domains.add(claimed)
        uow.record(_event("domain.added", claimed, now))
        await uow.commit()
    return claimed


async def list_domains(
    *, uow: PlansUnitOfWork, actor: Actor, organization_id: UUID, page: PageRequest
) -> Page[OrganizationDomain]:
    async with uow:
        await _mutable(uow, actor, organization_id)
        return await uow.domains.list(organization_id, page)


async def delete_domain(
    *, uow: PlansUnitOfWork, clock: Clock, actor: Actor, organization_id: UUID, domain_id: UUID
) -> None:
    now = clock.now()
    async with uow:
        await _mutable(uow, actor, organization_id)
        domain = await uow.domains.get(organization_id, domain_id)
        await uow.domains.delete(organization_id, domain_id)
        uow.record(_event("domain.deleted", domain, now))
        await uow.commit()


async def verify_domain(
    *, uow: PlansUnitOfWork, resolver: TxtResolver, clock: Clock, actor: Actor, organization_id: UUID, domain_id: UUID
) -> OrganizationDomain:
    """Looks the TXT record up (outside the transaction: DNS may take seconds), then records the proof.
    No matching record: 422 saying what to publish where. Verified before: returned as it is."""
    async with uow.read_only() as reading:
        await _mutable(reading, actor, organization_id)
        domain = await reading.domains.get(organization_id, domain_id)
    if domain.status == DomainStatus.VERIFIED:
        return domain
    records = await resolver.txt_records(domain.record_name)
    if not domain.proven_by(records):
        found = f"{len(records)} other TXT record(s) found" if records else "no TXT record found"
        raise ValidationFailed.single(
            "domain",
            f"{found} at {domain.record_name}; publish a TXT record {domain.record_value!r} there and retry",
        )
    now = clock.now()
    async with uow:
        domain = await uow.domains.get(organization_id, domain_id)  # deleted meanwhile: 404
        domain.status, domain.verified_at, domain.updated_at = DomainStatus.VERIFIED, now, now
        await uow.domains.mark_verified(domain)
        uow.record(_event("domain.verified", domain, now))
        await uow.commit()
    return domain

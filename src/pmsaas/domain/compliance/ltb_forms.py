"""Issuing the Ontario LTB notices: read the tenancy and its rent periods in one read-only unit of
work, decide the notice (``ltb.py``), and, when asked, print it (``layouts.py``). Nothing is written:
the same request on the same ledger gives the same notice."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pmsaas.domain.compliance.ltb import N1Notice, N4Notice, n1_notice, n4_notice
from pmsaas.domain.compliance.ports import ComplianceUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.money import Money


def _managers_only(actor: Actor, lease_id: UUID) -> None:
    # A tenant never serves a notice on itself; its lease is as good as unknown here.
    if actor.is_tenant:
        raise NotFound("lease", lease_id)


async def issue_n4(
    *,
    uow: ComplianceUnitOfWork,
    actor: Actor,
    lease_id: UUID,
    served_on: date,
    as_of: date | None = None,
    termination_on: date | None = None,
) -> N4Notice:
    _managers_only(actor, lease_id)
    day = as_of or served_on
    async with uow:
        tenancy = await uow.tenancies.tenancy(actor.org, lease_id)
        periods = await uow.tenancies.rent_periods(actor.org, lease_id, day)
    return n4_notice(tenancy, periods, served_on=served_on, as_of=day, termination_on=termination_on)


async def issue_n1(
    *,
    uow: ComplianceUnitOfWork,
    actor: Actor,
    lease_id: UUID,
    served_on: date,
    effective_on: date,
    new_rent: Money,
    first_occupied_on: date | None = None,
) -> N1Notice:
    _managers_only(actor, lease_id)
    async with uow:
        tenancy = await uow.tenancies.tenancy(actor.org, lease_id)
    return n1_notice(
        tenancy, served_on=served_on, effective_on=effective_on, new_rent=new_rent, first_occupied_on=first_occupied_on
    )

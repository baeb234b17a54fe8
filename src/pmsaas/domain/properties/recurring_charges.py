"""Use cases of a lease's recurring charges (rules in ``recurring.py``): list, add, replace, remove.

Readers of the lease read its charges; those who update leases change them."""

from __future__ import annotations

from uuid import UUID

from pmsaas.domain.properties.leases import visible_lease
from pmsaas.domain.properties.ports import PropertiesUnitOfWork
from pmsaas.domain.properties.recurring import RecurringCharge, RecurringChargeInput, check_input
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock


async def list_recurring(*, uow: PropertiesUnitOfWork, actor: Actor, lease_id: UUID) -> list[RecurringCharge]:
    async with uow:
        await visible_lease(uow, actor, lease_id)
        return await uow.recurring_charges.for_lease(actor.org, lease_id)


async def get_recurring(*, uow: PropertiesUnitOfWork, actor: Actor, lease_id: UUID, charge_id: UUID) -> RecurringCharge:
    async with uow:
        await visible_lease(uow, actor, lease_id)
        return await uow.recurring_charges.get(actor.org, lease_id, charge_id)


async def add_recurring(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID, data: RecurringChargeInput
) -> RecurringCharge:
    now = clock.now()
    async with uow:
        lease = await visible_lease(uow, actor, lease_id)
        check_input(data, lease.rent.currency)
        charge = RecurringCharge(
            organization_id=actor.org,
            lease_id=lease.id,
            kind=data.kind,
            description=data.description,
            amount=data.amount,
            frequency=data.frequency,
            start_date=data.start_date,
            end_date=data.end_date,
            supply_type=data.supply_type,
            created_at=now,
            updated_at=now,
        )
        await uow.recurring_charges.add(charge)
        await uow.commit()
    return charge


async def replace_recurring(
    *,
    uow: PropertiesUnitOfWork,
    clock: Clock,
    actor: Actor,
    lease_id: UUID,
    charge_id: UUID,
    data: RecurringChargeInput,
) -> RecurringCharge:
    """Replaces the charge's terms; invoices already issued keep what they billed."""
    now = clock.now()
    async with uow:
        lease = await visible_lease(uow, actor, lease_id)
        charge = await uow.recurring_charges.get(actor.org, lease_id, charge_id)
        check_input(data, lease.rent.currency)
        version = charge.version
        charge.kind, charge.description, charge.amount = data.kind, data.description, data.amount
        charge.frequency, charge.start_date, charge.end_date = data.frequency, data.start_date, data.end_date
        charge.supply_type, charge.updated_at, charge.version = data.supply_type, now, version + 1
        await uow.recurring_charges.update(charge, expected_version=version)
        await uow.commit()
    return charge


async def remove_recurring(*, uow: PropertiesUnitOfWork, actor: Actor, lease_id: UUID, charge_id: UUID) -> None:
    async with uow:
        await visible_lease(uow, actor, lease_id)
        charge = await uow.recurring_charges.get(actor.org, lease_id, charge_id)
        await uow.recurring_charges.delete(actor.org, charge.id)
        await uow.commit()

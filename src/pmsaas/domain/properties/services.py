"""Property use cases. Each one is one transaction on the unit of work it is given."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from pmsaas.domain.properties.model import Property, PropertyStatus, PropertyType
from pmsaas.domain.properties.ports import PropertiesUnitOfWork, PropertyFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest


@dataclass(frozen=True)
class AddressInput:
    street: str
    city: str
    province: str
    postal_code: str
    country: str | None = None

    def build(self) -> Address:
        return Address.build(
            street=self.street,
            city=self.city,
            province=self.province,
            postal_code=self.postal_code,
            country=self.country,
        )


@dataclass(frozen=True)
class PropertyInput:
    name: str
    type: PropertyType
    address: AddressInput
    status: PropertyStatus = PropertyStatus.ACTIVE
    description: str | None = None
    year_built: int | None = None


def _check_name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name.strip()


async def create_property(*, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, data: PropertyInput) -> Property:
    now = clock.now()
    prop = Property(
        organization_id=actor.org,
        name=_check_name(data.name),
        type=data.type,
        status=data.status,
        address=data.address.build(),
        description=data.description,
        year_built=data.year_built,
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await uow.properties.add(prop)
        uow.record(prop.event("property.created", now))
        await uow.commit()
    return prop


async def update_property(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, data: PropertyInput
) -> Property:
    """PUT semantics: the whole resource is replaced by ``data``."""
    now = clock.now()
    name, address = _check_name(data.name), data.address.build()
    async with uow:
        current = await uow.properties.get(actor.org, property_id)
        updated = replace(
            current,
            name=name,
            type=data.type,
            status=data.status,
            address=address,
            description=data.description,
            year_built=data.year_built,
            updated_at=now,
            version=current.version + 1,
        )
        await uow.properties.update(updated, expected_version=current.version)
        uow.record(updated.event("property.updated", now))
        await uow.commit()
    return updated


async def delete_property(*, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID) -> None:
    now = clock.now()
    async with uow:
        current = await uow.properties.get(actor.org, property_id)
        await uow.properties.delete(actor.org, property_id, now)
        uow.record(current.event("property.deleted", now))
        await uow.commit()


async def get_property(*, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID) -> Property:
    async with uow:
        return await uow.properties.get(actor.org, property_id)


async def list_properties(
    *, uow: PropertiesUnitOfWork, actor: Actor, filters: PropertyFilter, page: PageRequest
) -> Page[Property]:
    async with uow:
        return await uow.properties.list(actor.org, filters, page)

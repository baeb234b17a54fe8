"""Property and unit use cases. Each one is one transaction on the unit of work it is given.

Tenants are in ``tenants.py``, leases in ``leases.py``; who sees what is in ``access.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from pmsaas.domain.properties.access import visibility
from pmsaas.domain.properties.model import (
    AreaUnit,
    Property,
    PropertyPolicies,
    PropertyStatus,
    PropertyType,
    Unit,
    UnitStatus,
    check_manual_unit_transition,
)
from pmsaas.domain.properties.ports import LeaseFilter, PropertiesUnitOfWork, PropertyFilter, UnitFilter
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.address import Address
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.plan_limits import Quota


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
    # None = keep what the property has (absent from a PUT body); a value replaces it.
    amenities: tuple[str, ...] | None = None
    policies: PropertyPolicies | None = None
    owner_ids: tuple[UUID, ...] | None = None


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
        amenities=_amenities(data.amenities or ()),
        policies=_policies(data.policies or PropertyPolicies()),
        owner_ids=data.owner_ids or (),
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await uow.plan_allowance.admit(actor.org, Quota.PROPERTIES, adding=1, now=now)
        await _check_owners(uow, actor, prop.owner_ids)
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
        if data.owner_ids is not None:
            await _check_owners(uow, actor, data.owner_ids)
        updated = replace(
            current,
            name=name,
            type=data.type,
            status=data.status,
            address=address,
            description=data.description,
            year_built=data.year_built,
            amenities=current.amenities if data.amenities is None else _amenities(data.amenities),
            policies=current.policies if data.policies is None else _policies(data.policies),
            owner_ids=current.owner_ids if data.owner_ids is None else data.owner_ids,
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
        running = LeaseFilter(property_id=property_id, statuses=("active", "notice_given"))
        if (await uow.leases.list(actor.org, running, PageRequest(page_size=1))).total:
            raise Conflict("the property has active leases; end or terminate them before deleting it")
        await uow.properties.delete(actor.org, property_id, now)
        uow.record(current.event("property.deleted", now))
        await uow.commit()


async def get_property(*, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID) -> Property:
    async with uow.read_only() as reader:
        return await visible_property(reader, actor, property_id)


async def list_properties(
    *, uow: PropertiesUnitOfWork, actor: Actor, filters: PropertyFilter, page: PageRequest
) -> Page[Property]:
    owner = visibility(actor).owner_id
    if owner is not None:
        filters = replace(filters, owner_id=owner)
    async with uow.read_only() as reader:
        return await reader.property_list.page(actor.org, filters, page)


async def list_properties_with_unit_counts(
    *, uow: PropertiesUnitOfWork, actor: Actor, filters: PropertyFilter, page: PageRequest
) -> tuple[Page[Property], dict[UUID, int]]:
    """The ticketing surface's property list: each property with its live unit count."""
    owner = visibility(actor).owner_id
    if owner is not None:
        filters = replace(filters, owner_id=owner)
    async with uow.read_only() as reader:
        found = await reader.property_list.page(actor.org, filters, page)
        counts = await reader.properties.unit_counts(actor.org, [p.id for p in found.items])
    return found, counts


async def visible_property(uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID) -> Property:
    """The property, or NotFound when it is foreign or not the PropertyOwner's own."""
    prop = await uow.properties.get(actor.org, property_id)
    owner = visibility(actor).owner_id
    if owner is not None and owner not in prop.owner_ids:
        raise NotFound("property", property_id)
    return prop


def _amenities(values: tuple[str, ...]) -> tuple[str, ...]:
    """Trimmed, blank-free, duplicates (case-insensitive) dropped, first spelling kept."""
    seen: dict[str, str] = {}
    for i, raw in enumerate(values):
        value = raw.strip()
        if not value:
            raise ValidationFailed.single(f"amenities.{i}", "must not be blank")
        seen.setdefault(value.casefold(), value)
    return tuple(seen.values())


def _policies(p: PropertyPolicies) -> PropertyPolicies:
    problems: list[FieldProblem] = []
    fee = p.late_fee
    if fee is not None:
        if fee.kind not in ("flat", "percentage"):
            problems.append(FieldProblem("policies.late_fee.kind", "must be 'flat' or 'percentage'"))
        if fee.value <= 0:
            problems.append(FieldProblem("policies.late_fee.value", "must be greater than zero"))
        elif fee.kind == "percentage" and fee.value > 100:
            problems.append(FieldProblem("policies.late_fee.value", "a percentage must be at most 100"))
        if fee.cap is not None and fee.cap <= 0:
            problems.append(FieldProblem("policies.late_fee.cap", "must be greater than zero"))
    if p.grace_days is not None and p.grace_days < 0:
        problems.append(FieldProblem("policies.grace_days", "must be zero or more"))
    if p.parking is not None and p.parking.spaces is not None and p.parking.spaces < 0:
        problems.append(FieldProblem("policies.parking.spaces", "must be zero or more"))
    if problems:
        raise ValidationFailed(problems)
    return p


async def _check_owners(uow: PropertiesUnitOfWork, actor: Actor, owner_ids: tuple[UUID, ...]) -> None:
    problems = []
    for i, user_id in enumerate(owner_ids):
        roles = await uow.tenant_accounts.roles_of(actor.org, user_id)
        if roles is None or "PropertyOwner" not in roles:
            problems.append(FieldProblem(f"owner_ids.{i}", "is not a user with the PropertyOwner role here"))
    if problems:
        raise ValidationFailed(problems)


# -- units -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInput:
    name: str
    floor: str | None = None
    type: str | None = None
    bedrooms: int | None = None
    bathrooms: Decimal | None = None
    area: Decimal | None = None
    area_unit: AreaUnit | None = None
    market_rent: Money | None = None
    amenities: tuple[str, ...] = ()


async def _unit_values(uow: PropertiesUnitOfWork, actor: Actor, data: UnitInput) -> dict[str, Any]:
    return unit_values(data, await uow.organization_facts.currency(actor.org))


def unit_values(data: UnitInput, currency: str) -> dict[str, Any]:
    """The checked fields of a unit (``ValidationFailed`` listing every problem), as keyword
    arguments for ``Unit`` -- hence values of ``Any`` type."""
    problems: list[FieldProblem] = []
    name = data.name.strip()
    if not name:
        problems.append(FieldProblem("name", "must not be blank"))
    if data.market_rent is not None:
        if data.market_rent.currency != currency:
            problems.append(FieldProblem("market_rent.currency", f"must be the organization's currency {currency}"))
        elif not data.market_rent.is_positive:
            problems.append(FieldProblem("market_rent.amount", "must be greater than zero"))
    if data.area is not None and not (data.area.is_finite() and 0 < data.area <= 10_000_000):
        problems.append(FieldProblem("area", "must be greater than zero (and at most 10,000,000)"))
    if data.area is not None and data.area_unit is None:
        problems.append(FieldProblem("area_unit", "is required with area (sqft or sqm)"))
    if data.bathrooms is not None and (
        not data.bathrooms.is_finite() or not 0 <= data.bathrooms <= 50 or data.bathrooms % Decimal("0.5") != 0
    ):
        problems.append(FieldProblem("bathrooms", "must be zero or more, in halves (e.g. 1.5)"))
    if problems:
        raise ValidationFailed(problems)
    return {
        "name": name,
        "floor": data.floor,
        "type": data.type,
        "bedrooms": data.bedrooms,
        "bathrooms": data.bathrooms,
        "area": data.area,
        "area_unit": data.area_unit,
        "market_rent": data.market_rent,
        "amenities": _amenities(data.amenities),
    }


async def create_unit(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, data: UnitInput
) -> Unit:
    now = clock.now()
    async with uow:
        await uow.plan_allowance.admit(actor.org, Quota.UNITS, adding=1, now=now)  # first: it locks the organization
        await visible_property(uow, actor, property_id)
        values = await _unit_values(uow, actor, data)
        if await uow.units.find_by_name(actor.org, property_id, str(values["name"])) is not None:
            raise Conflict("the property already has a unit with this name")
        unit = Unit(organization_id=actor.org, property_id=property_id, created_at=now, updated_at=now, **values)
        await uow.units.add(unit)
        uow.record(unit.event("unit.created", now))
        await uow.commit()
    return unit


async def visible_unit(uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, unit_id: UUID) -> Unit:
    """The unit of that property, or NotFound (foreign, another property's, not the caller's)."""
    await visible_property(uow, actor, property_id)
    unit = await uow.units.get(actor.org, unit_id)
    if unit.property_id != property_id:
        raise NotFound("unit", unit_id)
    tenant = visibility(actor).tenant_id
    if tenant is not None:
        leased = {lease.unit_id for lease in await uow.leases.for_tenant(actor.org, tenant) if lease.status != "draft"}
        if unit.id not in leased:
            raise NotFound("unit", unit_id)
    return unit


async def get_unit(*, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, unit_id: UUID) -> Unit:
    async with uow:
        return await visible_unit(uow, actor, property_id, unit_id)


async def list_units(
    *, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, filters: UnitFilter, page: PageRequest
) -> Page[Unit]:
    tenant = visibility(actor).tenant_id
    if tenant is not None:
        filters = replace(filters, tenant_id=tenant)
    async with uow:
        await visible_property(uow, actor, property_id)
        return await uow.units.list(actor.org, property_id, filters, page)


async def update_unit(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, unit_id: UUID, data: UnitInput
) -> Unit:
    """PUT semantics for the unit's description; its status has its own endpoint."""
    now = clock.now()
    async with uow:
        current = await visible_unit(uow, actor, property_id, unit_id)
        values = await _unit_values(uow, actor, data)
        updated = replace(current, **values, updated_at=now, version=current.version + 1)
        await uow.units.update(updated, expected_version=current.version)
        uow.record(updated.event("unit.updated", now))
        await uow.commit()
    return updated


async def delete_unit(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, unit_id: UUID
) -> None:
    now = clock.now()
    async with uow:
        current = await visible_unit(uow, actor, property_id, unit_id)
        if await uow.leases.occupying(actor.org, unit_id):
            raise Conflict("the unit has an active lease; end or terminate it before deleting the unit")
        await uow.units.delete(actor.org, unit_id, now)
        uow.record(current.event("unit.deleted", now))
        await uow.commit()


async def set_unit_status(
    *,
    uow: PropertiesUnitOfWork,
    clock: Clock,
    actor: Actor,
    property_id: UUID,
    unit_id: UUID,
    status: UnitStatus,
) -> Unit:
    """A hand-made status change (``MANUAL_UNIT_TRANSITIONS``); 409 for any other move."""
    now = clock.now()
    async with uow:
        current = await visible_unit(uow, actor, property_id, unit_id)
        check_manual_unit_transition(current.status, status)
        if current.status == status:
            return current
        updated = replace(current, status=status, updated_at=now, version=current.version + 1)
        await uow.units.update(updated, expected_version=current.version)
        uow.record(updated.event("unit.status_changed", now))
        await uow.commit()
    return updated

"""Tenant use cases. Each one is one transaction on the unit of work it is given.

References in a request body (``user_id``) that are unknown or belong to another organization are a
422 on that field; ids in the path are 404. The lease use cases are in ``leases.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

import phonenumbers

from pmsaas.domain.properties.access import visibility
from pmsaas.domain.properties.lease import FINAL
from pmsaas.domain.properties.model import EmergencyContact, Property, Tenant
from pmsaas.domain.properties.ports import PropertiesUnitOfWork, TenantFilter
from pmsaas.domain.properties.services import visible_property
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from pmsaas.domain.shared.paging import Page, PageRequest
from pmsaas.domain.shared.tax_identifiers import InvalidTaxId, validate_business_number, validate_gstin, validate_pan


@dataclass(frozen=True)
class TenantInput:
    name: str
    email: str
    phone: str | None = None
    emergency_contact: EmergencyContact | None = None
    pan_number: str | None = None
    gstin: str | None = None
    business_number: str | None = None
    user_id: UUID | None = None


def normalize_phone(raw: str, country: str, field: str) -> str:
    """E.164, parsed in the property's country (a number with ``+`` may be from anywhere)."""
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        raise ValidationFailed.single(field, f"is not a phone number (country {country})") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed.single(field, f"is not a valid phone number for {country}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _tax_id(
    problems: list[FieldProblem],
    field: str,
    raw: str | None,
    validate: Callable[[str], str],
    only: str,
    country: str,
) -> str | None:
    if raw is None or not raw.strip():
        return None
    if country != only:
        problems.append(FieldProblem(field, f"applies only to properties in {only}"))
        return None
    try:
        return validate(raw)
    except InvalidTaxId as exc:
        problems.append(FieldProblem(field, f"is not valid: {exc.reason}"))
        return None


def tenant_values(data: TenantInput, prop: Property) -> dict[str, Any]:
    country = prop.address.country
    problems: list[FieldProblem] = []
    name, email = data.name.strip(), data.email.strip().lower()
    if not name:
        problems.append(FieldProblem("name", "must not be blank"))
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        problems.append(FieldProblem("email", "is not an e-mail address"))
    phone = contact = None
    try:
        phone = normalize_phone(data.phone, country, "phone") if data.phone else None
    except ValidationFailed as exc:
        problems += exc.problems
    if data.emergency_contact is not None:
        ec = data.emergency_contact
        try:
            contact = EmergencyContact(
                name=ec.name.strip(),
                phone=normalize_phone(ec.phone, country, "emergency_contact.phone"),
                relationship=ec.relationship,
            )
        except ValidationFailed as exc:
            problems += exc.problems
        if not ec.name.strip():
            problems.append(FieldProblem("emergency_contact.name", "must not be blank"))
    pan = _tax_id(problems, "pan_number", data.pan_number, validate_pan, "IN", country)
    gstin = _tax_id(problems, "gstin", data.gstin, validate_gstin, "IN", country)
    bn = _tax_id(problems, "business_number", data.business_number, validate_business_number, "CA", country)
    if problems:
        raise ValidationFailed(problems)
    return {
        "name": name,
        "email": email,
        "phone": phone,
        "emergency_contact": contact,
        "pan_number": pan,
        "gstin": gstin,
        "business_number": bn,
        "user_id": data.user_id,
    }


async def _link_account(
    uow: PropertiesUnitOfWork, actor: Actor, tenant_id: UUID, old: UUID | None, new: UUID | None
) -> None:
    if old == new:
        return
    if new is not None:
        roles = await uow.tenant_accounts.roles_of(actor.org, new)
        if roles is None or "Tenant" not in roles:
            raise ValidationFailed.single("user_id", "is not a user with the Tenant role in this organization")
        other = await uow.tenants.find_by_user(actor.org, new)
        if other is not None and other.id != tenant_id:
            raise Conflict("this user account is already linked to another tenant profile")
    if old is not None:
        await uow.tenant_accounts.set_tenant_profile(actor.org, old, None)
    if new is not None:
        await uow.tenant_accounts.set_tenant_profile(actor.org, new, tenant_id)


async def create_tenant(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, data: TenantInput
) -> Tenant:
    now = clock.now()
    async with uow:
        prop = await visible_property(uow, actor, property_id)
        tenant = Tenant(
            organization_id=actor.org,
            property_id=property_id,
            created_at=now,
            updated_at=now,
            **tenant_values(data, prop),
        )
        await _link_account(uow, actor, tenant.id, None, tenant.user_id)
        await uow.tenants.add(tenant)
        uow.record(tenant.event("tenant.created", now))
        await uow.commit()
    return tenant


async def visible_tenant(uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, tenant_id: UUID) -> Tenant:
    await visible_property(uow, actor, property_id)
    tenant = await uow.tenants.get(actor.org, tenant_id)
    own = visibility(actor).tenant_id
    if tenant.property_id != property_id or (own is not None and own != tenant.id):
        raise NotFound("tenant", tenant_id)
    return tenant


async def get_tenant(*, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, tenant_id: UUID) -> Tenant:
    async with uow:
        return await visible_tenant(uow, actor, property_id, tenant_id)


async def list_tenants(
    *, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, filters: TenantFilter, page: PageRequest
) -> Page[Tenant]:
    own = visibility(actor).tenant_id
    if own is not None:
        filters = replace(filters, only_id=own)
    async with uow:
        await visible_property(uow, actor, property_id)
        return await uow.tenants.list(actor.org, property_id, filters, page)


async def update_tenant(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, tenant_id: UUID, data: TenantInput
) -> Tenant:
    """PUT semantics: the whole profile is replaced (``user_id`` null unlinks the account)."""
    now = clock.now()
    async with uow:
        current = await visible_tenant(uow, actor, property_id, tenant_id)
        prop = await uow.properties.get(actor.org, property_id)
        values = tenant_values(data, prop)
        updated = replace(current, **values, updated_at=now, version=current.version + 1)
        await _link_account(uow, actor, current.id, current.user_id, updated.user_id)
        await uow.tenants.update(updated, expected_version=current.version)
        uow.record(updated.event("tenant.updated", now))
        await uow.commit()
    return updated


async def delete_tenant(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, tenant_id: UUID
) -> None:
    now = clock.now()
    async with uow:
        current = await visible_tenant(uow, actor, property_id, tenant_id)
        leases = await uow.leases.for_tenant(actor.org, tenant_id)
        if any(lease.status not in FINAL for lease in leases):
            raise Conflict("the tenant has a lease that is not ended or terminated; end it first")
        # The profile is soft-deleted: ended leases keep pointing at it as their history.
        await _link_account(uow, actor, current.id, current.user_id, None)
        await uow.tenants.delete(actor.org, tenant_id, now)
        uow.record(current.event("tenant.deleted", now))
        await uow.commit()

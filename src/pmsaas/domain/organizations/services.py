"""Organization use cases. Users see the organizations they belong to; SuperAdmin sees all."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from pmsaas.domain.organizations.model import (
    MFA_POLICY_KEY,
    Organization,
    OrganizationSettings,
    SettingsChange,
    checked_mfa_policy,
)
from pmsaas.domain.organizations.ports import OrganizationsUnitOfWork
from pmsaas.domain.organizations.schedule_settings import ScheduleSettings
from pmsaas.domain.organizations.tax_identity import TaxIdentity
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, AuditTarget, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound, PermissionDenied, ValidationFailed
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest

MFA_POLICY_CHANGED = "organization.mfa_policy_changed"


def _is_platform_operator(actor: Actor) -> bool:
    return "SuperAdmin" in actor.roles


def _check_name(name: str) -> str:
    if not name.strip():
        raise ValidationFailed.single("name", "must not be blank")
    return name.strip()


def _event(name: str, org: Organization, at: datetime) -> DomainEvent:
    return DomainEvent(name, org.id, at, {"organization_id": str(org.id), "name": org.name})


def new_organization(name: str, at: datetime, settings: OrganizationSettings | None = None) -> Organization:
    return Organization(
        name=_check_name(name), settings=(settings or OrganizationSettings()).validated(), created_at=at, updated_at=at
    )


async def _visible(uow: OrganizationsUnitOfWork, actor: Actor, organization_id: UUID) -> Organization:
    """Another organization's id is indistinguishable from an unknown one."""
    if not _is_platform_operator(actor):
        if actor.user_id is None:
            if actor.organization_id != organization_id:
                raise NotFound("organization", organization_id)
        elif organization_id not in await uow.membership_directory.organizations_of(actor.user_id):
            raise NotFound("organization", organization_id)
    return await uow.organizations.get(organization_id)


async def _mutable(uow: OrganizationsUnitOfWork, actor: Actor, organization_id: UUID) -> Organization:
    """Changes apply to the organization the actor's roles were resolved for (X-Organization-ID)."""
    org = await _visible(uow, actor, organization_id)
    if not _is_platform_operator(actor) and organization_id != actor.organization_id:
        raise PermissionDenied("select this organization with X-Organization-ID to change it")
    return org


async def create_organization(
    *,
    uow: OrganizationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    name: str,
    settings: OrganizationSettings | SettingsChange | None,
    tax_changes: dict[str, Any] | None = None,
    mfa_policy: list[str] | None = None,
    schedule_changes: dict[str, Any] | None = None,
) -> Organization:
    if actor.user_id is None:
        raise PermissionDenied("organizations are created by users, not API keys")
    now = clock.now()
    org = new_organization(name, now, settings.applied_to(None) if isinstance(settings, SettingsChange) else settings)
    if tax_changes or mfa_policy is not None:
        org.extra_settings = _with_settings(org, None, tax_changes, mfa_policy)[1]
    org.extra_settings = _with_schedule(org.extra_settings, schedule_changes)
    async with uow:
        await uow.organizations.add(org)
        await uow.membership_directory.add_owner(organization_id=org.id, user_id=actor.user_id, at=now)
        uow.record(_event("organization.created", org, now))
        await uow.commit()
    return org


async def list_organizations(*, uow: OrganizationsUnitOfWork, actor: Actor, page: PageRequest) -> Page[Organization]:
    async with uow:
        if _is_platform_operator(actor):
            return await uow.organizations.list(None, page)
        if actor.user_id is None:
            ids = [actor.org]
        else:
            ids = await uow.membership_directory.organizations_of(actor.user_id)
        return await uow.organizations.list(ids, page)


async def get_organization(*, uow: OrganizationsUnitOfWork, actor: Actor, organization_id: UUID) -> Organization:
    async with uow:
        return await _visible(uow, actor, organization_id)


def _with_settings(
    current: Organization,
    settings: OrganizationSettings | SettingsChange | None,
    tax_changes: dict[str, Any] | None,
    mfa_policy: list[str] | None = None,
) -> tuple[OrganizationSettings, dict[str, object]]:
    """New settings and the tax identity re-checked against them (a country change may orphan a GSTIN).

    ``tax_changes`` holds only the fields the caller sent (``None`` clears one); the rest are kept.
    ``mfa_policy`` (``require_mfa_for``) replaces the stored one when given; ``None`` keeps it."""
    if mfa_policy is not None:
        extra = {**current.extra_settings, MFA_POLICY_KEY: checked_mfa_policy(mfa_policy)}
        current = replace(current, extra_settings=extra)
    if isinstance(settings, SettingsChange):
        settings = settings.applied_to(current.settings)
    settings = settings.validated() if settings else current.settings
    tax = replace(TaxIdentity.from_extra(current.extra_settings), **(tax_changes or {}))
    if not tax_changes and settings == current.settings:
        return settings, current.extra_settings
    tax = tax.validated(settings.country, settings.province)
    return settings, tax.merged_into(current.extra_settings)


def _policy(org: Organization) -> list[str]:
    roles = org.extra_settings.get(MFA_POLICY_KEY)
    return [str(r) for r in roles] if isinstance(roles, list) else []


async def _audit_mfa_policy(
    uow: OrganizationsUnitOfWork,
    actor: Actor,
    before: Organization,
    after: Organization,
    request: RequestInfo,
    at: datetime,
) -> None:
    """Who may sign in without MFA is a security setting: its changes go to the audit log."""
    old, new = _policy(before), _policy(after)
    if old == new:
        return
    details = {"from": " ".join(old), "to": " ".join(new)}
    target = AuditTarget("organization", str(after.id), after.name)
    await record_audit(
        uow, actor, MFA_POLICY_CHANGED, target, request, at=at, organization_id=after.id, details=details
    )


def _with_schedule(extra: dict[str, object], changes: dict[str, Any] | None) -> dict[str, object]:
    """The billing day and notice days sent, checked, merged into the stored settings."""
    if not changes:
        return extra
    return ScheduleSettings.from_extra(extra).changed(changes).merged_into(extra)


async def rename_organization(
    *,
    uow: OrganizationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    organization_id: UUID,
    name: str,
    settings: OrganizationSettings | SettingsChange | None = None,
    tax_changes: dict[str, Any] | None = None,
    mfa_policy: list[str] | None = None,
    schedule_changes: dict[str, Any] | None = None,
    request: RequestInfo = NO_REQUEST,
) -> Organization:
    now = clock.now()
    async with uow:
        current = await _mutable(uow, actor, organization_id)
        new_settings, extra = _with_settings(current, settings, tax_changes, mfa_policy)
        extra = _with_schedule(extra, schedule_changes)
        updated = replace(
            current,
            name=_check_name(name),
            settings=new_settings,
            extra_settings=extra,
            updated_at=now,
            version=current.version + 1,
        )
        await uow.organizations.update(updated, current.version)
        uow.record(_event("organization.updated", updated, now))
        await _audit_mfa_policy(uow, actor, current, updated, request, now)
        await uow.commit()
    return updated


async def update_settings(
    *,
    uow: OrganizationsUnitOfWork,
    clock: Clock,
    actor: Actor,
    organization_id: UUID,
    settings: OrganizationSettings | SettingsChange,
    tax_changes: dict[str, Any] | None = None,
    mfa_policy: list[str] | None = None,
    schedule_changes: dict[str, Any] | None = None,
    request: RequestInfo = NO_REQUEST,
) -> Organization:
    """``schedule_changes``: the billing day and notice days sent (``schedule_settings.py``)."""
    now = clock.now()
    async with uow:
        current = await _mutable(uow, actor, organization_id)
        new_settings, extra = _with_settings(current, settings, tax_changes, mfa_policy)
        extra = _with_schedule(extra, schedule_changes)
        updated = replace(
            current, settings=new_settings, extra_settings=extra, updated_at=now, version=current.version + 1
        )
        await uow.organizations.update(updated, current.version)
        uow.record(_event("organization.updated", updated, now))
        await _audit_mfa_policy(uow, actor, current, updated, request, now)
        await uow.commit()
    return updated


async def delete_organization(
    *, uow: OrganizationsUnitOfWork, clock: Clock, actor: Actor, organization_id: UUID
) -> None:
    now = clock.now()
    async with uow:
        current = await _mutable(uow, actor, organization_id)
        await uow.organizations.delete(organization_id, now)
        await uow.membership_directory.remove_all(organization_id)
        uow.record(_event("organization.deleted", current, now))
        await uow.commit()

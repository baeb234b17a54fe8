"""Lease use cases. Each one is one transaction on the unit of work it is given.

References in a request body (``unit_id``, ``co_tenant_ids``) that are unknown, belong to another
property or to another organization are a 422 on that field (the three cases read the same, so
nothing leaks); ids in the path are 404. The lease rules are in ``lease.py``, the rent rules in
``schedule.py``; the tenant use cases in ``tenants.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pmsaas.domain.properties.access import visibility
from pmsaas.domain.properties.lease import FINAL, OCCUPYING, Lease, LeaseStatus, check_lease_dates
from pmsaas.domain.properties.model import Property, derived_unit_status
from pmsaas.domain.properties.ports import LeaseFilter, PropertiesUnitOfWork
from pmsaas.domain.properties.recurring import schedule_with_recurring
from pmsaas.domain.properties.schedule import (
    Charge,
    Escalation,
    LateFee,
    LateFeeKind,
    rent_schedule,
    validate_terms,
)
from pmsaas.domain.properties.services import visible_property
from pmsaas.domain.properties.tenants import visible_tenant
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest


@dataclass(frozen=True)
class LeaseInput:
    unit_id: UUID
    start_date: date
    end_date: date | None
    rent: Money
    co_tenant_ids: tuple[UUID, ...] = ()
    billing_day: int = 1
    grace_days: int | None = None  # None: the property's policy, else 0
    security_deposit: Money | None = None
    late_fee: LateFee | None = None  # None: the property's late-fee policy, if any
    escalation: Escalation | None = None
    tds_applicable: bool = False


async def _lease_values(
    uow: PropertiesUnitOfWork, actor: Actor, prop: Property, tenant_id: UUID, data: LeaseInput
) -> dict[str, Any]:
    problems: list[FieldProblem] = []
    try:
        unit = await uow.units.get(actor.org, data.unit_id)
        if unit.property_id != prop.id:
            problems.append(FieldProblem("unit_id", "is not a unit of this property"))
    except NotFound:
        problems.append(FieldProblem("unit_id", "no such unit"))
    co: list[UUID] = []
    for i, tid in enumerate(data.co_tenant_ids):
        if tid == tenant_id or tid in co:
            problems.append(FieldProblem(f"co_tenant_ids.{i}", "repeats a tenant of this lease"))
            continue
        try:
            other = await uow.tenants.get(actor.org, tid)
            if other.property_id != prop.id:
                problems.append(FieldProblem(f"co_tenant_ids.{i}", "is not a tenant of this property"))
        except NotFound:
            problems.append(FieldProblem(f"co_tenant_ids.{i}", "no such tenant"))
        co.append(tid)
    currency = await uow.organization_facts.currency(actor.org)
    return lease_values(prop, tenant_id, data, currency, problems, co)


def lease_values(
    prop: Property,
    tenant_id: UUID,
    data: LeaseInput,
    currency: str,
    problems: list[FieldProblem] | None = None,
    co_tenant_ids: list[UUID] | None = None,
) -> dict[str, Any]:
    """The checked fields of a lease (keyword arguments for ``Lease``) whose references (unit,
    co-tenants) were already checked (their problems, if any, come in ``problems``); defaults from
    the property's policies."""
    problems = list(problems or [])
    co = list(data.co_tenant_ids if co_tenant_ids is None else co_tenant_ids)
    for name, money in (("rent", data.rent), ("security_deposit", data.security_deposit)):
        if money is not None and money.currency != currency:
            problems.append(FieldProblem(f"{name}.currency", f"must be the organization's currency {currency}"))
    if data.late_fee is not None and data.late_fee.cap is not None and data.late_fee.cap.currency != currency:
        problems.append(FieldProblem("late_fee.cap.currency", f"must be the organization's currency {currency}"))
    if data.tds_applicable and currency != "INR":
        problems.append(FieldProblem("tds_applicable", "TDS applies only to organizations billing in India (INR)"))
    try:
        check_lease_dates(data.start_date, data.end_date)
    except ValidationFailed as exc:
        problems += exc.problems
    if problems:
        raise ValidationFailed(problems)
    policy = prop.policies
    late_fee = data.late_fee
    if late_fee is None and policy.late_fee is not None:
        cap = None if policy.late_fee.cap is None else Money.of(policy.late_fee.cap, currency)
        kind = cast(LateFeeKind, policy.late_fee.kind)  # checked when the policy was set
        late_fee = LateFee(kind, policy.late_fee.value, cap)
    grace = data.grace_days if data.grace_days is not None else (policy.grace_days or 0)
    return {
        "unit_id": data.unit_id,
        "co_tenant_ids": tuple(co),
        "start_date": data.start_date,
        "end_date": data.end_date,
        "rent": data.rent,
        "billing_day": data.billing_day,
        "grace_days": grace,
        "security_deposit": data.security_deposit,
        "late_fee": late_fee,
        "escalation": data.escalation,
        "tds_applicable": data.tds_applicable,
    }


async def create_lease(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, property_id: UUID, tenant_id: UUID, data: LeaseInput
) -> Lease:
    """A new lease, as ``draft``; activate it to let the unit."""
    now = clock.now()
    async with uow:
        prop = await visible_property(uow, actor, property_id)
        await visible_tenant(uow, actor, property_id, tenant_id)
        values = await _lease_values(uow, actor, prop, tenant_id, data)
        lease = Lease(
            organization_id=actor.org,
            property_id=property_id,
            tenant_id=tenant_id,
            created_at=now,
            updated_at=now,
            **values,
        )
        validate_terms(lease.terms())
        await uow.leases.add(lease)
        uow.record(lease.event("lease.created", now))
        await uow.commit()
    return lease


async def visible_lease(uow: PropertiesUnitOfWork, actor: Actor, lease_id: UUID) -> Lease:
    lease = await uow.leases.get(actor.org, lease_id)
    scope = visibility(actor)
    if scope.tenant_id is not None and (
        lease.status == LeaseStatus.DRAFT or scope.tenant_id not in (lease.tenant_id, *lease.co_tenant_ids)
    ):
        raise NotFound("lease", lease_id)
    if scope.owner_id is not None:
        await visible_property(uow, actor, lease.property_id)
    return lease


async def get_lease(*, uow: PropertiesUnitOfWork, actor: Actor, lease_id: UUID) -> Lease:
    async with uow:
        return await visible_lease(uow, actor, lease_id)


async def get_tenant_lease(*, uow: PropertiesUnitOfWork, actor: Actor, property_id: UUID, tenant_id: UUID) -> Lease:
    """The tenant's current lease: the one occupying a unit now or next, else its latest draft,
    else its latest lease. NotFound when it has none."""
    async with uow:
        await visible_tenant(uow, actor, property_id, tenant_id)
        leases = [
            lease
            for lease in await uow.leases.for_tenant(actor.org, tenant_id)
            if not (visibility(actor).tenant_id and lease.status == LeaseStatus.DRAFT)
        ]
    for wanted in (OCCUPYING, {LeaseStatus.DRAFT}, set(LeaseStatus)):
        matching = [lease for lease in leases if lease.status in wanted]
        if matching:
            return min(matching, key=lambda lease: lease.start_date) if wanted is OCCUPYING else matching[0]
    raise NotFound("lease")


async def list_leases(
    *, uow: PropertiesUnitOfWork, actor: Actor, filters: LeaseFilter, page: PageRequest
) -> Page[Lease]:
    scope = visibility(actor)
    if scope.owner_id is not None:
        filters = replace(filters, owner_id=scope.owner_id)
    if scope.tenant_id is not None:
        if filters.tenant_id is not None and filters.tenant_id != scope.tenant_id:
            return Page(items=[], total=0, page=page.page, page_size=page.page_size)
        # A tenant sees its own leases, never drafts (the manager's work in progress).
        shown = tuple(s.value for s in LeaseStatus if s != LeaseStatus.DRAFT)
        filters = replace(filters, tenant_id=scope.tenant_id, statuses=shown)
    async with uow.read_only() as reader:
        return await reader.lease_list.page(actor.org, filters, page)


# Fields a running lease may still change; everything else is what was signed.
_RUNNING_EDITABLE = ("co_tenant_ids", "grace_days", "late_fee")


async def update_lease(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID, data: LeaseInput
) -> Lease:
    """PUT semantics. A ``draft`` is fully editable; an ``active`` or ``notice_given`` lease only
    its co-tenants, grace days and late fee (any other change → 409); an ended or terminated lease
    not at all (409)."""
    now = clock.now()
    async with uow:
        current = await visible_lease(uow, actor, lease_id)
        if current.status in FINAL:
            raise Conflict(f"a {current.status.value} lease cannot be changed")
        prop = await uow.properties.get(actor.org, current.property_id)
        values = await _lease_values(uow, actor, prop, current.tenant_id, data)
        if current.status != LeaseStatus.DRAFT:
            changed = [k for k, v in values.items() if getattr(current, k) != v and k not in _RUNNING_EDITABLE]
            if changed:
                raise Conflict(
                    f"a {current.status.value} lease can only change {', '.join(_RUNNING_EDITABLE)}; "
                    f"not {', '.join(changed)}"
                )
        updated = replace(current, **values, updated_at=now, version=current.version + 1)
        validate_terms(updated.terms())
        await uow.leases.update(updated, expected_version=current.version)
        uow.record(updated.event("lease.updated", now))
        await uow.commit()
    return updated


async def _refresh_unit(uow: PropertiesUnitOfWork, actor: Actor, unit_id: UUID, clock: Clock) -> None:
    unit = await uow.units.lock(actor.org, unit_id)
    statuses = [lease.status.value for lease in await uow.leases.occupying(actor.org, unit_id)]
    status = derived_unit_status(unit.status, statuses)
    if status != unit.status:
        now = clock.now()
        moved = replace(unit, status=status, updated_at=now, version=unit.version + 1)
        await uow.units.update(moved, expected_version=unit.version)
        uow.record(moved.event("unit.status_changed", now))


async def local_today(uow: PropertiesUnitOfWork, actor: Actor, now: datetime) -> date:
    """Today in the organization's time zone (lease dates are local dates)."""
    try:
        zone = ZoneInfo(await uow.organization_facts.time_zone(actor.org))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


async def _transition(
    uow: PropertiesUnitOfWork,
    clock: Clock,
    actor: Actor,
    lease_id: UUID,
    event: str,
    change: Callable[[Lease, list[Lease], datetime, date], Lease],  # (lease, occupying, now, local today)
) -> Lease:
    now = clock.now()
    async with uow:
        current = await visible_lease(uow, actor, lease_id)
        today = await local_today(uow, actor, now)
        await uow.units.lock(actor.org, current.unit_id)  # serializes every occupancy change of the unit
        occupying = await uow.leases.occupying(actor.org, current.unit_id)
        updated = change(current, occupying, now, today)
        await uow.leases.update(updated, expected_version=current.version)
        await _refresh_unit(uow, actor, current.unit_id, clock)
        uow.record(updated.event(event, now))
        await uow.commit()
    return updated


async def activate_lease(*, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID) -> Lease:
    return await _transition(
        uow, clock, actor, lease_id, "lease.activated", lambda x, occ, now, today: x.activate(occupying=occ, at=now)
    )


async def give_notice(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID, move_out_date: date
) -> Lease:
    return await _transition(
        uow,
        clock,
        actor,
        lease_id,
        "lease.notice_given",
        lambda x, occ, now, today: x.give_notice(move_out_date=move_out_date, at=now),
    )


async def end_lease(*, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID) -> Lease:
    return await _transition(
        uow, clock, actor, lease_id, "lease.ended", lambda x, occ, now, today: x.end(today=today, at=now)
    )


async def terminate_lease(
    *, uow: PropertiesUnitOfWork, clock: Clock, actor: Actor, lease_id: UUID, termination_date: date | None
) -> Lease:
    return await _transition(
        uow,
        clock,
        actor,
        lease_id,
        "lease.terminated",
        lambda x, occ, now, today: x.terminate(on=termination_date, today=today, at=now),
    )


async def renew_lease(
    *,
    uow: PropertiesUnitOfWork,
    clock: Clock,
    actor: Actor,
    lease_id: UUID,
    end_date: date | None = None,
    rent: Money | None = None,
) -> Lease:
    """The renewal (a new, active lease); see *Renewal* in ``lease.py``. Records ``lease.renewed``
    (for the current lease, with ``renewal_id``) and ``lease.created``/``lease.activated`` for the new one."""
    now = clock.now()
    async with uow:
        current = await visible_lease(uow, actor, lease_id)
        if rent is not None:
            currency = await uow.organization_facts.currency(actor.org)
            if rent.currency != currency:
                raise ValidationFailed.single("rent.currency", f"must be the organization's currency {currency}")
        await uow.units.lock(actor.org, current.unit_id)
        occupying = await uow.leases.occupying(actor.org, current.unit_id)
        already = await uow.leases.renewal_of(actor.org, current.id) is not None
        renewal = current.renewal(occupying=occupying, already_renewed=already, end_date=end_date, rent=rent, at=now)
        await uow.leases.add(renewal)
        await _refresh_unit(uow, actor, current.unit_id, clock)
        renewed = current.event("lease.renewed", now)
        renewed.data["renewal_id"] = str(renewal.id)
        uow.record(renewed)
        uow.record(renewal.event("lease.created", now))
        uow.record(renewal.event("lease.activated", now))
        await uow.commit()
    return renewal


async def lease_schedule(
    *, uow: PropertiesUnitOfWork, actor: Actor, lease_id: UUID, from_date: date, to_date: date
) -> tuple[Lease, list[Charge]]:
    """The lease's charges in ``[from_date, to_date]`` (see ``schedule.py``)."""
    async with uow:
        lease = await visible_lease(uow, actor, lease_id)
        recurring = await uow.recurring_charges.for_lease(actor.org, lease_id)
    if to_date < from_date:
        raise ValidationFailed.single("to", "must not be before from")
    if (to_date - from_date).days > 3660:
        raise ValidationFailed.single("to", "a schedule covers at most ten years at a time")
    if not lease.has_charges:
        return lease, []
    terms = lease.terms()
    rent = rent_schedule(terms, from_date, to_date)
    return lease, schedule_with_recurring(rent, recurring, terms, from_date, to_date)

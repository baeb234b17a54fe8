"""Subscription use cases that charge nothing: read it, schedule or cancel a downgrade, the invoices,
and the period-end renewal the scheduler runs. The upgrade charges the organization through the
financial context's payment gateway: ``pmsaas.domain.flows.plan_upgrade``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pmsaas.domain.organizations.model import Organization, Plan
from pmsaas.domain.organizations.plans import (
    PLANS,
    InvoiceStatus,
    Subscription,
    SubscriptionInvoice,
    Usage,
    check_fits,
    invoice_number,
    rank,
)
from pmsaas.domain.organizations.ports import PlanBoard, PlansUnitOfWork
from pmsaas.domain.organizations.services import _mutable, _visible
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, AuditTarget, RequestInfo, record_audit
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.paging import Page, PageRequest


@dataclass(frozen=True)
class SubscriptionView:
    subscription: Subscription
    usage: Usage
    currency: str


async def current_subscription(uow: PlansUnitOfWork, org: Organization, now: datetime) -> Subscription:
    """The stored subscription, or the standard one every organization starts with; its period the one
    containing ``now``."""
    subscription = await uow.subscriptions.find(org.id)
    if subscription is None:
        subscription = Subscription.starting(org.id, org.plan, org.created_at)
    subscription.rolled_forward(now)
    return subscription


async def usage_of(uow: PlansUnitOfWork, organization_id: UUID, now: datetime) -> Usage:
    """Seats (members and pending invitations) and properties, as the limits at use count them."""
    return Usage(await uow.plan_usage.seats(organization_id, now), await uow.plan_usage.properties(organization_id))


def plan_event(name: str, subscription: Subscription, at: datetime, **extra: str | None) -> DomainEvent:
    data: dict[str, str | None] = {
        "organization_id": str(subscription.organization_id),
        "plan": subscription.plan.value,
        "scheduled_plan": subscription.scheduled_plan.value if subscription.scheduled_plan else None,
        **extra,
    }
    return DomainEvent(name, subscription.organization_id, at, dict(data))


async def get_subscription(
    *, uow: PlansUnitOfWork, clock: Clock, actor: Actor, organization_id: UUID
) -> SubscriptionView:
    now = clock.now()
    async with uow:
        org = await _visible(uow, actor, organization_id)
        subscription = await current_subscription(uow, org, now)
        return SubscriptionView(subscription, await usage_of(uow, org.id, now), org.settings.currency)


async def list_invoices(
    *, uow: PlansUnitOfWork, actor: Actor, organization_id: UUID, page: PageRequest
) -> Page[SubscriptionInvoice]:
    async with uow:
        await _mutable(uow, actor, organization_id)
        return await uow.subscription_invoices.list(organization_id, page)


async def audit_plan_change(
    uow: PlansUnitOfWork,
    actor: Actor,
    organization_id: UUID,
    action: str,
    plan: Plan,
    request: RequestInfo,
    at: datetime,
) -> None:
    """Plan changes go to the audit log (who moved the organization's limits), in their transaction."""
    target = AuditTarget("organization", str(organization_id))
    details = {"plan": plan.value}
    await record_audit(uow, actor, action, target, request, at=at, organization_id=organization_id, details=details)


async def schedule_downgrade(
    *,
    uow: PlansUnitOfWork,
    clock: Clock,
    actor: Actor,
    organization_id: UUID,
    plan: Plan,
    request: RequestInfo = NO_REQUEST,
) -> SubscriptionView:
    """The smaller plan from the end of the current period. Refused (409) when it is not smaller, or
    while seats or properties exceed it (checked again when the period ends)."""
    now = clock.now()
    async with uow:
        org = await _mutable(uow, actor, organization_id)
        subscription = await current_subscription(uow, org, now)
        if rank(plan) >= rank(subscription.plan):
            raise Conflict(
                f"{plan.value} is not below the current plan ({subscription.plan.value}); use billing/upgrade"
            )
        await uow.plan_usage.lock(org.id)  # counted as the additions count, one after the other
        usage = await usage_of(uow, org.id, now)
        check_fits(plan, usage)
        expected = subscription.version
        subscription.scheduled_plan, subscription.updated_at = plan, now
        await uow.subscriptions.save(subscription, expected)
        uow.record(plan_event("subscription.downgrade_scheduled", subscription, now))
        await audit_plan_change(uow, actor, org.id, "subscription.downgrade_scheduled", plan, request, now)
        await uow.commit()
    return SubscriptionView(subscription, usage, org.settings.currency)


async def cancel_scheduled_change(
    *, uow: PlansUnitOfWork, clock: Clock, actor: Actor, organization_id: UUID, request: RequestInfo = NO_REQUEST
) -> SubscriptionView:
    """Stay on the current plan: the scheduled downgrade is dropped (nothing scheduled: unchanged)."""
    now = clock.now()
    async with uow:
        org = await _mutable(uow, actor, organization_id)
        subscription = await current_subscription(uow, org, now)
        if subscription.scheduled_plan is not None:
            expected = subscription.version
            subscription.scheduled_plan, subscription.updated_at = None, now
            await uow.subscriptions.save(subscription, expected)
            uow.record(plan_event("subscription.downgrade_cancelled", subscription, now))
            await audit_plan_change(
                uow, actor, org.id, "subscription.downgrade_cancelled", subscription.plan, request, now
            )
            await uow.commit()
        return SubscriptionView(subscription, await usage_of(uow, org.id, now), org.settings.currency)


async def change_organization_plan(uow: PlansUnitOfWork, org: Organization, plan: Plan, now: datetime) -> None:
    """The organization's row carries the effective plan: the rate-limit gate reads it."""
    expected = org.version
    org.plan, org.updated_at, org.version = plan, now, expected + 1
    await uow.organizations.update(org, expected)


async def next_invoice_number(uow: PlansUnitOfWork, organization_id: UUID, at: datetime) -> str:
    return invoice_number(at.year, await uow.subscription_invoices.count_in_year(organization_id, at.year) + 1)


async def apply_due_downgrades(*, uow: PlansUnitOfWork, clock: Clock, board: PlanBoard, batch: int = 100) -> list[UUID]:
    """The scheduler's hook (run it every few minutes): each subscription whose period has ended with
    a downgrade scheduled moves to that plan for the period that follows, with an open invoice for it
    when the plan has a price (a renewal has no card to charge). One still over the smaller plan's
    seats or properties stays on its plan for another period, its downgrade kept for that period's
    end, and an event says so. Returns the
    organizations whose plan changed, posted on ``board`` (their rate limit follows at once)."""
    now = clock.now()
    changed: list[tuple[UUID, Plan]] = []
    async with uow:
        for subscription in await uow.subscriptions.due(now, batch):
            target = subscription.scheduled_plan
            assert target is not None
            # The organization's lock first, as every addition checked against the plan takes it: a seat
            # or property being added now is counted, not missed.
            await uow.plan_usage.lock(subscription.organization_id)
            org = await uow.organizations.get(subscription.organization_id)
            try:
                check_fits(target, await usage_of(uow, org.id, now))
            except Conflict as exc:
                # Another period on the current plan, the downgrade kept for its end: asked again
                # then, not on every run (nor ahead of the others in the batch).
                expected = subscription.version
                subscription.rolled_forward(now)
                subscription.updated_at = now
                await uow.subscriptions.save(subscription, expected)
                uow.record(plan_event("subscription.downgrade_blocked", subscription, now, reason=str(exc)))
                continue
            await _downgrade_now(uow, org, subscription, target, now)
            changed.append((org.id, target))
        await uow.commit()
    for organization_id, plan in changed:
        await board.post(organization_id, plan)
    return [organization_id for organization_id, _ in changed]


async def _downgrade_now(
    uow: PlansUnitOfWork, org: Organization, subscription: Subscription, target: Plan, now: datetime
) -> None:
    expected = subscription.version
    # The first period that ends after now (a job that ran late does not bill the missed months twice).
    subscription.rolled_forward(now)
    subscription.plan, subscription.scheduled_plan, subscription.updated_at = target, None, now
    await uow.subscriptions.save(subscription, expected)
    await change_organization_plan(uow, org, target, now)
    price = PLANS[target].price_in(org.settings.currency)
    if price.is_positive:
        await uow.subscription_invoices.add(
            SubscriptionInvoice(
                organization_id=org.id,
                number=await next_invoice_number(uow, org.id, now),
                plan=target,
                period_start=subscription.current_period_start,
                period_end=subscription.current_period_end,
                amount=price,
                status=InvoiceStatus.OPEN,
                issued_at=now,
            )
        )
    uow.record(plan_event("subscription.downgraded", subscription, now))

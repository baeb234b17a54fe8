"""An upgrade: the organizations context changes the plan and invoices it, the financial context's
``PaymentGateway`` port charges the organization's card (the sandbox gateway by default).

The upgrade takes effect at once and starts a new monthly period; the new plan's full price is
invoiced and charged (no proration). The charge's idempotency key names the organization, the
subscription's version, the plan and (as a digest) the card: a request retried after a lost answer
(or a crash before the commit) meets the gateway's first outcome instead of a second charge, and once
committed the subscription is on the plan, so a repeat is refused (409) before any charge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.financial.ports import PaymentGateway
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import (
    PLANS,
    InvoiceStatus,
    Subscription,
    SubscriptionInvoice,
    add_months,
    rank,
)
from pmsaas.domain.organizations.ports import PlanBoard, PlansUnitOfWork
from pmsaas.domain.organizations.services import _mutable
from pmsaas.domain.organizations.subscriptions import (
    SubscriptionView,
    audit_plan_change,
    change_organization_plan,
    current_subscription,
    next_invoice_number,
    plan_event,
    usage_of,
)
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.audit import NO_REQUEST, RequestInfo
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict, ValidationFailed


def _charge_key(organization_id: UUID, version: int, plan: Plan, card_number: str) -> str:
    """One charge per (organization, subscription version, plan, card): a retry meets the first outcome,
    another card after a decline is a new attempt (the gateway would otherwise answer the decline
    again). The card enters only as a digest, and only into the key sent to the gateway."""
    digits = "".join(ch for ch in card_number if ch.isdigit())
    card = hashlib.sha256(digits.encode()).hexdigest()[:16]
    return f"pmsaas-subscription:{organization_id}:{version}:{plan.value}:{card}"


@dataclass(frozen=True)
class Upgraded:
    view: SubscriptionView
    invoice: SubscriptionInvoice


async def upgrade_plan(
    *,
    uow: PlansUnitOfWork,
    clock: Clock,
    gateway: PaymentGateway,
    board: PlanBoard,
    actor: Actor,
    organization_id: UUID,
    plan: Plan,
    card_number: str,
    request: RequestInfo = NO_REQUEST,
) -> Upgraded:
    """Charged first, then stored in the same unit of work: a declined card changes nothing (422)."""
    now = clock.now()
    async with uow:
        org = await _mutable(uow, actor, organization_id)
        subscription = await current_subscription(uow, org, now)
        if rank(plan) <= rank(subscription.plan):
            raise Conflict(
                f"{plan.value} is not above the current plan ({subscription.plan.value}); use billing/downgrade"
            )
        expected = subscription.version
        price = PLANS[plan].price_in(org.settings.currency)
        key = _charge_key(org.id, expected, plan, card_number)
        # The renewals charge the kept card's reference at each period's end (flows/plan_renewal.py).
        outcome, card_reference = await gateway.charge_and_keep(
            amount=price, card_number=card_number, idempotency_key=key
        )
        if outcome.status != "succeeded":
            reason = outcome.failure_reason or "the charge did not settle at once"
            raise ValidationFailed.single("card_number", f"the card was not charged ({reason}); the plan is unchanged")
        upgraded = Subscription(
            organization_id=org.id,
            plan=plan,
            current_period_start=now,
            current_period_end=add_months(now, 1),
            created_at=subscription.created_at,
            updated_at=now,
            version=expected,
            card_reference=card_reference,
        )
        await uow.subscriptions.save(upgraded, expected)
        await change_organization_plan(uow, org, plan, now)
        invoice = SubscriptionInvoice(
            organization_id=org.id,
            number=await next_invoice_number(uow, org.id, now),
            plan=plan,
            period_start=upgraded.current_period_start,
            period_end=upgraded.current_period_end,
            amount=price,
            status=InvoiceStatus.PAID,
            issued_at=now,
            paid_at=now,
            gateway=gateway.name,
            gateway_payment_id=outcome.gateway_payment_id,
        )
        await uow.subscription_invoices.add(invoice)
        uow.record(plan_event("subscription.upgraded", upgraded, now, previous_plan=subscription.plan.value))
        usage = await usage_of(uow, org.id, now)
        await audit_plan_change(uow, actor, org.id, "subscription.upgraded", plan, request, now)
        await uow.commit()
    await board.post(org.id, plan)  # the rate-limit gate applies it on the next request
    return Upgraded(SubscriptionView(upgraded, usage, org.settings.currency), invoice)

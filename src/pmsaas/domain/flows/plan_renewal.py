"""A paid plan renews at its period's end: the organizations context rolls the subscription into the
next period and issues that period's invoice; the financial context's ``PaymentGateway`` port charges
the card the upgrade kept (its reference, never the number), the customer absent.

Exactly once per period: the charge's idempotency key is the organization and the period's start, so
a run retried after a crash meets the gateway's first outcome; the subscription is saved under its
version in the same transaction as the invoice, so of two runs racing on one subscription only one
commits (the other's conflict leaves it to the winner). A run that comes late renews into the period
that contains now, once (missed months are not billed one by one, as for a downgrade).

A declined (or unsettled) charge leaves the invoice ``open``, the plan unchanged, the subscription
``past_due`` with its first retry set, and an event (``subscription.renewal_failed``) that tells the
owners; no kept card (a gateway that keeps none) fails the same way. The retries, and the move to the
free plan after the last one, are the dunning's (``plan_dunning.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from pmsaas.domain.financial.ports import GatewayOutcome, PaymentGateway
from pmsaas.domain.organizations.plans import (
    PLANS,
    InvoiceStatus,
    Subscription,
    SubscriptionInvoice,
    SubscriptionStatus,
)
from pmsaas.domain.organizations.ports import PlansUnitOfWork
from pmsaas.domain.organizations.subscriptions import next_invoice_number, plan_event
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import Money


def renewal_key(organization_id: UUID, period_start: datetime) -> str:
    return f"pmsaas-renewal:{organization_id}:{period_start.isoformat()}"


async def renew_due_subscriptions(
    *, uow_factory: Callable[[], PlansUnitOfWork], clock: Clock, gateway: PaymentGateway, batch: int = 100
) -> list[SubscriptionInvoice]:
    """The scheduler's hook: every paid subscription whose period has ended (nothing scheduled) renews,
    each in its own transaction. Returns the invoices issued."""
    now = clock.now()
    async with uow_factory() as uow:
        due = [s.organization_id for s in await uow.subscriptions.renewals_due(now, batch)]
    issued: list[SubscriptionInvoice] = []
    for organization_id in due:
        try:
            invoice = await _renew(uow_factory(), gateway, organization_id, now)
        except Conflict:
            continue  # another run renewed it first (or the owner changed the plan meanwhile)
        if invoice is not None:
            issued.append(invoice)
    return issued


async def _renew(
    uow: PlansUnitOfWork, gateway: PaymentGateway, organization_id: UUID, now: datetime
) -> SubscriptionInvoice | None:
    async with uow:
        subscription = await uow.subscriptions.find(organization_id)
        if (
            subscription is None
            or subscription.scheduled_plan is not None
            or subscription.current_period_end > now
            or subscription.status is SubscriptionStatus.PAST_DUE  # the dunning has it
        ):
            return None  # renewed (or changed) since the list was read
        org = await uow.organizations.get(organization_id)
        expected = subscription.version
        subscription.rolled_forward(now)
        subscription.updated_at = now
        price = PLANS[subscription.plan].price_in(org.settings.currency)
        outcome = await _charge(gateway, subscription, price)
        paid = outcome is not None and outcome.status == "succeeded"
        invoice = SubscriptionInvoice(
            organization_id=org.id,
            number=await next_invoice_number(uow, org.id, now),
            plan=subscription.plan,
            period_start=subscription.current_period_start,
            period_end=subscription.current_period_end,
            amount=price,
            status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN,
            issued_at=now,
            paid_at=now if paid else None,
            gateway=gateway.name if paid else None,
            gateway_payment_id=outcome.gateway_payment_id if paid and outcome else None,
        )
        if not paid:
            subscription.payment_failed(now)  # past due, first retry set
        await uow.subscriptions.save(subscription, expected)
        await uow.subscription_invoices.add(invoice)
        if paid:
            uow.record(plan_event("subscription.renewed", subscription, now, invoice=invoice.number))
        else:
            uow.record(failure_event("subscription.renewal_failed", subscription, now, invoice, outcome))
        await uow.commit()
    return invoice


def failure_event(
    name: str, subscription: Subscription, now: datetime, invoice: SubscriptionInvoice, outcome: GatewayOutcome | None
) -> DomainEvent:
    """A failed charge of a renewal invoice: the owners are told (``event_notices.py``) what failed,
    why, and when it is tried again."""
    reason = (outcome.failure_reason or outcome.status) if outcome else "no card kept for renewals"
    retry = subscription.next_payment_attempt_at
    return plan_event(
        name,
        subscription,
        now,
        invoice=invoice.number,
        amount=str(invoice.amount),
        reason=reason,
        next_payment_attempt_at=retry.isoformat() if retry else None,
    )


async def _charge(gateway: PaymentGateway, subscription: Subscription, price: Money) -> GatewayOutcome | None:
    """None: no card kept (the invoice stays open)."""
    if subscription.card_reference is None:
        return None
    return await gateway.charge_kept(
        amount=price,
        card_reference=subscription.card_reference,
        idempotency_key=renewal_key(subscription.organization_id, subscription.current_period_start),
    )

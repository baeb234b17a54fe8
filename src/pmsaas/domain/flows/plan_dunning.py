"""Dunning: a renewal whose charge failed is charged again, then the organization moves to the free plan.

The renewal (``plan_renewal.py``) leaves the subscription ``past_due``: the plan stays in force, its
invoice ``open``. The hourly plan job charges the kept card again 1, 3 and 7 days after the invoice
was issued (``DUNNING_RETRIES``), each attempt exactly once: its idempotency key names the period
and the attempt, and the subscription is saved under its version in the same transaction as the
invoice's outcome, so of two runs racing on one subscription only one commits (the gateway answers
the other's identical key with the same outcome, so nothing is charged twice).

* A retry that succeeds pays the open invoice (once: it is closed only while still open) and
  returns the subscription to ``active`` (``subscription.payment_recovered``).
* One that fails sets the next retry (``subscription.payment_retry_failed``).
* When the last one fails, the organization moves to the free standard plan at once, the invoice
  is marked ``uncollectible`` and nothing is deleted (``subscription.downgraded_unpaid``): what it
  holds beyond the free plan's limits stays, and only additions are refused until it is under them
  again or upgrades (with a card, charged at once).

Each event reaches the owners in the app and by e-mail (``notifications/event_notices.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from pmsaas.domain.financial.ports import GatewayOutcome, PaymentGateway
from pmsaas.domain.flows.plan_renewal import failure_event, renew_due_subscriptions, renewal_key
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import InvoiceStatus, Subscription, SubscriptionInvoice, SubscriptionStatus
from pmsaas.domain.organizations.ports import PlanBoard, PlansUnitOfWork
from pmsaas.domain.organizations.subscriptions import apply_due_downgrades, change_organization_plan, plan_event
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import Conflict

FREE_PLAN = Plan.STANDARD


def attempt_key(subscription: Subscription, attempt: int) -> str:
    """The renewal's key plus the attempt's number (the first attempt, the renewal's own, has none)."""
    return f"{renewal_key(subscription.organization_id, subscription.current_period_start)}:attempt-{attempt}"


async def retry_failed_renewals(
    *,
    uow_factory: Callable[[], PlansUnitOfWork],
    clock: Clock,
    gateway: PaymentGateway,
    board: PlanBoard,
    batch: int = 100,
) -> dict[str, int]:
    """The scheduler's hook: each past-due subscription whose next attempt is due is charged again, in
    its own transaction. Returns how many recovered and how many moved to the free plan."""
    now = clock.now()
    async with uow_factory() as uow:
        due = [s.organization_id for s in await uow.subscriptions.retries_due(now, batch)]
    counts = {"recovered": 0, "retry_failed": 0, "downgraded_unpaid": 0}
    for organization_id in due:
        try:
            outcome = await _retry(uow_factory(), gateway, organization_id, now)
        except Conflict:
            continue  # another run made this attempt (or the owner changed the plan meanwhile)
        if outcome is not None:
            counts[outcome] += 1
            if outcome == "downgraded_unpaid":
                await board.post(organization_id, FREE_PLAN)  # the rate limit follows at once
    return counts


async def _retry(uow: PlansUnitOfWork, gateway: PaymentGateway, organization_id: UUID, now: datetime) -> str | None:
    async with uow:
        subscription = await uow.subscriptions.find(organization_id)
        if subscription is None or subscription.status is not SubscriptionStatus.PAST_DUE:
            return None  # settled since the list was read
        if subscription.next_payment_attempt_at is None or subscription.next_payment_attempt_at > now:
            return None
        expected = subscription.version
        subscription.updated_at = now
        invoice = await uow.subscription_invoices.open_for_period(organization_id, subscription.current_period_start)
        if invoice is None:  # nothing left to collect (closed elsewhere): back to normal
            subscription.payment_settled()
            await uow.subscriptions.save(subscription, expected)
            await uow.commit()
            return None
        outcome = await _charge(gateway, subscription, invoice)
        if outcome is not None and outcome.status == "succeeded":
            result = await _recovered(uow, subscription, invoice, gateway.name, outcome, now)
        elif subscription.payment_failed(invoice.issued_at):
            uow.record(failure_event("subscription.payment_retry_failed", subscription, now, invoice, outcome))
            result = "retry_failed"
        else:
            result = await _downgraded_unpaid(uow, subscription, invoice, outcome, now)
        await uow.subscriptions.save(subscription, expected)
        await uow.commit()
    return result


async def _charge(
    gateway: PaymentGateway, subscription: Subscription, invoice: SubscriptionInvoice
) -> GatewayOutcome | None:
    if subscription.card_reference is None:
        return None
    return await gateway.charge_kept(
        amount=invoice.amount,
        card_reference=subscription.card_reference,
        idempotency_key=attempt_key(subscription, subscription.payment_attempts + 1),
    )


async def _recovered(
    uow: PlansUnitOfWork,
    subscription: Subscription,
    invoice: SubscriptionInvoice,
    gateway: str,
    outcome: GatewayOutcome,
    now: datetime,
) -> str:
    paid = replace(
        invoice, status=InvoiceStatus.PAID, paid_at=now, gateway=gateway, gateway_payment_id=outcome.gateway_payment_id
    )
    await uow.subscription_invoices.close(paid)  # Conflict when paid already: never twice
    subscription.payment_settled()
    uow.record(plan_event("subscription.payment_recovered", subscription, now, invoice=invoice.number))
    return "recovered"


async def _downgraded_unpaid(
    uow: PlansUnitOfWork,
    subscription: Subscription,
    invoice: SubscriptionInvoice,
    outcome: GatewayOutcome | None,
    now: datetime,
) -> str:
    """The free plan from now, whatever the organization holds (nothing is deleted); the invoice is
    written off as uncollectible, as Stripe Billing does when its retries are exhausted."""
    await uow.subscription_invoices.close(replace(invoice, status=InvoiceStatus.UNCOLLECTIBLE))
    previous = subscription.plan
    subscription.plan, subscription.scheduled_plan = FREE_PLAN, None
    subscription.payment_settled()
    org = await uow.organizations.get(subscription.organization_id)
    await change_organization_plan(uow, org, FREE_PLAN, now)
    event = failure_event("subscription.downgraded_unpaid", subscription, now, invoice, outcome)
    event.data["previous_plan"] = previous.value
    uow.record(event)
    return "downgraded_unpaid"


async def run_plan_period_ends(
    *, uow_factory: Callable[[], PlansUnitOfWork], clock: Clock, gateway: PaymentGateway, board: PlanBoard
) -> dict[str, int]:
    """The hourly ``plan_period_ends`` job: scheduled downgrades first (they decide the next period's
    plan), then the renewals, then the retries of failed ones."""
    downgraded = await apply_due_downgrades(uow=uow_factory(), clock=clock, board=board)
    renewed = await renew_due_subscriptions(uow_factory=uow_factory, clock=clock, gateway=gateway)
    retried = await retry_failed_renewals(uow_factory=uow_factory, clock=clock, gateway=gateway, board=board)
    return {"downgraded": len(downgraded), "renewal_invoices": len(renewed), **retried}

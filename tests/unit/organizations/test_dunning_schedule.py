"""The dunning's schedule (issue 13): a failed renewal is retried 1, 3 and 7 days after its invoice, then
the caller moves the organization to the free plan."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import DUNNING_RETRIES, Subscription, SubscriptionStatus

ISSUED = datetime(2027, 1, 1, 12, tzinfo=UTC)


def test_three_retries_after_1_3_and_7_days_then_none():
    sub = Subscription.starting(uuid.uuid4(), Plan.PREMIUM, ISSUED)
    assert DUNNING_RETRIES == (timedelta(days=1), timedelta(days=3), timedelta(days=7))
    retries = []
    while sub.payment_failed(ISSUED):
        assert sub.status is SubscriptionStatus.PAST_DUE
        retries.append(sub.next_payment_attempt_at)
    assert retries == [ISSUED + timedelta(days=d) for d in (1, 3, 7)] and sub.payment_attempts == 4
    sub.payment_settled()
    assert (sub.status, sub.payment_attempts, sub.next_payment_attempt_at) == (SubscriptionStatus.ACTIVE, 0, None)

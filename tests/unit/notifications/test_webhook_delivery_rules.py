"""Standard Webhooks signing and the retry rules, pure: no clock but the one given."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pmsaas.domain.notifications import signing
from pmsaas.domain.notifications.messages import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    SendOutcome,
    WebhookMessage,
    record_attempt,
    retry_delay,
)

AT = datetime(2026, 12, 1, 12, tzinfo=UTC)
SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


def test_signature_matches_the_reference_example():
    # The reference libraries' test vector (standard-webhooks, libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs,
    # verifyWebhookSignWorks): secret
    # MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, id msg_p5jXN8AQM9LWM0D4loKWxJek, timestamp 1614265330.
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert (
        signing.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == expected
    )


@given(st.binary(max_size=300), st.text(min_size=1, max_size=40).filter(lambda s: " " not in s and "." not in s))
def test_what_is_signed_verifies_and_any_change_does_not(body, message_id):
    headers = signing.headers([SECRET], message_id, 1_700_000_000, body)
    assert signing.verify(SECRET, headers, body, now=1_700_000_100)
    assert not signing.verify(SECRET, headers, body + b"x", now=1_700_000_100)
    assert not signing.verify(SECRET, {**headers, "webhook-id": message_id + "x"}, body, now=1_700_000_100)
    assert not signing.verify(SECRET, headers, body, now=1_700_000_000 + 301)  # too old: a replay


def test_rotation_sends_one_signature_per_secret_and_each_verifies():
    old, new = SECRET, "whsec_" + base64.b64encode(b"another secret of 32 bytes......").decode()
    headers = signing.headers([new, old], "evt_1", 1_700_000_000, b"{}")
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert signing.verify(new, headers, b"{}", now=1_700_000_000)
    assert signing.verify(old, headers, b"{}", now=1_700_000_000)
    assert not signing.verify("whsec_" + base64.b64encode(b"x" * 32).decode(), headers, b"{}", now=1_700_000_000)


def test_the_schedule_spans_about_three_days():
    total = sum(RETRY_DELAYS, timedelta())
    assert MAX_ATTEMPTS == 10 and timedelta(hours=75) < total < timedelta(hours=76)


@given(st.uuids(), st.integers(min_value=1, max_value=len(RETRY_DELAYS)))
def test_jitter_stretches_a_delay_by_at_most_a_tenth_and_is_stable(message_id, failures):
    base = RETRY_DELAYS[failures - 1]
    delay = retry_delay(failures, message_id)
    assert base <= delay <= base * 1.1
    assert retry_delay(failures, message_id) == delay


def message(event: str = "property.created") -> WebhookMessage:
    return WebhookMessage(
        organization_id=uuid.uuid4(),
        webhook_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        event=event,
        payload={},
        created_at=AT,
        attempts=1,
    )


@given(st.sampled_from([None, 301, 400, 404, 429, 500, 502, 503]))
def test_a_failure_is_retried_until_the_last_attempt_then_disables(status):
    m = message()
    outcome = SendOutcome(status, "failed", 10)
    for attempt in range(1, MAX_ATTEMPTS):
        m.attempts = attempt
        result = record_attempt(m, outcome, AT)
        assert m.status == "pending" and result.disable_reason is None
        assert m.next_attempt_at == AT + retry_delay(attempt, m.id)
    m.attempts = MAX_ATTEMPTS
    result = record_attempt(m, outcome, AT)
    assert m.status == "failed" and result.disable_reason is not None and m.next_attempt_at is None


@given(st.integers(min_value=200, max_value=299))
def test_any_2xx_delivers(status):
    m = message()
    result = record_attempt(m, SendOutcome(status, None, 5), AT)
    assert m.status == "delivered" and result.delivery.succeeded and result.disable_reason is None


def test_410_fails_at_once_and_disables_and_a_ping_is_never_retried():
    m = message()
    assert record_attempt(m, SendOutcome(410, "gone", 5), AT).disable_reason
    assert m.status == "failed"
    ping = message("webhook.ping")
    assert record_attempt(ping, SendOutcome(500, "no", 5), AT).disable_reason is None
    assert ping.status == "failed"

"""Retries, Idempotency-Key and webhook verification, without a server."""

from __future__ import annotations

import json

import httpx
import pytest
from propertymgmt import PropertyManagementError, PropertyManagementSDK, WebhookVerificationError, verify_webhook
from propertymgmt.webhooks import sign

OK = {"success": True, "data": {"id": "p1"}, "meta": {"request_id": "r", "timestamp": "t"}}


def _sdk(answers: list[httpx.Response], seen: list[httpx.Request], **options: object) -> PropertyManagementSDK:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    client = httpx.Client(transport=httpx.MockTransport(handle))
    return PropertyManagementSDK(api_key="pmk_test", environment="sandbox", http_client=client, backoff=0, **options)


def test_a_429_is_retried_after_retry_after_with_the_same_idempotency_key():
    seen: list[httpx.Request] = []
    sdk = _sdk(
        [httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(503), httpx.Response(201, json=OK)], seen
    )
    assert sdk.properties.create(name="x") == {"id": "p1"}
    keys = {r.headers["Idempotency-Key"] for r in seen}
    assert len(seen) == 3 and len(keys) == 1
    assert seen[0].url.host == "api-sandbox.propertymgmt.com"
    assert seen[0].headers["Authorization"] == "Bearer pmk_test"


def test_retries_stop_after_max_retries():
    seen: list[httpx.Request] = []
    sdk = _sdk(
        [httpx.Response(503, json={"success": False, "error": {"code": "SERVICE_UNAVAILABLE", "message": "db"}})] * 3,
        seen,
        max_retries=2,
    )
    with pytest.raises(PropertyManagementError) as caught:
        sdk.properties.list()
    assert caught.value.code == "SERVICE_UNAVAILABLE" and len(seen) == 3


def test_a_400_is_not_retried():
    seen: list[httpx.Request] = []
    sdk = _sdk([httpx.Response(400, json={"success": False, "error": {"code": "BAD_REQUEST", "message": "m"}})], seen)
    with pytest.raises(PropertyManagementError):
        sdk.properties.list()
    assert len(seen) == 1


def test_environment_is_production_sandbox_or_a_url():
    assert PropertyManagementSDK(environment="production").base_url == "https://api.propertymgmt.com"
    assert PropertyManagementSDK(environment="http://127.0.0.1:8000/").base_url == "http://127.0.0.1:8000"
    with pytest.raises(ValueError):
        PropertyManagementSDK(environment="staging")


def test_the_standard_webhooks_test_vector_verifies():
    # standard-webhooks reference libraries' test vector (verifyWebhookSignWorks)
    secret, msg_id, stamp, body = (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        '{"test": 2432232314}',
    )
    assert (
        sign(body, msg_id=msg_id, timestamp=stamp, secret=secret) == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": "v1,bad v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    assert verify_webhook(body, headers, secret, now=stamp + 10) == json.loads(body)


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},  # another body
        {"webhook-timestamp": "1614264000"},  # too old
        {"webhook-id": ""},
    ],
)
def test_a_changed_or_stale_webhook_is_refused(change: dict[str, str]):
    secret, stamp, body = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1614265330, '{"test": 1}'
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(body, msg_id="msg_1", timestamp=stamp, secret=secret),
    }
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, {**headers, **change}, secret, now=stamp)

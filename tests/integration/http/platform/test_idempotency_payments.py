"""One Idempotency-Key rule for payments and refunds (docs/api-contract.md §6), on both databases.

A key belongs to the caller (a user or an API key) within its organization: two callers with the
same key make two payments. The same caller replays its first answer, or gets 422
IDEMPOTENCY_KEY_REUSED for another request, whether the HTTP key store or the payments table (the
store forgot the key) answers.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from dependency_injector import providers
from fin_support import make_lease, money, set_country

from pmsaas.domain.financial import payments
from pmsaas.domain.financial.model import PaymentMethod
from pmsaas.domain.identity.roles import permissions_for
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.errors import ValidationFailed
from pmsaas.domain.shared.idempotency import IdempotencyKeyReused, fingerprint
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.ports import IdempotencyRecord, IdempotencyStore, StoredResponse

PAYMENTS = "/api/v1/financial/payments"
CARD = "4242424242424242"


class ForgetfulStore(IdempotencyStore):
    """A key store that never remembers: the payments table alone keeps the rule."""

    async def begin(self, scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
        return None

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        pass

    async def release(self, scope: str, key: str) -> None:
        pass

    async def purge_expired(self) -> int:
        return 0


@pytest.fixture(params=["key store", "payments table"])
def answered_by(request: pytest.FixtureRequest, api: Any) -> Any:
    if request.param == "key store":
        yield request.param
        return
    with api.container.idempotency_store.override(providers.Object(ForgetfulStore())):
        yield request.param


def same_key() -> dict[str, str]:
    return {"Idempotency-Key": f"shared-{uuid.uuid4().hex}"}


def pay(lease: Any, amount: str, method: str = "cash", **extra: Any) -> dict[str, Any]:
    return {"lease_id": lease.id, "amount": money(amount, lease.currency), "method": method, **extra}


def reused(r: Any) -> bool:
    error = r.json()["error"]
    return (
        r.status_code == 422
        and error["code"] == "IDEMPOTENCY_KEY_REUSED"
        and [d["field"] for d in error["details"]] == ["Idempotency-Key"]
    )


async def payment_ids(api: Any, token: str) -> list[str]:
    r = await api.get(PAYMENTS, token, params={"page_size": 100})
    assert r.status_code == 200, r.text
    return sorted(p["id"] for p in r.json()["data"])


async def test_a_manager_and_a_tenant_with_one_key_make_two_payments(api, owner, answered_by):
    await set_country(api, owner, "IN")
    tenant_user, tenant = await owner.add_user("Tenant")
    _, manager = await owner.add_user("PropertyManager")
    lease = await make_lease(api, owner, "IN", tenant_user_id=tenant_user)
    headers = same_key()

    by_manager = await api.post(PAYMENTS, manager, json=pay(lease, "100.00"), headers=headers)
    by_tenant = await api.post(PAYMENTS, tenant, json=pay(lease, "40.00", "card", card_number=CARD), headers=headers)
    assert by_manager.status_code == by_tenant.status_code == 201, (by_manager.text, by_tenant.text)
    assert "idempotent-replayed" not in by_tenant.headers
    mine, theirs = by_manager.json()["data"], by_tenant.json()["data"]
    assert mine["id"] != theirs["id"] and theirs["amount"]["amount"] == "40.00"
    assert await payment_ids(api, owner.token) == sorted([mine["id"], theirs["id"]])

    # each replays its own first answer
    again = await api.post(PAYMENTS, tenant, json=pay(lease, "40.00", "card", card_number=CARD), headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == theirs["id"]
    again = await api.post(PAYMENTS, manager, json=pay(lease, "100.00"), headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["id"] == mine["id"]
    assert len(await payment_ids(api, owner.token)) == 2


async def test_two_tenants_with_one_key_make_two_payments(api, owner, answered_by):
    await set_country(api, owner, "IN")
    a_user, a = await owner.add_user("Tenant")
    b_user, b = await owner.add_user("Tenant")
    lease_a = await make_lease(api, owner, "IN", tenant_user_id=a_user)
    lease_b = await make_lease(api, owner, "IN", tenant_user_id=b_user)
    headers = same_key()
    first = await api.post(PAYMENTS, a, json=pay(lease_a, "10.00", "card", card_number=CARD), headers=headers)
    second = await api.post(PAYMENTS, b, json=pay(lease_b, "20.00", "card", card_number=CARD), headers=headers)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert "idempotent-replayed" not in second.headers
    assert second.json()["data"]["lease_id"] == lease_b.id
    assert first.json()["data"]["gateway_payment_id"] != second.json()["data"]["gateway_payment_id"]


async def test_the_same_caller_replays_or_gets_422_for_another_body(api, owner, answered_by):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")
    headers = same_key()
    first = await api.post(PAYMENTS, owner.token, json=pay(lease, "75.00"), headers=headers)
    assert first.status_code == 201, first.text
    again = await api.post(PAYMENTS, owner.token, json=pay(lease, "75.00"), headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"] == first.json()["data"]
    if answered_by == "key store":
        assert again.content == first.content  # byte for byte
    other = await api.post(PAYMENTS, owner.token, json=pay(lease, "76.00"), headers=headers)
    assert reused(other), other.text
    assert await payment_ids(api, owner.token) == [first.json()["data"]["id"]]


async def test_refunds_follow_the_same_rule(api, owner, answered_by):
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")
    _, co_owner = await owner.add_user("OrganizationOwner")
    paid = (await api.post(PAYMENTS, owner.token, json=pay(lease, "100.00"), headers=same_key())).json()["data"]
    refund_url = f"{PAYMENTS}/{paid['id']}/refund"
    headers = same_key()

    mine = await api.post(refund_url, owner.token, json={"amount": money("10.00")}, headers=headers)
    theirs = await api.post(refund_url, co_owner, json={"amount": money("15.00")}, headers=headers)
    assert mine.status_code == theirs.status_code == 201, (mine.text, theirs.text)
    assert "idempotent-replayed" not in theirs.headers
    assert mine.json()["data"]["refund"]["id"] != theirs.json()["data"]["refund"]["id"]
    assert theirs.json()["data"]["payment"]["refunded"]["amount"] == "25.00"

    again = await api.post(refund_url, owner.token, json={"amount": money("10.00")}, headers=headers)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["data"]["refund"] == mine.json()["data"]["refund"]
    other = await api.post(refund_url, owner.token, json={"amount": money("11.00")}, headers=headers)
    assert reused(other), other.text
    final = (await api.get(f"{PAYMENTS}/{paid['id']}", owner.token)).json()["data"]
    assert final["refunded"]["amount"] == "25.00"


async def test_another_organization_with_the_same_key_is_independent(api, owner, other_owner, answered_by):
    headers = same_key()
    made = []
    for who in (owner, other_owner):
        await set_country(api, who, "IN")
        lease = await make_lease(api, who, "IN")
        r = await api.post(PAYMENTS, who.token, json=pay(lease, "5.00"), headers=headers)
        assert r.status_code == 201 and "idempotent-replayed" not in r.headers, r.text
        assert r.json()["data"]["organization_id"] == who.org_id
        made.append(r.json()["data"]["id"])
    assert await payment_ids(api, owner.token) == [made[0]]
    assert await payment_ids(api, other_owner.token) == [made[1]]


async def test_an_api_key_and_a_user_with_one_key_do_not_collide(api, owner):
    """Through HTTP on a route API keys may call (tickets), then on the payment use case itself."""
    from ops_support import make_place, ticket_body

    place = await make_place(api, owner)
    r = await api.post("/api/v1/identity/api-keys", owner.token, json={"name": "Zapier", "scopes": ["tickets:write"]})
    assert r.status_code == 201, r.text
    api_key = r.json()["data"]
    headers = same_key()
    by_user = await api.post("/v1/tickets", owner.token, json=ticket_body(place), headers=headers)
    by_key = await api.post("/v1/tickets", api_key["key"], json=ticket_body(place), headers=headers)
    assert by_user.status_code == by_key.status_code == 201, (by_user.text, by_key.text)
    assert "idempotent-replayed" not in by_key.headers
    assert by_user.json()["data"]["id"] != by_key.json()["data"]["id"]

    # No API key scope grants payments today; the rule holds in the use case all the same.
    await set_country(api, owner, "IN")
    lease = await make_lease(api, owner, "IN")
    roles = frozenset({"OrganizationOwner"})
    org = uuid.UUID(owner.org_id)
    user = Actor(uuid.UUID(owner.user_id), org, roles, permissions_for(roles))
    integration = Actor(None, org, permissions=permissions_for(roles), api_key_id=uuid.UUID(api_key["id"]))
    body = payments.PaymentInput(
        lease_id=uuid.UUID(lease.id), amount=Money.of("9.00", "INR"), method=PaymentMethod.CASH
    )
    key, print_ = f"k-{uuid.uuid4().hex}", fingerprint("POST", PAYMENTS, b"", b'{"amount": "9.00"}')
    made = []
    for actor in (user, integration, integration):
        payment, replayed = await payments.create_payment_once(
            uow=api.container.system_uow(),
            clock=api.container.clock(),
            actor=actor,
            gateway=api.container.payment_gateway(),
            data=body,
            idempotency_key=key,
            fingerprint=print_,
        )
        made.append((payment.id, replayed))
    assert made[0][0] != made[1][0] and made[1:] == [(made[1][0], False), (made[1][0], True)]
    with pytest.raises(IdempotencyKeyReused) as refused:
        await payments.create_payment_once(
            uow=api.container.system_uow(),
            clock=api.container.clock(),
            actor=integration,
            gateway=api.container.payment_gateway(),
            data=body,
            idempotency_key=key,
            fingerprint=fingerprint("POST", PAYMENTS, b"", b'{"amount": "9.50"}'),
        )
    assert isinstance(refused.value, ValidationFailed)  # a 422, rendered as IDEMPOTENCY_KEY_REUSED

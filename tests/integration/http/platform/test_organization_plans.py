"""Plans and billing over HTTP (issue 13 item 6): upgrades at once (and the rate limit with them),
downgrades at the period's end, refused while seats or properties exceed the smaller plan; the
subscription invoice charged once through the payment gateway port."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from test_plan_limits import add_member

from pmsaas.adapters.sql.tables.identity import invitations
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.domain.financial.ports import GatewayEvent, GatewayOutcome, PaymentGateway
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.subscriptions import apply_due_downgrades
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.money import Money
from support import property_body

pytestmark = pytest.mark.today("2026-12-01")

OK_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000000000000002"


def org_path(owner: Any, rest: str) -> str:
    return f"/api/v1/organizations/{owner.org_id}/{rest}"


class CountingGateway(PaymentGateway):
    """The configured gateway (the sandbox), with the charges it was asked for counted."""

    def __init__(self, inner: PaymentGateway) -> None:
        self.inner, self.name, self.charges = inner, inner.name, []

    async def charge(self, *, amount: Money, card_number: str, idempotency_key: str) -> GatewayOutcome:
        self.charges.append((amount, idempotency_key))
        return await self.inner.charge(amount=amount, card_number=card_number, idempotency_key=idempotency_key)

    async def refund(self, *, gateway_payment_id: str, amount: Money, idempotency_key: str) -> str:
        return await self.inner.refund(
            gateway_payment_id=gateway_payment_id, amount=amount, idempotency_key=idempotency_key
        )

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        return self.inner.parse_callback(headers, body)


@pytest.fixture
def gateway(api: Any) -> Iterator[CountingGateway]:
    counting = CountingGateway(api.container.payment_gateway())
    api.container.payment_gateway.override(providers.Object(counting))
    try:
        yield counting
    finally:
        api.container.payment_gateway.reset_override()


@pytest.fixture
async def job_board(api: Any) -> AsyncIterator[Any]:
    """The board as the scheduler's process holds it: this process's on SQLite (no Redis: one process);
    with Redis, a board of its own (its own client: the job is another process), so only the
    gate's Redis read can carry the change here."""
    if api.container.redis() is None:
        yield api.container.plan_board()
        return
    from redis.asyncio import Redis

    from pmsaas.adapters.ratelimit.plans import RedisPlanBoard

    client = Redis.from_url(os.environ["PMSAAS_TEST_REDIS_URL"])
    try:
        yield RedisPlanBoard(client)
    finally:
        await client.aclose()


class FixedClock(Clock):
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


async def upgrade(api: Any, owner: Any, plan: str = "premium", card: str = OK_CARD) -> Any:
    return await api.post(org_path(owner, "billing/upgrade"), owner.token, json={"plan": plan, "card_number": card})


async def test_every_organization_starts_on_standard_with_its_limits(api, owner):
    r = await api.get(org_path(owner, "subscription"), owner.token)
    assert r.status_code == 200, r.text
    sub = r.json()["data"]
    assert sub["plan"] == "standard" and sub["status"] == "active" and sub["scheduled_plan"] is None
    assert sub["limits"]["requests_per_hour"] == 1000 and sub["limits"]["seats"] == 25
    assert sub["limits"]["properties"] == 100 and sub["limits"]["monthly_price"] == {
        "amount": "0.00",
        "currency": "USD",
    }
    assert sub["usage"] == {"seats": 1, "properties": 0}
    assert [p["plan"] for p in sub["available_plans"]] == ["standard", "premium", "enterprise"]
    assert sub["available_plans"][2]["seats"] is None  # enterprise: unlimited
    assert r.headers["X-RateLimit-Limit"] == "1000"


async def test_the_owner_upgrades_and_the_rate_limit_headers_change_at_once(api, owner, gateway):
    before = await api.get(org_path(owner, "subscription"), owner.token)
    assert before.headers["X-RateLimit-Limit"] == "1000"

    r = await upgrade(api, owner)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["subscription"]["plan"] == "premium"
    assert data["subscription"]["current_period_start"].startswith("2026-12-01")
    assert data["subscription"]["current_period_end"].startswith("2027-01-01")
    invoice = data["invoice"]
    assert invoice["number"] == "SUB-2026-000001" and invoice["status"] == "paid"
    assert invoice["amount"] == {"amount": "99.00", "currency": "USD"} and invoice["gateway"] == "sandbox"

    after = await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)  # the very next request
    assert after.status_code == 200 and after.json()["data"]["plan"] == "premium"
    assert after.headers["X-RateLimit-Limit"] == "5000"

    r = await upgrade(api, owner, "enterprise")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["invoice"]["number"] == "SUB-2026-000002"
    later = await api.get(org_path(owner, "subscription"), owner.token)
    assert later.headers["X-RateLimit-Limit"] == "20000"


async def test_the_subscription_invoice_is_charged_once(api, owner, gateway):
    assert (await upgrade(api, owner)).status_code == 200
    again = await upgrade(api, owner)  # a repeat: already on premium, refused before any charge
    assert again.status_code == 409, again.text
    assert again.json()["error"]["code"] == "RESOURCE_CONFLICT"
    mine = [c for c in gateway.charges if owner.org_id in c[1]]
    assert len(mine) == 1 and mine[0][0] == Money.of("99.00", "USD")

    r = await api.get(org_path(owner, "billing"), owner.token)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["pagination"]["total_count"] == 1
    assert body["data"][0]["plan"] == "premium" and body["data"][0]["gateway_payment_id"].startswith("sbx_")


async def test_a_declined_card_changes_nothing(api, owner, gateway):
    r = await upgrade(api, owner, card=DECLINED_CARD)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "card_number"
    assert "card_declined" in r.text
    sub = (await api.get(org_path(owner, "subscription"), owner.token)).json()["data"]
    assert sub["plan"] == "standard"
    assert (await api.get(org_path(owner, "billing"), owner.token)).json()["meta"]["pagination"]["total_count"] == 0
    # Another card is a new attempt (not the declined charge's answer again).
    r = await upgrade(api, owner, card=OK_CARD)
    assert r.status_code == 200, r.text
    assert len({key for _, key in gateway.charges}) == 2


async def test_a_downgrade_waits_for_the_period_end(api, owner, gateway, job_board):
    assert (await upgrade(api, owner)).status_code == 200
    r = await api.post(org_path(owner, "billing/downgrade"), owner.token, json={"plan": "standard"})
    assert r.status_code == 200, r.text
    sub = r.json()["data"]
    assert sub["plan"] == "premium" and sub["scheduled_plan"] == "standard"
    assert sub["scheduled_change_at"] == sub["current_period_end"]
    assert (await api.get(org_path(owner, "subscription"), owner.token)).headers["X-RateLimit-Limit"] == "5000"

    # The scheduler's hook, before the period ends: nothing changes.
    uow, board = api.container.system_uow, job_board
    assert owner.org_id not in {
        str(i)
        for i in await apply_due_downgrades(
            uow=uow(), clock=FixedClock(datetime(2026, 12, 20, tzinfo=UTC)), board=board
        )
    }
    # After it ends: standard, from the end of the premium period.
    changed = await apply_due_downgrades(uow=uow(), clock=FixedClock(datetime(2027, 1, 1, 13, tzinfo=UTC)), board=board)
    assert owner.org_id in {str(i) for i in changed}
    sub = (await api.get(org_path(owner, "subscription"), owner.token)).json()["data"]
    assert sub["plan"] == "standard" and sub["scheduled_plan"] is None
    assert sub["current_period_start"].startswith("2027-01-01") and sub["current_period_end"].startswith("2027-02-01")
    r = await api.get(f"/api/v1/organizations/{owner.org_id}", owner.token)
    assert r.json()["data"]["plan"] == "standard" and r.headers["X-RateLimit-Limit"] == "1000"
    # Standard is free: no renewal invoice; the upgrade's stays the only one.
    assert (await api.get(org_path(owner, "billing"), owner.token)).json()["meta"]["pagination"]["total_count"] == 1


async def test_a_scheduled_downgrade_can_be_cancelled(api, owner, gateway):
    assert (await upgrade(api, owner)).status_code == 200
    await api.post(org_path(owner, "billing/downgrade"), owner.token, json={"plan": "standard"})
    r = await api.put(org_path(owner, "subscription"), owner.token, json={"plan": "premium"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["scheduled_plan"] is None and r.json()["data"]["plan"] == "premium"


async def test_a_downgrade_is_refused_while_seats_exceed_the_plan(api, owner, gateway, small_standard_plan):
    assert (await upgrade(api, owner)).status_code == 200
    for _ in range(5):  # the owner and five managers: six seats, standard allows five
        await owner.add_user("PropertyManager")
    await owner.add_user("Tenant")  # tenants take no seat
    r = await api.post(org_path(owner, "billing/downgrade"), owner.token, json={"plan": "standard"})
    assert r.status_code == 409, r.text
    assert "6 seats in use, standard allows 5" in r.json()["error"]["message"]
    sub = (await api.get(org_path(owner, "subscription"), owner.token)).json()["data"]
    assert sub["scheduled_plan"] is None and sub["usage"]["seats"] == 6


async def test_a_downgrade_is_refused_while_properties_exceed_the_plan(api, owner, gateway, small_standard_plan):
    assert (await upgrade(api, owner)).status_code == 200
    for n in range(11):
        r = await api.post("/api/v1/properties", owner.token, json=property_body(name=f"Block {n}"))
        assert r.status_code == 201, r.text
    r = await api.put(org_path(owner, "subscription"), owner.token, json={"plan": "standard"})
    assert r.status_code == 409, r.text
    assert "11 properties, standard allows 10" in r.json()["error"]["message"]


async def test_moves_in_the_wrong_direction_are_refused(api, owner, gateway):
    r = await api.post(org_path(owner, "billing/downgrade"), owner.token, json={"plan": "standard"})
    assert r.status_code == 409 and "use billing/upgrade" in r.json()["error"]["message"]
    assert (await upgrade(api, owner, "enterprise")).status_code == 200
    r = await upgrade(api, owner, "premium")
    assert r.status_code == 409 and "use billing/downgrade" in r.json()["error"]["message"]
    r = await api.put(org_path(owner, "subscription"), owner.token, json={"plan": "premium"})
    assert r.status_code == 200 and r.json()["data"]["scheduled_plan"] == "premium"


@pytest.mark.parametrize(
    "body",
    [
        {"plan": "gold", "card_number": OK_CARD},
        {"plan": "premium"},
        {"plan": "premium", "card_number": "not a card"},
        {"plan": "premium", "card_number": OK_CARD, "coupon": "FREE"},
    ],
)
async def test_bad_upgrade_bodies_are_422_and_change_nothing(api, owner, gateway, body):
    r = await api.post(org_path(owner, "billing/upgrade"), owner.token, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert gateway.charges == []
    assert (await api.get(org_path(owner, "subscription"), owner.token)).json()["data"]["plan"] == "standard"


async def test_an_upgrade_through_put_needs_a_card(api, owner, gateway):
    r = await api.put(org_path(owner, "subscription"), owner.token, json={"plan": "premium"})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "card_number"
    r = await api.post(org_path(owner, "subscription"), owner.token, json={"plan": "premium", "card_number": OK_CARD})
    assert r.status_code == 200 and r.json()["data"]["plan"] == "premium"


async def test_only_owners_manage_billing(api, owner, gateway):
    _, manager = await owner.add_user("PropertyManager")
    assert (await api.get(org_path(owner, "subscription"), manager)).status_code == 200  # members may read the plan
    for method, path, body in [
        ("POST", "billing/upgrade", {"plan": "premium", "card_number": OK_CARD}),
        ("POST", "billing/downgrade", {"plan": "standard"}),
        ("PUT", "subscription", {"plan": "premium", "card_number": OK_CARD}),
        ("GET", "billing", None),
    ]:
        r = await api.request(method, org_path(owner, path), token=manager, json=body)
        assert r.status_code == 403, (path, r.text)
    assert gateway.charges == []


async def test_another_organization_gets_404(api, owner, other_owner, gateway):
    for method, path, body in [
        ("GET", "subscription", None),
        ("GET", "billing", None),
        ("POST", "billing/upgrade", {"plan": "premium", "card_number": OK_CARD}),
        ("POST", "billing/downgrade", {"plan": "standard"}),
        ("PUT", "subscription", {"plan": "premium", "card_number": OK_CARD}),
    ]:
        r = await api.request(method, org_path(owner, path), token=other_owner.token, json=body)
        assert r.status_code == 404, (path, r.text)
    assert gateway.charges == []


@pytest.mark.only_on("postgres")
async def test_a_plan_changed_by_another_process_reaches_the_gate_at_once(api, owner, job_board):
    """Another server process upgraded the organization: this process's plan cache still says
    standard, but the gate's Redis script reads the posted plan in the same round trip."""
    assert (await api.get(org_path(owner, "subscription"), owner.token)).headers["X-RateLimit-Limit"] == "1000"
    await job_board.post(UUID(owner.org_id), Plan.PREMIUM)  # not the board this process's cache listens to
    r = await api.get(org_path(owner, "subscription"), owner.token)
    assert r.status_code == 200 and r.headers["X-RateLimit-Limit"] == "5000"
    assert int(r.headers["X-RateLimit-Remaining"]) > 4000


async def test_a_downgrade_counts_pending_invitations_as_seats(api, owner, other_owner, gateway, small_standard_plan):
    """The seats a downgrade checks are the seats the limits count at use: members and pending
    invitations (an invitation holds its seat until it is accepted or expires)."""
    assert (await upgrade(api, owner)).status_code == 200
    for _ in range(3):  # the owner and three managers: four seats
        await owner.add_user("PropertyManager")
    third = await api.new_org("Third Estates")
    for email in (other_owner.email, third.email):  # existing accounts: two pending invitations
        r = await add_member(api, owner, email=email)
        assert r.status_code == 201, r.text
    r = await api.post(org_path(owner, "billing/downgrade"), owner.token, json={"plan": "standard"})
    assert r.status_code == 409, r.text
    assert "6 seats in use, standard allows 5" in r.json()["error"]["message"]
    sub = (await api.get(org_path(owner, "subscription"), owner.token)).json()["data"]
    assert sub["scheduled_plan"] is None and sub["usage"]["seats"] == 6


async def test_the_period_end_downgrade_counts_under_the_organizations_lock(
    api, owner, other_owner, gateway, job_board, small_standard_plan
):
    """An invitation being added when the period ends (its transaction holding the organization's lock,
    as every seat addition does) is counted by the downgrade, which waits for it: the organization
    stays on premium (six seats) instead of landing on standard over its limit."""
    assert (await upgrade(api, owner)).status_code == 200
    for _ in range(3):
        await owner.add_user("PropertyManager")
    r = await api.post(org_path(owner, "billing/downgrade"), owner.token, json={"plan": "standard"})
    assert r.status_code == 200, r.text  # four seats fit standard's five
    third = await api.new_org("Third Estates")
    org_id, now = uuid.UUID(owner.org_id), datetime(2027, 1, 1, 13, tzinfo=UTC)
    engine = api.container.system_engine()
    async with engine.connect() as holder:
        await holder.begin()
        locking = sa.select(organizations.c.id).where(organizations.c.id == org_id)
        if engine.dialect.name == "postgresql":
            locking = locking.with_for_update(key_share=True)  # what an invitation's seat check takes
        await holder.execute(locking)
        for user in (other_owner.user_id, third.user_id):
            await holder.execute(
                sa.insert(invitations).values(
                    id=uuid.uuid4(),
                    organization_id=org_id,
                    user_id=uuid.UUID(user),
                    roles=["PropertyManager"],
                    token_hash=uuid.uuid4().hex,
                    created_at=now,
                    expires_at=now + timedelta(days=7),
                )
            )
        downgrade = asyncio.create_task(
            apply_due_downgrades(uow=api.container.system_uow(), clock=FixedClock(now), board=job_board)
        )
        await asyncio.sleep(0.5)
        assert not downgrade.done()  # it waits for the organization's lock
        await holder.commit()
    assert owner.org_id not in {str(i) for i in await downgrade}
    sub = (await api.get(org_path(owner, "subscription"), owner.token)).json()["data"]
    assert sub["plan"] == "premium" and sub["scheduled_plan"] == "standard" and sub["usage"]["seats"] == 6

"""Renewals (issue 13): a paid plan is charged at its period's end through the PaymentGateway port
(the sandbox), with the subscription's own invoice, exactly once per period, from the scheduler's
hook; a declined renewal leaves the invoice open and the plan as it was."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from dependency_injector import providers
from test_organization_plans import job_board  # noqa: F401  (a fixture)

from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tables.organizations import subscriptions
from pmsaas.container import build_container, shutdown
from pmsaas.domain.financial.ports import GatewayEvent, GatewayOutcome, PaymentGateway
from pmsaas.domain.flows.plan_dunning import run_plan_period_ends
from pmsaas.domain.flows.plan_renewal import renew_due_subscriptions
from pmsaas.domain.flows.scheduled_jobs import PLAN_PERIOD_ENDS, run_due_jobs
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.outbox import relay_outbox
from support import property_body

pytestmark = pytest.mark.today("2026-12-01")

OK_CARD = "4242 4242 4242 4242"
PERIOD_END = datetime(2027, 1, 1, 13, tzinfo=UTC)  # after the first period (upgraded on 2026-12-01)


class FixedClock(Clock):
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class RecordingGateway(PaymentGateway):
    """The configured gateway (the sandbox), every kept-card charge recorded; ``decline`` refuses them."""

    def __init__(self, inner: PaymentGateway, *, decline: bool = False) -> None:
        self.inner, self.name, self.decline = inner, inner.name, decline
        self.renewals: list[tuple[Money, str, str]] = []

    async def charge(self, *, amount: Money, card_number: str, idempotency_key: str) -> GatewayOutcome:
        return await self.inner.charge(amount=amount, card_number=card_number, idempotency_key=idempotency_key)

    async def keep_card(self, *, card_number: str, idempotency_key: str) -> str | None:
        return await self.inner.keep_card(card_number=card_number, idempotency_key=idempotency_key)

    async def charge_kept(self, *, amount: Money, card_reference: str, idempotency_key: str) -> GatewayOutcome:
        self.renewals.append((amount, card_reference, idempotency_key))
        if self.decline:
            return GatewayOutcome("failed", "sbx_declined", "insufficient_funds")
        return await self.inner.charge_kept(
            amount=amount, card_reference=card_reference, idempotency_key=idempotency_key
        )

    async def refund(self, *, gateway_payment_id: str, amount: Money, idempotency_key: str) -> str:
        return await self.inner.refund(
            gateway_payment_id=gateway_payment_id, amount=amount, idempotency_key=idempotency_key
        )

    def parse_callback(self, headers: Mapping[str, str], body: bytes) -> GatewayEvent:
        return self.inner.parse_callback(headers, body)


@pytest.fixture
def gateway(api: Any) -> Iterator[RecordingGateway]:
    recording = RecordingGateway(api.container.payment_gateway())
    api.container.payment_gateway.override(providers.Object(recording))
    try:
        yield recording
    finally:
        api.container.payment_gateway.reset_override()


def mine(gateway: RecordingGateway, owner: Any) -> list[tuple[Money, str, str]]:
    return [r for r in gateway.renewals if owner.org_id in r[2]]


async def upgraded(api: Any, owner: Any) -> None:
    r = await api.post(
        f"/api/v1/organizations/{owner.org_id}/billing/upgrade",
        owner.token,
        json={"plan": "premium", "card_number": OK_CARD},
    )
    assert r.status_code == 200, r.text


async def invoices(api: Any, owner: Any) -> list[dict[str, Any]]:
    r = await api.get(f"/api/v1/organizations/{owner.org_id}/billing", owner.token, params={"sort_by": "number"})
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def renew(api: Any, gateway: PaymentGateway, at: datetime) -> list[Any]:
    return await renew_due_subscriptions(uow_factory=api.container.system_uow, clock=FixedClock(at), gateway=gateway)


async def test_the_upgrade_keeps_a_reference_to_the_card_never_its_number(api, owner, gateway):
    await upgraded(api, owner)
    async with api.container.system_engine().connect() as conn:
        row = (
            await conn.execute(
                sa.select(subscriptions).where(subscriptions.c.organization_id == uuid.UUID(owner.org_id))
            )
        ).one()
    assert row.card_reference.startswith("sbx_card_succeeded_") and "4242" not in row.card_reference


async def test_a_paid_plan_renews_at_its_period_end_charged_once(api, owner, gateway):
    await upgraded(api, owner)
    assert [
        i
        for i in await renew(api, gateway, datetime(2026, 12, 20, tzinfo=UTC))
        if str(i.organization_id) == owner.org_id
    ] == []
    assert mine(gateway, owner) == []  # not due yet: nothing charged

    # Two runs at once (two scheduler processes): one charge, one invoice.
    await asyncio.gather(renew(api, gateway, PERIOD_END), renew(api, gateway, PERIOD_END))
    await renew(api, gateway, PERIOD_END)  # and a third, later: nothing due any more
    charges = mine(gateway, owner)
    keys = {key for _, _, key in charges}  # the period's start: the first period's end
    assert len(keys) == 1 and keys.pop().startswith(f"pmsaas-renewal:{owner.org_id}:2027-01-01T12:00:00")
    assert {amount for amount, _, _ in charges} == {Money.of("99.00", "USD")}
    bills = await invoices(api, owner)
    assert [b["number"] for b in bills] == ["SUB-2026-000001", "SUB-2027-000001"]
    renewal = bills[1]
    assert renewal["status"] == "paid" and renewal["plan"] == "premium" and renewal["gateway"] == "sandbox"
    assert renewal["amount"] == {"amount": "99.00", "currency": "USD"} and renewal["gateway_payment_id"].startswith(
        "sbx_"
    )
    assert renewal["period_start"].startswith("2027-01-01") and renewal["period_end"].startswith("2027-02-01")
    sub = (await api.get(f"/api/v1/organizations/{owner.org_id}/subscription", owner.token)).json()["data"]
    assert sub["plan"] == "premium" and sub["current_period_end"].startswith("2027-02-01")


async def test_a_declined_renewal_leaves_the_invoice_open_and_the_plan_as_it_was(api, owner, gateway):
    await upgraded(api, owner)
    gateway.decline = True
    await renew(api, gateway, PERIOD_END)
    bills = await invoices(api, owner)
    assert [(b["status"], b["gateway"], b["paid_at"]) for b in bills[1:]] == [("open", None, None)]
    sub = (await api.get(f"/api/v1/organizations/{owner.org_id}/subscription", owner.token)).json()["data"]
    assert sub["plan"] == "premium" and sub["current_period_start"].startswith("2027-01-01")
    async with api.container.system_engine().connect() as conn:
        events = (
            await conn.execute(
                sa.select(outbox.c.event, outbox.c.payload).where(outbox.c.organization_id == uuid.UUID(owner.org_id))
            )
        ).all()
    failed = [p for e, p in events if e == "subscription.renewal_failed"]
    assert len(failed) == 1 and failed[0]["reason"] == "insufficient_funds"


async def test_a_scheduled_downgrade_is_not_renewed(api, owner, gateway):
    await upgraded(api, owner)
    r = await api.post(
        f"/api/v1/organizations/{owner.org_id}/billing/downgrade", owner.token, json={"plan": "standard"}
    )
    assert r.status_code == 200, r.text
    await renew(api, gateway, PERIOD_END)
    assert mine(gateway, owner) == [] and len(await invoices(api, owner)) == 1


async def test_the_scheduler_runs_the_period_ends_hourly(api, owner, gateway):
    await upgraded(api, owner)
    clock = FixedClock(PERIOD_END)
    calls: list[str] = []

    async def period_ends() -> dict[str, Any]:
        calls.append("run")
        issued = await renew_due_subscriptions(uow_factory=api.container.system_uow, clock=clock, gateway=gateway)
        return {"renewal_invoices": len(issued)}

    async def nothing() -> dict[str, Any]:
        return {}

    jobs = []
    for _ in range(2):  # the same hour twice: claimed once
        made = await run_due_jobs(
            runs=api.container.job_runs(),
            uow_factory=api.container.system_uow,
            clock=clock,
            housekeeping=nothing,
            plan_period_ends=period_ends,
        )
        jobs.append([m.job for m in made if m.job == PLAN_PERIOD_ENDS])
    assert jobs == [[PLAN_PERIOD_ENDS], []] and calls == ["run"] and len(mine(gateway, owner)) == 1
    assert [b["status"] for b in await invoices(api, owner)] == ["paid", "paid"]


# -- dunning ------------------------------------------------------------------------------------

DAY = timedelta(days=1)


@pytest.fixture
def plan_job(api: Any, gateway: PaymentGateway, request: pytest.FixtureRequest) -> Any:
    """The hourly job's work as the worker composes it, at ``at`` (the plan board as the scheduler's
    process holds it)."""
    board = request.getfixturevalue("job_board")

    async def run(at: datetime) -> dict[str, int]:
        return await run_plan_period_ends(
            uow_factory=api.container.system_uow, clock=FixedClock(at), gateway=gateway, board=board
        )

    return run


async def subscription(api: Any, owner: Any) -> dict[str, Any]:
    r = await api.get(f"/api/v1/organizations/{owner.org_id}/subscription", owner.token)
    assert r.status_code == 200, r.text
    return dict(r.json()["data"])


async def owner_notices(api: Any, owner: Any) -> list[str]:
    """The outbox relayed as the worker does (its own container, mailing through this one's), then the
    owner's in-app notices."""
    worker = build_container(api.container.settings())
    worker.mailer.override(providers.Object(api.container.mailer()))
    worker.mail_transport.override(providers.Object(api.container.mail_transport()))
    try:
        while await relay_outbox(
            outbox=worker.outbox(),
            publisher=worker.event_publisher(),
            clock=worker.clock(),
            subscribers=worker.outbox_subscribers(),
        ):
            pass
    finally:
        await shutdown(worker)
    r = await api.get("/api/v1/notifications", owner.token, params={"limit": 100})
    assert r.status_code == 200, r.text
    return [n["type"] for n in r.json()["data"]]


async def test_a_failed_renewal_is_retried_after_1_3_and_7_days_then_moves_to_the_free_plan(
    api, owner, gateway, plan_job
):
    await upgraded(api, owner)
    r = await api.post("/api/v1/properties", owner.token, json=property_body(name="Kept"))
    assert r.status_code == 201, r.text
    gateway.decline = True
    await plan_job(PERIOD_END)
    sub = await subscription(api, owner)
    assert sub["status"] == "past_due" and sub["plan"] == "premium"
    issued = datetime.fromisoformat((await invoices(api, owner))[1]["issued_at"].replace("Z", "+00:00"))
    assert sub["next_payment_attempt_at"].startswith((issued + DAY).isoformat()[:19])
    # Not due before a day has passed; each retry charged once however many runs meet it.
    await plan_job(issued + DAY / 2)
    assert len(mine(gateway, owner)) == 1, mine(gateway, owner)
    for offset, attempt in ((1, 2), (3, 3)):
        await asyncio.gather(plan_job(issued + offset * DAY), plan_job(issued + offset * DAY))
        await plan_job(issued + offset * DAY + timedelta(hours=1))
        keys = [key for _, _, key in mine(gateway, owner)]
        assert len(set(keys)) == attempt and keys[-1].endswith(f":attempt-{attempt}"), keys
        sub = await subscription(api, owner)
        assert sub["status"] == "past_due" and sub["plan"] == "premium"
    assert sub["next_payment_attempt_at"].startswith((issued + 7 * DAY).isoformat()[:19])
    summary = await plan_job(issued + 7 * DAY)
    assert summary["downgraded_unpaid"] >= 1  # this organization (the database holds other tests' too)
    assert len({key for _, _, key in mine(gateway, owner)}) == 4  # the renewal and three retries
    sub = await subscription(api, owner)
    assert (sub["plan"], sub["status"], sub["next_payment_attempt_at"]) == ("standard", "active", None)
    bills = await invoices(api, owner)
    assert [(b["status"], b["paid_at"]) for b in bills[1:]] == [("uncollectible", None)]
    r = await api.get("/api/v1/properties", owner.token)
    assert [p["name"] for p in r.json()["data"]] == ["Kept"]  # nothing deleted
    assert r.headers["X-RateLimit-Limit"] == "1000"  # the free plan's, at once
    await plan_job(issued + 30 * DAY)
    assert len({key for _, _, key in mine(gateway, owner)}) == 4  # the free plan is never charged
    notices = await owner_notices(api, owner)
    assert notices.count("subscription.renewal_failed") == 1 and notices.count("subscription.payment_retry_failed") == 2
    assert notices.count("subscription.downgraded_unpaid") == 1
    mail = [m for m in api.container.mailer().sent if m.to == owner.email]
    assert any("Moved to the free plan" in m.subject for m in mail), [m.subject for m in mail]


async def test_a_successful_retry_returns_to_active_and_pays_the_open_invoice_once(api, owner, gateway, plan_job):
    await upgraded(api, owner)
    gateway.decline = True
    await plan_job(PERIOD_END)
    issued = datetime.fromisoformat((await invoices(api, owner))[1]["issued_at"].replace("Z", "+00:00"))
    gateway.decline = False
    await asyncio.gather(plan_job(issued + DAY), plan_job(issued + DAY))
    await plan_job(issued + 3 * DAY)
    await plan_job(issued + 7 * DAY)
    keys = [key for _, _, key in mine(gateway, owner)]
    assert len(set(keys)) == 2 and keys[-1].endswith(":attempt-2"), keys  # the renewal and one retry
    sub = await subscription(api, owner)
    assert (sub["plan"], sub["status"], sub["next_payment_attempt_at"]) == ("premium", "active", None)
    bills = await invoices(api, owner)
    assert len(bills) == 2 and bills[1]["status"] == "paid" and bills[1]["gateway"] == "sandbox"
    assert bills[1]["gateway_payment_id"].startswith("sbx_") and bills[1]["paid_at"].startswith(
        (issued + DAY).isoformat()[:10]
    )
    # The next period renews as usual.
    await plan_job(datetime(2027, 2, 1, 13, tzinfo=UTC))
    assert [b["status"] for b in await invoices(api, owner)] == ["paid", "paid", "paid"]
    assert "subscription.payment_recovered" in await owner_notices(api, owner)

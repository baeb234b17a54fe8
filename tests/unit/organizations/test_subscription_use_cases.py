"""The period-end job over the fake unit of work: a due downgrade applies, one still over the
smaller plan's seats stays (its downgrade kept), nothing before the period ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from fakes import builders as b
from pmsaas.domain.organizations import subscriptions
from pmsaas.domain.organizations.model import Plan
from pmsaas.domain.organizations.plans import Subscription
from pmsaas.domain.organizations.ports import PlanBoard
from pmsaas.domain.shared.clock import FixedClock
from pmsaas.domain.shared.ids import new_id

# The standard plan at 5 seats and 10 properties: the rules are what is tested, not the catalogue.
pytestmark = pytest.mark.usefixtures("small_standard_plan")

START = datetime(2030, 1, 31, 9, tzinfo=UTC)


class RecordingBoard(PlanBoard):
    def __init__(self) -> None:
        self.posted: list[tuple[object, Plan]] = []

    async def post(self, organization_id, plan):
        self.posted.append((organization_id, plan))


async def _premium_with_downgrade(db: FakeDatabase, seats: int, plan: Plan = Plan.STANDARD):
    org = b.organization(plan=Plan.PREMIUM)
    uow = FakeUnitOfWork(db)
    async with uow:
        await uow.organizations.add(org)
        for _ in range(seats):
            await uow.memberships.add(b.membership(org.id, new_id(), "PropertyManager"))
        sub = Subscription.starting(org.id, Plan.PREMIUM, START)
        sub.scheduled_plan = plan
        await uow.subscriptions.save(sub, 0)
        await uow.commit()
    return org, sub


async def test_a_due_downgrade_applies_and_a_blocked_one_waits():
    db = FakeDatabase()
    fits, _ = await _premium_with_downgrade(db, seats=3)
    crowded, _ = await _premium_with_downgrade(db, seats=6)
    to_premium_next_month = datetime(2030, 2, 28, 9, tzinfo=UTC)  # 31 Jan + 1 month

    board = RecordingBoard()
    run = subscriptions.apply_due_downgrades
    assert await run(uow=FakeUnitOfWork(db), clock=FixedClock(START), board=board) == []
    changed = await run(uow=FakeUnitOfWork(db), clock=FixedClock(to_premium_next_month), board=board)
    assert changed == [fits.id] and board.posted == [(fits.id, Plan.STANDARD)]
    # The blocked one is asked again at its next period end, not on every run.
    assert await run(uow=FakeUnitOfWork(db), clock=FixedClock(to_premium_next_month), board=board) == []

    uow = FakeUnitOfWork(db)
    async with uow:
        moved = await uow.subscriptions.find(fits.id)
        assert moved.plan == Plan.STANDARD and moved.scheduled_plan is None
        assert moved.current_period_start == to_premium_next_month
        assert (await uow.organizations.get(fits.id)).plan == Plan.STANDARD
        stayed = await uow.subscriptions.find(crowded.id)
        assert stayed.plan == Plan.PREMIUM and stayed.scheduled_plan == Plan.STANDARD
        assert stayed.current_period_start == to_premium_next_month
        assert (await uow.organizations.get(crowded.id)).plan == Plan.PREMIUM
    blocked = [e for e in db.outbox if e.name == "subscription.downgrade_blocked"]
    assert [e.organization_id for e in blocked] == [crowded.id]
    assert "6 seats in use" in blocked[0].data["reason"]
    assert [e.organization_id for e in db.outbox if e.name == "subscription.downgraded"] == [fits.id]


async def test_a_downgrade_to_a_paid_plan_issues_an_open_invoice():
    db = FakeDatabase()
    org = b.organization(plan=Plan.ENTERPRISE)
    uow = FakeUnitOfWork(db)
    async with uow:
        await uow.organizations.add(org)
        sub = Subscription.starting(org.id, Plan.ENTERPRISE, START)
        sub.scheduled_plan = Plan.PREMIUM
        await uow.subscriptions.save(sub, 0)
        await uow.commit()
    late = datetime(2030, 4, 2, tzinfo=UTC)  # the job ran late: one invoice, for the period containing now
    done = await subscriptions.apply_due_downgrades(
        uow=FakeUnitOfWork(db), clock=FixedClock(late), board=RecordingBoard()
    )
    assert done == [org.id]
    invoices = db.subscription_invoices.of(org.id)
    assert len(invoices) == 1
    invoice = invoices[0]
    assert invoice.status == "open" and invoice.plan == Plan.PREMIUM and invoice.number == "SUB-2030-000001"
    assert str(invoice.amount) == "7999.00" and invoice.amount.currency == "INR"
    assert invoice.period_start <= late < invoice.period_end

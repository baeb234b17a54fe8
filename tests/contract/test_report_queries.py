"""The report query port over the fakes, SQL on SQLite and SQL on PostgreSQL: the same books give the
same sums (receivables, posted charges, lease positions, movements, collections, receipts, GST
recipients), and nothing of another organization. One unit of work, never committed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.aging import PostedCharge
from pmsaas.domain.financial.gstr1 import Recipient
from pmsaas.domain.financial.model import Allocation, ChargeType, InvoiceLine
from pmsaas.domain.financial.owner_statement import InvoiceCollection, Receipts
from pmsaas.domain.financial.property_reports import Movement
from pmsaas.domain.properties.lease import LeaseStatus
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

GSTIN = "29AABCP1234Q1Z3"


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _inr(amount: str) -> Money:
    return Money.of(amount, "INR")


async def _place(uow, org, name, gstin=None):  # type: ignore[no-untyped-def]
    p = b.prop(org, name)
    await uow.properties.add(p)
    u = b.unit(org, p.id)
    await uow.units.add(u)
    t = b.tenant(org, p.id, f"Tenant of {name}", gstin=gstin)
    await uow.tenants.add(t)
    lease = b.lease(org, u, t.id, start=date(2030, 1, 1), end=None, status=LeaseStatus.ACTIVE)
    await uow.leases.add(lease)
    return p, t, lease


async def test_the_books_sum_the_same_on_every_backend(make_uow):
    org = new_id()
    async with make_uow() as uow:
        lake, tara, lease = await _place(uow, org, "Lake View", GSTIN)
        hill, hari, other = await _place(uow, org, "Hill Top")
        rent = b.invoice(org, lease.id, tara.id, "25000", issue_date=date(2030, 5, 1), due_date=date(2030, 5, 5))
        rent.lines.append(InvoiceLine("Deposit", _inr("50000"), ChargeType.DEPOSIT))
        charge = rent.issue(number="INV/1", at=b.T0)
        await uow.invoices.add(rent)
        await uow.ledger.post(charge)
        cancelled = b.invoice(org, other.id, hari.id, "8000", issue_date=date(2030, 5, 2), due_date=date(2030, 5, 2))
        posted = cancelled.issue(number="INV/2", at=b.T0)
        await uow.invoices.add(cancelled)
        await uow.ledger.post(posted)
        await uow.ledger.post(posted.reversal(at=b.at(5), on=date(2030, 5, 20)))
        pay = b.payment(org, lease.id, tara.id, "30000", received_on=date(2030, 5, 7))
        paid = pay.succeed(receipt_number="R/1", at=b.at(10), today=b.at(10).date())
        await uow.payments.add(pay)
        pay.allocations = [Allocation(rent.id, _inr("30000"))]
        await uow.payments.update(pay, pay.version)  # allocations are written with the update
        await uow.ledger.post(paid)
        fee = b.expense(org, "1500.00", category="Management Fee", property_id=lake.id, expense_date=date(2030, 5, 9))
        await uow.ledger.post(fee.approve(None, b.at(20)))
        await uow.expenses.add(fee)
        loose = b.expense(org, "200.00", expense_date=date(2030, 4, 30))
        await uow.ledger.post(loose.approve(None, b.at(21)))
        await uow.expenses.add(loose)
        ar = L.receivable(tara.id)
        await uow.ledger.post(b.entry(new_id(), (ar, "999", lease.id), ("rent_income", "-999", lease.id)))

        q = uow.reports
        assert await q.property_names(org) == {lake.id: "Lake View", hill.id: "Hill Top"}
        assert await q.property_names(org, hill.id) == {hill.id: "Hill Top"}
        assert await q.property_names(new_id(), hill.id) == {}

        balances = {
            x.tenant_id: (x.tenant_name, x.property_name, x.balance_minor)
            for x in await q.receivable_balances(org, date(2030, 5, 10))
        }
        assert balances == {
            tara.id: ("Tenant of Lake View", "Lake View", 45_000_00),
            hari.id: ("Tenant of Hill Top", "Hill Top", 8_000_00),
        }
        at_may_25 = {x.tenant_id: x.balance_minor for x in await q.receivable_balances(org, date(2030, 5, 25))}
        assert at_may_25[hari.id] == 0
        charges = await q.posted_charges(org, date(2030, 5, 10), {tara.id, hari.id})
        assert sorted(charges, key=lambda c: c.amount_minor) == [
            PostedCharge(hari.id, cancelled.id, date(2030, 5, 2), 8_000_00),
            PostedCharge(tara.id, rent.id, date(2030, 5, 5), 75_000_00),
        ]
        assert await q.posted_charges(org, date(2030, 5, 25), {hari.id}) == []  # reversed by then

        roll = {p.lease_id: p for p in await q.lease_positions(org, date(2030, 5, 10), scope="in_effect")}
        assert set(roll) == {lease.id, other.id}
        mine = roll[lease.id]
        assert (mine.receivable_minor, mine.deposit_held_minor, mine.deposit_received_minor) == (
            45_000_00,
            50_000_00,
            50_000_00,
        )
        assert (mine.unit_name, mine.tenant_name, mine.rent_minor, mine.status) == (
            "101",
            "Tenant of Lake View",
            25_000_00,
            "active",
        )
        deposits = await q.lease_positions(org, date(2030, 5, 10), scope="deposits")
        assert [p.lease_id for p in deposits] == [lease.id]
        assert await q.lease_positions(org, date(2030, 4, 30), scope="deposits") == []
        assert [
            p.lease_id for p in await q.lease_positions(org, date(2030, 5, 10), scope="all", property_id=hill.id)
        ] == [other.id]

        moves = await q.movements(org, date(2030, 5, 1), date(2030, 5, 31))
        assert sorted(moves, key=lambda m: (m.group, m.amount_minor)) == [
            Movement(lake.id, "2030-05", "management_fees", 1_500_00),
            Movement(lake.id, "2030-05", "rent_income", 25_000_00),
        ]  # Hill Top's 8,000 was issued and reversed in May: no movement left
        early = await q.movements(org, None, date(2030, 5, 10), hill.id)
        assert early == [Movement(hill.id, "2030-05", "rent_income", 8_000_00)]
        assert await q.movements(org, None, date(2030, 4, 30)) == [Movement(None, "2030-04", "expenses", 200_00)]

        assert await q.collections(org, date(2030, 5, 1), date(2030, 5, 31)) == [
            InvoiceCollection(lake.id, False, 30_000_00, 25_000_00, 0, 0, 50_000_00)
        ]
        assert [c.before for c in await q.collections(org, date(2030, 5, 8), date(2030, 5, 31))] == [True]
        assert await q.collections(org, date(2030, 5, 1), date(2030, 5, 6)) == []
        assert await q.receipts(org, date(2030, 5, 1), date(2030, 5, 31), lake.id) == [
            Receipts(lake.id, False, 30_000_00, 0)
        ]
        assert await q.receipts(org, date(2030, 5, 1), date(2030, 5, 31), hill.id) == []

        assert await q.gst_recipients(org) == {lease.id: Recipient(lease.id, GSTIN, "Tenant of Lake View", "KA")}
        assert await q.supply_places(org) == {  # every lease; an unregistered tenant's GSTIN is empty
            lease.id: Recipient(lease.id, GSTIN, "Tenant of Lake View", "KA"),
            other.id: Recipient(other.id, "", "Tenant of Hill Top", "KA"),
        }
        assert await q.supply_places(new_id()) == {}
        assert await q.receivable_balances(new_id(), date(2030, 5, 10)) == []


async def test_advance_receipts_are_the_payments_received_or_adjusted_in_the_period(make_uow):
    """GSTR-1 table 11's read: every settled payment received in the period, or received before it
    with an allocation or a refund dated in it; each with all its allocations (applied_on, amount)
    and its refunds (the organization's day, amount), deposits paid back left out."""
    org = new_id()
    may, june = (date(2030, 5, 1), date(2030, 5, 31)), date(2030, 6, 1)
    async with make_uow() as uow:
        _, tara, lease = await _place(uow, org, "Lake View")
        invoices = []
        for day in (date(2030, 4, 1), date(2030, 5, 1), june):
            inv = b.invoice(org, lease.id, tara.id, "20000", issue_date=day, due_date=day)
            inv.issue(number=f"INV/{day}", at=b.T0)
            await uow.invoices.add(inv)
            invoices.append(inv)

        async def paid(amount: str, on: date, *allocations: tuple[int, str, date | None]) -> UUID:
            pay = b.payment(org, lease.id, tara.id, amount, received_on=on)
            pay.succeed(receipt_number=f"R/{new_id().hex[:8]}", at=b.at(10), today=b.at(10).date())
            await uow.payments.add(pay)
            pay.allocations = [Allocation(invoices[i].id, _inr(a), d) for i, a, d in allocations]
            await uow.payments.update(pay, pay.version)
            return pay.id

        in_may = await paid("30000", date(2030, 5, 7), (1, "20000", date(2030, 5, 7)), (2, "6000", june))
        adjusted_in_may = await paid("5000", date(2030, 4, 10), (0, "1000", None), (1, "4000", date(2030, 5, 1)))
        await paid("5000", date(2030, 4, 12), (0, "5000", date(2030, 4, 12)))  # nothing in May
        await paid("700", date(2030, 6, 2))  # after the period
        # Received in April, money given back in May: the refund is dated the organization's day
        # (4 May in Kolkata at 20:00 UTC on 3 May); a deposit paid back is not advance money.
        refunded_in_may = await paid("3000", date(2030, 4, 20))
        pay = await uow.payments.get(org, refunded_in_may)
        gave_credit = b.refund(pay, "1200", created=datetime(2030, 5, 3, 20, 0, tzinfo=UTC), from_credit=_inr("1000"))
        await uow.payments.add_refund(gave_credit)  # 200 of it reopened an invoice: never an advance
        await uow.payments.add_refund(b.refund(pay, "300", created=datetime(2030, 5, 9, tzinfo=UTC), deposit=True))

        found = sorted(await uow.reports.advance_receipts(org, *may, "Asia/Kolkata"), key=lambda r: r.received_on)
        assert [(r.payment_id, r.lease_id, r.received_on, r.amount_minor, r.applied) for r in found] == [
            (adjusted_in_may, lease.id, date(2030, 4, 10), 5_000_00, ((None, 1_000_00), (date(2030, 5, 1), 4_000_00))),
            (refunded_in_may, lease.id, date(2030, 4, 20), 2_800_00, ((date(2030, 5, 4), 1_000_00),)),
            (in_may, lease.id, date(2030, 5, 7), 30_000_00, ((date(2030, 5, 7), 20_000_00), (june, 6_000_00))),
        ]
        assert await uow.reports.advance_receipts(new_id(), *may, "Asia/Kolkata") == []

"""The billing run's batch writer over the fakes, SQL on SQLite (the bulk Core statements) and SQL on
PostgreSQL (COPY): issued invoices with their lines and issue entries, written batch after batch,
exactly once per lease and period. Every test works in one unit of work and never commits; new
organization ids keep the tests apart.

The events of the batches go to the outbox inside the writer's transaction, not through the unit of
work's ``events`` (a commit would write them twice); the outbox rows themselves are the SQL
adapter's business, so the suite checks only that the unit of work's list stays untouched."""

from __future__ import annotations

from uuid import UUID

import pytest

from fakes import builders as b
from fakes.backends import BACKENDS, uow_factory
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import Invoice, InvoiceStatus
from pmsaas.domain.financial.ports import IssuedBatch
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

PERIOD = "2030-05"


@pytest.fixture(scope="module", params=BACKENDS)
async def make_uow(request, database_urls):
    async with uow_factory(request.param, database_urls) as factory:
        yield factory


def _batch(org: UUID, *rents: str, first: int = 1, leases: list[UUID] | None = None) -> IssuedBatch:
    """Rent invoices for ``PERIOD``, one per amount (each on a new lease unless told), issued."""
    invoices: list[Invoice] = []
    entries: list[L.JournalEntry] = []
    for i, rent in enumerate(rents):
        lease = leases[i] if leases else new_id()
        inv = b.invoice(org, lease, new_id(), rent, period=PERIOD)
        entries.append(inv.issue(number=f"INV-{first + i:04d}", at=b.at(60)))
        invoices.append(inv)
    return IssuedBatch(invoices, entries, [inv.event("invoice.created", b.at(60)) for inv in invoices])


def _figures(entry: L.JournalEntry) -> list[tuple[str, Money]]:
    return [(line.account, line.amount) for line in entry.lines]


async def test_batches_are_written_with_their_lines_and_issue_entries_and_counted(make_uow):
    org = new_id()
    batches = [_batch(org, "25000", "18000.50"), _batch(org, "32000", first=3)]
    async with make_uow() as uow:
        assert await uow.billing.add_issued(iter(batches)) == 3
        for inv, issued in ((i, e) for batch in batches for i, e in zip(batch.invoices, batch.entries, strict=True)):
            stored = await uow.invoices.get(org, inv.id)
            assert b.same(stored, inv) and stored.status is InvoiceStatus.ISSUED
            entry = await uow.ledger.entry_for(org, "invoice", inv.id)
            assert entry.id == issued.id and entry.description == f"Invoice {inv.number}"
            assert sorted(_figures(entry)) == sorted(_figures(issued))
        balance = {row.account: row for row in await uow.ledger.trial_balance(org, "INR")}
        assert balance["rent_income"].credit == Money.of("75000.50", "INR")
        assert await uow.invoices.billed_leases(org, PERIOD) == {i.lease_id for bt in batches for i in bt.invoices}
        assert uow.events == []  # the batches' events are the writer's to store, not the commit's


async def test_nothing_to_write_writes_nothing(make_uow):
    org = new_id()
    async with make_uow() as uow:
        assert await uow.billing.add_issued([]) == 0
        assert await uow.billing.add_issued([IssuedBatch([], [], [])]) == 0
        assert await uow.invoices.billed_leases(org, PERIOD) == set()


async def test_a_lease_already_billed_for_the_period_makes_the_count_short(make_uow):
    org, lease = new_id(), new_id()
    already = _batch(org, "25000", leases=[lease]).invoices[0]
    async with make_uow() as uow:
        await uow.invoices.add(already)
        again = _batch(org, "26000", "27000", first=2, leases=[new_id(), lease])
        # Short: the caller rolls the run back (PostgreSQL's COPY has aborted the transaction).
        assert await uow.billing.add_issued([again]) < 2

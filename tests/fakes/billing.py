"""In-memory adapter of the billing run's batch writer: the issued invoices through the invoice fake's
insert-or-skip, their issue entries through the ledger fake, and their events straight into
``FakeDatabase.outbox`` (written inside the transaction, as the SQL writer writes the outbox rows,
so a rollback takes them back too)."""

from __future__ import annotations

from collections.abc import Iterable

from fakes.invoices import FakeInvoiceRepository
from fakes.ledger import FakeLedgerRepository
from fakes.store import FakeDatabase
from pmsaas.domain.financial.ledger import JournalEntry
from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.financial.ports import BillingWriter, IssuedBatch
from pmsaas.domain.shared.events import DomainEvent


class FakeBillingWriter(BillingWriter):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add_issued(self, batches: Iterable[IssuedBatch]) -> int:
        # As the SQL writer's Core path: every batch, then the invoices, the entries, the events.
        invoices: list[Invoice] = []
        entries: list[JournalEntry] = []
        events: list[DomainEvent] = []
        for batch in batches:
            invoices += batch.invoices
            entries += batch.entries
            events += batch.events
        if not invoices:
            return 0
        kept = await FakeInvoiceRepository(self._db).add_many(invoices)
        if len(kept) != len(invoices):
            return len(kept)  # a clash stops the writing; the caller rolls back
        await FakeLedgerRepository(self._db).post_many(entries)
        self._db.outbox.extend(events)
        return len(kept)

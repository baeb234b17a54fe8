"""In-memory adapter of the financial context's ledger: the journal of each organization in posting
order (``FakeDatabase.journal``), append-only; balances are summed from it on every read, as the
SQL adapter sums its lines."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fakes.store import FakeDatabase
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.ports import LedgerLineView, LedgerRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.money import Money


class FakeLedgerRepository(LedgerRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _entries(self, organization_id: UUID) -> list[L.JournalEntry]:
        return self._db.journal.of(organization_id)

    async def post(self, entry: L.JournalEntry) -> None:
        for _, posted in self._db.journal.everywhere():
            if posted.id == entry.id:
                raise Conflict("this journal entry is already posted")  # SQL: IntegrityError
            if entry.reverses_id is not None and posted.reverses_id == entry.reverses_id:
                raise Conflict("an entry is reversed at most once")  # SQL: the unique reverses_id
        self._db.journal.put(entry.organization_id, entry.id, entry)

    async def post_many(self, entries: list[L.JournalEntry]) -> None:
        for entry in entries:
            await self.post(entry)

    async def deposit_held(self, organization_id: UUID, lease_id: UUID, currency: str) -> Money:
        total = sum(
            line.amount.minor
            for e in self._entries(organization_id)
            for line in e.lines
            if line.account == "deposits_held" and line.lease_id == lease_id and line.amount.currency == currency
        )
        return Money.from_minor(-total, currency)  # a liability: credit balance

    async def entry_for(self, organization_id: UUID, source_type: str, source_id: UUID) -> L.JournalEntry:
        for e in self._entries(organization_id):
            if (e.source_type, e.source_id, e.reverses_id) == (source_type, source_id, None):
                return e
        raise NotFound("journal entry", source_id)

    async def trial_balance(self, organization_id: UUID, currency: str) -> list[L.TrialBalanceRow]:
        return L.trial_balance(self._entries(organization_id), currency)

    async def lease_ledger(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
        return self._lease_lines(organization_id, lease_id, lambda account: account.startswith("ar:"))

    async def deposit_lines(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
        return self._lease_lines(organization_id, lease_id, lambda account: account == "deposits_held")

    def _lease_lines(self, organization_id: UUID, lease_id: UUID, wanted: Any) -> list[LedgerLineView]:
        ordered = sorted(self._entries(organization_id), key=lambda e: (e.posted_at, e.entry_date, e.id))
        return [
            LedgerLineView(e.id, e.entry_date, e.description, e.source_type, e.source_id, line.amount)
            for e in ordered
            for line in e.lines
            if line.lease_id == lease_id and wanted(line.account)
        ]

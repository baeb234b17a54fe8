"""The SQL ledger writes an entry and reads it back the same, whatever its length: PostgreSQL
posts short entries in one statement (entry + lines), longer ones and SQLite in two."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.shared.money import Money

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for


def _entry(org: uuid.UUID, n_lines: int) -> L.JournalEntry:
    lease = uuid.uuid4()
    debits = [
        L.JournalLine(f"ar:{lease}", Money.from_minor(100 + i, "INR"), lease, f"line {i}") for i in range(n_lines - 1)
    ]
    credit = L.JournalLine("rent_income", Money.from_minor(-sum(100 + i for i in range(n_lines - 1)), "INR"))
    return L.JournalEntry(
        organization_id=org,
        entry_date=date(2026, 12, 1),
        description=f"{n_lines} lines",
        lines=(*debits, credit),
        posted_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        source_type="manual",
        source_id=uuid.uuid4(),
    )


@pytest.mark.parametrize("n_lines", [2, 3, 32, 33])
async def test_a_posted_entry_reads_back_line_for_line(api, owner, n_lines):
    org = uuid.UUID(owner.org_id)
    entry = _entry(org, n_lines)
    uow = SqlUnitOfWork(api.container.system_engine())
    async with uow:
        await uow.ledger.post(entry)
        await uow.commit()
    async with uow:
        back = await uow.ledger.entry_for(org, "manual", entry.source_id)
        balance = await uow.ledger.trial_balance(org, "INR")
    assert back == entry
    assert sum(r.debit.minor for r in balance) == sum(r.credit.minor for r in balance) > 0


async def test_a_failed_post_writes_neither_entry_nor_lines(api, owner):
    org = uuid.UUID(owner.org_id)
    entry = _entry(org, 2)
    uow = SqlUnitOfWork(api.container.system_engine())
    async with uow:
        await uow.ledger.post(entry)
        await uow.commit()
    async with uow:
        with pytest.raises(IntegrityError):  # the same entry id again
            await uow.ledger.post(entry)
    async with uow:
        assert len(await uow.ledger.lease_ledger(org, entry.lines[0].lease_id, "INR")) == 1

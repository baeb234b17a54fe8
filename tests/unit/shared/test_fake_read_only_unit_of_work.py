"""The fake's ``read_only()`` keeps the port's promise as the SQL one does: it reads what is committed
now, and refuses a commit and every write (the SQL adapter lets the database refuse them)."""

from __future__ import annotations

import pytest

from fakes import FakeDatabase, FakeUnitOfWork
from fakes import builders as b
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.ports import ReadOnlyUnitOfWorkWrite


async def test_a_read_only_fake_unit_of_work_reads_committed_rows_and_stores_nothing():
    db, org = FakeDatabase(), new_id()
    kept = b.prop(org, "Kept")
    async with FakeUnitOfWork(db) as uow:
        await uow.properties.add(kept)
        await uow.commit()
    async with FakeUnitOfWork(db).read_only() as reader:
        assert reader.read_only() is reader
        assert b.same(await reader.properties.get(org, kept.id), kept)
        with pytest.raises(ReadOnlyUnitOfWorkWrite):
            await reader.properties.add(b.prop(org, "Never stored"))
        with pytest.raises(ReadOnlyUnitOfWorkWrite):
            await reader.properties.delete(org, kept.id, b.at(1))
        with pytest.raises(ReadOnlyUnitOfWorkWrite):
            await reader.organizations.add(b.organization())
        with pytest.raises(ReadOnlyUnitOfWorkWrite):
            await reader.commit()
    async with FakeUnitOfWork(db) as uow:
        assert await uow.properties.find_by_name(org, "Never stored") is None
        assert b.same(await uow.properties.get(org, kept.id), kept)
        assert db.outbox == [] and not db.organizations

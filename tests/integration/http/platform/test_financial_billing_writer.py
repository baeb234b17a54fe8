"""The billing run's batch writer: COPY (PostgreSQL) writes exactly what the bulk Core statements
write, and the run stays exactly-once when runs race or the counter lock is bypassed."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fin_support import invoice_body, key, make_lease, money, set_country, trial_balance

from pmsaas.adapters.sql.repositories.financial import billing as writer_module
from pmsaas.adapters.sql.repositories.financial.billing import SqlBillingWriter
from pmsaas.adapters.sql.repositories.financial.invoices import SqlInvoiceRepository
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tables.organizations import organizations
from pmsaas.adapters.sql.uow import SqlUnitOfWork
from pmsaas.domain.financial import billing
from pmsaas.domain.financial.ports import BillingWriter, IssuedBatch
from pmsaas.domain.flows.rent_billing import run_billing
from pmsaas.domain.shared.errors import Conflict
from support import put_on_plan

pytestmark = pytest.mark.today("2026-12-01")  # the day these tests were written for

INVOICES = "/api/v1/financial/invoices"
# Backslashes, a tab-like escape and a non-ASCII character: COPY's text format must escape them.
NUMBER_FORMAT = "F\\{fy}\\n°{seq:05d}"


async def _run(api, owner, uow_factory=None):
    return await run_billing(
        uow_factory=uow_factory or api.container.system_uow,
        clock=api.container.clock(),
        period="2026-12",
        organization_id=uuid.UUID(owner.org_id),
    )


async def _snapshot(conn: Any, invoice_ids: list[uuid.UUID], event_ids: list[uuid.UUID]) -> dict[str, Any]:
    """Every column the run wrote, except the random ids of lines and accounts (compared by key)."""
    i, il, je, jl, a = F.invoices, F.invoice_lines, F.journal_entries, F.journal_lines, F.accounts

    async def rows(query: Any) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in await conn.execute(query)]

    lines = await rows(
        sa.select(*[c for c in il.c if c.name != "id"])
        .where(il.c.invoice_id.in_(invoice_ids))
        .order_by(il.c.invoice_id, il.c.position)
    )
    journal = await rows(
        sa.select(*[c for c in jl.c if c.name not in ("id", "account_id")], a.c.key, a.c.name, a.c.kind)
        .join(a, a.c.id == jl.c.account_id)
        .join(je, je.c.id == jl.c.entry_id)
        .where(je.c.source_id.in_(invoice_ids))
        .order_by(jl.c.entry_id, jl.c.position)
    )
    line_ids = list((await conn.execute(sa.select(il.c.id).where(il.c.invoice_id.in_(invoice_ids)))).scalars())
    assert len(set(line_ids)) == len(line_ids) == len(lines)
    return {
        "invoices": await rows(sa.select(i).where(i.c.id.in_(invoice_ids)).order_by(i.c.id)),
        "lines": lines,
        "entries": await rows(sa.select(je).where(je.c.source_id.in_(invoice_ids)).order_by(je.c.id)),
        "journal": journal,
        # seq is the database's (commit order, migration 0025): two writes never share it.
        "outbox": await rows(
            sa.select(*(c for c in outbox.c if c.name != "seq")).where(outbox.c.id.in_(event_ids)).order_by(outbox.c.id)
        ),
    }


class _Probe(BillingWriter):
    """Writes every batch with the Core statements inside a savepoint (rolled back), then with the
    default path, and keeps both snapshots."""

    def __init__(self, conn: Any, seen: list[dict[str, Any]]) -> None:
        self._conn, self._seen = conn, seen

    async def add_issued(self, batches: Iterable[IssuedBatch]) -> int:
        batches = list(batches)
        ids = [inv.id for b in batches for inv in b.invoices]
        events = [e.id for b in batches for e in b.events]
        savepoint = await self._conn.begin_nested()
        core_count = await SqlBillingWriter(self._conn, use_copy=False).add_issued(batches)
        core = await _snapshot(self._conn, ids, events)
        await savepoint.rollback()
        assert await _snapshot(self._conn, ids, events) == {k: [] for k in core}  # really rolled back
        writer = SqlBillingWriter(self._conn, round_size=3)  # several rounds
        count = await writer.add_issued(batches)
        self._seen.append(
            {
                "core": core,
                "default": await _snapshot(self._conn, ids, events),
                "copy": writer.use_copy,
                "counts": (core_count, count, len(ids)),
                "batches": batches,
            }
        )
        return count


class _ProbedUow(SqlUnitOfWork):
    seen: list[dict[str, Any]]

    @property
    def billing(self) -> _Probe:  # type: ignore[override]
        return _Probe(self.connection, self.seen)


@pytest.mark.parametrize("round_off", [False, True], ids=["exact", "round_off"])
async def test_copy_writes_exactly_what_the_core_statements_write(api, owner, monkeypatch, round_off):
    await set_country(api, owner, "IN")
    extra: dict[str, Any] = {"invoice_number_format": NUMBER_FORMAT}
    if round_off:
        extra["invoice_round_off"] = True
    async with api.container.system_engine().begin() as conn:
        await conn.execute(
            organizations.update().where(organizations.c.id == uuid.UUID(owner.org_id)).values(extra_settings=extra)
        )
    shop = await make_lease(api, owner, "IN", rent="40000.00")  # CGST + SGST
    # A recurring charge: one more line on the shop's invoice, taxed per its supply type (18 %).
    parking = {
        "kind": "parking",
        "description": "Parking \\ bay «B2»",  # COPY escapes the backslash
        "amount": money("3000.00"),
        "start_date": "2026-12-01",
        "supply_type": "property_management_fee",
    }
    r = await api.post(f"/api/v1/leases/{shop.id}/recurring-charges", owner.token, json=parking)
    assert r.status_code == 201, r.text
    exempt = await make_lease(api, owner, "IN", property_type="residential", rent="25000.55")  # exempt
    rcm_lease = await make_lease(
        api, owner, "IN", property_type="residential", rent="30000.40", tenant_gstin="27AABCP1234Q1Z7"
    )
    late = await make_lease(
        api, owner, "IN", property_type="residential", rent="20000.00", grace_days=5, late_fee=("percentage", "2.5")
    )
    old = invoice_body(late, ("Rent\tNovember\\2026 «old»", "20000.00", "rent"), issue=True)
    old.update(issue_date="2026-11-01", due_date="2026-11-01")
    assert (await api.post(INVOICES, owner.token, json=old)).status_code == 201
    # Tenant credit, applied by the run: paid in full (exempt) and in part (shop).
    credit_ids = {}
    for lease_, amount in ((exempt, "30000.00"), (shop, "10000.00")):
        body = {"lease_id": lease_.id, "amount": money(amount), "method": "cash"}
        r = await api.post("/api/v1/financial/payments", owner.token, json=body, headers=key())
        assert r.status_code == 201 and r.json()["data"]["unallocated"] == money(amount), r.text
        credit_ids[lease_.id] = r.json()["data"]["id"]
    monkeypatch.setattr(billing, "_ISSUE_BATCH", 2)  # several batches, pipelined

    seen: list[dict[str, Any]] = []
    _ProbedUow.seen = seen
    engine = api.container.system_engine()
    summary = await _run(api, owner, lambda: _ProbedUow(engine))
    assert (summary.created, summary.late_fees, summary.failed) == (4, 1, {})

    [probe] = seen
    assert probe["copy"] is (api.backend == "postgres")
    assert probe["counts"] == (4, 4, 4)
    core, default = probe["core"], probe["default"]
    assert default == core
    assert [len(core[k]) for k in ("invoices", "lines", "entries", "outbox")] == [4, 6, 4, 5]
    recurring = next(line for line in core["lines"] if line["charge_type"] == "other")
    assert (recurring["supply_type"], recurring["amount_minor"]) == ("property_management_fee", 300000)
    assert [(t["tax"], t["amount_minor"]) for t in recurring["taxes"]] == [("CGST", 27000), ("SGST", 27000)]
    by_lease = {str(row["lease_id"]): row for row in core["invoices"]}
    assert (by_lease[exempt.id]["status"], by_lease[exempt.id]["paid_minor"]) == (
        "paid",
        by_lease[exempt.id]["total_minor"],
    )
    assert (by_lease[shop.id]["status"], by_lease[shop.id]["paid_minor"]) == ("partially_paid", 1000000)
    assert {by_lease[x.id]["status"] for x in (rcm_lease, late)} == {"issued"}
    assert {row["number"] for row in core["invoices"]} == {f"F\\2026-27\\n°{n:05d}" for n in range(2, 6)}
    # RCM (entry 5AA) is shown on the line but not charged or posted.
    rcm = [line["taxes"] for line in core["lines"] if line["taxes"] and line["taxes"][0]["payable_by"] == "recipient"]
    assert len(rcm) == 1 and [t["tax"] for t in rcm[0]] == ["CGST", "SGST"]
    fee = next(line for line in core["lines"] if line["charge_type"] == "late_fee")
    assert fee["description"].startswith("Late fee on F\\2026-27\\n°00001") and fee["amount_minor"] == 50000

    # What was committed reads back through the repositories as the domain objects that were written.
    issued = {inv.id: inv for b in probe["batches"] for inv in b.invoices}
    async with api.container.system_uow() as uow:
        for inv_id, inv in issued.items():
            stored = await uow.invoices.get(inv.organization_id, inv_id)
            assert (stored.number, stored.status, stored.total, stored.round_off, stored.period) == (
                inv.number,
                inv.status,
                inv.total,
                inv.round_off,
                "2026-12",
            )
            assert stored.lines == inv.lines
        for b in probe["batches"]:
            for entry in b.entries:
                got = await uow.ledger.entry_for(entry.organization_id, "invoice", entry.source_id)
                assert (got.id, got.description, got.lines) == (entry.id, entry.description, entry.lines)
    events = {e.id: e for b in probe["batches"] for e in b.events}
    assert {row["id"]: row["payload"] for row in default["outbox"]} == {k: e.data for k, e in events.items()}
    assert sorted(row["event"] for row in default["outbox"]) == ["invoice.created"] * 4 + ["invoice.paid"]
    paid_event = next(row for row in default["outbox"] if row["event"] == "invoice.paid")
    assert paid_event["payload"]["invoice_id"] == str(by_lease[exempt.id]["id"])
    # The allocation rows (one statement for the run, the same on both paths) read back per payment.
    for lease_, left in ((exempt, 3000000 - by_lease[exempt.id]["total_minor"]), (shop, 0)):
        r = await api.get(f"/api/v1/financial/payments/{credit_ids[lease_.id]}", owner.token)
        got = r.json()["data"]
        assert [a["invoice_id"] for a in got["allocations"]] == [str(by_lease[lease_.id]["id"])]
        assert got["unallocated"] == money(f"{left // 100}.{left % 100:02d}")
    balances = await trial_balance(api, owner)
    assert Decimal(balances["rent_income"]) == -Decimal("20000.00") - Decimal("40000.00") - Decimal(
        "25000.55"
    ) - Decimal("30000.40") - Decimal("20000.00")
    assert (await _invoices(api, owner, shop))[0]["total"]["amount"] == "50740.00"  # rent and parking, + 18 %
    assert balances["cash"] == "40000.00"  # applying credit moved no money
    # With round-off the run rounds each invoice to the rupee, on both paths alike (compared above).
    round_offs = sorted(row["round_off_minor"] for row in core["invoices"])
    totals = {row["lease_id"]: row["total_minor"] for row in core["invoices"]}
    if round_off:
        assert round_offs == [-40, 0, 0, 45]
        assert (totals[uuid.UUID(exempt.id)], totals[uuid.UUID(rcm_lease.id)]) == (2500100, 3000000)
        assert balances["round_off"] == "-0.05"  # credited 0.45, debited 0.40
        journal = [
            (row["key"], row["kind"], row["amount_minor"]) for row in core["journal"] if row["key"] == "round_off"
        ]
        assert sorted(journal) == [("round_off", "income", -45), ("round_off", "income", 40)]
    else:
        assert round_offs == [0, 0, 0, 0] and "round_off" not in balances
        assert (totals[uuid.UUID(exempt.id)], totals[uuid.UUID(rcm_lease.id)]) == (2500055, 3000040)


async def _invoices(api, owner, lease):
    r = await api.get(INVOICES, owner.token, params={"lease_id": lease.id, "page_size": 100})
    return r.json()["data"]


async def _numbers(api, owner, leases):
    return sorted([i["number"] for lease in leases for i in await _invoices(api, owner, lease)])


async def test_two_concurrent_runs_over_several_rounds_bill_each_lease_once(api, owner, monkeypatch):
    await set_country(api, owner, "IN")
    await put_on_plan(api, owner.org_id, "premium")  # twelve leases, a property each: past standard's ten
    leases = [await make_lease(api, owner, "IN", rent=f"{1000 + n}.00") for n in range(12)]
    monkeypatch.setattr(billing, "_ISSUE_BATCH", 2)
    monkeypatch.setattr(
        SqlUnitOfWork, "billing", property(lambda self: SqlBillingWriter(self.connection, round_size=5))
    )
    results = await asyncio.gather(_run(api, owner), _run(api, owner), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert sorted((r.created, r.skipped) for r in results) == [(0, 12), (12, 0)]
    assert await _numbers(api, owner, leases) == [f"INV/26-27/{n:06d}" for n in range(1, 13)]
    assert Decimal((await trial_balance(api, owner))["rent_income"]) == -sum(Decimal(1000 + n) for n in range(12))
    async with api.container.system_engine().connect() as conn:
        org = uuid.UUID(owner.org_id)
        events = await conn.scalar(
            sa.select(sa.func.count()).where(outbox.c.organization_id == org, outbox.c.event == "invoice.created")
        )
        entries = await conn.scalar(
            sa.select(sa.func.count()).where(
                F.journal_entries.c.organization_id == org, F.journal_entries.c.source_type == "invoice"
            )
        )
    assert (events, entries) == (12, 12)


async def test_a_lease_billed_behind_the_lock_rolls_the_whole_run_back(api, owner, monkeypatch):
    """The unique (organization, lease, period) is the last guard: if a run does not see that a
    lease is already billed, its writer finds out, the run fails and writes nothing."""
    await set_country(api, owner, "IN")
    first = await make_lease(api, owner, "IN", rent="1000.00")
    assert (await _run(api, owner)).created == 1
    others = [await make_lease(api, owner, "IN", rent="2000.00") for _ in range(4)]

    async def nothing_billed(self, organization_id, period):
        return set()

    monkeypatch.setattr(SqlInvoiceRepository, "billed_leases", nothing_billed)
    monkeypatch.setattr(billing, "_ISSUE_BATCH", 1)
    with pytest.raises(Conflict):
        await _run(api, owner)
    assert len(await _invoices(api, owner, first)) == 1
    for lease in others:
        assert await _invoices(api, owner, lease) == []
    assert (await trial_balance(api, owner))["rent_income"] == "-1000.00"
    async with api.container.system_engine().connect() as conn:
        events = await conn.scalar(
            sa.select(sa.func.count()).where(
                outbox.c.organization_id == uuid.UUID(owner.org_id), outbox.c.event == "invoice.created"
            )
        )
    assert events == 1
    # The counter was rolled back with the rest: the next number follows the first run's.
    monkeypatch.undo()
    assert (await _run(api, owner)).created == 4
    assert await _numbers(api, owner, others) == [f"INV/26-27/{n:06d}" for n in range(2, 6)]


def test_copy_text_escapes_and_fresh_ids():
    assert writer_module._text("a\\b\tc\nd\re") == "a\\\\b\\tc\\nd\\re"
    assert writer_module._text(None) == "\\N"
    ids = writer_module.new_id_texts(500)
    parsed = [uuid.UUID(i) for i in ids]
    assert len(set(parsed)) == 500 and all(u.version == 4 and str(u) == i for u, i in zip(parsed, ids, strict=True))


async def test_an_error_while_issuing_stops_the_writer_and_writes_nothing(api, owner, monkeypatch):
    await set_country(api, owner, "IN")
    leases = [await make_lease(api, owner, "IN", rent="1000.00") for _ in range(6)]
    monkeypatch.setattr(billing, "_ISSUE_BATCH", 1)
    real_issue = billing.Invoice.issue
    issued: list[str] = []

    def failing_issue(self, *, number, at, round_off=False, property_id=None):
        if len(issued) == 4:
            raise RuntimeError("boom")
        issued.append(number)
        return real_issue(self, number=number, at=at, round_off=round_off, property_id=property_id)

    monkeypatch.setattr(billing.Invoice, "issue", failing_issue)
    with pytest.raises(RuntimeError, match="boom"):
        await _run(api, owner)
    for lease in leases:
        assert await _invoices(api, owner, lease) == []
    monkeypatch.undo()
    # The connection went back to the pool usable, and no number was used up.
    assert (await _run(api, owner)).created == 6
    assert await _numbers(api, owner, leases) == [f"INV/26-27/{n:06d}" for n in range(1, 7)]


async def test_copy_opens_the_transaction_of_a_unit_of_work_that_has_not_written_yet(api):
    """COPY bypasses SQLAlchemy: it must still run inside the unit of work's transaction, never in
    autocommit, or each COPY would commit on its own (only ``uow.read_only()`` runs in autocommit)."""
    async with api.container.system_uow() as uow:
        if api.backend == "sqlite":  # SQLite begins up front and writes with bulk statements, not COPY
            assert uow.billing.use_copy is False and uow.connection.in_transaction()
            return
        driver = (await uow.connection.get_raw_connection()).driver_connection
        assert not driver.autocommit  # a unit of work that may write is transactional from the start
        assert await uow.billing.add_issued([]) == 0
        assert not driver.autocommit  # the next statement, the first COPY, runs inside BEGIN … COMMIT

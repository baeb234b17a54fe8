"""The billing run's SQL side.

Read: active leases and their rent-schedule charges for a period. An anti-corruption layer
between two contexts: it reads the leasing tables and asks the properties context's pure rent
schedule (``rent_schedule``, ``late_fee_for``) what is due, and hands the financial context its
own value objects. One query for all leases of the run.

Write: :class:`SqlBillingWriter`, one organization's issued invoices, lines, journal entries and
outbox rows in bulk (``COPY`` on PostgreSQL).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial import SqlInvoiceRepository, SqlLedgerRepository
from pmsaas.adapters.sql.repositories.properties import to_lease
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.adapters.sql.tables.properties import leases, properties, tenants
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.financial.ports import BillableCharge, BillableLease, BillingWriter, LeaseRef
from pmsaas.domain.properties.schedule import LeaseTerms, late_fee_for, rent_schedule
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

BILLABLE_STATUSES = ("active", "notice_given")


def _late_fee_rule(terms: LeaseTerms) -> Any:
    if terms.late_fee is None:
        return None

    def rule(balance: Money, due: date, as_of: date) -> Money | None:
        return late_fee_for(terms, invoice_amount=balance, due_date=due, as_of=as_of)

    return rule


async def billable_leases(
    conn: AsyncConnection, organization_id: UUID | None, period_start: date, period_end: date
) -> list[BillableLease]:
    where = [leases.c.status.in_(BILLABLE_STATUSES), leases.c.start_date <= period_end]
    if organization_id is not None:
        where.append(leases.c.organization_id == organization_id)
    rows = (
        await conn.execute(
            sa.select(
                leases,
                properties.c.type.label("property_type"),
                properties.c.province.label("property_region"),
                tenants.c.name.label("tenant_name"),
                tenants.c.email.label("tenant_email"),
                tenants.c.gstin.label("tenant_gstin"),
            )
            .join(properties, properties.c.id == leases.c.property_id)
            .join(tenants, tenants.c.id == leases.c.tenant_id)
            .where(*where)
            .order_by(leases.c.organization_id, leases.c.start_date, leases.c.id)
        )
    ).all()
    out: list[BillableLease] = []
    for r in rows:
        terms = to_lease(r).terms()
        charges = [
            BillableCharge(c.type, c.description, c.amount, c.due_date, c.period_start, c.period_end)
            for c in rent_schedule(terms, period_start, period_end)
        ]
        ref = LeaseRef(
            id=r.id,
            organization_id=r.organization_id,
            tenant_id=r.tenant_id,
            property_id=r.property_id,
            status=r.status,
            currency=r.currency,
            property_type=r.property_type,
            property_region=r.property_region,
            tenant_email=r.tenant_email,
            tenant_name=r.tenant_name,
            tenant_gstin=r.tenant_gstin,
        )
        out.append(BillableLease(ref, charges, _late_fee_rule(terms)))
    return out


# -- the run's batch write ---------------------------------------------------------------------
#
# SQLite (the embedded default) and any caller asking for it: the repositories' bulk Core
# statements (insert-or-skip of the invoices, executemany of the rest). PostgreSQL: COPY through
# the unit of work's own psycopg connection, inside its transaction. The invoices are copied into
# a temporary staging table and moved with INSERT ... SELECT ... ON CONFLICT DO NOTHING, so the
# unique (organization, lease, period) still skips a lease another run billed meanwhile and the
# count tells the use case to roll back; lines, journal entries and lines and outbox rows (fresh
# ids, nothing to clash with) are copied straight into their tables.

_STAGE = "pmsaas_billing_stage"
_INVOICE_COLUMNS = tuple(c.name for c in F.invoices.columns)
_LINE_COLUMNS = tuple(c.name for c in F.invoice_lines.columns)
_ENTRY_COLUMNS = (
    "id",
    "organization_id",
    "entry_date",
    "description",
    "source_type",
    "source_id",
    "reverses_id",
    "currency",
    "posted_at",
)
_JOURNAL_LINE_COLUMNS = (
    "id",
    "organization_id",
    "entry_id",
    "position",
    "account_id",
    "lease_id",
    "amount_minor",
    "currency",
    "memo",
)
_OUTBOX_COLUMNS = ("id", "organization_id", "event", "payload", "occurred_at")
assert set(_ENTRY_COLUMNS) == {c.name for c in F.journal_entries.columns}
assert set(_JOURNAL_LINE_COLUMNS) == {c.name for c in F.journal_lines.columns}
assert set(_OUTBOX_COLUMNS) | {"published_at", "attempts"} == {c.name for c in outbox.columns}
_json = msgspec.json.Encoder()


def outbox_rows(events: list[DomainEvent]) -> list[dict[str, Any]]:
    """The outbox rows of ``events``, as the unit of work writes them at commit."""
    return [
        {
            "id": e.id,
            "organization_id": e.organization_id,
            "event": e.name,
            "payload": e.data,
            "occurred_at": e.occurred_at,
        }
        for e in events
    ]


class SqlBillingWriter(BillingWriter):
    def __init__(self, conn: AsyncConnection, *, use_copy: bool | None = None) -> None:
        self._conn = conn
        self.use_copy = conn.dialect.name == "postgresql" if use_copy is None else use_copy

    async def add_issued(
        self, invoices: list[Invoice], entries: list[L.JournalEntry], events: list[DomainEvent]
    ) -> int:
        if not invoices:
            return 0
        if self.use_copy:
            return await _copy_issued(self._conn, invoices, entries, events)
        kept = await SqlInvoiceRepository(self._conn).add_many(invoices)
        if len(kept) != len(invoices):
            return len(kept)
        await SqlLedgerRepository(self._conn).post_many(entries)
        if events:
            await self._conn.execute(outbox.insert(), outbox_rows(events))
        return len(kept)


def _cols(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _figures(inv: Invoice) -> tuple[int, int]:
    """(subtotal, supplier tax) in minor units, summed as integers: equal to the invoice's Money
    figures because an issued invoice's lines and taxes are whole minor units (its journal entry
    refuses anything else)."""
    subtotal = tax = 0
    for line in inv.lines:
        subtotal += line.amount.minor
        for t in line.taxes:
            if t.payable_by == "supplier":
                tax += t.amount.minor
    return subtotal, tax


async def _copy_issued(
    conn: AsyncConnection, invoices: list[Invoice], entries: list[L.JournalEntry], events: list[DomainEvent]
) -> int:
    raw = await conn.get_raw_connection()
    pg = raw.driver_connection  # psycopg AsyncConnection, already in the unit of work's transaction
    assert pg is not None
    cols = _cols(_INVOICE_COLUMNS)
    async with pg.cursor() as cur:
        await cur.execute(
            f"CREATE TEMPORARY TABLE {_STAGE} (LIKE financial_invoices INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        async with cur.copy(f"COPY {_STAGE} ({cols}) FROM STDIN") as cp:
            for inv in invoices:
                subtotal, tax = _figures(inv)
                await cp.write_row(
                    (
                        inv.id,
                        inv.organization_id,
                        inv.number,
                        inv.lease_id,
                        inv.tenant_id,
                        inv.status.value,
                        inv.issue_date,
                        inv.due_date,
                        inv.currency,
                        subtotal,
                        tax,
                        subtotal + tax,
                        inv.amount_paid.minor,
                        inv.period,
                        inv.notes,
                        inv.issued_at,
                        inv.sent_at,
                        inv.cancelled_at,
                        inv.version,
                        inv.created_at,
                        inv.updated_at,
                    )
                )
        # Constant identifiers only (the table's own column names): no input reaches this text.
        await cur.execute(f"INSERT INTO financial_invoices ({cols}) SELECT {cols} FROM {_STAGE} ON CONFLICT DO NOTHING")  # noqa: S608
        inserted = cur.rowcount
        await cur.execute(f"DROP TABLE {_STAGE}")
        if inserted != len(invoices):
            return inserted

        async with cur.copy(f"COPY financial_invoice_lines ({_cols(_LINE_COLUMNS)}) FROM STDIN") as cp:
            for inv in invoices:
                for i, line in enumerate(inv.lines):
                    currency = line.amount.currency
                    await cp.write_row(
                        (
                            new_id(),
                            inv.organization_id,
                            inv.id,
                            i,
                            line.description[:300],
                            line.charge_type.value,
                            line.supply_type,
                            line.amount.minor,
                            currency,
                            _json.encode(
                                [
                                    {
                                        "tax": t.tax,
                                        "rate": str(t.rate),
                                        "amount_minor": t.amount.minor,
                                        "payable_by": t.payable_by,
                                        "jurisdiction": t.jurisdiction,
                                    }
                                    for t in line.taxes
                                ]
                            ).decode(),
                        )
                    )

        accounts = await _account_ids(cur, entries)
        async with cur.copy(f"COPY financial_journal_entries ({_cols(_ENTRY_COLUMNS)}) FROM STDIN") as cp:
            for e in entries:
                await cp.write_row(
                    (
                        e.id,
                        e.organization_id,
                        e.entry_date,
                        e.description[:300],
                        e.source_type,
                        e.source_id,
                        e.reverses_id,
                        e.currency,
                        e.posted_at,
                    )
                )
        async with cur.copy(f"COPY financial_journal_lines ({_cols(_JOURNAL_LINE_COLUMNS)}) FROM STDIN") as cp:
            for e in entries:
                ids = accounts[e.organization_id]
                for i, jl in enumerate(e.lines):
                    await cp.write_row(
                        (
                            new_id(),
                            e.organization_id,
                            e.id,
                            i,
                            ids[jl.account],
                            jl.lease_id,
                            jl.amount.minor,
                            jl.amount.currency,
                            jl.memo,
                        )
                    )
        if events:
            async with cur.copy(f"COPY notifications_outbox ({_cols(_OUTBOX_COLUMNS)}) FROM STDIN") as cp:
                for ev in events:
                    await cp.write_row(
                        (ev.id, ev.organization_id, ev.name, _json.encode(ev.data).decode(), ev.occurred_at)
                    )
    return inserted


async def _account_ids(cur: Any, entries: list[L.JournalEntry]) -> dict[UUID, dict[str, UUID]]:
    """Account ids by organization and key, creating the missing accounts (insert-or-skip: a
    concurrent posting may create the same account)."""
    by_org: dict[UUID, set[str]] = {}
    for e in entries:
        by_org.setdefault(e.organization_id, set()).update(line.account for line in e.lines)
    at = entries[0].posted_at if entries else None
    out: dict[UUID, dict[str, UUID]] = {}
    select = "SELECT key, id FROM financial_accounts WHERE organization_id = %s AND key = ANY(%s)"
    for org, keys in by_org.items():
        await cur.execute(select, (org, list(keys)))
        found: dict[str, UUID] = dict(await cur.fetchall())
        missing = sorted(keys - set(found))
        if missing:
            described = [L.describe(key) for key in missing]
            await cur.execute(
                "INSERT INTO financial_accounts (id, organization_id, key, name, kind, created_at)"
                " SELECT a.id, %s, a.key, a.name, a.kind, %s"
                " FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[]) AS a(id, key, name, kind)"
                " ON CONFLICT DO NOTHING",
                (
                    org,
                    at,
                    [new_id() for _ in missing],
                    missing,
                    [name[:200] for name, _ in described],
                    [kind.value for _, kind in described],
                ),
            )
            await cur.execute(select, (org, missing))
            found.update(dict(await cur.fetchall()))
        out[org] = found
    return out

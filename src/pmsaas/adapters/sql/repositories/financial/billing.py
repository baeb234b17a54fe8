"""The billing run's batch write: :class:`SqlBillingWriter`, one organization's issued invoices,
lines, journal entries and outbox rows in bulk (``COPY`` on PostgreSQL). The run's read is
``adapters/sql/repositories/rent_billing.py``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.invoices import SqlInvoiceRepository
from pmsaas.adapters.sql.repositories.financial.ledger import SqlLedgerRepository
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.adapters.sql.tables.notifications import outbox
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.financial.ports import BillingWriter, IssuedBatch
from pmsaas.domain.shared.events import DomainEvent
from pmsaas.domain.shared.money import MINOR_DIGITS, round_half_up

# -- the run's batch write ---------------------------------------------------------------------
#
# SQLite (the embedded default) and any caller asking for it: the repositories' bulk Core
# statements (insert-or-skip of the invoices, executemany of the rest), once for all batches.
# PostgreSQL: COPY through the unit of work's own psycopg connection, inside its transaction, in
# rounds (at most ``round_size`` invoices) written while the use case issues the next ones. The exactly-
# once guard is the same unique (organization, lease, period): where the Core path skips a clashing
# invoice and returns a short count, COPY fails with a unique violation, which is answered with the
# same short count (the transaction is aborted either way and the use case rolls it back, so no
# invoice, line, entry or event of that organization's run is written). Lines, journal entries and
# lines and outbox rows have fresh ids: nothing to clash with.

_INVOICE_COLUMNS = tuple(c.name for c in F.invoices.columns)  # _invoice_rows writes them in this order
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
assert set(_OUTBOX_COLUMNS) | {"published_at", "attempts", "seq"} == {c.name for c in outbox.columns}
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
    """COPY on PostgreSQL (``use_copy``), the repositories' bulk Core statements otherwise."""

    def __init__(self, conn: AsyncConnection, *, use_copy: bool | None = None, round_size: int = 2500) -> None:
        self._conn = conn
        self.use_copy = conn.dialect.name == "postgresql" if use_copy is None else use_copy
        self.round_size = round_size  # at most this many invoices per round of COPY statements

    async def add_issued(self, batches: Iterable[IssuedBatch]) -> int:
        if self.use_copy and await _may_copy(self._conn):
            return await _CopyPipeline(self._conn, self.round_size).run(batches)
        # Not pipelined: all batches, then one bulk statement per table (as before COPY existed).
        invoices: list[Invoice] = []
        entries: list[L.JournalEntry] = []
        events: list[DomainEvent] = []
        for batch in batches:
            invoices += batch.invoices
            entries += batch.entries
            events += batch.events
        if not invoices:
            return 0
        kept = await SqlInvoiceRepository(self._conn).add_many(invoices)
        if len(kept) != len(invoices):
            return len(kept)
        await SqlLedgerRepository(self._conn).post_many(entries)
        if events:
            await self._conn.execute(outbox.insert(), outbox_rows(events))
        return len(kept)


def _cols(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)


_ZERO = Decimal(0)


def _minor(amount: Decimal, currency: str) -> int:
    """``Money(amount, currency).minor`` (half-up to the minor unit, as integer minor units)."""
    digits = MINOR_DIGITS[currency]
    return int(round_half_up(amount, digits).scaleb(digits))


def _figures(inv: Invoice) -> tuple[int, int, int, int]:
    """``(subtotal, tax_total, round_off, total)`` of ``inv`` in minor units, as its Money properties
    compute them (exact Decimal sums, one rounding each), in one pass over the lines."""
    subtotal = tax = _ZERO
    for line in inv.lines:
        subtotal += line.amount.amount
        for t in line.taxes:
            if t.payable_by == "supplier":
                tax += t.amount.amount
    currency = inv.currency
    round_off = inv.round_off.amount if inv.round_off is not None else _ZERO
    return (
        _minor(subtotal, currency),
        _minor(tax, currency),
        _minor(round_off, currency),
        _minor(subtotal + tax + round_off, currency),
    )


async def _may_copy(conn: AsyncConnection) -> bool:
    """PostgreSQL refuses COPY FROM into a table under row-level security (docs/tenancy.md) unless the
    role bypasses it: the system role does when a superuser migrated. Asked once per connection (its
    role never changes)."""
    info = conn.info
    if "pmsaas_may_copy" not in info:
        query = "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
        info["pmsaas_may_copy"] = bool((await conn.exec_driver_sql(query)).scalar())
    return bool(info["pmsaas_may_copy"])


# COPY text format: tab-separated, \N for NULL, backslash escapes for \ tab newline and CR.
_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_CHUNK = 1 << 16  # characters per write: the server parses one chunk while the next is built


def _text(value: str | None) -> str:
    if value is None:
        return _NULL
    if "\\" not in value and value.isprintable():  # no tab, newline or CR either: nothing to escape
        return value
    return value.translate(_ESCAPES)


class _Texts:
    """COPY text of the values a run repeats (organization, dates, timestamps, enum values...),
    each formatted once."""

    def __init__(self) -> None:
        self._cache: dict[object, str] = {None: _NULL}

    def __call__(self, value: UUID | date | datetime | str | None) -> str:
        text = self._cache.get(value)
        if text is None:
            if isinstance(value, str):
                text = _text(value)
            elif isinstance(value, date):
                if isinstance(value, datetime) and value.tzinfo is None:
                    raise ValueError("naive datetime refused: time is always timezone-aware")
                text = value.isoformat()
            else:
                text = str(value)
            self._cache[value] = text
        return text


def _uuid(value: UUID | None) -> str:
    return _NULL if value is None else str(value)


def new_id_texts(n: int) -> list[str]:
    """``n`` random (version 4) UUIDs as text, as ``uuid.uuid4()`` makes them: one urandom call."""
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]


async def _copy(cur: Any, table: str, columns: tuple[str, ...], rows: Iterator[str]) -> None:
    async with cur.copy(f"COPY {table} ({_cols(columns)}) FROM STDIN") as cp:
        batch: list[str] = []
        size = 0
        for row in rows:
            batch.append(row)
            size += len(row)
            if size >= _CHUNK:
                await cp.write("".join(batch))
                batch, size = [], 0
        if batch:
            await cp.write("".join(batch))


def _invoice_rows(invoices: list[Invoice], ids: list[str], tx: _Texts) -> Iterator[str]:
    for inv, inv_id in zip(invoices, ids, strict=True):
        subtotal, tax, round_off, total = _figures(inv)
        paid = inv.amount_paid
        yield (
            f"{inv_id}\t{tx(inv.organization_id)}\t{_text(inv.number)}\t{_uuid(inv.lease_id)}\t"
            f"{_uuid(inv.tenant_id)}\t{tx(inv.status.value)}\t{tx(inv.issue_date)}\t{tx(inv.due_date)}\t"
            f"{tx(inv.currency)}\t{subtotal}\t{tax}\t{round_off}\t{total}\t{_minor(paid.amount, paid.currency)}\t"
            f"{inv.amount_credited.minor}\t{tx(inv.period)}\t{tx(inv.service_period)}\t{_text(inv.notes)}\t{tx(inv.issued_at)}\t"
            f"{tx(inv.sent_at)}\t"
            f"{tx(inv.cancelled_at)}\t{inv.version}\t{tx(inv.created_at)}\t{tx(inv.updated_at)}\n"
        )


def _line_rows(invoices: list[Invoice], ids: list[str], tx: _Texts) -> Iterator[str]:
    line_ids = iter(new_id_texts(sum(len(inv.lines) for inv in invoices)))
    for inv, inv_id in zip(invoices, ids, strict=True):
        head = f"{tx(inv.organization_id)}\t{inv_id}\t"
        for i, line in enumerate(inv.lines):
            currency = line.amount.currency
            taxes = _json.encode(
                [
                    {
                        "tax": t.tax,
                        "rate": str(t.rate),
                        "amount_minor": _minor(t.amount.amount, t.amount.currency),
                        "payable_by": t.payable_by,
                        "jurisdiction": t.jurisdiction,
                    }
                    for t in line.taxes
                ]
            ).decode()
            yield (
                f"{next(line_ids)}\t{head}{i}\t{_text(line.description[:300])}\t{tx(line.charge_type.value)}\t"
                f"{tx(line.supply_type)}\t{_minor(line.amount.amount, currency)}\t{tx(currency)}\t{_text(taxes)}\n"
            )


def _entry_rows(entries: list[L.JournalEntry], ids: list[str], tx: _Texts) -> Iterator[str]:
    for e, entry_id in zip(entries, ids, strict=True):
        yield (
            f"{entry_id}\t{tx(e.organization_id)}\t{tx(e.entry_date)}\t{_text(e.description[:300])}\t"
            f"{tx(e.source_type)}\t{_uuid(e.source_id)}\t{_uuid(e.reverses_id)}\t{tx(e.currency)}\t"
            f"{tx(e.posted_at)}\n"
        )


def _journal_line_rows(
    entries: list[L.JournalEntry], ids: list[str], accounts: dict[UUID, dict[str, str]], tx: _Texts
) -> Iterator[str]:
    line_ids = iter(new_id_texts(sum(len(e.lines) for e in entries)))
    for e, entry_id in zip(entries, ids, strict=True):
        head = f"{tx(e.organization_id)}\t{entry_id}\t"
        account = accounts[e.organization_id]
        for i, jl in enumerate(e.lines):
            amount = jl.amount
            yield (
                f"{next(line_ids)}\t{head}{i}\t{account[jl.account]}\t{tx(jl.lease_id)}\t"
                f"{_minor(amount.amount, amount.currency)}\t{tx(amount.currency)}\t{_text(jl.memo)}\n"
            )


def _outbox_rows(events: list[DomainEvent], tx: _Texts) -> Iterator[str]:
    for ev in events:
        payload = _json.encode(ev.data).decode()
        yield (f"{_uuid(ev.id)}\t{tx(ev.organization_id)}\t{tx(ev.name)}\t{_text(payload)}\t{tx(ev.occurred_at)}\n")


class _CopyPipeline:
    """The batches, written while the caller issues the next ones.

    A writer task runs rounds of COPY statements (one per table, each round taking what was issued
    meanwhile) on the unit of work's psycopg connection, inside its transaction, while this
    coroutine pulls the next batches from the caller's iterable and yields to the event loop after
    each one: the server inserts and checks one round while Python issues and formats the next.
    """

    def __init__(self, conn: AsyncConnection, round_size: int) -> None:
        self._conn = conn
        self._round_size = round_size
        self._texts = _Texts()
        self._accounts: dict[UUID, dict[str, str]] = {}
        self._stopped = False

    async def run(self, batches: Iterable[IssuedBatch]) -> int:
        raw = await self._conn.get_raw_connection()
        pg = raw.driver_connection  # psycopg AsyncConnection: the unit of work's own
        assert pg is not None
        if pg.autocommit:  # a read-only unit of work: COPY would commit row batches on their own
            raise RuntimeError("the billing writer needs a writing unit of work")
        queue: asyncio.Queue[IssuedBatch | None] = asyncio.Queue()
        writer = asyncio.create_task(self._write(pg, queue))
        try:
            for batch in batches:
                if writer.done():  # a skipped invoice (or an error) stopped it: no more work
                    break
                queue.put_nowait(batch)
                await asyncio.sleep(0)  # the writer answers the server between two batches
        except BaseException:
            # Not cancelled: an interrupted COPY would leave the connection busy for the rollback.
            # The writer stops after the round it is in (all of it is rolled back).
            self._stopped = True
            queue.put_nowait(None)
            await asyncio.gather(writer, return_exceptions=True)
            raise
        queue.put_nowait(None)
        return await writer

    async def _write(self, pg: Any, queue: asyncio.Queue[IssuedBatch | None]) -> int:
        inserted = 0
        async with pg.cursor() as cur:
            finished = False
            while not finished:
                invoices: list[Invoice] = []
                entries: list[L.JournalEntry] = []
                events: list[DomainEvent] = []
                # A round takes what the caller has issued meanwhile (at least one batch, at most
                # round_size invoices): the server never waits for a full round to be issued.
                while len(invoices) < self._round_size and (not invoices or not queue.empty()):
                    batch = await queue.get()
                    if batch is None:
                        finished = True
                        break
                    invoices += batch.invoices
                    entries += batch.entries
                    events += batch.events
                if not invoices or self._stopped:
                    break
                kept = await self._round(cur, invoices, entries, events)
                inserted += kept
                if kept != len(invoices):
                    break
        return inserted

    async def _round(
        self, cur: Any, invoices: list[Invoice], entries: list[L.JournalEntry], events: list[DomainEvent]
    ) -> int:
        tx = self._texts
        try:
            invoice_ids = [str(inv.id) for inv in invoices]
            await _copy(cur, "financial_invoices", _INVOICE_COLUMNS, _invoice_rows(invoices, invoice_ids, tx))
        except psycopg.errors.UniqueViolation:
            # (organization, lease, period) or (organization, number) taken: another run billed one
            # of these leases meanwhile. The transaction is aborted; the use case rolls it back.
            return 0
        await _copy(cur, "financial_invoice_lines", _LINE_COLUMNS, _line_rows(invoices, invoice_ids, tx))
        await _account_ids(cur, entries, self._accounts)
        entry_ids = [str(e.id) for e in entries]
        await _copy(cur, "financial_journal_entries", _ENTRY_COLUMNS, _entry_rows(entries, entry_ids, tx))
        await _copy(
            cur,
            "financial_journal_lines",
            _JOURNAL_LINE_COLUMNS,
            _journal_line_rows(entries, entry_ids, self._accounts, tx),
        )
        if events:
            await _copy(cur, "notifications_outbox", _OUTBOX_COLUMNS, _outbox_rows(events, tx))
        return len(invoices)


_ACCOUNTS = (
    "WITH wanted AS ("
    " SELECT * FROM unnest(%(ids)s::text[], %(keys)s::text[], %(names)s::text[], %(kinds)s::text[])"
    " AS w(id, key, name, kind)),"
    " created AS ("
    " INSERT INTO financial_accounts (id, organization_id, key, name, kind, created_at)"
    " SELECT w.id::uuid, %(org)s, w.key, w.name, w.kind, %(at)s FROM wanted w"
    " ON CONFLICT DO NOTHING RETURNING key, id)"
    " SELECT key, id::text FROM created"
    " UNION ALL SELECT a.key, a.id::text FROM financial_accounts a JOIN wanted w ON w.key = a.key"
    " WHERE a.organization_id = %(org)s"
)


async def _account_ids(cur: Any, entries: list[L.JournalEntry], known: dict[UUID, dict[str, str]]) -> None:
    """Add to ``known`` (organization -> key -> id as text) the accounts ``entries`` name, creating
    the missing ones in one statement (insert-or-skip: a concurrent posting may create the same
    account; one committed after this statement's snapshot is read again)."""
    by_org: dict[UUID, set[str]] = {}
    for e in entries:
        by_org.setdefault(e.organization_id, set()).update(line.account for line in e.lines)
    at = entries[0].posted_at if entries else None
    for org, keys in by_org.items():
        found = known.setdefault(org, {})
        wanted = sorted(keys - set(found))
        if not wanted:
            continue
        described = [L.describe(key) for key in wanted]
        await cur.execute(
            _ACCOUNTS,
            {
                "ids": new_id_texts(len(wanted)),
                "keys": wanted,
                "names": [name[:200] for name, _ in described],
                "kinds": [kind.value for _, kind in described],
                "org": org,
                "at": at,
            },
        )
        found.update(dict(await cur.fetchall()))
        missing = [key for key in wanted if key not in found]
        if missing:
            await cur.execute(
                "SELECT key, id::text FROM financial_accounts WHERE organization_id = %s AND key = ANY(%s)",
                (org, missing),
            )
            found.update(dict(await cur.fetchall()))

"""PostgreSQL adapter of ``PaymentPosting``: a settled payment's rows in two round trips.

The rows are the ones the repositories write (the same row builders: ``invoice_row``,
``journal_entry_row``, ``journal_line_rows``, ``payment_row``), sent straight to the unit of work's
psycopg connection (same connection, same transaction) in pipeline mode, as prepared statements:

1. the paid invoices' versioned ``UPDATE``s, the accounts' ids, the receipt counter's upsert
   ``RETURNING`` (its row lock is taken last, after the invoices';
   the accounts missing, a first payment of the organization, are created after it);
2. with the number: the journal entry and its lines (one statement, multi-row ``VALUES``), the
   payment's versioned ``UPDATE``, its allocations (multi-row ``VALUES``).

SQLAlchemy's per-statement execution path costs ~0.15–0.25 ms of Python each (bench/README.md,
"Payment posting vs its own SQL"); here the six statements cost one call each.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.invoices import invoice_row
from pmsaas.adapters.sql.repositories.financial.ledger import (
    SqlLedgerRepository,
    journal_entry_row,
    journal_line_rows,
)
from pmsaas.adapters.sql.repositories.financial.payments import SqlPaymentRepository, payment_row
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.ledger import JournalEntry
from pmsaas.domain.financial.ports import PaymentPosting, Settlement
from pmsaas.domain.shared.errors import Conflict, DependencyUnavailable
from pmsaas.domain.shared.ids import new_id

_INVOICE_KEPT = ("id", "organization_id", "created_at")  # never rewritten, as SqlInvoiceRepository.update
_PAYMENT_KEPT = (*_INVOICE_KEPT, "idempotency_scope", "idempotency_key", "request_fingerprint")
_INVOICE_SET = tuple(c.name for c in F.invoices.c if c.name not in _INVOICE_KEPT)
_PAYMENT_SET = tuple(c.name for c in F.payments.c if c.name not in _PAYMENT_KEPT)
_ENTRY_COLUMNS = tuple(c.name for c in F.journal_entries.c)
_LINE_COLUMNS = tuple(c.name for c in F.journal_lines.c)
_ALLOCATION_COLUMNS = tuple(c.name for c in F.payment_allocations.c)


# Statements assembled from the tables' own column names (no input reaches their text).


def _versioned_update(table: str, columns: Sequence[str]) -> str:
    assignments = ", ".join(f"{c} = %({c})s" for c in columns)
    where = "WHERE organization_id = %(w_organization_id)s AND id = %(w_id)s AND version = %(w_version)s"
    return " ".join(("UPDATE", table, "SET", assignments, where))


def _insert(table: str, columns: Sequence[str], rows: int) -> str:
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return " ".join(("INSERT INTO", table, "(" + ", ".join(columns) + ")", "VALUES", ", ".join([one] * rows)))


_INVOICE_UPDATE = _versioned_update(F.invoices.name, _INVOICE_SET)
_PAYMENT_UPDATE = _versioned_update(F.payments.name, _PAYMENT_SET)
_ACCOUNT_IDS = "SELECT key, id FROM financial_accounts WHERE organization_id = %s AND key = ANY(%s)"
_RECEIPT_COUNTER = (  # as SqlNumberSequences.reserve: create the counter at 1 or move it by 1
    "INSERT INTO financial_number_sequences AS s (organization_id, series, fiscal_year, last_value)"
    " VALUES (%s, 'receipt', %s, 1)"
    " ON CONFLICT (organization_id, series, fiscal_year) DO UPDATE SET last_value = s.last_value + 1"
    " RETURNING last_value"
)
_DELETE_ALLOCATIONS = "DELETE FROM financial_payment_allocations WHERE payment_id = %s"


@functools.cache
def _entry_with_lines(lines: int) -> str:
    """The entry and its lines in one statement (the lines' foreign key is checked at its end)."""
    entry = _insert(F.journal_entries.name, _ENTRY_COLUMNS, 1)
    return "WITH entry AS (" + entry + ") " + _insert(F.journal_lines.name, _LINE_COLUMNS, lines)


@functools.cache
def _allocations(rows: int) -> str:
    return _insert(F.payment_allocations.name, _ALLOCATION_COLUMNS, rows)


class PostgresPaymentPosting(PaymentPosting):
    def __init__(self, conn: AsyncConnection, payments: SqlPaymentRepository, ledger: SqlLedgerRepository) -> None:
        self._conn, self._payments, self._ledger = conn, payments, ledger

    async def settle(self, settlement: Settlement, receipt: Callable[[int], JournalEntry]) -> None:
        pg = await self._driver()
        try:
            seq, ids = await self._number(pg, settlement)
            entry = receipt(seq)
            missing = {line.account for line in entry.lines} - set(ids)
            if missing:  # the organization's first posting to them (through SQLAlchemy: rare)
                ids |= await self._ledger.account_ids(entry.organization_id, missing, settlement.at)
            await self._record(pg, settlement, entry, ids)
        except psycopg.OperationalError as exc:
            if pg.closed or pg.broken:
                await self._conn.invalidate(exc)
                raise DependencyUnavailable("database connection lost; retry the request") from exc
            raise

    async def _driver(self) -> Any:
        raw = await self._conn.get_raw_connection()
        pg = raw.driver_connection  # psycopg's AsyncConnection: the unit of work's own
        assert pg is not None
        return pg

    async def _number(self, pg: Any, s: Settlement) -> tuple[int, dict[str, UUID]]:
        """Round trip 1: the invoices, the accounts' ids, the receipt counter (its lock last)."""
        org = s.payment.organization_id
        updates = []
        async with pg.pipeline():  # sent together, synced (and errors raised) at the block's end
            for invoice, version in s.paid_invoices:
                values = invoice_row(invoice)
                values.update(w_organization_id=org, w_id=invoice.id, w_version=version)
                updates.append(await pg.execute(_INVOICE_UPDATE, values, prepare=True))
            accounts = await pg.execute(_ACCOUNT_IDS, (org, sorted(s.accounts)), prepare=True)
            counter = await pg.execute(_RECEIPT_COUNTER, (org, s.fiscal_year), prepare=True)
        if any(u.rowcount != 1 for u in updates):
            raise Conflict("the invoice was changed by someone else; reload and retry")
        ids = {key: id_ for key, id_ in await accounts.fetchall()}
        (seq,) = await counter.fetchone()
        return int(seq), ids

    async def _record(self, pg: Any, s: Settlement, entry: JournalEntry, ids: dict[str, UUID]) -> None:
        """Round trip 2: the entry and its lines, the payment row, its allocations."""
        payment = s.payment
        head = journal_entry_row(entry)
        params = [head[c] for c in _ENTRY_COLUMNS]
        for line in journal_line_rows(entry, ids):
            params += [line[c] for c in _LINE_COLUMNS]
        values = payment_row(payment)
        values.update(
            invoice_ids=Jsonb(values["invoice_ids"]),
            w_organization_id=payment.organization_id,
            w_id=payment.id,
            w_version=s.expected_version,
        )
        rows: list[Any] = []
        for i, a in enumerate(payment.allocations):
            rows += [new_id(), payment.organization_id, payment.id, a.invoice_id, i, a.amount.minor, a.amount.currency]
        async with pg.pipeline():
            await pg.execute(_entry_with_lines(len(entry.lines)), params, prepare=True)
            update = await pg.execute(_PAYMENT_UPDATE, values, prepare=True)
            if not self._payments.take_unallocated(payment.id):
                await pg.execute(_DELETE_ALLOCATIONS, (payment.id,), prepare=True)
            if rows:
                await pg.execute(_allocations(len(payment.allocations)), rows, prepare=True)
        if update.rowcount != 1:
            raise Conflict("the payment was changed by someone else; reload and retry")

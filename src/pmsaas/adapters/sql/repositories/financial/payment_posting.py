"""PostgreSQL adapter of ``PaymentPosting``: a payment's reads in one round trip, a settled
payment's rows in two.

Sent straight to the unit of work's psycopg connection (same connection, same transaction, so
the organization named for row-level security is the request's) in pipeline mode, as prepared
statements:

0. ``open``: the idempotency look-up (the id only: a replay loads the payment through the
   repository), the lease, the organization's profile and, when asked, the lease's open invoices
   ``FOR UPDATE``: the repositories' own statements, compiled once, mapped by their row mappers;
1. the paid invoices' versioned ``UPDATE``s, the accounts' ids, the receipt counter's upsert
   ``RETURNING`` (its row lock is taken last, after the invoices';
   the accounts missing, a first payment of the organization, are created after it);
2. with the number: the journal entry and its lines (one statement, multi-row ``VALUES``), the
   payment (a new one ``INSERT … ON CONFLICT DO NOTHING`` in its settled state: the idempotency
   record; a stored one a versioned ``UPDATE``), its allocations (multi-row ``VALUES``), the unit
   of work's events into the outbox (``RETURNING txid_current()``, for a COMMIT whose answer is lost).

SQLAlchemy's per-statement execution path costs ~0.15–0.25 ms of Python each (bench/README.md,
"Payment posting vs its own SQL"); here each statement costs one call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import psycopg
import sqlalchemy as sa
from psycopg.types.json import Jsonb
from sqlalchemy.dialects.postgresql import psycopg as pg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.directories import (
    _LEASE_BY_ID,
    _PROFILE,
    SqlLeaseDirectory,
    profile_from_row,
)
from pmsaas.adapters.sql.repositories.financial.invoices import (
    _OPEN_FOR_LEASE_LOCKED,
    invoice_row,
    open_invoices_from_rows,
)
from pmsaas.adapters.sql.repositories.financial.ledger import (
    SqlLedgerRepository,
    journal_entry_row,
    journal_line_rows,
)
from pmsaas.adapters.sql.repositories.financial.payments import SqlPaymentRepository, allocation_rows, payment_row
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.ledger import JournalEntry
from pmsaas.domain.financial.ports import PaymentOpening, PaymentPosting, Settlement
from pmsaas.domain.shared.errors import Conflict, DependencyUnavailable, NotFound

if TYPE_CHECKING:
    from pmsaas.adapters.sql.uow import SqlUnitOfWork

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
_PAYMENT_COLUMNS = tuple(c.name for c in F.payments.c)
_PAYMENT_INSERT = (
    _insert(F.payments.name, _PAYMENT_COLUMNS, 1) + " ON CONFLICT DO NOTHING RETURNING id"
)  # the idempotency record: the unique (organization, scope, key)
_PAYMENT_BY_KEY = (
    "SELECT id FROM financial_payments WHERE organization_id = %s AND idempotency_scope = %s AND idempotency_key = %s"
)
_OUTBOX_COLUMNS = ("id", "organization_id", "event", "payload", "occurred_at")


def _compiled(statement: sa.Select[Any], *names: str) -> tuple[str, dict[str, Any]]:
    """A repository's statement as psycopg's SQL and its fixed parameters (compiled once); ``names``
    are the parameters given per execution."""
    compiled = statement.params(dict.fromkeys(names)).compile(dialect=pg_dialect.dialect())
    expanded = compiled.construct_expanded_state()  # an IN list of constants: one parameter each
    return expanded.statement, {k: v for k, v in expanded.parameters.items() if k not in names}


_LEASE_SQL, _LEASE_PARAMS = _compiled(_LEASE_BY_ID, "w_organization_id", "w_id")
_PROFILE_SQL, _PROFILE_PARAMS = _compiled(_PROFILE, "w_id")
_OPEN_INVOICES_SQL, _OPEN_INVOICES_PARAMS = _compiled(_OPEN_FOR_LEASE_LOCKED, "w_organization_id", "w_lease_id")


class _Row:
    """A row as the repositories' mappers read one: attributes and ``_mapping``; timestamps in UTC
    (as ``UtcDateTime`` hands them back)."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: dict[str, Any]) -> None:
        self._mapping = mapping

    def __getattr__(self, name: str) -> Any:
        try:
            return self._mapping[name]
        except KeyError:
            raise AttributeError(name) from None


def _rows(cursor: Any) -> Callable[[Sequence[Any]], _Row]:
    result = cursor.pgresult  # the names straight from the result (``description`` builds objects per column)
    names = [result.fname(i).decode() for i in range(result.nfields)] if result is not None else []

    def make(values: Sequence[Any]) -> _Row:
        return _Row(
            {n: v.astimezone(UTC) if isinstance(v, datetime) else v for n, v in zip(names, values, strict=True)}
        )

    return make


@functools.cache
def _outbox(rows: int) -> str:
    return _insert("notifications_outbox", _OUTBOX_COLUMNS, rows) + " RETURNING txid_current()"


@functools.cache
def _entry_with_lines(lines: int) -> str:
    """The entry and its lines in one statement (the lines' foreign key is checked at its end)."""
    entry = _insert(F.journal_entries.name, _ENTRY_COLUMNS, 1)
    return "WITH entry AS (" + entry + ") " + _insert(F.journal_lines.name, _LINE_COLUMNS, lines)


@functools.cache
def _allocations(rows: int) -> str:
    """The allocation rows, if their payment is there (a new payment whose key another took is not)."""
    # A NULL date would reach VALUES untyped (text): the cast keeps the column a date.
    one = "(" + ", ".join("%s::date" if c == "applied_on" else "%s" for c in _ALLOCATION_COLUMNS) + ")"
    return " ".join(
        (
            "INSERT INTO",
            F.payment_allocations.name,
            "(" + ", ".join(_ALLOCATION_COLUMNS) + ")",
            "SELECT v.* FROM (VALUES",
            ", ".join([one] * rows),
            ") AS v WHERE EXISTS (SELECT FROM financial_payments WHERE id = %s)",
        )
    )


class PostgresPaymentPosting(PaymentPosting):
    def __init__(
        self, conn: AsyncConnection, payments: SqlPaymentRepository, ledger: SqlLedgerRepository, uow: SqlUnitOfWork
    ) -> None:
        self._conn, self._payments, self._ledger, self._uow = conn, payments, ledger, uow

    async def open(
        self, organization_id: UUID, idempotency_scope: str, idempotency_key: str, lease_id: UUID, *, invoices: bool
    ) -> PaymentOpening:
        pg = await self._driver()
        lease_params = {**_LEASE_PARAMS, "w_organization_id": organization_id, "w_id": lease_id}
        invoice_params = {**_OPEN_INVOICES_PARAMS, "w_organization_id": organization_id, "w_lease_id": lease_id}
        try:
            # One cursor per statement, read after the block: a fetch inside it would wait for its answer.
            async with pg.pipeline():
                found = await pg.cursor().execute(
                    _PAYMENT_BY_KEY, (organization_id, idempotency_scope, idempotency_key), prepare=True
                )
                leases = await pg.cursor(row_factory=_rows).execute(_LEASE_SQL, lease_params, prepare=True)
                profiles = await pg.cursor(row_factory=_rows).execute(
                    _PROFILE_SQL, {**_PROFILE_PARAMS, "w_id": organization_id}, prepare=True
                )
                if invoices:
                    open_rows = await pg.cursor(row_factory=_rows).execute(
                        _OPEN_INVOICES_SQL, invoice_params, prepare=True
                    )
            existing, lease, profile = await found.fetchone(), await leases.fetchone(), await profiles.fetchone()
            open_invoices = open_invoices_from_rows(await open_rows.fetchall()) if invoices else None
        except psycopg.OperationalError as exc:
            await self._lost(pg, exc)
            raise
        if profile is None:
            raise NotFound("organization", organization_id)
        return PaymentOpening(
            await self._payments.by_idempotency_key(organization_id, idempotency_scope, idempotency_key)
            if existing is not None
            else None,  # a replay: the payment with its allocations, through the repository
            SqlLeaseDirectory._ref(lease) if lease is not None else None,
            profile_from_row(profile),
            open_invoices,
        )

    async def settle(self, settlement: Settlement, receipt: Callable[[int], JournalEntry]) -> bool:
        pg = await self._driver()
        try:
            seq, ids = await self._number(pg, settlement)
            entry = receipt(seq)
            missing = {line.account for line in entry.lines} - set(ids)
            if missing:  # the organization's first posting to them (through SQLAlchemy: rare)
                ids |= await self._ledger.account_ids(entry.organization_id, missing, settlement.at)
            return await self._record(pg, settlement, entry, ids)
        except psycopg.OperationalError as exc:
            await self._lost(pg, exc)
            raise

    async def _lost(self, pg: Any, exc: psycopg.OperationalError) -> None:
        if pg.closed or pg.broken:
            await self._conn.invalidate(exc)
            raise DependencyUnavailable("database connection lost; retry the request") from exc

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

    async def _record(self, pg: Any, s: Settlement, entry: JournalEntry, ids: dict[str, UUID]) -> bool:
        """Round trip 2: the entry and its lines, the payment row, its allocations, the outbox."""
        payment = s.payment
        head = journal_entry_row(entry)
        params = [head[c] for c in _ENTRY_COLUMNS]
        for line in journal_line_rows(entry, ids):
            params += [line[c] for c in _LINE_COLUMNS]
        values = payment_row(payment)
        values["invoice_ids"] = Jsonb(values["invoice_ids"])
        rows: list[Any] = []
        for row in allocation_rows(payment):
            rows += [row[c] for c in _ALLOCATION_COLUMNS]
        events = self._uow.hand_over_events()
        outbox: list[Any] = []
        for e in events:
            outbox += [e.id, e.organization_id, e.name, Jsonb(e.data), e.occurred_at]
        async with pg.pipeline():
            await pg.execute(_entry_with_lines(len(entry.lines)), params, prepare=True)
            if s.expected_version is None:
                written = await pg.execute(_PAYMENT_INSERT, [values[c] for c in _PAYMENT_COLUMNS], prepare=True)
            else:
                values.update(w_organization_id=payment.organization_id, w_id=payment.id, w_version=s.expected_version)
                written = await pg.execute(_PAYMENT_UPDATE, values, prepare=True)
                if not self._payments.take_unallocated(payment.id):
                    await pg.execute(_DELETE_ALLOCATIONS, (payment.id,), prepare=True)
            if rows:  # a new payment whose key was taken has no row: its allocations none either
                await pg.execute(_allocations(len(payment.allocations)), [*rows, payment.id], prepare=True)
            if outbox:
                transaction = await pg.execute(_outbox(len(events)), outbox, prepare=True)
        if s.expected_version is None:
            if await written.fetchone() is None:
                return False  # another request took the idempotency key: the caller rolls back
        elif written.rowcount != 1:
            raise Conflict("the payment was changed by someone else; reload and retry")
        if outbox:
            (transaction_id,) = await transaction.fetchone()
            self._uow.events_written(int(transaction_id))
        return True

"""SQL adapter of the ledger port: journal entries and lines, the chart of accounts, ledger views."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.financial.common import insert_ignore
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.ports import LedgerLineView, LedgerRepository
from pmsaas.domain.shared.errors import NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money

# A per-posting read as a prebuilt statement with bound parameters: built (and compiled) once.
_ACCOUNT_IDS = sa.select(F.accounts.c.key, F.accounts.c.id).where(
    F.accounts.c.organization_id == sa.bindparam("w_organization_id"),
    F.accounts.c.key.in_(sa.bindparam("w_keys", expanding=True)),
)


def journal_entry_row(e: L.JournalEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "organization_id": e.organization_id,
        "entry_date": e.entry_date,
        "description": e.description[:300],
        "source_type": e.source_type,
        "source_id": e.source_id,
        "reverses_id": e.reverses_id,
        "currency": e.currency,
        "posted_at": e.posted_at,
    }


def journal_line_rows(e: L.JournalEntry, account_ids: dict[str, UUID]) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id(),
            "organization_id": e.organization_id,
            "entry_id": e.id,
            "position": i,
            "account_id": account_ids[line.account],
            "lease_id": line.lease_id,
            "amount_minor": line.amount.minor,
            "currency": line.amount.currency,
            "memo": line.memo,
        }
        for i, line in enumerate(e.lines)
    ]


_ONE_STATEMENT_LINES = 32  # longer entries (rare) take post_many's two statements


@functools.cache
def _entry_with_lines(n_lines: int) -> Any:
    """``WITH entry AS (INSERT INTO journal_entries ...) INSERT INTO journal_lines ...`` for an
    entry of ``n_lines`` lines, with bound parameters (``e_<column>``, ``l<i>_<column>``): one
    statement object per line count, so SQLAlchemy compiles it once."""
    je, jl = F.journal_entries, F.journal_lines
    head = je.insert().values({c.name: sa.bindparam(f"e_{c.name}", type_=c.type) for c in je.c}).cte("entry")
    # INSERT ... SELECT of the bound rows, not a multi-row VALUES: SQLAlchemy does not cache those.
    rows = [sa.select(*(sa.bindparam(f"l{i}_{c.name}", type_=c.type) for c in jl.c)) for i in range(n_lines)]
    return jl.insert().from_select(list(jl.c), sa.union_all(*rows) if n_lines > 1 else rows[0]).add_cte(head)


class SqlLedgerRepository(LedgerRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        # Ids resolved in this transaction (prepare_accounts): rows it read or created, so valid
        # until its end whatever happens (the repository lives as long as the unit of work's connection).
        self._prepared: dict[tuple[UUID, str], UUID] = {}

    async def prepare_accounts(self, organization_id: UUID, accounts: Iterable[str], at: datetime) -> None:
        ids = await self.account_ids(organization_id, set(accounts), at)
        self._prepared.update({(organization_id, key): id_ for key, id_ in ids.items()})

    async def account_ids(self, organization_id: UUID, keys: set[str], at: Any) -> dict[str, UUID]:
        prepared = {k: self._prepared.get((organization_id, k)) for k in keys}
        if all(prepared.values()):
            return {k: v for k, v in prepared.items() if v is not None}
        a = F.accounts
        params = {"w_organization_id": organization_id, "w_keys": sorted(keys)}
        found = {r.key: r.id for r in await self._conn.execute(_ACCOUNT_IDS, params)}
        missing = keys - set(found)
        if missing:
            rows = []
            for key in sorted(missing):
                name, kind = L.describe(key)
                rows.append(
                    {
                        "id": new_id(),
                        "organization_id": organization_id,
                        "key": key,
                        "name": name[:200],
                        "kind": kind.value,
                        "created_at": at,
                    }
                )
            await self._conn.execute(insert_ignore(self._conn, a), rows)
            found = {r.key: r.id for r in await self._conn.execute(_ACCOUNT_IDS, params)}
        return found

    async def post(self, entry: L.JournalEntry) -> None:
        if self._conn.dialect.name != "postgresql" or not 0 < len(entry.lines) <= _ONE_STATEMENT_LINES:
            await self.post_many([entry])
            return
        # PostgreSQL: the entry and its lines in one statement (the entry's INSERT as a
        # data-modifying CTE; the lines' foreign key is checked at the end of the statement).
        ids = await self.account_ids(entry.organization_id, {line.account for line in entry.lines}, entry.posted_at)
        params = {f"e_{k}": v for k, v in journal_entry_row(entry).items()}
        for i, row in enumerate(journal_line_rows(entry, ids)):
            params.update({f"l{i}_{k}": v for k, v in row.items()})
        await self._conn.execute(_entry_with_lines(len(entry.lines)), params)

    async def post_many(self, entries: list[L.JournalEntry]) -> None:
        """Batch posting (the billing run): one statement per table, accounts created once."""
        if not entries:
            return
        by_org: dict[UUID, set[str]] = {}
        for e in entries:
            by_org.setdefault(e.organization_id, set()).update(line.account for line in e.lines)
        ids = {org: await self.account_ids(org, keys, entries[0].posted_at) for org, keys in by_org.items()}
        await self._conn.execute(F.journal_entries.insert(), [journal_entry_row(e) for e in entries])
        lines = [row for e in entries for row in journal_line_rows(e, ids[e.organization_id])]
        await self._conn.execute(F.journal_lines.insert(), lines)

    async def entry_for(self, organization_id: UUID, source_type: str, source_id: UUID) -> L.JournalEntry:
        je, jl, a = F.journal_entries, F.journal_lines, F.accounts
        head = (
            await self._conn.execute(
                sa.select(je).where(
                    je.c.organization_id == organization_id,
                    je.c.source_type == source_type,
                    je.c.source_id == source_id,
                    je.c.reverses_id.is_(None),
                )
            )
        ).first()
        if head is None:
            raise NotFound("journal entry", source_id)
        lines = (
            await self._conn.execute(
                sa.select(a.c.key, jl.c.amount_minor, jl.c.currency, jl.c.lease_id, jl.c.memo)
                .join(a, a.c.id == jl.c.account_id)
                .where(jl.c.entry_id == head.id)
                .order_by(jl.c.position)
            )
        ).all()
        return L.JournalEntry(
            id=head.id,
            organization_id=head.organization_id,
            entry_date=head.entry_date,
            description=head.description,
            lines=tuple(
                L.JournalLine(r.key, Money.from_minor(r.amount_minor, r.currency), r.lease_id, r.memo) for r in lines
            ),
            posted_at=head.posted_at,
            source_type=head.source_type,
            source_id=head.source_id,
            reverses_id=head.reverses_id,
        )

    async def deposit_held(self, organization_id: UUID, lease_id: UUID, currency: str) -> Money:
        jl, a = F.journal_lines, F.accounts
        total = await self._conn.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(jl.c.amount_minor), 0))
            .join(a, a.c.id == jl.c.account_id)
            .where(
                jl.c.organization_id == organization_id,
                jl.c.lease_id == lease_id,
                jl.c.currency == currency,
                a.c.key == "deposits_held",
            )
        )
        return Money.from_minor(-int(total or 0), currency)  # a liability: credit balance

    async def trial_balance(self, organization_id: UUID, currency: str) -> list[L.TrialBalanceRow]:
        jl, a = F.journal_lines, F.accounts
        debit = sa.case((jl.c.amount_minor > 0, jl.c.amount_minor), else_=0)
        credit = sa.case((jl.c.amount_minor < 0, -jl.c.amount_minor), else_=0)
        rows = await self._conn.execute(
            sa.select(a.c.key, a.c.name, a.c.kind, *_exact_sum(debit, "debit"), *_exact_sum(credit, "credit"))
            .join(jl, jl.c.account_id == a.c.id)
            .where(a.c.organization_id == organization_id)
            .group_by(a.c.key, a.c.name, a.c.kind)
            .order_by(a.c.key)
        )
        return [
            L.TrialBalanceRow(
                r.key,
                r.name,
                L.AccountKind(r.kind),
                Money.from_minor(_joined(r.debit_high, r.debit_low), currency),
                Money.from_minor(_joined(r.credit_high, r.credit_low), currency),
            )
            for r in rows
        ]

    async def lease_ledger(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
        return await self._lease_lines(organization_id, lease_id, F.accounts.c.key.startswith("ar:"))

    async def deposit_lines(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
        return await self._lease_lines(organization_id, lease_id, F.accounts.c.key == "deposits_held")

    async def _lease_lines(self, organization_id: UUID, lease_id: UUID, account: Any) -> list[LedgerLineView]:
        je, jl, a = F.journal_entries, F.journal_lines, F.accounts
        rows = await self._conn.execute(
            sa.select(
                je.c.id,
                je.c.entry_date,
                je.c.description,
                je.c.source_type,
                je.c.source_id,
                jl.c.amount_minor,
                jl.c.currency,
            )
            .join(jl, jl.c.entry_id == je.c.id)
            .join(a, a.c.id == jl.c.account_id)
            .where(
                jl.c.organization_id == organization_id,
                jl.c.lease_id == lease_id,
                account,
            )
            .order_by(je.c.posted_at, je.c.entry_date, je.c.id)
        )
        return [
            LedgerLineView(
                r.id,
                r.entry_date,
                r.description,
                r.source_type,
                r.source_id,
                Money.from_minor(r.amount_minor, r.currency),
            )
            for r in rows
        ]


_HALF = 32  # bits in the low half of a split sum


def _exact_sum(amount: sa.ColumnElement[int], name: str) -> tuple[sa.Label[int], sa.Label[int]]:
    """SUM of non-negative minor units in two halves: SQLite's SUM raises past 2^63, and an
    organization's account may hold more than that in total. Each half sums to under 2^63 for up to
    2^31 lines, and Python joins them exactly (PostgreSQL would be exact anyway; one query serves both)."""
    high = sa.func.coalesce(sa.func.sum(amount.op(">>")(sa.literal(_HALF, sa.Integer))), 0)  # int4 on PostgreSQL
    low = sa.func.coalesce(sa.func.sum(amount.op("&")((1 << _HALF) - 1)), 0)
    return high.label(f"{name}_high"), low.label(f"{name}_low")


def _joined(high: int, low: int) -> int:
    return (int(high) << _HALF) + int(low)

"""SQL adapter of the TDS port: the TDS record beside a payment or expense, the 194C aggregates and
the TDS report (records joined with what the journal posted to the TDS accounts)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.ports import TdsRepository
from pmsaas.domain.financial.tds_record import TdsDeduction, TdsDirection
from pmsaas.domain.financial.tds_report import TdsReportRow
from pmsaas.domain.shared.money import Money

T = F.tds_lines
TDS_ACCOUNTS = ("tds_receivable", "tds_payable")


def _row(organization_id: UUID, source_type: str, source_id: UUID, d: TdsDeduction) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "id": d.id,
        "organization_id": organization_id,
        "source_type": source_type,
        "source_id": source_id,
        "direction": d.direction.value,
        "requested": d.requested[:40],
        "section": d.section,
        "rate": None if d.rate is None else str(d.rate),
        "currency": d.gross.currency,
        "gross_minor": d.gross.minor,
        "tds_minor": None if d.amount is None else d.amount.minor,
        "base_minor": None if d.base is None else d.base.minor,
        "act_version": d.act_version,
        "section_ref": d.section_ref,
        "payment_code": d.payment_code,
        "pan_number": d.pan_number,
        "payee_kind": d.payee_kind,
        "party_name": None if d.party_name is None else d.party_name[:200],
        "payee_key": d.payee_key[:220],
        "certificate_number": d.certificate_number,
        "computed": d.computed,
        "reason": d.reason,
        "deduction_date": d.deduction_date,
        "created_at": now,
        "updated_at": now,
    }


def _money(minor: int | None, currency: str) -> Money | None:
    return None if minor is None else Money.from_minor(minor, currency)


def to_deduction(r: Any) -> TdsDeduction:
    return TdsDeduction(
        id=r.id,
        direction=TdsDirection(r.direction),
        requested=r.requested,
        gross=Money.from_minor(r.gross_minor, r.currency),
        section=r.section,
        rate=None if r.rate is None else Decimal(r.rate),
        amount=_money(r.tds_minor, r.currency),
        base=_money(r.base_minor, r.currency),
        act_version=r.act_version,
        section_ref=r.section_ref,
        payment_code=r.payment_code,
        pan_number=r.pan_number,
        payee_kind=r.payee_kind,
        party_name=r.party_name,
        certificate_number=r.certificate_number,
        computed=r.computed,
        reason=r.reason,
        deduction_date=r.deduction_date,
    )


async def load_tds(
    conn: AsyncConnection, organization_id: UUID, source_type: str, ids: list[UUID]
) -> dict[UUID, TdsDeduction]:
    """The TDS records of some payments or expenses (one query; none asked, none run)."""
    if not ids:
        return {}
    rows = await conn.execute(
        sa.select(T).where(
            T.c.organization_id == organization_id, T.c.source_type == source_type, T.c.source_id.in_(ids)
        )
    )
    return {r.source_id: to_deduction(r) for r in rows}


class SqlTdsRepository(TdsRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def save(
        self, organization_id: UUID, source_type: str, source_id: UUID, deduction: TdsDeduction | None
    ) -> None:
        await self._conn.execute(
            T.delete().where(
                T.c.organization_id == organization_id, T.c.source_type == source_type, T.c.source_id == source_id
            )
        )
        if deduction is not None:
            await self._conn.execute(T.insert().values(**_row(organization_id, source_type, source_id, deduction)))

    async def payee_totals(
        self, organization_id: UUID, section: str, payee: str, start: date, end: date
    ) -> tuple[int, int]:
        if self._conn.dialect.name == "postgresql":
            # Two approvals for one payee queue here until the first commits, so each sees the
            # other's figures (SQLite serializes writers itself).
            await self._conn.execute(
                sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"tds:{organization_id}:{section}:{payee}")))
            )
        deducted = sa.case((T.c.tds_minor > 0, T.c.base_minor), else_=0)
        row = (
            await self._conn.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(T.c.gross_minor), 0),
                    sa.func.coalesce(sa.func.sum(deducted), 0),
                ).where(
                    T.c.organization_id == organization_id,
                    T.c.direction == TdsDirection.DEDUCTED.value,
                    T.c.source_type == "expense",
                    T.c.section == section,
                    T.c.payee_key == payee,
                    T.c.tds_minor.is_not(None),  # computed = approved
                    T.c.deduction_date >= start,
                    T.c.deduction_date <= end,
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    async def report(self, organization_id: UUID, start: date, end: date, direction: str | None) -> list[TdsReportRow]:
        je, jl, a = F.journal_entries, F.journal_lines, F.accounts
        posted = (
            sa.select(je.c.source_id.label("source_id"), sa.func.sum(jl.c.amount_minor).label("posted"))
            .select_from(je)
            .join(jl, jl.c.entry_id == je.c.id)
            .join(a, a.c.id == jl.c.account_id)
            .where(je.c.organization_id == organization_id, a.c.key.in_(TDS_ACCOUNTS))
            .group_by(je.c.source_id)
            .subquery()
        )
        query = (
            sa.select(T, posted.c.posted)
            .join(posted, posted.c.source_id == T.c.source_id)
            .where(
                T.c.organization_id == organization_id,
                T.c.deduction_date >= start,
                T.c.deduction_date <= end,
            )
            .order_by(T.c.direction, T.c.deduction_date, T.c.created_at, T.c.id)
        )
        if direction is not None:
            query = query.where(T.c.direction == direction)
        out: list[TdsReportRow] = []
        for r in await self._conn.execute(query):
            # Received TDS is a debit on tds_receivable, deducted TDS a credit on tds_payable.
            tds_minor = int(r.posted) if r.direction == TdsDirection.RECEIVED.value else -int(r.posted)
            if tds_minor == 0:
                continue  # reversed
            out.append(
                TdsReportRow(
                    direction=r.direction,
                    party_name=r.party_name,
                    pan_number=r.pan_number,
                    section=r.section or r.requested,
                    act_version=r.act_version,
                    section_ref=r.section_ref,
                    amount=Money.from_minor(_paid_or_credited(r), r.currency),
                    tds=Money.from_minor(tds_minor, r.currency),
                    rate=None if r.rate is None else Decimal(r.rate),
                    deduction_date=r.deduction_date,
                    certificate_number=r.certificate_number,
                    source_type=r.source_type,
                    source_id=r.source_id,
                )
            )
        return out


def _paid_or_credited(r: Any) -> int:
    """Received: the rent TDS was deducted on (Form 26AS shows the rent: no GST, deposit or late
    fee; docs/tax-rules.md §3.1); deducted: the expense paid or credited."""
    if r.direction == TdsDirection.RECEIVED.value and r.base_minor:
        return int(r.base_minor)
    return int(r.gross_minor)

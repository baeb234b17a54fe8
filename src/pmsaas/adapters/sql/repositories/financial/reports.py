"""SQL adapter of the report query port: the journal summed by the database, per tenant, lease,
property and month, so a report reads one row per group, not one per journal line."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.input_taxes import approved_bill_taxes
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.adapters.sql.tables.properties import leases, properties, tenants, units
from pmsaas.domain.financial.aging import PostedCharge, ReceivableBalance
from pmsaas.domain.financial.gstr1 import Recipient
from pmsaas.domain.financial.gstr1_advances import AdvanceReceipt, refund_parts
from pmsaas.domain.financial.gstr1_documents import IssuedDocument
from pmsaas.domain.financial.input_tax import InputTax
from pmsaas.domain.financial.model import SETTLED, InvoiceStatus
from pmsaas.domain.financial.owner_statement import InvoiceCollection, Receipts
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.property_reports import (
    INCOME_ACCOUNTS,
    MANAGEMENT_FEE_CATEGORIES,
    LeasePosition,
    Movement,
)
from pmsaas.domain.financial.report_ports import BillTax, LeaseScope, ReportQueries
from pmsaas.domain.shared.money import Money

je, jl, acc = F.journal_entries, F.journal_lines, F.accounts
_RECEIVABLE = acc.c.key.startswith("ar:")
_DEPOSITS = acc.c.key == "deposits_held"


def _lines(organization_id: UUID) -> Any:
    """Journal lines with their entry and account, of one organization."""
    return (
        sa.select()
        .select_from(jl.join(je, je.c.id == jl.c.entry_id).join(acc, acc.c.id == jl.c.account_id))
        .where(jl.c.organization_id == organization_id)
    )


def _sum_if(condition: Any, amount: Any = jl.c.amount_minor) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, amount), else_=0)), 0)


def _month(year: Any, month: Any) -> str:
    return f"{int(year):04d}-{int(month):02d}"


class SqlReportQueries(ReportQueries):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def property_names(self, organization_id: UUID, property_id: UUID | None = None) -> dict[UUID, str]:
        q = sa.select(properties.c.id, properties.c.name).where(
            properties.c.organization_id == organization_id, properties.c.deleted_at.is_(None)
        )
        if property_id is not None:
            q = q.where(properties.c.id == property_id)
        return {r.id: r.name for r in await self._conn.execute(q)}

    async def receivable_balances(self, organization_id: UUID, as_of: date) -> list[ReceivableBalance]:
        balance = sa.func.sum(jl.c.amount_minor).label("balance")
        q = (
            _lines(organization_id)
            .join(leases, leases.c.id == jl.c.lease_id)
            .join(tenants, tenants.c.id == leases.c.tenant_id)
            .join(properties, properties.c.id == tenants.c.property_id)
            .add_columns(leases.c.tenant_id, tenants.c.name, tenants.c.property_id, properties.c.name, balance)
            .where(_RECEIVABLE, je.c.entry_date <= as_of, leases.c.organization_id == organization_id)
            .group_by(leases.c.tenant_id, tenants.c.name, tenants.c.property_id, properties.c.name)
        )
        rows = (await self._conn.execute(q)).all()
        return [ReceivableBalance(r[0], r[1], r[2], r[3], int(r.balance)) for r in rows]

    async def posted_charges(self, organization_id: UUID, as_of: date, tenant_ids: set[UUID]) -> list[PostedCharge]:
        inv, reversal = F.invoices, je.alias("reversal")
        reversed_by_then = (
            sa.select(reversal.c.id).where(reversal.c.reverses_id == je.c.id, reversal.c.entry_date <= as_of).exists()
        )
        q = (
            _lines(organization_id)
            .join(inv, sa.and_(inv.c.id == je.c.source_id, inv.c.organization_id == organization_id))
            .add_columns(inv.c.tenant_id, inv.c.id, inv.c.due_date, jl.c.amount_minor)
            .where(
                _RECEIVABLE,
                je.c.source_type == "invoice",
                je.c.reverses_id.is_(None),
                je.c.entry_date <= as_of,
                ~reversed_by_then,
                inv.c.tenant_id.in_(sorted(tenant_ids)),
            )
        )
        return [PostedCharge(r[0], r[1], r[2], int(r[3])) for r in await self._conn.execute(q)]

    async def lease_positions(
        self, organization_id: UUID, as_of: date, *, scope: LeaseScope, property_id: UUID | None = None
    ) -> list[LeasePosition]:
        sums = (
            _lines(organization_id)
            .add_columns(
                jl.c.lease_id,
                _sum_if(_RECEIVABLE).label("receivable"),
                _sum_if(_DEPOSITS).label("deposit"),
                _sum_if(sa.and_(_DEPOSITS, jl.c.amount_minor < 0)).label("deposit_in"),
                _sum_if(sa.and_(_DEPOSITS, jl.c.amount_minor > 0)).label("deposit_out"),
            )
            .where(jl.c.lease_id.is_not(None), je.c.entry_date <= as_of)
            .group_by(jl.c.lease_id)
            .subquery("sums")
        )
        q = (
            sa.select(
                leases,
                units.c.name.label("unit_name"),
                tenants.c.name.label("tenant_name"),
                properties.c.name.label("property_name"),
                sums.c.receivable,
                sums.c.deposit,
                sums.c.deposit_in,
                sums.c.deposit_out,
            )
            .select_from(
                leases.join(units, units.c.id == leases.c.unit_id)
                .join(tenants, tenants.c.id == leases.c.tenant_id)
                .join(properties, properties.c.id == leases.c.property_id)
                .outerjoin(sums, sums.c.lease_id == leases.c.id)
            )
            .where(leases.c.organization_id == organization_id)
        )
        if property_id is not None:
            q = q.where(leases.c.property_id == property_id)
        if scope == "in_effect":
            q = q.where(
                leases.c.status != "draft",
                leases.c.start_date <= as_of,
                sa.or_(leases.c.end_date.is_(None), leases.c.end_date >= as_of),
                sa.or_(leases.c.status.in_(("active", "notice_given")), leases.c.end_date.is_not(None)),
            )
        elif scope == "deposits":
            q = q.where(sa.or_(sums.c.deposit_in != 0, sums.c.deposit_out != 0))
        return [
            LeasePosition(
                lease_id=r.id,
                property_id=r.property_id,
                property_name=r.property_name,
                unit_name=r.unit_name,
                tenant_id=r.tenant_id,
                tenant_name=r.tenant_name,
                status=r.status,
                start_date=r.start_date,
                end_date=r.end_date,
                rent_minor=r.rent_minor,
                deposit_agreed_minor=r.security_deposit_minor,
                receivable_minor=int(r.receivable or 0),
                deposit_held_minor=-int(r.deposit or 0),  # a liability: its credit balance
                deposit_received_minor=-int(r.deposit_in or 0),
                deposit_returned_minor=int(r.deposit_out or 0),
            )
            for r in await self._conn.execute(q)
        ]

    async def movements(
        self, organization_id: UUID, start: date | None, end: date, property_id: UUID | None = None
    ) -> list[Movement]:
        year, month = sa.extract("year", je.c.entry_date), sa.extract("month", je.c.entry_date)
        dated = [je.c.entry_date <= end] + ([je.c.entry_date >= start] if start is not None else [])
        income = (
            _lines(organization_id)
            .outerjoin(leases, leases.c.id == jl.c.lease_id)
            .add_columns(leases.c.property_id, year, month, acc.c.key, (-sa.func.sum(jl.c.amount_minor)))
            .where(acc.c.key.in_(INCOME_ACCOUNTS), *dated)
            .group_by(leases.c.property_id, year, month, acc.c.key)
        )
        ex = F.expenses
        fee = sa.func.lower(sa.func.trim(ex.c.category)).in_(sorted(MANAGEMENT_FEE_CATEGORIES))
        group = sa.case((fee, "management_fees"), else_="expenses")
        spent = (
            _lines(organization_id)
            .outerjoin(ex, sa.and_(ex.c.id == je.c.source_id, je.c.source_type == "expense"))
            .add_columns(ex.c.property_id, year, month, group, sa.func.sum(jl.c.amount_minor))
            .where(acc.c.key == "expenses", *dated)
            .group_by(ex.c.property_id, year, month, group)
        )
        if property_id is not None:
            income = income.where(leases.c.property_id == property_id)
            spent = spent.where(ex.c.property_id == property_id)
        out = []
        for q in (income, spent):
            for pid, y, m, name, amount in await self._conn.execute(q):
                if amount:
                    out.append(Movement(pid, _month(y, m), name, int(amount)))
        return out

    async def collections(
        self, organization_id: UUID, start: date, end: date, property_id: UUID | None = None
    ) -> list[InvoiceCollection]:
        pa, pay, inv, lines = F.payment_allocations, F.payments, F.invoices, F.invoice_lines
        kind = lines.c.charge_type
        parts = (
            sa.select(
                lines.c.invoice_id,
                _sum_if(kind == "rent", lines.c.amount_minor).label("rent"),
                _sum_if(kind.in_(("late_fee", "other")), lines.c.amount_minor).label("other"),
                _sum_if(kind == "deposit", lines.c.amount_minor).label("deposit"),
                _sum_if(kind == "reserve_fund", lines.c.amount_minor).label("reserve"),
            )
            .where(lines.c.organization_id == organization_id)
            .group_by(lines.c.invoice_id)
            .subquery("parts")
        )
        before = (je.c.entry_date < start).label("before")
        q = (
            sa.select(
                leases.c.property_id,
                before,
                pa.c.amount_minor,
                parts.c.rent,
                parts.c.other,
                inv.c.round_off_minor,
                inv.c.tax_minor,
                parts.c.deposit,
                parts.c.reserve,
            )
            .select_from(
                pa.join(pay, pay.c.id == pa.c.payment_id)
                .join(je, sa.and_(je.c.source_id == pay.c.id, je.c.source_type == "payment"))
                .join(inv, inv.c.id == pa.c.invoice_id)
                .join(parts, parts.c.invoice_id == inv.c.id)
                .join(leases, leases.c.id == pay.c.lease_id)
            )
            .where(
                pa.c.organization_id == organization_id,
                je.c.organization_id == organization_id,
                je.c.reverses_id.is_(None),
                je.c.entry_date <= end,
            )
        )
        if property_id is not None:
            q = q.where(leases.c.property_id == property_id)
        # One row per allocation, each split on its own: the splits of two periods add up to the
        # split of both together (grouping first would round differently).
        return [
            InvoiceCollection(
                pid, bool(b), int(alloc), int(rent), int(other) + int(off), int(tax), int(dep), int(reserve)
            )
            for pid, b, alloc, rent, other, off, tax, dep, reserve in await self._conn.execute(q)
        ]

    async def receipts(
        self, organization_id: UUID, start: date, end: date, property_id: UUID | None = None
    ) -> list[Receipts]:
        before = (je.c.entry_date < start).label("before")
        q = (
            _lines(organization_id)
            .join(leases, leases.c.id == jl.c.lease_id)
            .add_columns(
                leases.c.property_id,
                before,
                _sum_if(je.c.source_type == "payment", -jl.c.amount_minor),
                _sum_if(je.c.source_type == "refund", jl.c.amount_minor),
            )
            .where(_RECEIVABLE, je.c.source_type.in_(("payment", "refund")), je.c.entry_date <= end)
            .group_by(leases.c.property_id, before)
        )
        if property_id is not None:
            q = q.where(leases.c.property_id == property_id)
        return [
            Receipts(pid, bool(b), int(paid), int(refunded)) for pid, b, paid, refunded in await self._conn.execute(q)
        ]

    async def gst_recipients(self, organization_id: UUID) -> dict[UUID, Recipient]:
        q = (
            sa.select(leases.c.id, tenants.c.gstin, tenants.c.name, properties.c.province)
            .select_from(
                leases.join(tenants, tenants.c.id == leases.c.tenant_id).join(
                    properties, properties.c.id == leases.c.property_id
                )
            )
            .where(leases.c.organization_id == organization_id, tenants.c.gstin.is_not(None), tenants.c.gstin != "")
        )
        return {r.id: Recipient(r.id, r.gstin, r.name, r.province) for r in await self._conn.execute(q)}

    async def bill_taxes(self, organization_id: UUID, start: date, end: date) -> list[BillTax]:
        return [
            BillTax(
                r.expense_id,
                r.expense_date,
                r.region,
                Money.from_minor(r.amount_minor, r.currency),
                InputTax.from_json(r.input_tax, r.currency),
            )
            for r in await approved_bill_taxes(self._conn, organization_id, start, end)
        ]

    async def supply_places(self, organization_id: UUID) -> dict[UUID, Recipient]:
        q = (
            sa.select(leases.c.id, tenants.c.gstin, tenants.c.name, properties.c.province)
            .select_from(
                leases.join(tenants, tenants.c.id == leases.c.tenant_id).join(
                    properties, properties.c.id == leases.c.property_id
                )
            )
            .where(leases.c.organization_id == organization_id)
        )
        rows = await self._conn.execute(q)
        return {r.id: Recipient(r.id, r.gstin or "", r.name, r.province or "") for r in rows}

    async def documents_issued(
        self, organization_id: UUID, start: date, end: date, time_zone: str
    ) -> list[IssuedDocument]:
        i, c, p = F.invoices, F.credit_notes, F.payments
        invoices = sa.select(i.c.number, i.c.status).where(
            i.c.organization_id == organization_id,
            i.c.number.is_not(None),
            i.c.issue_date >= start,
            i.c.issue_date <= end,
        )
        out = [
            IssuedDocument("invoice", r.number, r.status == InvoiceStatus.CANCELLED.value)
            for r in await self._conn.execute(invoices)
        ]
        notes = sa.select(c.c.number).where(
            c.c.organization_id == organization_id, c.c.issue_date >= start, c.c.issue_date <= end
        )
        out += [IssuedDocument("credit_note", n) for n in (await self._conn.execute(notes)).scalars()]
        # A receipt is dated the day the money was received (received_on, else the settling day in the
        # organization's time zone): read a day either side in UTC, then decide.
        near = (
            datetime.combine(start - timedelta(days=1), time.min, UTC),
            datetime.combine(end + timedelta(days=2), time.min, UTC),
        )
        receipts = sa.select(p.c.receipt_number, p.c.received_on, p.c.received_at).where(
            p.c.organization_id == organization_id,
            p.c.receipt_number.is_not(None),
            sa.or_(
                p.c.received_on.between(start, end),
                sa.and_(p.c.received_on.is_(None), p.c.received_at >= near[0], p.c.received_at < near[1]),
            ),
        )
        for r in await self._conn.execute(receipts):
            day = r.received_on or local_today(time_zone, r.received_at)
            if start <= day <= end:
                out.append(IssuedDocument("receipt", r.receipt_number))
        return out

    async def advance_receipts(
        self, organization_id: UUID, start: date, end: date, time_zone: str
    ) -> list[AdvanceReceipt]:
        p, a, t = F.payments, F.payment_allocations, F.tds_lines
        # The day of receipt is the organization's: read a day either side in UTC, then decide.
        near = (
            datetime.combine(start - timedelta(days=1), time.min, UTC),
            datetime.combine(end + timedelta(days=2), time.min, UTC),
        )
        received_in = sa.or_(
            p.c.received_on.between(start, end),
            sa.and_(p.c.received_on.is_(None), p.c.received_at >= near[0], p.c.received_at < near[1]),
        )
        dated_in = sa.select(a.c.payment_id).where(
            a.c.organization_id == organization_id, a.c.applied_on.between(start, end)
        )
        r_ = F.refunds
        given_back = (r_.c.organization_id == organization_id, r_.c.deposit.is_(False))
        refunded_in = sa.select(r_.c.payment_id).where(*given_back, r_.c.created_at.between(*near))
        tds = (
            sa.select(sa.func.coalesce(sa.func.sum(t.c.tds_minor), 0))
            .where(t.c.source_type == "payment", t.c.source_id == p.c.id)
            .scalar_subquery()
        )
        q = sa.select(
            p.c.id,
            p.c.lease_id,
            p.c.received_on,
            p.c.received_at,
            p.c.currency,
            (p.c.amount_minor + tds).label("settled_minor"),
        ).where(
            p.c.organization_id == organization_id,
            p.c.status.in_([x.value for x in SETTLED]),
            sa.or_(received_in, p.c.id.in_(dated_in), p.c.id.in_(refunded_in)),
        )
        payments: dict[UUID, tuple[Any, date]] = {}
        for r in await self._conn.execute(q):
            day = r.received_on or (local_today(time_zone, r.received_at) if r.received_at else None)
            if day is not None and day <= end:
                payments[r.id] = (r, day)
        if not payments:
            return []
        applied: dict[UUID, list[tuple[date | None, int]]] = {pid: [] for pid in payments}
        rows = await self._conn.execute(
            sa.select(a.c.payment_id, a.c.applied_on, a.c.amount_minor)
            .where(a.c.organization_id == organization_id, a.c.payment_id.in_(list(payments)))
            .order_by(a.c.payment_id, a.c.position)
        )
        for pid, on, minor in rows:
            applied[pid].append((on, int(minor)))
        refunds = await self._conn.execute(
            sa.select(r_.c.payment_id, r_.c.created_at, r_.c.amount_minor, r_.c.from_credit_minor)
            .where(*given_back, r_.c.payment_id.in_(list(payments)))
            .order_by(r_.c.payment_id, r_.c.created_at)
        )
        settled = {pid: int(r.settled_minor) for pid, (r, _) in payments.items()}
        for pid, at, minor, from_credit in refunds:
            settled[pid], taken = refund_parts(settled[pid], int(minor), from_credit, local_today(time_zone, at))
            applied[pid] += taken
        return [
            AdvanceReceipt(pid, r.lease_id, day, settled[pid], r.currency, tuple(applied[pid]))
            for pid, (r, day) in payments.items()
        ]

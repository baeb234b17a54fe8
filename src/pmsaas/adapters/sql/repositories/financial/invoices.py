"""SQL adapter of the invoice repository: invoices and their lines."""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.queries.list_totals import INVOICES
from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.repositories.financial.common import insert_ignore, lock_for_update
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial.model import OPEN, ChargeType, Invoice, InvoiceLine, InvoiceStatus, InvoiceTax
from pmsaas.domain.financial.ports import InvoiceFilter, InvoiceRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest

I = F.invoices  # noqa: E741


def invoice_row(inv: Invoice) -> dict[str, Any]:
    assert inv.round_off is not None  # Invoice.__post_init__ makes it zero at the latest
    return {
        "id": inv.id,
        "organization_id": inv.organization_id,
        "number": inv.number,
        "lease_id": inv.lease_id,
        "tenant_id": inv.tenant_id,
        "status": inv.status.value,
        "issue_date": inv.issue_date,
        "due_date": inv.due_date,
        "currency": inv.currency,
        "subtotal_minor": inv.subtotal.minor,
        "tax_minor": inv.tax_total.minor,
        "round_off_minor": inv.round_off.minor,
        "total_minor": inv.total.minor,
        "paid_minor": inv.amount_paid.minor,
        "credited_minor": inv.amount_credited.minor,
        "period": inv.period,
        "service_period": inv.service_period,
        "notes": inv.notes,
        "issued_at": inv.issued_at,
        "sent_at": inv.sent_at,
        "cancelled_at": inv.cancelled_at,
        "version": inv.version,
        "created_at": inv.created_at,
        "updated_at": inv.updated_at,
    }


def _line_rows(inv: Invoice) -> list[dict[str, Any]]:
    return [
        {
            "id": new_id(),
            "organization_id": inv.organization_id,
            "invoice_id": inv.id,
            "position": i,
            "description": line.description[:300],
            "charge_type": line.charge_type.value,
            "supply_type": line.supply_type,
            "amount_minor": line.amount.minor,
            "currency": line.amount.currency,
            "taxes": [
                {
                    "tax": t.tax,
                    "rate": str(t.rate),
                    "amount_minor": t.amount.minor,
                    "payable_by": t.payable_by,
                    "jurisdiction": t.jurisdiction,
                }
                for t in line.taxes
            ],
        }
        for i, line in enumerate(inv.lines)
    ]


def _to_line(r: Any) -> InvoiceLine:
    return line_of(r.description, r.amount_minor, r.currency, r.charge_type, r.supply_type, r.taxes)


def line_of(
    description: str, amount_minor: int, currency: str, charge_type: str, supply_type: str | None, taxes: Any
) -> InvoiceLine:
    return InvoiceLine(
        description=description,
        amount=Money.from_minor(amount_minor, currency),
        charge_type=ChargeType(charge_type),
        supply_type=supply_type,
        taxes=tuple(
            InvoiceTax(
                t["tax"],
                Decimal(t["rate"]),
                Money.from_minor(int(t["amount_minor"]), currency),
                t["payable_by"],
                t.get("jurisdiction"),
            )
            for t in (taxes or [])
        ),
    )


_LINE_COLUMNS = ("description", "amount_minor", "currency", "charge_type", "supply_type", "taxes")


def _to_invoice(r: Any, lines: list[InvoiceLine]) -> Invoice:
    return Invoice(
        id=r.id,
        organization_id=r.organization_id,
        number=r.number,
        lease_id=r.lease_id,
        tenant_id=r.tenant_id,
        status=InvoiceStatus(r.status),
        issue_date=r.issue_date,
        due_date=r.due_date,
        currency=r.currency,
        lines=lines,
        paid=Money.from_minor(r.paid_minor, r.currency),
        credited=Money.from_minor(r.credited_minor, r.currency),
        round_off=Money.from_minor(r.round_off_minor, r.currency),
        period=r.period,
        service_period=r.service_period,
        notes=r.notes,
        issued_at=r.issued_at,
        sent_at=r.sent_at,
        cancelled_at=r.cancelled_at,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


# Versioned updates as prebuilt statements: the SET columns come from the parameters' names, so
# no statement is rebuilt (and no value coerced into it) per call.
_INVOICE_UPDATE = I.update().where(
    I.c.organization_id == sa.bindparam("w_organization_id"),
    I.c.id == sa.bindparam("w_id"),
    I.c.version == sa.bindparam("w_version"),
)

_OPEN_FOR_LEASE = (
    sa.select(
        I,
        F.invoice_lines.c.position.label("line_position"),
        *(F.invoice_lines.c[c].label(f"line_{c}") for c in _LINE_COLUMNS),
    )
    .select_from(I.outerjoin(F.invoice_lines, F.invoice_lines.c.invoice_id == I.c.id))
    .where(
        I.c.organization_id == sa.bindparam("w_organization_id"),
        I.c.lease_id == sa.bindparam("w_lease_id"),
        I.c.status.in_([s.value for s in OPEN]),
    )
    .order_by(I.c.due_date, I.c.issue_date, I.c.number, I.c.id, F.invoice_lines.c.position)
)
_OPEN_FOR_LEASE_LOCKED = _OPEN_FOR_LEASE.with_for_update(of=I)  # PostgreSQL; SQLite serializes writers

INVOICE_SORTABLE = {
    "created_at": I.c.created_at,
    "due_date": I.c.due_date,
    "issue_date": I.c.issue_date,
    "number": I.c.number,
    "total": I.c.total_minor,
}


class SqlInvoiceRepository(InvoiceRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _with_lines(self, rows: Sequence[Any]) -> list[Invoice]:
        if not rows:
            return []
        lt = F.invoice_lines
        by_invoice: dict[UUID, list[InvoiceLine]] = {r.id: [] for r in rows}
        for lr in await self._conn.execute(
            sa.select(lt).where(lt.c.invoice_id.in_(list(by_invoice))).order_by(lt.c.invoice_id, lt.c.position)
        ):
            by_invoice[lr.invoice_id].append(_to_line(lr))
        return [_to_invoice(r, by_invoice[r.id]) for r in rows]

    async def add(self, invoice: Invoice) -> None:
        await self._conn.execute(I.insert().values(**invoice_row(invoice)))
        if invoice.lines:
            await self._conn.execute(F.invoice_lines.insert(), _line_rows(invoice))

    async def add_many(self, invoices: list[Invoice]) -> list[Invoice]:
        if not invoices:
            return []
        result = await self._conn.execute(
            insert_ignore(self._conn, I).returning(I.c.id), [invoice_row(i) for i in invoices]
        )
        inserted = set(result.scalars())
        kept = [i for i in invoices if i.id in inserted]
        lines = [row for inv in kept for row in _line_rows(inv)]
        if lines:
            await self._conn.execute(F.invoice_lines.insert(), lines)
        return kept

    async def get(self, organization_id: UUID, invoice_id: UUID, *, for_update: bool = False) -> Invoice:
        query = sa.select(I).where(I.c.organization_id == organization_id, I.c.id == invoice_id)
        if for_update:
            query = lock_for_update(query, self._conn)
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("invoice", invoice_id)
        return (await self._with_lines([row]))[0]

    async def update(self, invoice: Invoice, expected_version: int) -> None:
        values = invoice_row(invoice)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        values.update(w_organization_id=invoice.organization_id, w_id=invoice.id, w_version=expected_version)
        result = await self._conn.execute(_INVOICE_UPDATE, values)
        if result.rowcount != 1:
            raise Conflict("the invoice was changed by someone else; reload and retry")
        if invoice.status == InvoiceStatus.DRAFT:  # only drafts change their lines
            await self._conn.execute(F.invoice_lines.delete().where(F.invoice_lines.c.invoice_id == invoice.id))
            if invoice.lines:
                await self._conn.execute(F.invoice_lines.insert(), _line_rows(invoice))

    async def delete(self, organization_id: UUID, invoice_id: UUID) -> None:
        owned = sa.select(I.c.id).where(I.c.organization_id == organization_id, I.c.id == invoice_id)
        await self._conn.execute(F.invoice_lines.delete().where(F.invoice_lines.c.invoice_id.in_(owned)))
        result = await self._conn.execute(
            I.delete().where(I.c.organization_id == organization_id, I.c.id == invoice_id)
        )
        if result.rowcount != 1:
            raise NotFound("invoice", invoice_id)

    async def list(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        where: builtins.list[Any] = [I.c.organization_id == organization_id]
        if filters.status == "overdue":
            where += [I.c.status.in_([s.value for s in OPEN]), I.c.paid_minor + I.c.credited_minor < I.c.total_minor]
            if filters.overdue_on is not None:
                where.append(I.c.due_date < filters.overdue_on)
        elif filters.status:
            where.append(I.c.status == filters.status)
        if filters.lease_id:
            where.append(I.c.lease_id == filters.lease_id)
        if filters.tenant_ids is not None:
            where.append(I.c.tenant_id.in_(list(filters.tenant_ids)))
        # Counted: by status alone (overdue depends on the day and on payments: counted rows).
        others = filters.status == "overdue" or filters.lease_id is not None or filters.tenant_ids is not None
        counted = INVOICES.total(organization_id, others=others, status=filters.status or None)
        result = await page_of(self._conn, I, where, INVOICE_SORTABLE, page, lambda r: r, counted=counted)
        return dataclasses.replace(result, items=await self._with_lines(result.items))

    async def issued_between(self, organization_id: UUID, start: date, end: date) -> builtins.list[Invoice]:
        rows = (
            await self._conn.execute(
                sa.select(I)
                .where(
                    I.c.organization_id == organization_id,
                    I.c.status.notin_([InvoiceStatus.DRAFT.value, InvoiceStatus.CANCELLED.value]),
                    I.c.issue_date >= start,
                    I.c.issue_date <= end,
                )
                .order_by(I.c.issue_date, I.c.id)
            )
        ).all()
        return await self._with_lines(rows)

    async def billed_leases(self, organization_id: UUID, period: str) -> set[UUID]:
        # The run's own slot (even cancelled: the unique constraint still holds it), and any live
        # invoice, drafts included, that bills the period's rent (manual invoices).
        rows = await self._conn.execute(
            sa.select(I.c.lease_id).where(
                I.c.organization_id == organization_id,
                sa.or_(
                    I.c.period == period,
                    sa.and_(I.c.service_period == period, I.c.status != InvoiceStatus.CANCELLED.value),
                ),
            )
        )
        return set(rows.scalars())

    async def open_due_before(self, organization_id: UUID, day: date) -> builtins.list[Invoice]:
        rows = (
            await self._conn.execute(
                sa.select(I)
                .where(
                    I.c.organization_id == organization_id,
                    I.c.status.in_([s.value for s in OPEN]),
                    I.c.due_date < day,
                    I.c.paid_minor + I.c.credited_minor < I.c.total_minor,
                )
                .order_by(I.c.due_date, I.c.id)
            )
        ).all()
        return await self._with_lines(rows)

    async def open_for_lease(self, organization_id: UUID, lease_id: UUID) -> builtins.list[Invoice]:
        # The invoices and their lines in one round trip (a row per line); only the invoice rows
        # are locked.
        query = _OPEN_FOR_LEASE_LOCKED if self._conn.dialect.name == "postgresql" else _OPEN_FOR_LEASE
        heads: dict[UUID, tuple[Any, builtins.list[InvoiceLine]]] = {}
        params = {"w_organization_id": organization_id, "w_lease_id": lease_id}
        for r in await self._conn.execute(query, params):
            head = heads.setdefault(r.id, (r, []))
            if r.line_position is not None:
                head[1].append(line_of(*(r._mapping[f"line_{c}"] for c in _LINE_COLUMNS)))
        return [_to_invoice(r, lines) for r, lines in heads.values()]

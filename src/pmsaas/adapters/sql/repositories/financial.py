"""SQL adapters of the financial ports (SQLAlchemy Core, explicit row <-> entity mapping)."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from pmsaas.adapters.sql.repositories.common import page_of
from pmsaas.adapters.sql.repositories.financial_tds import load_tds
from pmsaas.adapters.sql.tables import financial as F
from pmsaas.domain.financial import ledger as L
from pmsaas.domain.financial.budgets import Budget, BudgetCategory
from pmsaas.domain.financial.expenses import Attachment, Expense, ExpenseStatus
from pmsaas.domain.financial.model import (
    OPEN,
    SETTLED,
    Allocation,
    ChargeType,
    Credit,
    CreditApplication,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    InvoiceTax,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    default_number_format,
)
from pmsaas.domain.financial.ports import (
    BillableLease,
    BudgetRepository,
    ExpenseRepository,
    InvoiceFilter,
    InvoiceRepository,
    LeaseDirectory,
    LeaseRef,
    LedgerLineView,
    LedgerRepository,
    NumberSequences,
    OrganizationProfile,
    OrganizationProfiles,
    PaymentFilter,
    PaymentMethodRecord,
    PaymentMethodRepository,
    PaymentRepository,
)
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.ids import new_id
from pmsaas.domain.shared.money import Money
from pmsaas.domain.shared.paging import Page, PageRequest


def insert_ignore(conn: AsyncConnection, table: sa.Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING on PostgreSQL and SQLite: a clash writes nothing and
    does not abort the transaction."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _lock(query: Any, conn: AsyncConnection) -> Any:
    # SQLite serializes writers itself; PostgreSQL needs the row lock.
    return query.with_for_update() if conn.dialect.name == "postgresql" else query


# -- views of other contexts' tables (this context's own narrow ports) -------------------------

_leases = sa.table(
    "properties_leases",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("property_id", sa.Uuid()),
    sa.column("tenant_id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("currency", sa.String()),
    sa.column("tds_applicable", sa.Boolean()),
)
_tenants = sa.table(
    "properties_tenants",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("email", sa.String()),
    sa.column("gstin", sa.String()),
    sa.column("pan_number", sa.String()),
    sa.column("user_id", sa.Uuid()),
    sa.column("deleted_at", sa.DateTime()),
)
_properties = sa.table(
    "properties_properties",
    sa.column("id", sa.Uuid()),
    sa.column("type", sa.String()),
    sa.column("province", sa.String()),
)
_organizations = sa.table(
    "organizations_organizations",
    sa.column("id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("country", sa.String()),
    sa.column("province", sa.String()),
    sa.column("currency", sa.String()),
    sa.column("extra_settings", sa.JSON()),
    sa.column("deleted_at", sa.DateTime()),
)


class SqlLeaseDirectory(LeaseDirectory):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @staticmethod
    def _select() -> Any:
        return (
            sa.select(
                _leases.c.id,
                _leases.c.organization_id,
                _leases.c.property_id,
                _leases.c.tenant_id,
                _leases.c.status,
                _leases.c.currency,
                _properties.c.type.label("property_type"),
                _properties.c.province.label("property_region"),
                _tenants.c.name.label("tenant_name"),
                _tenants.c.email.label("tenant_email"),
                _tenants.c.gstin.label("tenant_gstin"),
                _tenants.c.pan_number.label("tenant_pan"),
                _leases.c.tds_applicable,
            )
            .select_from(_leases)
            .join(_properties, _properties.c.id == _leases.c.property_id)
            .join(_tenants, _tenants.c.id == _leases.c.tenant_id)
        )

    @staticmethod
    def _ref(r: Any) -> LeaseRef:
        return LeaseRef(
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
            tenant_pan=r.tenant_pan,
            tds_applicable=bool(r.tds_applicable),
        )

    async def get(self, organization_id: UUID, lease_id: UUID) -> LeaseRef:
        row = (await self._conn.execute(_LEASE_BY_ID, {"w_organization_id": organization_id, "w_id": lease_id})).first()
        if row is None:
            raise NotFound("lease", lease_id)
        return self._ref(row)

    async def tenant_ids_of_user(self, organization_id: UUID, user_id: UUID) -> set[UUID]:
        rows = await self._conn.execute(
            sa.select(_tenants.c.id).where(
                _tenants.c.organization_id == organization_id,
                _tenants.c.user_id == user_id,
                _tenants.c.deleted_at.is_(None),
            )
        )
        return set(rows.scalars())

    async def billable(self, organization_id: UUID | None, period_start: date, period_end: date) -> list[BillableLease]:
        from pmsaas.adapters.sql.repositories.financial_billing import billable_leases

        return await billable_leases(self._conn, organization_id, period_start, period_end)


# The per-payment reads as prebuilt statements with bound parameters: built (and compiled) once.
_LEASE_BY_ID = SqlLeaseDirectory._select().where(
    _leases.c.organization_id == sa.bindparam("w_organization_id"), _leases.c.id == sa.bindparam("w_id")
)
_PROFILE = sa.select(
    _organizations.c.id,
    _organizations.c.name,
    _organizations.c.country,
    _organizations.c.province,
    _organizations.c.currency,
    _organizations.c.extra_settings,
).where(_organizations.c.id == sa.bindparam("w_id"), _organizations.c.deleted_at.is_(None))
_ACCOUNT_IDS = sa.select(F.accounts.c.key, F.accounts.c.id).where(
    F.accounts.c.organization_id == sa.bindparam("w_organization_id"),
    F.accounts.c.key.in_(sa.bindparam("w_keys", expanding=True)),
)


class SqlOrganizationProfiles(OrganizationProfiles):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, organization_id: UUID) -> OrganizationProfile:
        row = (await self._conn.execute(_PROFILE, {"w_id": organization_id})).first()
        if row is None:
            raise NotFound("organization", organization_id)
        extra = row.extra_settings or {}
        return OrganizationProfile(
            id=row.id,
            country=row.country,
            province=row.province,
            currency=row.currency,
            invoice_number_format=_text(extra, "invoice_number_format")
            or default_number_format("invoice", row.country),
            receipt_number_format=_text(extra, "receipt_number_format")
            or default_number_format("receipt", row.country),
            gst_registered=bool(extra.get("gst_registered", True)),
            pan_number=_text(extra, "pan_number"),
            name=row.name,
            gstin=_text(extra, "gst_number"),
            tax_registration_number=_text(extra, "tax_registration_number"),
            invoice_round_off=bool(extra.get("invoice_round_off", False)) and row.currency == "INR",
        )


def _text(extra: dict[str, Any], key: str) -> str | None:
    return str(extra[key]) if extra.get(key) else None


# -- ledger -----------------------------------------------------------------------------------


def _journal_entry_row(e: L.JournalEntry) -> dict[str, Any]:
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


def _journal_line_rows(e: L.JournalEntry, account_ids: dict[str, UUID]) -> list[dict[str, Any]]:
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

    async def _account_ids(self, organization_id: UUID, keys: set[str], at: Any) -> dict[str, UUID]:
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
        ids = await self._account_ids(entry.organization_id, {line.account for line in entry.lines}, entry.posted_at)
        params = {f"e_{k}": v for k, v in _journal_entry_row(entry).items()}
        for i, row in enumerate(_journal_line_rows(entry, ids)):
            params.update({f"l{i}_{k}": v for k, v in row.items()})
        await self._conn.execute(_entry_with_lines(len(entry.lines)), params)

    async def post_many(self, entries: list[L.JournalEntry]) -> None:
        """Batch posting (the billing run): one statement per table, accounts created once."""
        if not entries:
            return
        by_org: dict[UUID, set[str]] = {}
        for e in entries:
            by_org.setdefault(e.organization_id, set()).update(line.account for line in e.lines)
        ids = {org: await self._account_ids(org, keys, entries[0].posted_at) for org, keys in by_org.items()}
        await self._conn.execute(F.journal_entries.insert(), [_journal_entry_row(e) for e in entries])
        lines = [row for e in entries for row in _journal_line_rows(e, ids[e.organization_id])]
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

    async def trial_balance(self, organization_id: UUID, currency: str) -> list[L.TrialBalanceRow]:
        jl, a = F.journal_lines, F.accounts
        debit = sa.func.coalesce(sa.func.sum(sa.case((jl.c.amount_minor > 0, jl.c.amount_minor), else_=0)), 0)
        credit = sa.func.coalesce(sa.func.sum(sa.case((jl.c.amount_minor < 0, -jl.c.amount_minor), else_=0)), 0)
        rows = await self._conn.execute(
            sa.select(a.c.key, a.c.name, a.c.kind, debit.label("debit"), credit.label("credit"))
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
                Money.from_minor(int(r.debit), currency),
                Money.from_minor(int(r.credit), currency),
            )
            for r in rows
        ]

    async def lease_ledger(self, organization_id: UUID, lease_id: UUID, currency: str) -> list[LedgerLineView]:
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
                a.c.key.startswith("ar:"),
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


class SqlNumberSequences(NumberSequences):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def reserve(self, organization_id: UUID, series: str, fiscal_year: str, count: int) -> int:
        t = F.number_sequences
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(t).values(
            organization_id=organization_id, series=series, fiscal_year=fiscal_year, last_value=count
        )
        # One statement: create the counter at ``count`` or move it by ``count``. The conflicting
        # update takes the row lock: concurrent issuers queue here until the holder commits or
        # rolls back, so a rolled-back number is reused and none is skipped.
        result = await self._conn.execute(
            insert.on_conflict_do_update(
                index_elements=[t.c.organization_id, t.c.series, t.c.fiscal_year],
                set_={"last_value": t.c.last_value + insert.excluded.last_value},
            ).returning(t.c.last_value)
        )
        return int(result.scalar_one()) - count + 1


# -- invoices ---------------------------------------------------------------------------------

I = F.invoices  # noqa: E741


def _invoice_row(inv: Invoice) -> dict[str, Any]:
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
        "period": inv.period,
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
    return _line(r.description, r.amount_minor, r.currency, r.charge_type, r.supply_type, r.taxes)


def _line(
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
        round_off=Money.from_minor(r.round_off_minor, r.currency),
        period=r.period,
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

    async def _with_lines(self, rows: list[Any]) -> list[Invoice]:
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
        await self._conn.execute(I.insert().values(**_invoice_row(invoice)))
        if invoice.lines:
            await self._conn.execute(F.invoice_lines.insert(), _line_rows(invoice))

    async def add_many(self, invoices: list[Invoice]) -> list[Invoice]:
        if not invoices:
            return []
        result = await self._conn.execute(
            insert_ignore(self._conn, I).returning(I.c.id), [_invoice_row(i) for i in invoices]
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
            query = _lock(query, self._conn)
        row = (await self._conn.execute(query)).first()
        if row is None:
            raise NotFound("invoice", invoice_id)
        return (await self._with_lines([row]))[0]

    async def update(self, invoice: Invoice, expected_version: int) -> None:
        values = _invoice_row(invoice)
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
        await self._conn.execute(F.invoice_lines.delete().where(F.invoice_lines.c.invoice_id == invoice_id))
        result = await self._conn.execute(
            I.delete().where(I.c.organization_id == organization_id, I.c.id == invoice_id)
        )
        if result.rowcount != 1:
            raise NotFound("invoice", invoice_id)

    async def list(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        where: list[Any] = [I.c.organization_id == organization_id]
        if filters.status == "overdue":
            where += [I.c.status.in_([s.value for s in OPEN]), I.c.paid_minor < I.c.total_minor]
            if filters.overdue_on is not None:
                where.append(I.c.due_date < filters.overdue_on)
        elif filters.status:
            where.append(I.c.status == filters.status)
        if filters.lease_id:
            where.append(I.c.lease_id == filters.lease_id)
        if filters.tenant_ids is not None:
            where.append(I.c.tenant_id.in_(list(filters.tenant_ids)))
        result = await page_of(self._conn, I, where, INVOICE_SORTABLE, page, lambda r: r)
        return Page(
            items=await self._with_lines(result.items),
            total=result.total,
            page=result.page,
            page_size=result.page_size,
        )

    async def issued_between(self, organization_id: UUID, start: date, end: date) -> list[Invoice]:
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
        rows = await self._conn.execute(
            sa.select(I.c.lease_id).where(I.c.organization_id == organization_id, I.c.period == period)
        )
        return set(rows.scalars())

    async def open_due_before(self, organization_id: UUID, day: date) -> list[Invoice]:
        rows = (
            await self._conn.execute(
                sa.select(I)
                .where(
                    I.c.organization_id == organization_id,
                    I.c.status.in_([s.value for s in OPEN]),
                    I.c.due_date < day,
                    I.c.paid_minor < I.c.total_minor,
                )
                .order_by(I.c.due_date, I.c.id)
            )
        ).all()
        return await self._with_lines(rows)

    async def open_for_lease(self, organization_id: UUID, lease_id: UUID) -> list[Invoice]:
        # The invoices and their lines in one round trip (a row per line); only the invoice rows
        # are locked.
        query = _OPEN_FOR_LEASE_LOCKED if self._conn.dialect.name == "postgresql" else _OPEN_FOR_LEASE
        heads: dict[UUID, tuple[Any, list[InvoiceLine]]] = {}
        params = {"w_organization_id": organization_id, "w_lease_id": lease_id}
        for r in await self._conn.execute(query, params):
            head = heads.setdefault(r.id, (r, []))
            if r.line_position is not None:
                head[1].append(_line(*(r._mapping[f"line_{c}"] for c in _LINE_COLUMNS)))
        return [_to_invoice(r, lines) for r, lines in heads.values()]


# -- payments ---------------------------------------------------------------------------------

P = F.payments


def _payment_row(p: Payment) -> dict[str, Any]:
    return {
        "id": p.id,
        "organization_id": p.organization_id,
        "lease_id": p.lease_id,
        "tenant_id": p.tenant_id,
        "amount_minor": p.amount.minor,
        "refunded_minor": p.amount_refunded.minor,
        "currency": p.amount.currency,
        "method": p.method.value,
        "status": p.status.value,
        "reference": p.reference,
        "notes": p.notes,
        "receipt_number": p.receipt_number,
        "gateway": p.gateway,
        "gateway_payment_id": p.gateway_payment_id,
        "failure_reason": p.failure_reason,
        "received_at": p.received_at,
        "idempotency_key": p.idempotency_key,
        "request_fingerprint": p.request_fingerprint,
        "invoice_ids": [str(i) for i in p.invoice_ids],
        "version": p.version,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
    }


_PAYMENT_UPDATE = P.update().where(
    P.c.organization_id == sa.bindparam("w_organization_id"),
    P.c.id == sa.bindparam("w_id"),
    P.c.version == sa.bindparam("w_version"),
)

_PAYMENT_BY_KEY = sa.select(P).where(
    P.c.organization_id == sa.bindparam("w_organization_id"), P.c.idempotency_key == sa.bindparam("w_key")
)

PAYMENT_SORTABLE = {"created_at": P.c.created_at, "amount": P.c.amount_minor, "received_at": P.c.received_at}


class SqlPaymentRepository(PaymentRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        # Payments this repository inserted that have no allocation rows yet. The unit of work
        # builds repositories per transaction, so nothing here outlives the transaction.
        self._without_allocations: set[UUID] = set()

    async def _hydrate(self, rows: list[Any]) -> list[Payment]:
        if not rows:
            return []
        at = F.payment_allocations
        allocations: dict[UUID, list[Allocation]] = {r.id: [] for r in rows}
        for a in await self._conn.execute(
            sa.select(at).where(at.c.payment_id.in_(list(allocations))).order_by(at.c.payment_id, at.c.position)
        ):
            allocations[a.payment_id].append(Allocation(a.invoice_id, Money.from_minor(a.amount_minor, a.currency)))
        tds = await load_tds(self._conn, rows[0].organization_id, "payment", list(allocations))
        return [
            Payment(
                id=r.id,
                organization_id=r.organization_id,
                lease_id=r.lease_id,
                tenant_id=r.tenant_id,
                amount=Money.from_minor(r.amount_minor, r.currency),
                refunded=Money.from_minor(r.refunded_minor, r.currency),
                method=PaymentMethod(r.method),
                status=PaymentStatus(r.status),
                reference=r.reference,
                notes=r.notes,
                receipt_number=r.receipt_number,
                gateway=r.gateway,
                gateway_payment_id=r.gateway_payment_id,
                failure_reason=r.failure_reason,
                received_at=r.received_at,
                idempotency_key=r.idempotency_key,
                request_fingerprint=r.request_fingerprint,
                invoice_ids=tuple(UUID(i) for i in (r.invoice_ids or [])),
                allocations=allocations[r.id],
                tds=tds.get(r.id),
                version=r.version,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    async def add(self, payment: Payment) -> bool:
        result = await self._conn.execute(insert_ignore(self._conn, P).returning(P.c.id), _payment_row(payment))
        added = result.first() is not None  # rowcount is not reliable for ON CONFLICT on psycopg
        if added:
            self._without_allocations.add(payment.id)
        return added

    async def by_idempotency_key(self, organization_id: UUID, key: str) -> Payment | None:
        rows = (await self._conn.execute(_PAYMENT_BY_KEY, {"w_organization_id": organization_id, "w_key": key})).all()
        found = await self._hydrate(rows)
        return found[0] if found else None

    async def get(self, organization_id: UUID, payment_id: UUID, *, for_update: bool = False) -> Payment:
        query = sa.select(P).where(P.c.organization_id == organization_id, P.c.id == payment_id)
        if for_update:
            query = _lock(query, self._conn)
        rows = (await self._conn.execute(query)).all()
        if not rows:
            raise NotFound("payment", payment_id)
        return (await self._hydrate(rows))[0]

    async def by_gateway_id(self, gateway: str, gateway_payment_id: str) -> Payment | None:
        query = sa.select(P).where(P.c.gateway == gateway, P.c.gateway_payment_id == gateway_payment_id)
        rows = (await self._conn.execute(_lock(query, self._conn))).all()
        found = await self._hydrate(rows)
        return found[0] if found else None

    async def update(self, payment: Payment, expected_version: int) -> None:
        values = _payment_row(payment)
        for key in ("id", "organization_id", "created_at", "idempotency_key", "request_fingerprint"):
            values.pop(key)
        values.update(w_organization_id=payment.organization_id, w_id=payment.id, w_version=expected_version)
        result = await self._conn.execute(_PAYMENT_UPDATE, values)
        if result.rowcount != 1:
            raise Conflict("the payment was changed by someone else; reload and retry")
        at = F.payment_allocations
        if payment.id in self._without_allocations:
            self._without_allocations.discard(payment.id)  # just inserted: nothing to delete
        else:
            await self._conn.execute(at.delete().where(at.c.payment_id == payment.id))
        if payment.allocations:
            await self._conn.execute(
                at.insert(),
                [
                    {
                        "id": new_id(),
                        "organization_id": payment.organization_id,
                        "payment_id": payment.id,
                        "invoice_id": a.invoice_id,
                        "position": i,
                        "amount_minor": a.amount.minor,
                        "currency": a.amount.currency,
                    }
                    for i, a in enumerate(payment.allocations)
                ],
            )

    async def list(self, organization_id: UUID, filters: PaymentFilter, page: PageRequest) -> Page[Payment]:
        where: list[Any] = [P.c.organization_id == organization_id]
        if filters.status:
            where.append(P.c.status == filters.status)
        if filters.lease_id:
            where.append(P.c.lease_id == filters.lease_id)
        if filters.tenant_ids is not None:
            where.append(P.c.tenant_id.in_(list(filters.tenant_ids)))
        if filters.invoice_id:
            at = F.payment_allocations
            where.append(P.c.id.in_(sa.select(at.c.payment_id).where(at.c.invoice_id == filters.invoice_id)))
        result = await page_of(self._conn, P, where, PAYMENT_SORTABLE, page, lambda r: r)
        return Page(
            items=await self._hydrate(result.items),
            total=result.total,
            page=result.page,
            page_size=result.page_size,
        )

    async def add_refund(self, refund: Refund) -> bool:
        result = await self._conn.execute(
            insert_ignore(self._conn, F.refunds)
            .values(
                id=refund.id,
                organization_id=refund.organization_id,
                payment_id=refund.payment_id,
                amount_minor=refund.amount.minor,
                currency=refund.amount.currency,
                reason=refund.reason,
                idempotency_key=refund.idempotency_key,
                request_fingerprint=refund.request_fingerprint,
                created_at=refund.created_at,
            )
            .returning(F.refunds.c.id)
        )
        return result.first() is not None

    async def refund_by_key(self, organization_id: UUID, key: str) -> Refund | None:
        r = F.refunds
        row = (
            await self._conn.execute(
                sa.select(r).where(r.c.organization_id == organization_id, r.c.idempotency_key == key)
            )
        ).first()
        if row is None:
            return None
        return Refund(
            id=row.id,
            organization_id=row.organization_id,
            payment_id=row.payment_id,
            amount=Money.from_minor(row.amount_minor, row.currency),
            idempotency_key=row.idempotency_key,
            request_fingerprint=row.request_fingerprint,
            reason=row.reason,
            created_at=row.created_at,
        )

    async def credits(self, organization_id: UUID, lease_id: UUID | None = None) -> dict[UUID, list[Credit]]:
        return await payment_credits(self._conn, organization_id, lease_id)

    async def apply_credits(self, organization_id: UUID, applications: list[CreditApplication], at: Any) -> None:
        await write_credit_applications(self._conn, organization_id, applications, at)

    async def record_gateway_event(self, gateway: str, event_id: str, at: Any) -> bool:
        result = await self._conn.execute(
            insert_ignore(self._conn, F.gateway_events)
            .values(gateway=gateway, event_id=event_id, received_at=at)
            .returning(F.gateway_events.c.event_id)
        )
        return result.first() is not None


_TDS = F.tds_lines
_ALLOC = F.payment_allocations
_PAYMENT_TDS_MINOR = (
    sa.select(sa.func.coalesce(sa.func.sum(_TDS.c.tds_minor), 0))
    .where(_TDS.c.source_type == "payment", _TDS.c.source_id == P.c.id)
    .scalar_subquery()
)
_PAYMENT_ALLOCATED_MINOR = (
    sa.select(sa.func.coalesce(sa.func.sum(_ALLOC.c.amount_minor), 0))
    .where(_ALLOC.c.payment_id == P.c.id)
    .scalar_subquery()
)
_CREDIT_PAYMENTS = (
    sa.select(
        P.c.id,
        P.c.lease_id,
        P.c.tenant_id,
        P.c.currency,
        (P.c.amount_minor + _PAYMENT_TDS_MINOR - P.c.refunded_minor).label("held_minor"),
    )
    .where(
        P.c.organization_id == sa.bindparam("w_organization_id"),
        P.c.status.in_([s.value for s in SETTLED]),
        # A pre-filter read in the statement's snapshot; the figures that count are read after the lock.
        P.c.amount_minor + _PAYMENT_TDS_MINOR - P.c.refunded_minor > _PAYMENT_ALLOCATED_MINOR,
    )
    .order_by(P.c.received_at, P.c.id)
)
_PAYMENT_TOUCH = (
    P.update()
    .where(P.c.organization_id == sa.bindparam("w_organization_id"), P.c.id == sa.bindparam("w_id"))
    .values(version=P.c.version + 1, updated_at=sa.bindparam("w_updated_at"))
)


async def payment_credits(
    conn: AsyncConnection, organization_id: UUID, lease_id: UUID | None = None
) -> dict[UUID, list[Credit]]:
    """:meth:`SqlPaymentRepository.credits`: two statements whatever the number of leases.

    The first locks the payments (PostgreSQL; SQLite serializes writers); the second, a new
    snapshot under READ COMMITTED, reads their allocations as committed by whoever held the lock
    before (a concurrent issue or refund), so a credit is never spent twice.
    """
    query = _CREDIT_PAYMENTS
    if lease_id is not None:
        query = query.where(P.c.lease_id == lease_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=P)
    held = (await conn.execute(query, {"w_organization_id": organization_id})).all()
    if not held:
        return {}
    rows = await conn.execute(
        sa.select(
            _ALLOC.c.payment_id,
            sa.func.coalesce(sa.func.max(_ALLOC.c.position) + 1, 0).label("next_position"),
            sa.func.sum(_ALLOC.c.amount_minor).label("allocated"),
        )
        .where(_ALLOC.c.organization_id == organization_id, _ALLOC.c.payment_id.in_([r.id for r in held]))
        .group_by(_ALLOC.c.payment_id)
    )
    used: dict[UUID, tuple[int, int]] = {r.payment_id: (int(r.next_position), int(r.allocated)) for r in rows}
    out: dict[UUID, list[Credit]] = {}
    for r in held:
        next_position, allocated = used.get(r.id, (0, 0))
        left = int(r.held_minor) - allocated
        if left > 0:
            out.setdefault(r.lease_id, []).append(
                Credit(r.id, r.lease_id, r.tenant_id, Money.from_minor(left, r.currency), next_position)
            )
    return out


async def write_credit_applications(
    conn: AsyncConnection, organization_id: UUID, applications: list[CreditApplication], at: Any
) -> None:
    if not applications:
        return
    await conn.execute(
        _ALLOC.insert(),
        [
            {
                "id": new_id(),
                "organization_id": organization_id,
                "payment_id": a.payment_id,
                "invoice_id": a.invoice_id,
                "position": a.position,
                "amount_minor": a.amount.minor,
                "currency": a.amount.currency,
            }
            for a in applications
        ],
    )
    await conn.execute(
        _PAYMENT_TOUCH,
        [
            {"w_organization_id": organization_id, "w_id": pid, "w_updated_at": at}
            for pid in dict.fromkeys(a.payment_id for a in applications)
        ],
    )


class SqlPaymentMethodRepository(PaymentMethodRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, method: PaymentMethodRecord) -> None:
        from datetime import UTC, datetime

        method.id = method.id or new_id()
        now = datetime.now(UTC)
        await self._conn.execute(
            F.payment_methods.insert().values(
                id=method.id,
                organization_id=method.organization_id,
                type=method.type,
                label=method.label,
                enabled=method.enabled,
                details=method.details,
                created_at=now,
                updated_at=now,
            )
        )

    async def list(self, organization_id: UUID) -> list[PaymentMethodRecord]:
        t = F.payment_methods
        rows = await self._conn.execute(
            sa.select(t).where(t.c.organization_id == organization_id).order_by(t.c.created_at, t.c.id)
        )
        return [PaymentMethodRecord(r.organization_id, r.type, r.label, r.enabled, r.details or {}, r.id) for r in rows]


# -- expenses ---------------------------------------------------------------------------------

X = F.expenses
EXPENSE_SORTABLE = {"created_at": X.c.created_at, "expense_date": X.c.expense_date, "amount": X.c.amount_minor}


def _expense_row(e: Expense) -> dict[str, Any]:
    return {
        "id": e.id,
        "organization_id": e.organization_id,
        "property_id": e.property_id,
        "category": e.category,
        "description": e.description,
        "vendor": e.vendor,
        "amount_minor": e.amount.minor,
        "currency": e.amount.currency,
        "expense_date": e.expense_date,
        "status": e.status.value,
        "attachments": [{"name": a.name, "url": a.url, "content_type": a.content_type} for a in e.attachments],
        "decided_by": e.decided_by,
        "decided_at": e.decided_at,
        "rejection_reason": e.rejection_reason,
        "version": e.version,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _to_expense(r: Any) -> Expense:
    return Expense(
        id=r.id,
        organization_id=r.organization_id,
        property_id=r.property_id,
        category=r.category,
        description=r.description,
        vendor=r.vendor,
        amount=Money.from_minor(r.amount_minor, r.currency),
        expense_date=r.expense_date,
        status=ExpenseStatus(r.status),
        attachments=tuple(Attachment(a["name"], a["url"], a.get("content_type")) for a in (r.attachments or [])),
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        rejection_reason=r.rejection_reason,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


class SqlExpenseRepository(ExpenseRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, expense: Expense) -> None:
        await self._conn.execute(X.insert().values(**_expense_row(expense)))

    async def get(self, organization_id: UUID, expense_id: UUID, *, for_update: bool = False) -> Expense:
        query = sa.select(X).where(X.c.organization_id == organization_id, X.c.id == expense_id)
        row = (await self._conn.execute(_lock(query, self._conn) if for_update else query)).first()
        if row is None:
            raise NotFound("expense", expense_id)
        expense = _to_expense(row)
        expense.tds = (await load_tds(self._conn, organization_id, "expense", [expense_id])).get(expense_id)
        return expense

    async def update(self, expense: Expense, expected_version: int) -> None:
        values = _expense_row(expense)
        for key in ("id", "organization_id", "created_at"):
            values.pop(key)
        result = await self._conn.execute(
            X.update()
            .where(
                X.c.organization_id == expense.organization_id, X.c.id == expense.id, X.c.version == expected_version
            )
            .values(**values)
        )
        if result.rowcount != 1:
            raise Conflict("the expense was changed by someone else; reload and retry")

    async def delete(self, organization_id: UUID, expense_id: UUID) -> None:
        result = await self._conn.execute(
            X.delete().where(X.c.organization_id == organization_id, X.c.id == expense_id)
        )
        if result.rowcount != 1:
            raise NotFound("expense", expense_id)

    async def list(self, organization_id: UUID, status: str | None, page: PageRequest) -> Page[Expense]:
        where: list[Any] = [X.c.organization_id == organization_id]
        if status:
            where.append(X.c.status == status)
        result = await page_of(self._conn, X, where, EXPENSE_SORTABLE, page, _to_expense)
        tds = await load_tds(self._conn, organization_id, "expense", [e.id for e in result.items])
        for e in result.items:
            e.tds = tds.get(e.id)
        return result


# -- budgets ----------------------------------------------------------------------------------

B, BC = F.budgets, F.budget_categories
BUDGET_SORTABLE = {"created_at": B.c.created_at, "name": B.c.name, "period_start": B.c.period_start}


class SqlBudgetRepository(BudgetRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _hydrate(self, rows: list[Any]) -> list[Budget]:
        if not rows:
            return []
        cats: dict[UUID, list[BudgetCategory]] = {r.id: [] for r in rows}
        for c in await self._conn.execute(
            sa.select(BC).where(BC.c.budget_id.in_(list(cats))).order_by(BC.c.budget_id, BC.c.position)
        ):
            cats[c.budget_id].append(BudgetCategory(c.name, Money.from_minor(c.amount_minor, c.currency)))
        return [
            Budget(
                id=r.id,
                organization_id=r.organization_id,
                name=r.name,
                property_id=r.property_id,
                period_start=r.period_start,
                period_end=r.period_end,
                currency=r.currency,
                categories=cats[r.id],
                version=r.version,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
            for r in rows
        ]

    async def _write_categories(self, budget: Budget) -> None:
        await self._conn.execute(BC.delete().where(BC.c.budget_id == budget.id))
        if budget.categories:
            await self._conn.execute(
                BC.insert(),
                [
                    {
                        "id": new_id(),
                        "organization_id": budget.organization_id,
                        "budget_id": budget.id,
                        "position": i,
                        "name": c.name,
                        "amount_minor": c.amount.minor,
                        "currency": c.amount.currency,
                    }
                    for i, c in enumerate(budget.categories)
                ],
            )

    @staticmethod
    def _row(b: Budget) -> dict[str, Any]:
        return {
            "name": b.name,
            "property_id": b.property_id,
            "period_start": b.period_start,
            "period_end": b.period_end,
            "currency": b.currency,
            "version": b.version,
            "updated_at": b.updated_at,
        }

    async def add(self, budget: Budget) -> None:
        await self._conn.execute(
            B.insert().values(
                id=budget.id, organization_id=budget.organization_id, created_at=budget.created_at, **self._row(budget)
            )
        )
        await self._write_categories(budget)

    async def get(self, organization_id: UUID, budget_id: UUID, *, for_update: bool = False) -> Budget:
        query = sa.select(B).where(B.c.organization_id == organization_id, B.c.id == budget_id)
        rows = (await self._conn.execute(_lock(query, self._conn) if for_update else query)).all()
        if not rows:
            raise NotFound("budget", budget_id)
        return (await self._hydrate(rows))[0]

    async def update(self, budget: Budget, expected_version: int) -> None:
        result = await self._conn.execute(
            B.update()
            .where(B.c.organization_id == budget.organization_id, B.c.id == budget.id, B.c.version == expected_version)
            .values(**self._row(budget))
        )
        if result.rowcount != 1:
            raise Conflict("the budget was changed by someone else; reload and retry")
        await self._write_categories(budget)

    async def delete(self, organization_id: UUID, budget_id: UUID) -> None:
        await self.get(organization_id, budget_id)
        await self._conn.execute(BC.delete().where(BC.c.budget_id == budget_id))
        await self._conn.execute(B.delete().where(B.c.organization_id == organization_id, B.c.id == budget_id))

    async def list(self, organization_id: UUID, page: PageRequest) -> Page[Budget]:
        result = await page_of(
            self._conn, B, [B.c.organization_id == organization_id], BUDGET_SORTABLE, page, lambda r: r
        )
        return Page(
            items=await self._hydrate(result.items), total=result.total, page=result.page, page_size=result.page_size
        )

    async def expense_actuals(
        self, organization_id: UUID, start: date, end: date, currency: str, property_id: UUID | None
    ) -> dict[str, Money]:
        je, jl, a = F.journal_entries, F.journal_lines, F.accounts
        query = (
            sa.select(X.c.category, sa.func.sum(jl.c.amount_minor).label("total"))
            .select_from(je)
            .join(jl, jl.c.entry_id == je.c.id)
            .join(a, a.c.id == jl.c.account_id)
            .join(X, X.c.id == je.c.source_id)
            .where(
                je.c.organization_id == organization_id,
                je.c.source_type == "expense",
                a.c.key == "expenses",
                je.c.entry_date >= start,
                je.c.entry_date <= end,
            )
            .group_by(X.c.category)
        )
        if property_id is not None:
            query = query.where(X.c.property_id == property_id)
        return {r.category: Money.from_minor(int(r.total), currency) for r in await self._conn.execute(query)}

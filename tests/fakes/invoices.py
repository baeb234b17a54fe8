"""In-memory adapter of the financial context's invoice repository: invoices with their lines, keyed
by organization in ``FakeDatabase.invoices``, with the SQL table's two unique slots (the number, and
the billing run's lease and period)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import UUID

from fakes.store import FakeDatabase, page_of
from pmsaas.domain.financial.credit_notes import CreditNote
from pmsaas.domain.financial.model import OPEN, Invoice, InvoiceStatus
from pmsaas.domain.financial.ports import CreditNoteRepository, InvoiceFilter, InvoiceListQuery, InvoiceRepository
from pmsaas.domain.shared.errors import Conflict, NotFound
from pmsaas.domain.shared.paging import Page, PageRequest

_INVOICE_SORT = {
    "created_at": lambda i: i.created_at,
    "due_date": lambda i: i.due_date,
    "issue_date": lambda i: i.issue_date,
    "number": lambda i: i.number,  # drafts have none: PostgreSQL sorts them last, SQLite first
    "total": lambda i: i.total.minor,
}


def _has_balance(invoice: Invoice) -> bool:
    # the stored figures, as ``paid_minor + credited_minor < total_minor``
    return invoice.amount_paid + invoice.amount_credited < invoice.total


class FakeInvoiceRepository(InvoiceRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    def _all(self, organization_id: UUID) -> list[Invoice]:
        return self._db.invoices.of(organization_id)

    def _clash(self, invoice: Invoice) -> bool:
        """Would the row break a unique constraint (the id; the number; the lease and period)?"""
        for other in self._db.invoices.of(invoice.organization_id, live=False):
            if other.id == invoice.id:
                return True
            if invoice.number is not None and other.number == invoice.number:
                return True
            if invoice.period is not None and (other.lease_id, other.period) == (invoice.lease_id, invoice.period):
                return True
        return any(row.id == invoice.id for _, row in self._db.invoices.everywhere())

    async def add(self, invoice: Invoice) -> None:
        if self._clash(invoice):
            raise Conflict("an invoice with this number or billing period exists")  # SQL: IntegrityError
        self._db.invoices.put(invoice.organization_id, invoice.id, invoice)

    async def add_many(self, invoices: list[Invoice]) -> list[Invoice]:
        kept = []
        for invoice in invoices:
            if not self._clash(invoice):
                self._db.invoices.put(invoice.organization_id, invoice.id, invoice)
                kept.append(invoice)
        return kept

    async def get(self, organization_id: UUID, invoice_id: UUID, *, for_update: bool = False) -> Invoice:
        found = self._db.invoices.find(organization_id, invoice_id)
        if found is None:
            raise NotFound("invoice", invoice_id)
        return found

    async def update(self, invoice: Invoice, expected_version: int) -> None:
        current = self._db.invoices.find(invoice.organization_id, invoice.id)
        if current is None or current.version != expected_version:
            raise Conflict("the invoice was changed by someone else; reload and retry")
        # Only drafts change their lines; an issued invoice keeps the lines it was issued with.
        lines = invoice.lines if invoice.status == InvoiceStatus.DRAFT else current.lines
        stored = replace(invoice, created_at=current.created_at, lines=list(lines))
        self._db.invoices.put(invoice.organization_id, invoice.id, stored)

    async def delete(self, organization_id: UUID, invoice_id: UUID) -> None:
        if not self._db.invoices.remove(organization_id, invoice_id):
            raise NotFound("invoice", invoice_id)

    async def list(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        items = [i for i in self._all(organization_id) if _matches(i, filters)]
        return page_of(items, page, _INVOICE_SORT, lambda i: i.id)

    async def issued_between(self, organization_id: UUID, start: date, end: date) -> list[Invoice]:
        unissued = (InvoiceStatus.DRAFT, InvoiceStatus.CANCELLED)
        found = [i for i in self._all(organization_id) if i.status not in unissued and start <= i.issue_date <= end]
        return sorted(found, key=lambda i: (i.issue_date, i.id))

    async def billed_leases(self, organization_id: UUID, period: str) -> set[UUID]:
        return {
            i.lease_id
            for i in self._all(organization_id)
            if i.period == period or (i.service_period == period and i.status != InvoiceStatus.CANCELLED)
        }

    async def open_due_before(self, organization_id: UUID, day: date) -> list[Invoice]:
        found = [i for i in self._all(organization_id) if i.status in OPEN and i.due_date < day and _has_balance(i)]
        return sorted(found, key=lambda i: (i.due_date, i.id))

    async def open_for_lease(self, organization_id: UUID, lease_id: UUID) -> list[Invoice]:
        found = [i for i in self._all(organization_id) if i.lease_id == lease_id and i.status in OPEN]
        return sorted(found, key=lambda i: (i.due_date, i.issue_date, i.number or "", i.id))


def _matches(invoice: Invoice, f: InvoiceFilter) -> bool:
    if f.status == "overdue":
        if invoice.status not in OPEN or not _has_balance(invoice):
            return False
        if f.overdue_on is not None and not invoice.due_date < f.overdue_on:
            return False
    elif f.status and invoice.status.value != f.status:
        return False
    if f.lease_id and invoice.lease_id != f.lease_id:
        return False
    return f.tenant_ids is None or invoice.tenant_id in f.tenant_ids


class FakeCreditNoteRepository(CreditNoteRepository):
    def __init__(self, db: FakeDatabase) -> None:
        self._db = db

    async def add(self, note: CreditNote) -> None:
        if any(n.number == note.number for n in self._db.credit_notes.of(note.organization_id)):
            raise Conflict("credit note number taken")
        self._db.credit_notes.put(note.organization_id, note.id, note)

    async def get(self, organization_id: UUID, note_id: UUID) -> CreditNote:
        found = self._db.credit_notes.find(organization_id, note_id)
        if found is None:
            raise NotFound("credit note", note_id)
        return found

    async def for_invoice(self, organization_id: UUID, invoice_id: UUID) -> list[CreditNote]:
        notes = [n for n in self._db.credit_notes.of(organization_id) if n.invoice_id == invoice_id]
        return sorted(notes, key=lambda n: (n.issue_date, n.number))

    async def issued_between(self, organization_id: UUID, start: date, end: date) -> list[CreditNote]:
        notes = [n for n in self._db.credit_notes.of(organization_id) if start <= n.issue_date <= end]
        return sorted(notes, key=lambda n: (n.issue_date, n.number))


class FakeInvoiceList(InvoiceListQuery):
    """The invoice list over the fake tables: the repository's list (the reference the SQL adapters are held to)."""

    def __init__(self, db: FakeDatabase) -> None:
        self._invoices = FakeInvoiceRepository(db)

    async def page(self, organization_id: UUID, filters: InvoiceFilter, page: PageRequest) -> Page[Invoice]:
        return await self._invoices.list(organization_id, filters, page)

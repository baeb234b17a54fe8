"""Credit note use cases: issue one against an invoice (one transaction: the note, its number, the
invoice's balance and the ledger entry), list an invoice's notes, read one, print it. The rules
are in ``credit_notes.py``; who may read is who may read the invoice (a tenant only its own)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.financial import document_layouts as layouts
from pmsaas.domain.financial.credit_notes import CreditNote, already_credited, credit_deadline, credit_line
from pmsaas.domain.financial.model import Invoice, InvoiceStatus
from pmsaas.domain.financial.numbering import credit_note_number_format, fiscal_year, format_number
from pmsaas.domain.financial.periods import local_today
from pmsaas.domain.financial.ports import DocumentRenderer, FinancialUnitOfWork
from pmsaas.domain.financial.printing import PrintedDocument
from pmsaas.domain.financial.scoping import check_visible, visible_tenants
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import NotFound, ValidationFailed
from pmsaas.domain.shared.money import Money


@dataclass(frozen=True)
class CreditLineInput:
    line: int  # the invoice line's position, 0-based
    amount: Money  # taxable value to take off


@dataclass(frozen=True)
class CreditNoteInput:
    reason: str
    lines: list[CreditLineInput]


async def create_credit_note(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID, data: CreditNoteInput
) -> CreditNote:
    now = clock.now()
    if not data.reason.strip():
        raise ValidationFailed.single("reason", "say why the invoice is credited")
    if len({x.line for x in data.lines}) != len(data.lines):
        raise ValidationFailed.single("lines", "one entry per invoice line")
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id, for_update=True)
        profile = await uow.organization_profiles.get(actor.org)
        today = local_today(profile.time_zone, now)
        if profile.country == "IN" and today > credit_deadline(invoice.issue_date):
            raise ValidationFailed.single(
                "invoice",
                f"too late to credit an invoice of {invoice.issue_date}: CGST Act s.34(2) allows it "
                f"until {credit_deadline(invoice.issue_date)}",
            )
        earlier = already_credited(await uow.credit_notes.for_invoice(actor.org, invoice_id))
        lines = tuple(credit_line(invoice, x.line, x.amount, earlier) for x in data.lines)
        version = invoice.version
        note = CreditNote(
            organization_id=actor.org,
            invoice_id=invoice.id,
            invoice_number=invoice.number or "",
            invoice_date=invoice.issue_date,
            lease_id=invoice.lease_id,
            tenant_id=invoice.tenant_id,
            number="",
            issue_date=today,
            reason=data.reason.strip(),
            currency=invoice.currency,
            lines=lines,
            created_at=now,
        )
        invoice.apply_credit_note(note.total, now)  # 409 past the unpaid balance, before a number is taken
        fy = fiscal_year(profile.country, today)
        seq = await uow.sequences.next(actor.org, "credit_note", fy)
        note.number = format_number(credit_note_number_format(profile.country), fy=fy, seq=seq)
        invoice.version += 1
        await uow.invoices.update(invoice, expected_version=version)
        await uow.credit_notes.add(note)
        await uow.ledger.post(note.entry())
        uow.record(note.event("credit_note.issued", now))
        if invoice.status == InvoiceStatus.PAID:  # nothing left to pay: integrators close it as on a payment
            uow.record(invoice.event("invoice.paid", now))
        await uow.commit()
    return note


async def _visible_invoice(uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> Invoice:
    invoice = await uow.invoices.get(actor.org, invoice_id)
    check_visible(await visible_tenants(uow, actor), invoice.tenant_id, "invoice", invoice_id)
    return invoice


async def list_credit_notes(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> list[CreditNote]:
    async with uow:
        await _visible_invoice(uow, actor, invoice_id)
        return await uow.credit_notes.for_invoice(actor.org, invoice_id)


async def get_credit_note(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID, note_id: UUID) -> CreditNote:
    async with uow:
        return await _note(uow, actor, invoice_id, note_id)


async def _note(uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID, note_id: UUID) -> CreditNote:
    await _visible_invoice(uow, actor, invoice_id)
    note = await uow.credit_notes.get(actor.org, note_id)
    if note.invoice_id != invoice_id:
        raise NotFound("credit note", note_id)
    return note


async def print_credit_note(
    *, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID, note_id: UUID, renderer: DocumentRenderer
) -> PrintedDocument:
    async with uow:
        note = await _note(uow, actor, invoice_id, note_id)
        lease = await uow.lease_directory.get(actor.org, note.lease_id)
        premises = await uow.lease_directory.premises(actor.org, note.lease_id)
        profile = await uow.organization_profiles.get(actor.org)
    document = layouts.credit_note_document(note, profile=profile, lease=lease, premises=premises)
    return PrintedDocument(document.file_name, await renderer.render(document))

"""Printing the financial documents: read what a document needs in one read-only unit of work,
build its content (``document_layouts.py``), have the renderer draw it.

Who may print is who may read: another organization's id is NotFound, and a tenant prints only its
own invoices, receipts and settlement (``scoping.py``), exactly as the JSON reads decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from pmsaas.domain.financial import document_layouts as layouts
from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.financial.ports import DocumentRenderer, FinancialUnitOfWork
from pmsaas.domain.financial.scoping import check_visible, lease_for, visible_tenants
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.documents import Document
from pmsaas.domain.shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class PrintedDocument:
    file_name: str
    content: bytes  # application/pdf


async def _invoices(uow: FinancialUnitOfWork, org: UUID, ids: list[UUID]) -> dict[UUID, Invoice]:
    return {i: await uow.invoices.get(org, i) for i in dict.fromkeys(ids)}


async def invoice_document(*, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID) -> Document:
    async with uow:
        invoice = await uow.invoices.get(actor.org, invoice_id)
        check_visible(await visible_tenants(uow, actor), invoice.tenant_id, "invoice", invoice_id)
        lease = await uow.lease_directory.get(actor.org, invoice.lease_id)
        premises = await uow.lease_directory.premises(actor.org, invoice.lease_id)
        profile = await uow.organization_profiles.get(actor.org)
    return layouts.invoice_document(invoice, profile=profile, lease=lease, premises=premises)


async def print_invoice(
    *, uow: FinancialUnitOfWork, actor: Actor, invoice_id: UUID, renderer: DocumentRenderer
) -> PrintedDocument:
    document = await invoice_document(uow=uow, actor=actor, invoice_id=invoice_id)
    return PrintedDocument(document.file_name, await renderer.render(document))


async def print_receipt(
    *, uow: FinancialUnitOfWork, actor: Actor, payment_id: UUID, renderer: DocumentRenderer
) -> PrintedDocument:
    async with uow:
        payment = await uow.payments.get(actor.org, payment_id)
        check_visible(await visible_tenants(uow, actor), payment.tenant_id, "payment", payment_id)
        if payment.receipt_number is None or payment.received_at is None:
            raise Conflict(f"the payment is {payment.status.value}: no receipt yet")
        invoices = await _invoices(uow, actor.org, [a.invoice_id for a in payment.allocations])
        lease = await uow.lease_directory.get(actor.org, payment.lease_id)
        premises = await uow.lease_directory.premises(actor.org, payment.lease_id)
        profile = await uow.organization_profiles.get(actor.org)
    document = layouts.receipt_document(payment, invoices=invoices, profile=profile, lease=lease, premises=premises)
    return PrintedDocument(document.file_name, await renderer.render(document))


async def print_settlement(
    *, uow: FinancialUnitOfWork, actor: Actor, lease_id: UUID, renderer: DocumentRenderer
) -> PrintedDocument:
    async with uow:
        lease = await lease_for(uow, actor, lease_id)
        settlement = await uow.deposit_settlements.get(actor.org, lease_id)
        if settlement is None:
            raise NotFound("deposit settlement", lease_id)
        invoices = await _invoices(uow, actor.org, [a.invoice_id for a in settlement.arrears_paid])
        premises = await uow.lease_directory.premises(actor.org, lease_id)
        profile = await uow.organization_profiles.get(actor.org)
    document = layouts.settlement_document(
        settlement, invoices=invoices, profile=profile, lease=lease, premises=premises
    )
    return PrintedDocument(document.file_name, await renderer.render(document))

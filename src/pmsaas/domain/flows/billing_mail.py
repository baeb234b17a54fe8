"""The invoice e-mail (PDF attached): ``POST .../invoices/{id}/send``, the scheduled billing run and
``POST .../billing-runs`` (issue 12: killing the process at any point loses nothing).

The e-mail is a queued delivery (``notifications/notice_delivery.py``) written by ``InvoiceMailQueue``
in the transaction that marks the invoice sent, once per (invoice version, tenant): sending an
invoice again queues a new one, a retried attempt never a second. After the commit ``first_attempt``
sends it at once (or hands it to a job); whatever a dead process left, the ``deliver_notices`` job
sends. The PDF is not stored: ``InvoicePdfs`` renders it when the e-mail leaves, from the invoice as
it is then. An invoice that cannot be mailed (its tenant has no e-mail) is counted, not queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from pmsaas.domain.financial import invoicing
from pmsaas.domain.financial.document_layouts import invoice_document
from pmsaas.domain.financial.model import Invoice
from pmsaas.domain.financial.ports import DocumentRenderer, FinancialUnitOfWork, LeaseRef
from pmsaas.domain.notifications.notice_delivery import Attachments, NoticeDelivery
from pmsaas.domain.notifications.notice_sender import FirstAttempt
from pmsaas.domain.notifications.ports import NotificationsUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.ports import EmailAttachment, EmailMessage, MessageNotSent

INVOICE_PDF = "invoice_pdf"


@dataclass(frozen=True)
class InvoiceMail:
    """How invoice e-mail leaves after the commit that queued it (the container's choice)."""

    first_attempt: FirstAttempt


def scheduler_for(organization_id: UUID) -> Actor:
    """The scheduler acting for one organization: no user, only what sending an invoice needs."""
    return Actor(user_id=None, organization_id=organization_id, permissions=frozenset({"financial:update"}))


def invoice_message(invoice: Invoice, lease: LeaseRef) -> EmailMessage:
    assert lease.tenant_email is not None and invoice.number is not None  # checked, issued
    return EmailMessage(
        to=lease.tenant_email,
        subject=f"Invoice {invoice.number}",
        body=(
            f"Dear {lease.tenant_name or 'tenant'},\n\nplease find attached invoice {invoice.number} "
            f"for {invoice.total} {invoice.currency}, due {invoice.due_date.isoformat()}.\n"
        ),
    )


class InvoiceMailQueue(invoicing.InvoiceMailing):
    """Writes each invoice's e-mail as a delivery row in the caller's transaction; ``queued`` are
    the rows inserted, for the first attempt after the commit."""

    def __init__(self) -> None:
        self.queued: list[UUID] = []

    async def queue(self, uow: FinancialUnitOfWork, sent: list[tuple[Invoice, LeaseRef]], now: datetime) -> None:
        if not isinstance(uow, NotificationsUnitOfWork):
            raise TypeError("queuing invoice e-mail needs the notifications unit of work")
        rows = [
            NoticeDelivery.mail(
                invoice.organization_id,
                f"invoice:{invoice.id}:v{invoice.version}",  # each send once; a send again, again
                invoice.tenant_id,
                invoice_message(invoice, lease),
                now,
                attachment={"kind": INVOICE_PDF, "invoice_id": str(invoice.id)},
            )
            for invoice, lease in sent
        ]
        self.queued += await uow.notice_deliveries.add_absent(rows)


class InvoicePdfs(Attachments):
    """Renders a queued invoice e-mail's PDF when it leaves (the renderer loads fpdf2 on first use)."""

    def __init__(self, *, uow_factory: Callable[[], FinancialUnitOfWork], renderer: DocumentRenderer) -> None:
        self._uow = uow_factory
        self._renderer = renderer

    async def render(self, organization_id: UUID, spec: dict[str, Any]) -> EmailAttachment:
        if spec.get("kind") != INVOICE_PDF:
            raise MessageNotSent(f"unknown attachment {spec.get('kind')!r}", retryable=False)
        invoice_id = UUID(str(spec["invoice_id"]))
        async with self._uow() as uow:
            invoice = await uow.invoices.get(organization_id, invoice_id)
            lease = await uow.lease_directory.get(organization_id, invoice.lease_id)
            premises = await uow.lease_directory.premises(organization_id, invoice.lease_id)
            profile = await uow.organization_profiles.get(organization_id)
        document = invoice_document(invoice, profile=profile, lease=lease, premises=premises)
        return EmailAttachment(document.file_name, "application/pdf", await self._renderer.render(document))


async def send_invoice(
    *, uow: FinancialUnitOfWork, clock: Clock, actor: Actor, invoice_id: UUID, mail: InvoiceMail
) -> Invoice:
    """``POST .../invoices/{id}/send``: issue if a draft, mark sent, queue the e-mail; one transaction."""
    queue = InvoiceMailQueue()
    invoice = await invoicing.send_invoice(uow=uow, clock=clock, actor=actor, invoice_id=invoice_id, mailing=queue)
    if queue.queued:
        await mail.first_attempt(queue.queued)
    return invoice

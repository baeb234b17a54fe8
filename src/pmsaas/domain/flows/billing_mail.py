"""The scheduled billing run e-mails each invoice it created to its tenant, with the PDF attached.

The invoices' ``/send`` use case does the work (marks the invoice sent, renders the PDF, hands the
message to the mailer after its commit), acting for the organization as the scheduler. Once: a run
creates an invoice once per lease and period and the run itself is claimed once per period; an
invoice that cannot be mailed (its tenant has no e-mail) is counted, not retried, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from pmsaas.domain.financial.invoicing import send_invoice
from pmsaas.domain.financial.ports import DocumentRenderer, FinancialUnitOfWork
from pmsaas.domain.shared.actor import Actor
from pmsaas.domain.shared.clock import Clock
from pmsaas.domain.shared.errors import DomainError
from pmsaas.domain.shared.ports import EmailSender


@dataclass(frozen=True)
class InvoiceMail:
    mailer: EmailSender
    renderer: DocumentRenderer


def scheduler_for(organization_id: UUID) -> Actor:
    """The scheduler acting for one organization: no user, only what sending an invoice needs."""
    return Actor(user_id=None, organization_id=organization_id, permissions=frozenset({"financial:update"}))


async def mail_new_invoices(
    *,
    uow_factory: Callable[[], FinancialUnitOfWork],
    clock: Clock,
    mail: InvoiceMail,
    organization_id: UUID,
    invoice_ids: Sequence[UUID],
) -> dict[str, Any]:
    mailed, not_mailed = 0, 0
    actor = scheduler_for(organization_id)
    for invoice_id in invoice_ids:
        try:
            await send_invoice(
                uow=uow_factory(),
                clock=clock,
                actor=actor,
                invoice_id=invoice_id,
                mailer=mail.mailer,
                renderer=mail.renderer,
            )
            mailed += 1
        except DomainError:  # no e-mail address, or the invoice changed meanwhile: counted, the run goes on
            not_mailed += 1
    return {"mailed": mailed, "not_mailed": not_mailed}

""":class:`PaymentPosting` through the repository ports: one call per row, as any unit of work can
(the fakes, SQL on SQLite). PostgreSQL has its own adapter that sends the same rows in two round
trips (adapters/sql/repositories/financial/payment_posting.py)."""

from __future__ import annotations

from collections.abc import Callable

from pmsaas.domain.financial.ledger import JournalEntry
from pmsaas.domain.financial.ports import (
    InvoiceRepository,
    LedgerRepository,
    NumberSequences,
    PaymentPosting,
    PaymentRepository,
    Settlement,
)


class PostingThroughRepositories(PaymentPosting):
    def __init__(
        self,
        invoices: InvoiceRepository,
        ledger: LedgerRepository,
        sequences: NumberSequences,
        payments: PaymentRepository,
    ) -> None:
        self._invoices, self._ledger, self._sequences, self._payments = invoices, ledger, sequences, payments

    async def settle(self, settlement: Settlement, receipt: Callable[[int], JournalEntry]) -> None:
        payment = settlement.payment
        org = payment.organization_id
        for invoice, version in settlement.paid_invoices:
            await self._invoices.update(invoice, expected_version=version)
        await self._ledger.prepare_accounts(org, settlement.accounts, settlement.at)
        seq = await self._sequences.next(org, "receipt", settlement.fiscal_year)  # the lock, held until the commit
        await self._ledger.post(receipt(seq))
        await self._payments.update(payment, expected_version=settlement.expected_version)
